"""Users, their roles and passwords (Argon2id), signed-in sessions and the throttling of failed
sign-ins. A session token and a password are never stored: only the token's SHA-256 and the
password's Argon2 hash."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from pwdlib import PasswordHash
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from app.storage.checks import clean_text
from app.storage.database import Database
from app.storage.errors import Duplicate, NotFound, StorageError
from app.storage.tables import Clock, LoginFailure, LoginSession, User, utc_now

ROLES = ("admin", "consultant", "member")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # Argon2 takes any length; a megabyte "password" should not cost a hash
NAME_PATTERN = re.compile(r"[\w.@+-]{1,64}")  # letters (Chinese too), digits and . @ + - _
# Without sign-in (no user defined, or auth off) the app is one local user: this account, made on first
# use with no password (UNUSABLE: no hash ever matches it), so that saved work has an owner. It does
# not count as a user (``count``), so it does not turn sign-in on; an admin can give it a password
# (``advisor user reset-password local``) to sign in as it and keep that work.
LOCAL_USER = "local"
LOCAL_ROLE = "consultant"  # the local user has client workspaces; knowledge-base admin stays behind its password
UNUSABLE = "!"


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class LoginThrottle:
    """How many failed sign-ins within ``window`` refuse the next ones, per user name and per address."""

    per_user: int = 5
    per_address: int = 20
    window: timedelta = timedelta(minutes=15)


class LoginFailed(StorageError):
    """Wrong user name or password (the message does not say which)."""


class LoginThrottled(StorageError):
    """Too many failed sign-ins lately; ``wait_s`` until the next try is counted again."""

    def __init__(self, wait_s: int):
        super().__init__(f"too many failed sign-ins; try again in {max(1, round(wait_s / 60))} min")
        self.wait_s = wait_s


def normalize_name(name: str) -> str:
    """A user name as stored: NFC, no surrounding space; refused when empty or with other characters."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not NAME_PATTERN.fullmatch(name):
        raise StorageError(f"user name {name!r} is not allowed: use 1 to 64 letters, digits or . @ + - _ "
                           "(no spaces)")
    return name


