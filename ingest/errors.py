"""The one error a loader raises for a file it cannot use; its message is shown to the user as is."""


class UnreadableFile(Exception):
    """The file cannot be ingested; ``str(exc)`` says why in one plain sentence."""
