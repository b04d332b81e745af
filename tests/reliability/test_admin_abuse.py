"""Abuse of the upload and knowledge-base handlers (called directly, as the web app calls them):
oversize, disallowed types, path traversal, too many files, changes without a login, guessing
the password, hostile feedback text. Each is refused with its reason and nothing changes."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from app.storage.database import open_database, sqlite_url
from app.storage.feedback import FeedbackStore
from app.web.ui.admin import KnowledgeBaseAdmin, LoginLimiter
from app.web.ui.text import TEXT
from tests.conftest import DATA
from tests.reliability.bad_inputs import TEXT_ZH

PASSWORD = "s3cret-pass"


def no_progress(*args, **kwargs):
    return None


class Upload(str):
    """What Gradio hands the handler: a temp file path with the browser's file name."""

    def __new__(cls, path: Path, orig_name: str):
        made = super().__new__(cls, str(path))
        made.orig_name = orig_name
        return made


@pytest.fixture
def admin(settings_for, embedder, tmp_path):
    from app.services import Services

    services = Services(settings_for("admin", admin_password=PASSWORD, max_upload_files=3, max_upload_mb=1,
                                     knowledge_dir=DATA / "no-such-folder"))
    services.__dict__["embedder"] = embedder
    clock = SimpleNamespace(now=1000.0)
    handlers = KnowledgeBaseAdmin(services, services.feedback,
                                  LoginLimiter(max_failures=5, window_s=60, clock=lambda: clock.now))
    handlers.clock = clock
    return handlers


def upload(tmp_path: Path, name: str, data: bytes) -> Upload:
    folder = tmp_path / "browser-temp" / f"u{len(list(tmp_path.glob('browser-temp/*')))}"
    folder.mkdir(parents=True)
    path = folder / "blob"
    path.write_bytes(data)
    return Upload(path, name)


def state(admin) -> tuple:
    """Everything a knowledge-base change could touch."""
    uploads = admin.settings.uploads_dir
    return (sorted((d.doc_id, d.chunks) for d in admin.services.store.documents()),
            sorted(p.name for p in uploads.rglob("*")) if uploads.exists() else [])


def test_changes_without_login_are_refused_and_change_nothing(admin, tmp_path):
    shutil.copy(DATA / "policy_sample.zh.md", tmp_path / "seed.md")
    admin.services.ingest([tmp_path / "seed.md"])
    before = state(admin)
    doc_id = before[0][0][0]
    good = upload(tmp_path, "new.md", ("# 新文档\n\n" + TEXT_ZH * 3).encode())
    attempts = [lambda flag: admin.ingest([good], flag, "en", progress=no_progress),
                lambda flag: admin.delete(doc_id, flag, "en"),
                lambda flag: admin.rebuild(flag, "en", progress=no_progress),
                lambda flag: admin.export_feedback(flag, "en")]
    refused = 0
    for attempt in attempts:
        for not_logged_in in (False, None, "true", 1):
            with pytest.raises(gr.Error, match="Log in as administrator"):
                attempt(not_logged_in)
            refused += 1
    assert state(admin) == before
    assert refused == 16
    # logged in, the same calls work: the refusals above were the login check, not a broken handler
    text, *_ = admin.ingest([good], True, "en", progress=no_progress)
    assert text.startswith("added     new.md")


def test_uploads_are_checked_before_anything_is_copied(admin, tmp_path):
    data_dir = admin.settings.data_dir
    good_text = ("# 设备联网\n\n" + TEXT_ZH * 3).encode()
    cases = {
        "tool.exe": "not allowed", "report.pdf.exe": "not allowed", "macro.docm": "not allowed",
        "noextension": "not allowed", "page.svg": "not allowed",
        "big.txt": "over the 1 MB limit", "empty.md": "the file is empty", "...": "no usable file name",
    }
    files = []
    for name in cases:
        data = b"x" * (1024 * 1024 + 1) if name == "big.txt" else b"" if name == "empty.md" else good_text
        files.append(upload(tmp_path, name, data))
    before = state(admin)
    refused_lines = []
    for f in files:  # one at a time: the count limit is 3
        text, *_ = admin.ingest([f], True, "en", progress=no_progress)
        refused_lines.append(text)
    for (name, reason), line in zip(cases.items(), refused_lines):
        assert line.startswith("refused   ") and reason in line and "\n" not in line, (name, line)
    assert state(admin) == before


