"""The knowledge-base tab's handlers: login (rate-limited), upload and ingest (shared documents, for
everyone), delete (any document), rebuild, feedback review and export. Every change needs an admin:
with sign-in on, the signed-in account's role (read again at each call); without sign-in, this
tab's own login (``admin_password``).
Without one a handler refuses before it touches anything. Kept apart from the layout so they can
be called (and tested) without building the app."""

from __future__ import annotations

import hmac
import tempfile
import threading
import time
from collections import defaultdict, deque
from datetime import date
from pathlib import Path

import gradio as gr

from app.storage.feedback import FeedbackStore
from app.services import Services
from app.web.ui.text import TEXT
from app.storage.uploads import UploadRejected, accept_upload, check_upload_count
from app.web.auth import SignInNeeded


def accept_files(files, settings, folder: str = "") -> tuple[list[str], list]:
    """The files of an upload box checked (their number, each one's type, size and name) and copied
    into the uploads folder (``folder``: the owner's, "" for shared ones): a line for each refused
    one, and the accepted ones."""
    files = list(files or [])
    lines, accepted = [], []
    try:
        check_upload_count(len(files), settings.max_upload_files)
    except UploadRejected as exc:
        return [f"refused   {exc}"], []
    for f in files:
        original = getattr(f, "orig_name", None) or Path(str(f)).name
        try:
            accepted.append(accept_upload(Path(str(f)), original, settings.uploads_dir, settings.max_upload_mb, folder))
        except UploadRejected as exc:
            lines.append(f"refused   {exc}")
    return lines, accepted


def ingest_progress(progress, lang: str) -> dict:
    """An ingest's progress callbacks for Gradio's progress bar (text, then OCR pages)."""
    progress(0, desc="ingest")
    return {"on_progress": lambda done, total: progress((done, total), desc="ingest", unit="chars"),
            "on_ocr_progress": OcrProgress(progress, TEXT[lang]["ocr_progress"])}


class OcrProgress:
    """Pages of a file read by OCR, on the upload's progress bar, with the time left estimated from
    the pages read so far (a scan takes seconds a page)."""

    def __init__(self, progress, wording: str, clock=time.monotonic):
        self.progress, self.wording, self.clock = progress, wording, clock
        self.started = clock()

    def __call__(self, name: str, done: int, total: int) -> None:
        if done == 0:
            self.started = self.clock()
        per_page = (self.clock() - self.started) / done if done else None
        eta = f"{per_page * (total - done):.0f} s" if per_page is not None else "…"
        self.progress((done, total), desc=self.wording.format(name=name, done=done, total=total, eta=eta),
                      unit="pages")


