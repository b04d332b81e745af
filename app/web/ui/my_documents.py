"""The chat page's own documents: a user uploads files for themselves (in a client's workspace: for
that client), finds them in the document picker beside the shared ones, and deletes them. The user
is the event's (gr.Request.username), never anything the page sends; the picker lists only what
that user may read here (app/document_access.py). Kept apart from the layout so the handlers can be
called and tested without the Blocks."""

from __future__ import annotations


import gradio as gr

from app.answer.documents import DocumentError
from app.answer.readers import Reader
from app.document_access import DocumentAccess
from app.storage.accounts import Account
from app.storage.errors import NotFound
from app.storage.uploads import owner_folder
from app.web.ui.admin import accept_files, ingest_progress
from app.web.ui.text import TEXT
from app.web.ui.workspace import Workspace, client_id_of


class MyDocuments:
    def __init__(self, access: DocumentAccess, workspace: Workspace, settings):
        self.access = access
        self.workspace = workspace
        self.settings = settings

    def _client(self, account: Account, client_id, lang: str) -> int | None:
        """The current client, when it is the account's (the page's state says which)."""
        client_id = client_id_of(client_id)
        if client_id is not None:
            try:
                self.workspace.clients.get(account.id, client_id)
            except NotFound:
                raise gr.Error(TEXT[lang]["cl_not_found"]) from None
        return client_id

    def reader(self, client_id, lang: str, request) -> Reader:
        """The user of the event as a reader, in the current client's workspace."""
        account = self.workspace.user(request, lang)
        return self.access.reader(account, self._client(account, client_id, lang))

    # ------------------------------------------------------------ lists
    def picker(self, selected, client_id, request: gr.Request = None):
        """The document picker: what the user may read here (their own, newest first, then the shared
        ones); picks of documents removed meanwhile, or not readable here, are dropped."""
        docs = self.access.library_for(self.reader(client_id, "zh", request)).documents()
        ids = {d.doc_id for d in docs}
        return gr.update(choices=[(d.label, d.doc_id) for d in docs], value=[i for i in selected or [] if i in ids])

    def own_choices(self, client_id, lang, request: gr.Request = None):
        """The user's own documents here, to delete."""
        account = self.workspace.user(request, lang)
        docs = self.access.own(account, self._client(account, client_id, lang))
        return gr.update(choices=[(d.label, d.doc_id) for d in docs], value=None)

    # ------------------------------------------------------------ changes
    def upload_own(self, files, client_id, lang, progress=gr.Progress(), request: gr.Request = None):
        """Ingest the files as the user's own (the current client's, in its workspace).
        -> (one line per file, the own-documents list, the file box cleared)."""
        account = self.workspace.user(request, lang)
        client = self._client(account, client_id, lang)
        lines, accepted = accept_files(files, self.settings, owner_folder(account.id, client))
        if accepted:
            results = self.access.add(account, accepted, client, **ingest_progress(progress, lang))
            lines += [r.line() for r in results]
        return "\n".join(lines), self.own_choices(client_id, lang, request), None

    def delete_own(self, doc_id, client_id, lang, request: gr.Request = None):
        """Delete one of the user's own documents. -> (status, the own-documents list)."""
        account = self.workspace.user(request, lang)
        if not doc_id:
            return TEXT[lang]["my_none"], gr.skip()
        title = next((d.title for d in self.access.own(account, self._client(account, client_id, lang))
                      if d.doc_id == doc_id), doc_id)
        try:
            self.access.remove_own(account, str(doc_id))
        except DocumentError:
            return TEXT[lang]["my_not_found"], self.own_choices(client_id, lang, request)
        return TEXT[lang]["my_deleted"].format(title=title), self.own_choices(client_id, lang, request)
