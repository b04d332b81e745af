"""The one error a loader raises for a file it cannot use; its message is shown to the user as is."""


class UnreadableFile(Exception):
    """The file cannot be ingested; ``str(exc)`` says why in one plain sentence and ``kind`` names
    the reason (a key of ``ingest.refusal_text.REFUSALS``; empty for older call sites)."""

    def __init__(self, message: str, kind: str = ""):
        super().__init__(message)
        self.kind = kind