class LoginLimiter:
    """At most ``max_failures`` failed logins per ``window_s`` for one key (a browser session);
    after that every attempt, right or wrong, is refused until the oldest failure ages out."""

    def __init__(self, max_failures: int = 5, window_s: float = 60.0, clock=time.monotonic):
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait_s(self, key: str) -> int:
        """Seconds until ``key`` may try again; 0 when it may now."""
        with self._lock:
            failures = self._failures[key]
            now = self.clock()
            while failures and now - failures[0] >= self.window_s:
                failures.popleft()
            if len(failures) < self.max_failures:
                return 0
            return max(1, int(failures[0] + self.window_s - now + 0.999))

    def failed(self, key: str) -> None:
        with self._lock:
            self._failures[key].append(self.clock())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def session_key(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "no-session"


class KnowledgeBaseAdmin:
    def __init__(self, services: Services, feedback: FeedbackStore, limiter: LoginLimiter | None = None,
                 auth=None, documents=None):
        self.services = services
        self.settings = services.settings
        self.feedback = feedback
        self.limiter = limiter or LoginLimiter()
        self.auth = auth  # app/web/auth.py WebAuth, or a callable giving it; None: no accounts (the tab's login only)
        self._documents = documents  # app/document_access.py DocumentAccess; None: the services' own

    @property
    def documents(self):
        return self._documents if self._documents is not None else self.services.document_access

    def _auth(self):
        return self.auth() if callable(self.auth) else self.auth

    def _signin_on(self) -> bool:
        auth = self._auth()
        return auth is not None and auth.required()

    # --- login
    def login(self, user, password, lang, request: gr.Request = None):
        """-> (is_admin, status message, admin panel update, document table update)."""
        settings = self.settings
        if self._signin_on():  # accounts decide who is an admin; the shared password is not used
            return False, TEXT[lang]["admin_signin"], gr.update(visible=False), gr.skip()
        secret = settings.admin_password.get_secret_value() if settings.admin_password else ""
        if not secret:
            return False, TEXT[lang]["login_disabled"], gr.update(visible=False), gr.skip()
        key = session_key(request)
        wait = self.limiter.wait_s(key)
        if wait:
            return False, TEXT[lang]["login_limited"].format(seconds=wait), gr.update(visible=False), gr.skip()
        ok = hmac.compare_digest((user or "").encode(), settings.admin_user.encode()) & \
            hmac.compare_digest((password or "").encode(), secret.encode())  # & : both compared, always
        if not ok:
            self.limiter.failed(key)
            return False, TEXT[lang]["login_failed"], gr.update(visible=False), gr.skip()
        self.limiter.succeeded(key)
        return True, TEXT[lang]["logged_in"], gr.update(visible=True), self.document_table(lang)[0]

    @staticmethod
    def logout():
        return False, "", gr.update(visible=False)

    def _require_admin(self, is_admin, lang, request=None) -> None:
        """With sign-in on: the account of this event must be an admin now; else this session must
        have logged in to the tab."""
        if self._signin_on():
            try:
                account = self._auth().account_named(getattr(request, "username", None))
            except SignInNeeded:
                raise gr.Error(TEXT[lang]["ws_signin"]) from None
            if not account.is_admin:
                raise gr.Error(TEXT[lang]["login_required"])
            return
        if is_admin is not True:
            raise gr.Error(TEXT[lang]["login_required"])

    # --- the knowledge base
    def document_table(self, lang):
        docs = sorted(self.services.store.documents(), key=lambda d: d.ingested_at, reverse=True)  # newest first
        rows = [[d.doc_id[:12], d.title, d.file_name, d.chunks, d.ingested_at[:19]] for d in docs]
        choices = [(f"{d.title} [{d.file_name}]", d.doc_id) for d in docs]
        return gr.update(value=rows, headers=TEXT[lang]["cols"]), gr.update(choices=choices, value=None)

    def ingest(self, files, is_admin, lang, progress=gr.Progress(), request: gr.Request = None):
        self._require_admin(is_admin, lang, request)
        lines, accepted = accept_files(files, self.settings)
        if accepted:
            results = self.services.ingest([a.path for a in accepted], source_names={a.path: a.source for a in accepted},
                                           **ingest_progress(progress, lang))
            lines += [r.line() for r in results]
        table, choices = self.document_table(lang)
        return "\n".join(lines), table, choices, None

    def delete(self, doc_id, is_admin, lang, request: gr.Request = None):
        self._require_admin(is_admin, lang, request)
        message = ""
        if doc_id:
            removed = self.documents.remove_any(doc_id)  # whoever holds it: its rows go too
            self.services.retriever.refresh()
            message = f"removed {', '.join(d[:12] for d in removed)}" if removed else "nothing removed"
        table, choices = self.document_table(lang)
        return message, table, choices

    def rebuild(self, is_admin, lang, progress=gr.Progress(), request: gr.Request = None):
        self._require_admin(is_admin, lang, request)
        pipeline = self.services.pipeline
        removed = pipeline.repair()
        chunks = self.services.reembed_all(lambda done, total: progress(done / total, desc="re-embedding"))
        self.services.retriever.refresh()
        table, choices = self.document_table(lang)
        return f"rebuilt: {chunks} chunks re-embedded, {len(removed)} broken or stale versions removed", table, choices

    def export_feedback(self, is_admin, lang, request: gr.Request = None):
        self._require_admin(is_admin, lang, request)
        path = Path(tempfile.mkdtemp(prefix="feedback-")) / "feedback.jsonl"
        self.feedback.export_jsonl(path)
        return str(path)

    # --- feedback review: the thumbs-down answers, by date and document
    def _filters(self, since, until, document, lang) -> dict:
        try:
            return {"since": date.fromisoformat(since.strip()) if (since or "").strip() else None,
                    "until": date.fromisoformat(until.strip()) if (until or "").strip() else None,
                    "document": document or None}
        except ValueError:
            raise gr.Error(TEXT[lang]["fb_bad_date"]) from None

    def feedback_table(self, since, until, document, is_admin, lang, request: gr.Request = None):
        """-> (the thumbs-down rows, newest first: time, user, question, answer, sources, comment;
        the document filter's choices)."""
        self._require_admin(is_admin, lang, request)
        rows = self.feedback.rows(rating=-1, **self._filters(since, until, document, lang))
        table = [[r["created_at"].replace("T", " "), r["user"] or "", r["question"], r["answer"],
                  "; ".join(r["documents"]), r["comment"]] for r in reversed(rows)]
        return (gr.update(value=table, headers=TEXT[lang]["fb_cols"]),
                gr.update(choices=[""] + self.feedback.documents(), value=document or ""))

    def feedback_file(self, kind, since, until, document, is_admin, lang, request: gr.Request = None):
        """The feedback as CSV (everything within the filters), or the thumbs-down answers as an eval
        question file for ``advisor eval answers --questions``."""
        self._require_admin(is_admin, lang, request)
        filters = self._filters(since, until, document, lang)
        folder = Path(tempfile.mkdtemp(prefix="feedback-"))
        if kind == "csv":
            path = folder / "feedback.csv"
            self.feedback.export_csv(path, **filters)
        else:
            path = folder / "feedback-questions.jsonl"
            self.feedback.export_eval_questions(path, **filters)
        return str(path)
