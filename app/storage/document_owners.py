"""Who owns which private document: a user's upload is theirs, and their client's when they added it
in that client's workspace. The index marks such a document private; these rows say who may read
it (``readable_by``) and whose it is to delete. Everything else in the index is shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from sqlalchemy import delete, or_, select

from app.storage.checks import owned
from app.storage.database import Database
from app.storage.tables import Client, Clock, DocumentOwner, User, utc_now


@dataclass(frozen=True)
class Ownership:
    doc_id: str
    user_id: int
    user_name: str
    client_id: int | None  # None: the user's own, outside any client workspace
    client_name: str
    added_at: datetime

    def to_json(self) -> dict:
        return {"user": self.user_name, "client": self.client_name or None, "added": self.added_at.isoformat()}


def _ownership_query():
    return (select(DocumentOwner, User.name, Client.name)
            .join(User, User.id == DocumentOwner.user_id)
            .outerjoin(Client, Client.id == DocumentOwner.client_id)
            .order_by(DocumentOwner.added_at, DocumentOwner.id))


class DocumentOwners:
    def __init__(self, database: Database, clock: Clock = utc_now):
        self.db = database
        self.clock = clock

    def claim(self, doc_id: str, user_id: int, client_id: int | None = None) -> None:
        """The document is the user's (in ``client_id``'s workspace when given: a client of theirs,
        else NotFound); claiming it twice changes nothing."""
        with self.db.sessions.begin() as session:
            if client_id is not None:
                owned(session, Client, client_id, user_id, "client")
            taken = session.scalar(select(DocumentOwner.id).where(
                DocumentOwner.doc_id == doc_id, DocumentOwner.user_id == user_id,
                DocumentOwner.client_id.is_(None) if client_id is None else DocumentOwner.client_id == client_id))
            if taken is None:
                session.add(DocumentOwner(doc_id=doc_id, user_id=user_id, client_id=client_id, added_at=self.clock()))

    def readable_by(self, user_id: int, client_id: int | None = None) -> frozenset[str]:
        """The private documents the user may read: their own outside any client, and those of
        ``client_id`` when that client's workspace is the active one (one indexed query a question)."""
        query = select(DocumentOwner.doc_id).where(DocumentOwner.user_id == user_id)
        if client_id is None:
            query = query.where(DocumentOwner.client_id.is_(None))
        else:
            query = query.where(or_(DocumentOwner.client_id.is_(None), DocumentOwner.client_id == client_id))
        with self.db.sessions.begin() as session:
            return frozenset(session.scalars(query))

    def of_user(self, user_id: int, client_id: int | None = None) -> list[Ownership]:
        """The user's rows (of one client of theirs when ``client_id`` is given), the oldest first."""
        query = _ownership_query().where(DocumentOwner.user_id == user_id)
        if client_id is not None:
            query = query.where(DocumentOwner.client_id == client_id)
        return self._read(query)

    def of_documents(self, doc_ids: Iterable[str] | None = None) -> dict[str, list[Ownership]]:
        """Every row of these documents (None: of all), by doc id."""
        query = _ownership_query()
        if doc_ids is not None:
            query = query.where(DocumentOwner.doc_id.in_(sorted(set(doc_ids))))
        by_doc: dict[str, list[Ownership]] = {}
        for row in self._read(query):
            by_doc.setdefault(row.doc_id, []).append(row)
        return by_doc

    def forget(self, doc_ids: Iterable[str], user_id: int | None = None) -> None:
        """Delete the rows of these documents (only the user's when ``user_id`` is given)."""
        ids = sorted(set(doc_ids))
        if not ids:
            return
        query = delete(DocumentOwner).where(DocumentOwner.doc_id.in_(ids))
        if user_id is not None:
            query = query.where(DocumentOwner.user_id == user_id)
        with self.db.sessions.begin() as session:
            session.execute(query)

    def _read(self, query) -> list[Ownership]:
        with self.db.sessions.begin() as session:
            return [Ownership(row.doc_id, row.user_id, user_name, row.client_id, client_name or "", row.added_at)
                    for row, user_name, client_name in session.execute(query)]
