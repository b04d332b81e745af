import json

import pytest

from app.storage.database import open_database, sqlite_url
from app.storage.errors import StorageError
from app.storage.feedback import FeedbackStore
from app.storage.uploads import UploadRejected, accept_upload, safe_name


def test_safe_names_keep_chinese_and_drop_paths():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("C:\\Users\\me\\政策 解读.PDF") == "政策 解读.pdf"
    assert safe_name("a;rm -rf $HOME`.md") == "a_rm -rf _HOME_.md"
    assert len(safe_name("长" * 500 + ".docx")) <= 120
    with pytest.raises(UploadRejected):
        safe_name("...")


def test_upload_checks_type_size_and_emptiness(tmp_path):
    good = tmp_path / "tmp1"
    good.write_text("中小企业数字化转型。" * 10, encoding="utf-8")
    accepted = accept_upload(good, "../notes.txt", tmp_path / "uploads", max_mb=1)
    assert accepted.path == tmp_path / "uploads" / "notes.txt" and accepted.source == "upload://notes.txt"
    with pytest.raises(UploadRejected, match="not allowed"):
        accept_upload(good, "tool.exe", tmp_path / "uploads", max_mb=1)
    big = tmp_path / "tmp2"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(UploadRejected, match="over the 1 MB limit"):
        accept_upload(big, "big.txt", tmp_path / "uploads", max_mb=1)
    empty = tmp_path / "tmp3"
    empty.write_bytes(b"")
    with pytest.raises(UploadRejected, match="empty"):
        accept_upload(empty, "e.pdf", tmp_path / "uploads", max_mb=1)


def test_feedback_is_stored_and_exported(tmp_path):
    store = FeedbackStore(open_database(sqlite_url(tmp_path / "app.sqlite3")))
    answer = {"question": "问题？", "answer": "回答[1]。", "citations": [{"n": 1, "title": "指南"}], "profile": {"tier": "sme"}}
    store.add(1, answer)
    store.add(-1, answer, comment="引用不对")
    with pytest.raises(StorageError, match="rating must be"):
        store.add(5, answer)
    rows = store.rows()
    assert [r["rating"] for r in rows] == [1, -1] and rows[1]["comment"] == "引用不对"
    assert rows[0]["citations"][0]["title"] == "指南" and rows[0]["profile"] == {"tier": "sme"}
    assert store.export_jsonl(tmp_path / "out.jsonl") == 2
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["question"] == "问题？"


def test_the_upload_shows_ocr_progress_in_pages_with_the_time_left():
    from app.web.ui.admin import OcrProgress
    from app.web.ui.text import TEXT

    calls, now = [], [100.0]
    progress = OcrProgress(lambda value, desc, unit: calls.append((value, desc, unit)), TEXT["en"]["ocr_progress"],
                           clock=lambda: now[0])
    progress("scan.pdf", 0, 4)
    now[0] += 6.0
    progress("scan.pdf", 2, 4)
    assert calls == [((0, 4), "OCR scan.pdf: page 0/4, about … left", "pages"),
                     ((2, 4), "OCR scan.pdf: page 2/4, about 6 s left", "pages")]
