import csv
import json
from datetime import date, datetime, timezone

import pytest

from app.storage.accounts import Accounts
from app.storage.database import open_database
from app.storage.errors import StorageError
from app.storage.feedback import FeedbackStore
from tests.app.storage.test_accounts import QUICK_HASH


def answer(question: str, *titles: str, language: str = "") -> dict:
    return {"question": question, "answer": f"answer to {question}", "language": language, "profile": None,
            "citations": [{"n": i + 1, "title": t, "source": f"{t}.pdf"} for i, t in enumerate(titles)]}


@pytest.fixture
def filled(db, clock):
    """Feedback from two users over three days."""
    accounts = Accounts(db, hasher=QUICK_HASH)
    alice, bob = accounts.add("alice", "password-a", "member"), accounts.add("bob", "password-b", "member")
    store = FeedbackStore(db, clock=clock)
    store.add(1, answer("什么是小快轻准？", "中小企业数字化转型指南", "中小企业数字化转型指南"), user_id=alice.id)
    clock.advance(days=1)
    store.add(-1, answer("How are city pilots funded?", "City pilot notice", language="en"), "wrong figure",
              user_id=bob.id)
    store.add(0, answer("评测分几级？", "评测指标"), "=HYPERLINK(\"http://x\")", user_id=alice.id)
    clock.advance(days=1)
    store.add(-1, answer("智能工厂分几级？", "智能制造能力成熟度模型", "评测指标"), "-1 level missing")
    return store, alice, bob


def test_rows_carry_the_user_and_the_cited_documents(filled):
    store, alice, bob = filled
    rows = store.rows()
    assert [(r["rating"], r["user"]) for r in rows] == [(1, "alice"), (-1, "bob"), (0, "alice"), (-1, None)]
    assert rows[0]["documents"] == ["中小企业数字化转型指南"]  # each document once
    assert rows[0]["language"] == "zh" and rows[1]["language"] == "en"
    assert rows[3]["documents"] == ["智能制造能力成熟度模型", "评测指标"]
    assert store.documents() == sorted({"中小企业数字化转型指南", "City pilot notice", "评测指标", "智能制造能力成熟度模型"})
    assert [r["id"] for r in store.rows(user_id=alice.id)] == [rows[0]["id"], rows[2]["id"]]


def test_feedback_is_filtered_by_dates_and_document(filled):
    store, *_ = filled
    questions = lambda **f: [r["question"] for r in store.rows(**f)]  # noqa: E731
    assert questions(since=date(2026, 3, 2), until=date(2026, 3, 2)) == ["How are city pilots funded?", "评测分几级？"]
    assert questions(since=date(2026, 3, 3)) == ["智能工厂分几级？"]
    assert questions(until=date(2026, 3, 1)) == ["什么是小快轻准？"]
    assert questions(since=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc),
                     until=datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)) == []  # a datetime is an instant
    assert questions(document="评测指标") == ["评测分几级？", "智能工厂分几级？"]
    assert questions(document="评测指标", since=date(2026, 3, 3)) == ["智能工厂分几级？"]
    assert questions(document="评测") == []  # a document's exact name


def test_csv_export_opens_in_a_spreadsheet_without_running_formulas(filled, tmp_path):
    store, *_ = filled
    assert store.export_csv(tmp_path / "fb.csv", since=date(2026, 3, 2)) == 3
    raw = (tmp_path / "fb.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the Chinese right
    with open(tmp_path / "fb.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["id", "created_at", "user", "rating", "comment", "question", "answer", "documents"]
    assert rows[1]["comment"] == "'=HYPERLINK(\"http://x\")" and rows[2]["comment"] == "'-1 level missing"
    assert rows[2]["documents"] == "智能制造能力成熟度模型; 评测指标" and rows[2]["user"] == ""
    assert rows[0]["rating"] == "-1"


def test_thumbs_down_answers_export_as_an_eval_question_file(filled, tmp_path):
    from eval.answers_eval import load_items

    store, *_ = filled
    path = tmp_path / "feedback-questions.jsonl"
    assert store.export_eval_questions(path) == 2
    items = load_items(path)  # what `advisor eval answers --questions` reads
    assert [(i.id, i.lang, i.turns, i.must_mention, i.answerable) for i in items] == [
        ("feedback-2", "en", ("How are city pilots funded?",), (), True),
        ("feedback-4", "zh", ("智能工厂分几级？",), (), True)]
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert first["comment"] == "wrong figure" and first["documents"] == ["City pilot notice"]
    assert store.export_eval_questions(tmp_path / "none.jsonl", document="中小企业数字化转型指南") == 0
    assert store.export_jsonl(tmp_path / "all.jsonl") == 4


def test_bad_feedback_is_refused_and_hostile_text_stored_as_data(db):
    store = FeedbackStore(db)
    with pytest.raises(StorageError, match="rating must be"):
        store.add(2, answer("q"))
    with pytest.raises(StorageError, match="needs the answer JSON with its question"):
        store.add(1, {"answer": "no question"})
    hostile = "'); DROP TABLE feedback; -- \x00\x1b[2J <script>"
    store.add(0, answer(hostile, hostile), hostile * 200)
    row = store.rows()[0]
    assert row["question"] == hostile.replace("\x00", "") and len(row["comment"]) == 2000
    assert store.rows(document=hostile.replace("\x00", "").strip())[0]["id"] == row["id"]


def test_feedback_outlives_its_user(filled, db):
    store, alice, _ = filled
    Accounts(db, hasher=QUICK_HASH).remove("alice")
    rows = store.rows()
    assert len(rows) == 4 and rows[0]["user"] is None and rows[0]["user_id"] is None


def test_the_feedback_file_of_earlier_versions_is_moved_in_once(tmp_path, backend):
    import sqlite3

    legacy = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(legacy) as old:  # the schema of app/storage/feedback.py before the app database
        old.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, "
                    "rating INTEGER NOT NULL, comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, "
                    "answer TEXT NOT NULL, citations TEXT NOT NULL, profile TEXT)")
        old.execute("INSERT INTO feedback (created_at, rating, comment, question, answer, citations, profile) "
                    "VALUES ('2025-11-02T08:00:00+00:00', -1, '不对', '问题？', '回答', ?, ?)",
                    (json.dumps([{"n": 1, "title": "指南"}]), json.dumps({"tier": "sme"})))
    old.close()
    database = open_database(backend.url)
    store = FeedbackStore(database)
    assert store.import_legacy(legacy) == 1 and store.import_legacy(legacy) == 0
    assert not legacy.exists() and (tmp_path / "feedback.sqlite3.imported").exists()
    row = store.rows()[0]
    assert (row["rating"], row["comment"], row["documents"], row["profile"]) == (-1, "不对", ["指南"], {"tier": "sme"})
    assert row["created_at"] == "2025-11-02T08:00:00+00:00"
    database.close()
