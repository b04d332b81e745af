"""Thumbs up/down and comments on answers, kept locally in SQLite with the question, answer and
citations, exportable as JSONL for the evaluation tools."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 0, 1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    profile TEXT
)
"""


class FeedbackStore:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, rating: int, answer: dict, comment: str = "") -> int:
        """Store feedback on one answer (the answer JSON of ``Advisor.ask``); returns its id."""
        if rating not in (-1, 0, 1):
            raise ValueError("rating must be -1 (down), 0 (comment only) or 1 (up)")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, citations, profile) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (datetime.now(timezone.utc).isoformat(timespec="seconds"), rating, comment.strip()[:2000],
                 answer["question"], answer["answer"], json.dumps(answer.get("citations", []), ensure_ascii=False),
                 json.dumps(answer.get("profile"), ensure_ascii=False)))
            return int(cursor.lastrowid)

    def rows(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM feedback ORDER BY id").fetchall()
        return [dict(r, citations=json.loads(r["citations"]), profile=json.loads(r["profile"] or "null")) for r in rows]

    def export_jsonl(self, path: Path) -> int:
        rows = self.rows()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return len(rows)
