"""Who sees which documents, where the index and the application database meet. A document an admin
or ``advisor ingest`` adds is shared; one a user uploads is theirs (and their client's, when added
in that client's workspace): stored private in the index (``origin`` "private"), then granted to
them by a row of app/storage/document_owners.py. A user's questions read the shared documents and
their own (``reader`` -> ``Advisor.for_reader``, app/answer/readers.py); a user deletes only their
own, an admin any; deleting a client or a user deletes their documents.

The order of every two-part change leaves at worst an orphan that nobody reads: an upload is stored
private before its row is written (a crash between: a private document nobody is granted); a
deletion removes the document from the index before its rows (a crash between: rows of a document
that is gone, which listings and searches never see, since both start from the index)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from app.answer.documents import PRIVATE_ORIGIN, Document, Library
from app.answer.readers import Reader
from app.storage.accounts import Account
from app.storage.document_owners import Ownership
from app.storage.uploads import AcceptedUpload
from ingest.pipeline import SAME_CONTENT, IngestResult

UPLOAD_SCHEME = "upload://"


@dataclass(frozen=True)
class ListedDocument:
    document: Document
    owners: tuple[Ownership, ...]  # who holds it (empty: shared, or a private document nobody holds)

    def to_json(self, *, for_admin: bool) -> dict:
        """As ``GET /v1/documents`` lists it: a user sees whether it is shared or theirs (and for
        which client); an admin also sees its source and every owner."""
        d = self.document
        row = {"doc_id": d.doc_id, "title": d.title, "file_name": d.file_name, "lang": d.lang,
               "ingested_at": d.added, "chunks": d.chunks, "origin": "starter" if not d.user else
               ("private" if d.private else "user"), "shared": not d.private}
        if for_admin:
            return dict(row, source=d.source, owners=[o.to_json() for o in self.owners])
        clients = sorted({o.client_name for o in self.owners if o.client_name})
        return dict(row, client=clients[0] if clients else None)


class DocumentAccess:
    def __init__(self, services, stores):
        """``services``: the index side (``library``, ``advisor``, ``pipeline``, ``ingest``, the
        retriever once loaded, ``settings``); ``stores``: the application database's repositories."""
        self.services = services
        self.stores = stores

    @property
    def owners(self):
        return self.stores.document_owners

    @property
    def library(self) -> Library:
        return self.services.library

    # ------------------------------------------------------------ reading
    def reader(self, account: Account, client_id: int | None = None) -> Reader:
        """The account as a reader, in ``client_id``'s workspace when given (a client of theirs:
        the caller checks; another's client grants nothing, its rows being another user's)."""
        return Reader(self.owners.readable_by(account.id, client_id))

    def library_for(self, reader: Reader) -> Library:
        return self.library.visible_to(reader.can_read)

    def advisor_for(self, reader: Reader):
        return self.services.advisor.for_reader(reader)

    def visible(self, account: Account, client_id: int | None = None) -> list[ListedDocument]:
        """The documents the account may read here, with the rows that make them theirs."""
        reader = self.reader(account, client_id)
        docs = self.library_for(reader).documents()
        mine = self.owners.of_user(account.id)
        held = {}
        for row in mine:
            if row.client_id is None or row.client_id == client_id:
                held.setdefault(row.doc_id, []).append(row)
        return [ListedDocument(d, tuple(held.get(d.doc_id, ()))) for d in docs]

    def own(self, account: Account, client_id: int | None = None) -> list[Document]:
        """The account's own documents here (theirs outside any client, and the client's), newest first."""
        return [item.document for item in self.visible(account, client_id) if item.document.private and item.owners]

    def everything(self) -> list[ListedDocument]:
        """Every document of the index with its owners: the admin's list."""
        docs = self.library.every_document()
        by_doc = self.owners.of_documents()
        return [ListedDocument(d, tuple(by_doc.get(d.doc_id, ()))) for d in docs]

    # ------------------------------------------------------------ adding
    def add(self, account: Account, uploads: list[AcceptedUpload], client_id: int | None = None, *,
            shared: bool = False, **ingest_options) -> list[IngestResult]:
        """Ingest accepted uploads: shared ones (an admin's) for everyone; else as the account's own,
        its client's when ``client_id`` is given (its uploads made with that owner's folder). The same
        bytes as a private document of someone else's read as ``added``: nothing tells another
        user's documents apart."""
        paths = [u.path for u in uploads]
        names = {u.path: u.source for u in uploads}
        if shared:
            return self.services.ingest(paths, source_names=names, **ingest_options)
        before = self.reader(account, client_id)
        results = self.services.ingest(paths, source_names=names, origin=PRIVATE_ORIGIN, **ingest_options)
        by_id = {d.doc_id: d for d in self.library.every_document()}
        out = []
        for result in results:
            doc = by_id.get(result.doc_id) if result.doc_id else None
            if doc is not None and doc.private and not before.can_read(doc):
                self.owners.claim(doc.doc_id, account.id, client_id)
                if result.status == "unchanged":  # someone else's copy: to this user it is a new document
                    result = replace(result, status="added", chunks=doc.chunks,
                                     warnings=[w for w in result.warnings if w != SAME_CONTENT])
            out.append(result)
        return out

    # ------------------------------------------------------------ deleting
    def remove_own(self, account: Account, name: str) -> list[str]:
        """Delete one of the account's own documents, named as ``--doc`` names one; another user's or
        a shared document is "unknown" (``DocumentError``), like a missing one. It leaves the index
        when nobody else holds it. Returns its doc id."""
        mine = {row.doc_id for row in self.owners.of_user(account.id)}
        doc = self.library.visible_to(lambda d: d.private and d.doc_id in mine).find(name)
        self._drop([doc.doc_id], keep_for=lambda row: row.user_id != account.id)
        self.owners.forget([doc.doc_id], account.id)
        return [doc.doc_id]

    def remove_any(self, name: str) -> list[str]:
        """An admin's delete: every document ``name`` matches (id, id prefix, file name or source),
        whoever holds it, then its rows."""
        removed = self.services.pipeline.remove(name)
        if removed:
            self._refresh()
            self.owners.forget(removed)
        return removed

    def delete_client(self, account: Account, client_id: int) -> None:
        """Delete the account's client with its documents (those nobody else holds leave the index
        first; the client's rows go with the client)."""
        self.stores.clients.get(account.id, client_id)  # NotFound for another's client
        rows = self.owners.of_user(account.id, client_id)
        self._drop([r.doc_id for r in rows],
                   keep_for=lambda row: row.user_id != account.id or row.client_id != client_id)
        self.stores.clients.delete(account.id, client_id)

    def delete_user(self, name: str) -> None:
        """Delete the user with everything theirs: their documents (those nobody else holds leave the
        index first), then the account with its sessions, keys, conversations, clients and rows."""
        account = self.stores.accounts.get(name)
        rows = self.owners.of_user(account.id)
        self._drop([r.doc_id for r in rows], keep_for=lambda row: row.user_id != account.id)
        self.stores.accounts.remove(name)

    def _drop(self, doc_ids: list[str], keep_for) -> None:
        """Remove from the index those of ``doc_ids`` that are private and held by no row that
        ``keep_for`` keeps (another user's, another client's), with their uploaded copies."""
        if not doc_ids:
            return  # nothing to drop: the index is not even opened
        by_doc = self.owners.of_documents(doc_ids)
        private = {d.doc_id: d for d in self.library.every_document() if d.private}
        dropped = [i for i in dict.fromkeys(doc_ids)
                   if i in private and not any(keep_for(row) for row in by_doc.get(i, ()))]
        for doc_id in dropped:
            self.services.pipeline.remove(doc_id)
            self._delete_copy(private[doc_id].source)
        if dropped:
            self._refresh()

    def _delete_copy(self, source: str) -> None:
        """The uploaded file a private document was read from, kept in the uploads folder."""
        if not source.startswith(UPLOAD_SCHEME):
            return
        uploads = Path(self.services.settings.uploads_dir).resolve()
        path = (uploads / source[len(UPLOAD_SCHEME):]).resolve()
        if path.is_relative_to(uploads) and path.is_file():
            path.unlink()

    def _refresh(self) -> None:
        """The lexical index follows the store now (when the retriever is loaded), not at the next question."""
        if "retriever" in getattr(self.services, "__dict__", {}):
            self.services.retriever.refresh()
