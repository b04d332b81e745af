"""Saved conversations: each belongs to one user (and optionally one of their clients) and keeps
every turn with its full answer JSON, and the documents its questions are limited to, so that a
conversation reopens exactly as it was answered and its follow-ups keep that scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, func, or_, select

from app.storage.database import Database
from app.storage.errors import StorageError
from app.storage.checks import clean_text, json_dict, owned
from app.storage.tables import Client, Clock, Conversation, Turn, utc_now

TITLE_CHARS = 80  # a title made from the first question; renames may use up to 200
MAX_TITLE = 200


@dataclass(frozen=True)
class ConversationInfo:
    id: int
    title: str
    client_id: int | None
    created_at: datetime
    updated_at: datetime
    turns: int
    documents: tuple[str, ...] = ()  # the doc ids its questions are limited to (empty: every document)


@dataclass(frozen=True)
class SavedTurn:
    position: int  # 1, 2, … in the order asked
    question: str
    answer: dict  # the answer JSON: answer, evidence, citations, verification …
    created_at: datetime


@dataclass(frozen=True)
class SavedConversation:
    info: ConversationInfo
    turns: list[SavedTurn]

    def to_json(self) -> dict:
        """The export: the conversation and its turns as plain JSON."""
        info = self.info
        return {"id": info.id, "title": info.title, "client_id": info.client_id, "documents": list(info.documents),
                "created_at": info.created_at.isoformat(), "updated_at": info.updated_at.isoformat(),
                "turns": [{"position": t.position, "question": t.question, "answer": t.answer,
                           "created_at": t.created_at.isoformat()} for t in self.turns]}


def title_from(question: str, limit: int = TITLE_CHARS) -> str:
    """One line, spaces collapsed, cut at ``limit`` characters with an ellipsis."""
    line = re.sub(r"\s+", " ", clean_text(question)).strip()
    return line if len(line) <= limit else line[:limit - 1].rstrip() + "…"


def _info(row: Conversation, turns: int) -> ConversationInfo:
    return ConversationInfo(row.id, row.title, row.client_id, row.created_at, row.updated_at, turns,
                            tuple(row.documents or ()))


def document_scope(documents) -> list[str]:
    """Doc ids as a conversation stores them: a list of non-empty strings, each once."""
    if not isinstance(documents, (list, tuple)) or not all(isinstance(d, str) and d.strip() for d in documents):
        raise StorageError("the documents must be a list of doc ids (strings)")
    return list(dict.fromkeys(d.strip() for d in documents))


class Conversations:
    def __init__(self, database: Database, clock: Clock = utc_now):
        self.db = database
        self.clock = clock

    def create(self, user_id: int, *, client_id: int | None = None, title: str = "") -> ConversationInfo:
        """An empty conversation; without a title it takes one from its first question."""
        now = self.clock()
        with self.db.sessions.begin() as session:
            if client_id is not None:
                owned(session, Client, client_id, user_id, "client")
            row = Conversation(user_id=user_id, client_id=client_id, title=title_from(title, MAX_TITLE),
                               created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            return _info(row, 0)

    def add_turn(self, user_id: int, conversation_id: int, question: str, answer: dict,
                 documents: list[str] | None = None) -> SavedTurn:
        """``documents``: the doc ids the question was limited to, kept as the conversation's scope for
        its follow-ups (empty: every document; None: the scope stays as it was)."""
        question = clean_text(question).strip()
        if not question:
            raise StorageError("the question is empty")
        answer = json_dict(answer, "the answer")
        scope = document_scope(documents) if documents is not None else None
        now = self.clock()
        with self.db.sessions.begin() as session:
            row = owned(session, Conversation, conversation_id, user_id, "conversation", for_update=True)
            if scope is not None:
                row.documents = scope
            position = (session.scalar(select(func.max(Turn.position)).where(Turn.conversation_id == row.id))
                        or 0) + 1
            session.add(Turn(conversation_id=row.id, position=position, question=question, answer=answer,
                             created_at=now))
            if not row.title:
                row.title = title_from(question)
            row.updated_at = now
            return SavedTurn(position, question, answer, now)

    def get(self, user_id: int, conversation_id: int) -> SavedConversation:
        with self.db.sessions.begin() as session:
            row = owned(session, Conversation, conversation_id, user_id, "conversation")
            turns = [SavedTurn(t.position, t.question, t.answer, t.created_at) for t in row.turns]
            return SavedConversation(_info(row, len(turns)), turns)

    def export(self, user_id: int, conversation_id: int) -> dict:
        return self.get(user_id, conversation_id).to_json()

    def list(self, user_id: int, search: str = "", *, client_id: int | None = None,
             limit: int = 200) -> list[ConversationInfo]:
        """The user's conversations, the most recently active first. ``search``: every word (split at
        spaces) must occur, in any case, in the title or in one of the questions."""
        turns = select(func.count(Turn.id)).where(Turn.conversation_id == Conversation.id).scalar_subquery()
        query = select(Conversation, turns).where(Conversation.user_id == user_id)
        if client_id is not None:
            query = query.where(Conversation.client_id == client_id)
        for word in (search or "").split()[:10]:
            in_questions = exists().where(Turn.conversation_id == Conversation.id,
                                          Turn.question.icontains(word, autoescape=True))
            query = query.where(or_(Conversation.title.icontains(word, autoescape=True), in_questions))
        query = query.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit)
        with self.db.sessions.begin() as session:
            return [_info(row, count) for row, count in session.execute(query)]

    def rename(self, user_id: int, conversation_id: int, title: str) -> ConversationInfo:
        title = title_from(title, MAX_TITLE)
        if not title:
            raise StorageError("the title is empty")
        with self.db.sessions.begin() as session:
            row = owned(session, Conversation, conversation_id, user_id, "conversation")
            row.title = title
            return _info(row, len(row.turns))

    def delete(self, user_id: int, conversation_id: int) -> None:
        """Delete the conversation and every turn of it (not a hidden flag: the rows are gone)."""
        with self.db.sessions.begin() as session:
            row = owned(session, Conversation, conversation_id, user_id, "conversation")
            session.execute(delete(Turn).where(Turn.conversation_id == row.id))
            session.delete(row)
