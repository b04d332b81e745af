"""The application database's tables, in one place: users and their sign-in records, API keys,
conversations, client workspaces with their plan drafts, who owns which private document, and
feedback. The repositories (accounts.py, api_keys.py, conversations.py, clients.py,
document_owners.py, feedback.py) are the only code that uses them; ``database.py`` creates them and
keeps the schema version."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

Clock = Callable[[], datetime]  # aware UTC; tests pass their own to move time (expiry, throttling)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Aware UTC datetimes in and out, stored without a zone: SQLite keeps no zone, and comparing
    naive with aware values is an error in Python."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class SchemaVersion(Base):
    """One row: the last schema step applied (database.py)."""

    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


# ---------------------------------------------------------------- accounts
class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # admin | consultant | member
    password_hash: Mapped[str] = mapped_column(String(255))  # Argon2id, with its parameters and salt
    created_at: Mapped[datetime]
    # deleted with the user by ON DELETE CASCADE (database.py switches SQLite's foreign keys on)
    sessions: Mapped[list[LoginSession]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    api_keys: Mapped[list[ApiKey]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    conversations: Mapped[list[Conversation]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    clients: Mapped[list[Client]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class LoginSession(Base):
    """A signed-in browser. The token itself is only ever in the browser; this is its SHA-256."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginFailure(Base):
    """One failed sign-in, counted per user name and per address to slow down password guessing."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class ApiKey(Base):
    """A user's key for the HTTP API: its SHA-256 and a short prefix to tell keys apart."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


# ---------------------------------------------------------------- saved work
class Client(Base):
    """A consultant's client enterprise: its profile, self-check and plan drafts."""

    __tablename__ = "clients"
    __table_args__ = (UniqueConstraint("user_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]]
    selfcheck_answers: Mapped[dict[str, Any]]
    selfcheck_results: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    plans: Mapped[list[PlanDraft]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                  order_by="PlanDraft.version")


class PlanDraft(Base):
    """One saved version of a client's plan; a save adds a version, none is overwritten."""

    __tablename__ = "plan_drafts"
    __table_args__ = (UniqueConstraint("client_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    plan: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_user_updated", "user_id", "updated_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    documents: Mapped[list[Any] | None]  # the doc ids its questions are limited to (None or empty: all)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    turns: Mapped[list[Turn]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                             order_by="Turn.position")


class Turn(Base):
    """A question and the full answer JSON (answer, evidence, citations, verification …)."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("conversation_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    position: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class DocumentOwner(Base):
    """A private document (a user's upload; ``origin`` "private" on its chunks in the index) granted
    to the user who added it, and to one of their clients when added in that client's workspace. A
    private document nobody holds a row for is nobody's to read (admins still list and delete it).
    Several rows for one document: the same bytes uploaded by several users (its doc id is their hash)."""

    __tablename__ = "document_owners"
    __table_args__ = (Index("ix_document_owners_user_client", "user_id", "client_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(64), index=True)
    # deleted with the user or the client (ON DELETE CASCADE): the document then reads as nobody's
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime]


# ---------------------------------------------------------------- feedback
class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    rating: Mapped[int]  # -1 down, 0 comment only, 1 up
    comment: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="")
    citations: Mapped[list[Any]]
    profile: Mapped[dict[str, Any] | None]
    documents: Mapped[list[FeedbackDocument]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                             order_by="FeedbackDocument.id")


class FeedbackDocument(Base):
    """A document the rated answer cited, by name: a row each, so that feedback can be filtered by
    document in plain SQL on both backends."""

    __tablename__ = "feedback_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(500), index=True)
