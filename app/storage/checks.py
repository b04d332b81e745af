"""What every repository checks. Ownership, the one rule for saved work: a user reaches only their
own rows; another user's row is "not found", with the same message as a row that does not exist,
so its existence never shows. And values that both backends store alike (JSON objects, text)."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.storage.errors import NotFound, StorageError

Row = TypeVar("Row")


def owned(session: Session, table: type[Row], row_id: int, user_id: int, what: str, *,
          for_update: bool = False) -> Row:
    """The row ``row_id`` of ``table`` when ``user_id`` owns it; NotFound otherwise."""
    row = None
    if isinstance(row_id, int) and not isinstance(row_id, bool):
        row = session.get(table, row_id, with_for_update=for_update)
    if row is None or row.user_id != user_id:
        raise NotFound(f"no {what} {row_id!r}")
    return row


def json_dict(value: Any, what: str) -> dict:
    """A dict that JSON can store as it is (no dates, sets or objects): a clear error now rather
    than a driver's error at commit."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StorageError(f"{what} must be a JSON object (a dict), not {type(value).__name__}")
    try:
        return json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise StorageError(f"{what} cannot be stored as JSON: {exc}") from None


def clean_text(value: str) -> str:
    """The text without NUL characters, which PostgreSQL cannot store in a text column (SQLite can):
    both backends keep the same."""
    return (value or "").replace("\x00", "")
