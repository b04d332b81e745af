"""What the storage API raises for a caller's mistake, so that the CLI and the web layer can answer
it plainly (``error: …``, HTTP 404/400) without knowing the database."""

from __future__ import annotations


class StorageError(ValueError):
    """Bad input to the storage API; the message says what and why."""


class NotFound(StorageError, LookupError):
    """No such row for this user. Another user's conversation, client or plan raises this too, with
    the same message: its existence is never revealed."""


class Duplicate(StorageError):
    """The name is taken (a user name, a client name of the same consultant)."""
