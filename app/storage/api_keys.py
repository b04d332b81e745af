"""Per-user keys for the HTTP API. A key is shown once, when it is made; the database keeps its
SHA-256 (a key is 256 random bits: no slow hash needed) and a short prefix to tell keys apart.
A revoked key stops working at the next request: every lookup reads the database."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.storage.accounts import Account, account_of, token_digest
from app.storage.checks import clean_text
from app.storage.database import Database
from app.storage.errors import NotFound, StorageError
from app.storage.tables import ApiKey, Clock, User, utc_now

KEY_MARK = "ta_"  # tells an advisor key apart from other secrets (and in secret scanners)
PREFIX_CHARS = 8  # random characters after the mark that are kept to show the key
LAST_USED_STEP = timedelta(minutes=1)  # "last used" is that precise: no write on every request


@dataclass(frozen=True)
class ApiKeyInfo:
    id: int
    prefix: str  # e.g. "ta_Xy3k9QpZ", enough to recognise the key, useless to use it
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class NewApiKey:
    info: ApiKeyInfo
    key: str  # the whole key: shown to the user once, never stored


def _info(row: ApiKey) -> ApiKeyInfo:
    return ApiKeyInfo(row.id, row.prefix, row.label, row.created_at, row.last_used_at, row.revoked_at)


class ApiKeys:
    def __init__(self, database: Database, clock: Clock = utc_now):
        self.db = database
        self.clock = clock

    def create(self, user_id: int, label: str = "") -> NewApiKey:
        key = KEY_MARK + secrets.token_urlsafe(32)
        with self.db.sessions.begin() as session:
            if session.get(User, user_id) is None:
                raise NotFound(f"no user with id {user_id}")
            row = ApiKey(user_id=user_id, prefix=key[:len(KEY_MARK) + PREFIX_CHARS], key_hash=token_digest(key),
                         label=clean_text(label).strip()[:100], created_at=self.clock())
            session.add(row)
            session.flush()
            return NewApiKey(_info(row), key)

    def list(self, user_id: int) -> list[ApiKeyInfo]:
        with self.db.sessions.begin() as session:
            rows = session.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id))
            return [_info(r) for r in rows]

    def revoke(self, user_id: int, prefix_or_id: str | int) -> ApiKeyInfo:
        """Revoke one of the user's keys, named by its id or its displayed prefix (or the start of it,
        when only one key has it). Another user's key is "not found"."""
        wanted = clean_text(str(prefix_or_id)).strip()
        with self.db.sessions.begin() as session:
            query = select(ApiKey).where(ApiKey.user_id == user_id)
            if wanted.isdigit():
                rows = session.scalars(query.where(ApiKey.id == int(wanted))).all()
            elif wanted.startswith(KEY_MARK) and len(wanted) >= len(KEY_MARK) + 2:
                rows = session.scalars(query.where(ApiKey.prefix.startswith(wanted, autoescape=True))).all()
            else:
                raise StorageError(f"{wanted!r} is too short to name a key: give its id or its prefix "
                                   f"(e.g. {KEY_MARK}Xy3k9QpZ)")
            if not rows:
                raise NotFound(f"no API key {wanted!r} for this user")
            if len(rows) > 1:
                raise StorageError(f"{wanted!r} matches {len(rows)} keys: give the key's id "
                                   f"({', '.join(str(r.id) for r in rows)})")
            row = rows[0]
            if row.revoked_at is None:
                row.revoked_at = self.clock()
            return _info(row)

    def user_for_key(self, key: str) -> Account | None:
        """The account a key belongs to; None for an unknown or revoked key."""
        if not key or not key.startswith(KEY_MARK):
            return None
        with self.db.sessions.begin() as session:
            row = session.scalar(select(ApiKey).where(ApiKey.key_hash == token_digest(key)))
            if row is None or row.revoked_at is not None:
                return None
            now = self.clock()
            if row.last_used_at is None or now - row.last_used_at > LAST_USED_STEP:
                row.last_used_at = now
            return account_of(session.get(User, row.user_id))
