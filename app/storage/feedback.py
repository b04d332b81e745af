"""Thumbs up/down and comments on answers, with the question, answer, cited documents and the
user who gave them, in the application database. Exported for the administrator as JSONL or CSV,
and the thumbs-down answers as a question file for ``advisor eval answers --questions``."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import exists, select

from app.storage.checks import clean_text
from ingest.language import detect_language
from app.storage.database import Database
from app.storage.errors import StorageError
from app.storage.tables import Clock, Feedback, FeedbackDocument, User, utc_now

MAX_COMMENT = 2000
CSV_COLUMNS = ("id", "created_at", "user", "rating", "comment", "question", "answer", "documents")
# A CSV cell starting with one of these is a formula to Excel or LibreOffice: a comment must stay text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cited_documents(citations: list) -> list[str]:
    """The names of the cited documents (their titles, else their sources), each once, in order."""
    names: list[str] = []
    for citation in citations or []:
        if isinstance(citation, dict):
            name = clean_text(str(citation.get("title") or citation.get("source") or "")).strip()[:500]
            if name and name not in names:
                names.append(name)
    return names


def _bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC: a date counts whole (``until`` included), a datetime as it is."""
    def moment(value: date, next_day: bool) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return datetime.combine(value + timedelta(days=next_day), time.min, timezone.utc)
    return (moment(since, False) if since else None,
            moment(until, not isinstance(until, datetime)) if until else None)


def _cell(value):
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


class FeedbackStore:
    def __init__(self, database: Database, clock: Clock = utc_now):
        self.db = database
        self.clock = clock

    def add(self, rating: int, answer: dict, comment: str = "", user_id: int | None = None) -> int:
        """Store feedback on one answer (the answer JSON of ``Advisor.ask``); returns its id."""
        if rating not in (-1, 0, 1) or isinstance(rating, bool):
            raise StorageError("rating must be -1 (down), 0 (comment only) or 1 (up)")
        if not isinstance(answer, dict) or not answer.get("question"):
            raise StorageError("feedback needs the answer JSON with its question")
        citations = [c for c in answer.get("citations") or [] if isinstance(c, dict)]
        question = clean_text(str(answer["question"]))
        language = clean_text(str(answer.get("language") or "")) or detect_language(question)
        with self.db.sessions.begin() as session:
            row = Feedback(created_at=self.clock(), user_id=user_id, rating=rating,
                           comment=clean_text(comment).strip()[:MAX_COMMENT], question=question,
                           answer=clean_text(str(answer.get("answer", ""))), language=language[:8], citations=citations,
                           profile=answer.get("profile"),
                           documents=[FeedbackDocument(name=n) for n in cited_documents(citations)])
            session.add(row)
            session.flush()
            return row.id

    def rows(self, *, user_id: int | None = None, since: date | None = None, until: date | None = None,
             document: str | None = None, rating: int | None = None) -> list[dict]:
        """Feedback, oldest first: everyone's (what the administrator sees) or one user's, within the
        dates (UTC, both included), on answers citing ``document`` (its exact name), of one rating."""
        start, end = _bounds(since, until)
        query = select(Feedback, User.name).outerjoin(User, User.id == Feedback.user_id).order_by(Feedback.id)
        if user_id is not None:
            query = query.where(Feedback.user_id == user_id)
        if start is not None:
            query = query.where(Feedback.created_at >= start)
        if end is not None:
            query = query.where(Feedback.created_at < end)
        if document:
            query = query.where(exists().where(FeedbackDocument.feedback_id == Feedback.id,
                                               FeedbackDocument.name == document))
        if rating is not None:
            query = query.where(Feedback.rating == rating)
        with self.db.sessions.begin() as session:
            return [{"id": row.id, "created_at": row.created_at.isoformat(timespec="seconds"),
                     "user_id": row.user_id, "user": name, "rating": row.rating, "comment": row.comment,
                     "question": row.question, "answer": row.answer, "language": row.language,
                     "citations": row.citations, "profile": row.profile,
                     "documents": [d.name for d in row.documents]}
                    for row, name in session.execute(query)]

    def documents(self) -> list[str]:
        """Every document name feedback was given on, to filter by."""
        with self.db.sessions.begin() as session:
            return list(session.scalars(select(FeedbackDocument.name).distinct().order_by(FeedbackDocument.name)))

    def export_jsonl(self, path: Path, **filters) -> int:
        """Every row as one JSON line (filters as for ``rows``); returns how many."""
        return self._write(path, [json.dumps(row, ensure_ascii=False) for row in self.rows(**filters)])

    def export_csv(self, path: Path, **filters) -> int:
        """A spreadsheet of the feedback (UTF-8 with a BOM, so that Excel shows Chinese); cells that a
        spreadsheet would run as formulas are kept as text."""
        rows = self.rows(**filters)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(CSV_COLUMNS)
            for row in rows:
                row = dict(row, documents="; ".join(row["documents"]), user=row["user"] or "")
                writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
        return len(rows)

    def export_eval_questions(self, path: Path, **filters) -> int:
        """Each thumbs-down answer as a question for ``advisor eval answers --questions``, with an empty
        ``must_mention`` for the administrator to fill in (and ``answerable`` to correct when the
        right answer is a refusal); the comment, the answer given and its documents come along."""
        lines = [json.dumps({"id": f"feedback-{row['id']}", "lang": row["language"], "question": row["question"],
                             "must_mention": [], "answerable": True, "source": f"feedback #{row['id']}",
                             "comment": row["comment"], "answer_given": row["answer"],
                             "documents": row["documents"]}, ensure_ascii=False)
                 for row in self.rows(**filters, rating=-1)]
        return self._write(path, lines)

    @staticmethod
    def _write(path: Path, lines: list[str]) -> int:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return len(lines)

    def import_legacy(self, path: Path) -> int:
        """Move the rows of the feedback file of earlier versions (``feedback.sqlite3``) into this
        database, once: the file is renamed ``….imported`` after. Returns the rows moved."""
        if not path.is_file():
            return 0
        try:
            with sqlite3.connect(path) as old:
                old.row_factory = sqlite3.Row
                rows = old.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot read the earlier feedback file {path}: {exc}") from None
        with self.db.sessions.begin() as session:
            for r in rows:
                citations = json.loads(r["citations"] or "[]")
                at = datetime.fromisoformat(r["created_at"])
                session.add(Feedback(created_at=at if at.tzinfo else at.replace(tzinfo=timezone.utc),
                                     rating=r["rating"], comment=r["comment"], question=r["question"],
                                     answer=r["answer"], language=detect_language(r["question"]),
                                     citations=citations, profile=json.loads(r["profile"] or "null"),
                                     documents=[FeedbackDocument(name=n) for n in cited_documents(citations)]))
        path.rename(path.with_name(path.name + ".imported"))
        return len(rows)