def test_traversal_and_control_character_names_stay_inside_the_upload_folder(admin, tmp_path):
    uploads = admin.settings.uploads_dir
    names = ["../../../outside.md", "..\\..\\win-outside.md", "/etc/cron.d/abs.md", "sub/../../up.md",
             "bad\x1b[2Jname\n.md"]
    for i, name in enumerate(names):
        data = (f"# 文档{i}\n\n" + TEXT_ZH * (3 + i)).encode()
        text, *_ = admin.ingest([upload(tmp_path, name, data)], True, "en", progress=no_progress)
        assert text.startswith("added     "), text
        assert "\x1b" not in text and "\n" not in text
    assert sorted(p.name for p in uploads.iterdir()) == sorted(
        ["outside.md", "win-outside.md", "abs.md", "up.md", "bad_2Jname.md"])
    written = [p for root in (tmp_path, admin.settings.data_dir) for p in root.rglob("*.md")
               if "browser-temp" not in p.parts]
    assert written and all(p.parent == uploads for p in written)
    assert not Path("/etc/cron.d/abs.md").exists()


def test_too_many_files_at_once_are_refused_as_a_whole(admin, tmp_path):
    files = [upload(tmp_path, f"n{i}.md", (f"# 文档{i}\n\n" + TEXT_ZH * 3).encode()) for i in range(4)]
    before = state(admin)
    text, *_ = admin.ingest(files, True, "en", progress=no_progress)
    assert text == "refused   4 files at once, over the limit of 3 (max_upload_files); upload at most 3 at a time"
    assert state(admin) == before


def test_login_attempts_are_rate_limited_per_session(admin):
    alice, mallory = SimpleNamespace(session_hash="alice"), SimpleNamespace(session_hash="mallory")
    for _ in range(5):
        ok, message, *_ = admin.login("admin", "guess", "en", mallory)
        assert ok is False and message == TEXT["en"]["login_failed"]
    ok, message, *_ = admin.login("admin", PASSWORD, "en", mallory)  # even the right password now
    assert ok is False and message == TEXT["en"]["login_limited"].format(seconds=60)
    ok, *_ = admin.login("admin", PASSWORD, "en", alice)  # another session is not locked out
    assert ok is True
    admin.clock.now += 61
    ok, *_ = admin.login("admin", PASSWORD, "en", mallory)
    assert ok is True


def test_login_is_off_without_a_password(settings_for, tmp_path):
    from app.services import Services

    services = Services(settings_for("nopass"))
    handlers = KnowledgeBaseAdmin(services, services.feedback)
    ok, message, *_ = handlers.login("admin", "", "en", None)
    assert ok is False and message == TEXT["en"]["login_disabled"]


def test_feedback_text_is_stored_as_data(tmp_path):
    store = FeedbackStore(open_database(sqlite_url(tmp_path / "app.sqlite3")))
    answer = {"question": "<img src=x onerror=alert(1)>", "answer": "回答[1]", "citations": []}
    hostile = ["<script>alert('x')</script>", "'); DROP TABLE feedback; --", "\x00\x1b[2J", "长" * 5000]
    for comment in hostile:
        store.add(0, answer, comment)
    rows = store.rows()
    # NUL characters are dropped: PostgreSQL cannot store them, and both backends keep the same text
    assert [r["comment"] for r in rows] == [c.replace("\x00", "").strip()[:2000] for c in hostile]
    assert rows[0]["question"] == "<img src=x onerror=alert(1)>"