def typed_name(name: str) -> str:
    """A name to look up, normalised as stored names are. A NUL becomes U+FFFD, which no stored name
    holds (and PostgreSQL cannot compare a NUL at all)."""
    return unicodedata.normalize("NFC", (name or "").strip()).replace("\x00", "\ufffd")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise StorageError(f"role {role!r} is not one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if not password:
        raise StorageError("the password is empty")
    if len(password) < MIN_PASSWORD:
        raise StorageError(f"the password is too short: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise StorageError(f"the password is too long: at most {MAX_PASSWORD} characters")
    return password


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def account_of(user: User) -> Account:
    return Account(user.id, user.name, user.role, user.created_at)


class Accounts:
    def __init__(self, database: Database, session_hours: float = 12, throttle: LoginThrottle = LoginThrottle(),
                 hasher: PasswordHash | None = None, clock: Clock = utc_now):
        self.db = database
        self.session_length = timedelta(hours=session_hours)
        self.throttle = throttle
        self.hasher = hasher or PasswordHash.recommended()
        self.clock = clock
        self._dummy_hash: str | None = None

    @classmethod
    def from_settings(cls, database: Database, settings, **kwargs) -> "Accounts":
        throttle = LoginThrottle(settings.login_failures_per_user, settings.login_failures_per_address,
                                 timedelta(minutes=settings.login_failure_window_minutes))
        return cls(database, settings.session_hours, throttle, **kwargs)

    # ------------------------------------------------------------ users
    def add(self, name: str, password: str, role: str) -> Account:
        name, role = normalize_name(name), check_role(role)
        password_hash = self.hasher.hash(check_password(password))
        with self.db.sessions.begin() as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise Duplicate(f"user {name!r} already exists")
            user = User(name=name, role=role, password_hash=password_hash, created_at=self.clock())
            session.add(user)
            session.flush()
            return account_of(user)

    def get(self, name: str) -> Account:
        with self.db.sessions.begin() as session:
            return account_of(self._user(session, name))

    def exists(self, name: str) -> bool:
        with self.db.sessions.begin() as session:
            return session.scalar(select(User.id).where(User.name == typed_name(name))) is not None

    def by_id(self, user_id: int) -> Account:
        with self.db.sessions.begin() as session:
            user = session.get(User, user_id) if isinstance(user_id, int) else None
            if user is None:
                raise NotFound(f"no user with id {user_id}")
            return account_of(user)

    def list(self) -> list[Account]:
        with self.db.sessions.begin() as session:
            return [account_of(u) for u in session.scalars(select(User).order_by(User.name))]

    def count(self) -> int:
        """Users who can sign in (the local account without a password is not one)."""
        with self.db.sessions.begin() as session:
            return session.scalar(select(func.count()).select_from(User)
                                  .where(User.password_hash != UNUSABLE)) or 0

    def local(self) -> Account:
        """The local user of the app without sign-in (LOCAL_USER), made on first use."""
        for _ in range(2):  # two first requests at once: one adds it, the other finds it
            with self.db.sessions.begin() as session:
                user = session.scalar(select(User).where(User.name == LOCAL_USER))
                if user is not None:
                    return account_of(user)
            try:
                with self.db.sessions.begin() as session:
                    user = User(name=LOCAL_USER, role=LOCAL_ROLE, password_hash=UNUSABLE, created_at=self.clock())
                    session.add(user)
                    session.flush()
                    return account_of(user)
            except IntegrityError:
                continue
        raise StorageError("the local user could not be made")

    def remove(self, name: str) -> None:
        """Delete the user with their sessions, keys, conversations and clients; their feedback stays,
        without the user."""
        with self.db.sessions.begin() as session:
            session.delete(self._user(session, name))

    def set_password(self, name: str, password: str) -> None:
        """A new password; every session of the user ends (a reset often follows a leak)."""
        password_hash = self.hasher.hash(check_password(password))
        with self.db.sessions.begin() as session:
            user = self._user(session, name)
            user.password_hash = password_hash
            self._revoke_sessions(session, user.id)

    @staticmethod
    def _user(session, name: str) -> User:
        user = session.scalar(select(User).where(User.name == typed_name(name)))
        if user is None:
            raise NotFound(f"no user named {name!r}")
        return user

    # ------------------------------------------------------------ sign-in
    def login(self, name: str, password: str, address: str = "") -> tuple[Account, str]:
        """Check the password and start a session: (the account, the session token for the browser).
        Raises LoginThrottled, before any check, after too many recent failures; else LoginFailed."""
        name = typed_name(name)[:64]
        address = clean_text(address)[:64]
        now = self.clock()
        with self.db.sessions.begin() as session:
            self._check_throttle(session, name, address, now)
            user = session.scalar(select(User).where(User.name == name))
            user_id, stored = (user.id, user.password_hash) if user else (None, None)
            if stored == UNUSABLE:  # the local account before anyone gave it a password
                user_id, stored = None, None
        # Outside the transaction: a hash takes ~0.1 s and SQLite's write lock should not wait for it.
        # An unknown name costs a hash too, so that the time taken does not tell which names exist.
        ok, new_hash = self.hasher.verify_and_update(password or "", stored or self._dummy())
        with self.db.sessions.begin() as session:
            user = session.get(User, user_id) if user_id is not None and ok else None  # None: removed meanwhile
            if user is None:
                session.add(LoginFailure(user_name=name, address=address, at=now))
                session.execute(delete(LoginFailure).where(LoginFailure.at < now - self.throttle.window))
            else:
                if new_hash:  # the hash was made with weaker parameters than today's
                    user.password_hash = new_hash
                session.execute(delete(LoginFailure).where(LoginFailure.user_name == name))
                session.execute(delete(LoginSession).where(LoginSession.expires_at < now))  # no use kept
                token = secrets.token_urlsafe(32)
                session.add(LoginSession(token_hash=token_digest(token), user_id=user_id, address=address,
                                         created_at=now, expires_at=now + self.session_length))
                account = account_of(user)
        if user is None:  # raised after the commit, so that the failure counts
            raise LoginFailed("wrong user name or password")
        return account, token

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        return self._dummy_hash

    def _check_throttle(self, session, name: str, address: str, now: datetime) -> None:
        since = now - self.throttle.window
        for column, value, limit in ((LoginFailure.user_name, name, self.throttle.per_user),
                                     (LoginFailure.address, address, self.throttle.per_address)):
            if column is LoginFailure.address and not value:
                continue  # no address known: only the per-name count applies
            times = session.scalars(select(LoginFailure.at).where(column == value, LoginFailure.at >= since)
                                    .order_by(LoginFailure.at.desc()).limit(limit)).all()
            if len(times) >= limit:
                raise LoginThrottled(int((times[-1] + self.throttle.window - now).total_seconds()) + 1)

    def session_user(self, token: str) -> Account | None:
        """The signed-in account of a session token; None when unknown, expired or ended."""
        if not token:
            return None
        with self.db.sessions.begin() as session:
            row = session.scalar(select(LoginSession).where(LoginSession.token_hash == token_digest(token)))
            if row is None or row.revoked_at is not None or row.expires_at <= self.clock():
                return None
            return account_of(session.get(User, row.user_id))

    def logout(self, token: str) -> None:
        with self.db.sessions.begin() as session:
            session.execute(update(LoginSession).where(LoginSession.token_hash == token_digest(token or ""),
                                                       LoginSession.revoked_at.is_(None))
                            .values(revoked_at=self.clock()))

    def revoke_sessions(self, user_id: int) -> int:
        """End every session of the user (signed out everywhere); returns how many were open."""
        with self.db.sessions.begin() as session:
            return self._revoke_sessions(session, user_id)

    def _revoke_sessions(self, session, user_id: int) -> int:
        return session.execute(update(LoginSession).where(LoginSession.user_id == user_id,
                                                          LoginSession.revoked_at.is_(None))
                               .values(revoked_at=self.clock())).rowcount


def auth_required(settings, accounts: Accounts) -> bool:
    """Whether the app asks for a sign-in: ``auth`` on or off, or "auto": once any user exists."""
    if settings.auth == "auto":
        return accounts.count() > 0
    return settings.auth == "on"
