"""Who a question is answered for, and so which documents it may read: every shared document (the
starter knowledge base, what an admin or ``advisor ingest`` added) and the reader's own private
ones — those they uploaded for themselves and, in a client's workspace, those uploaded for that
client. Never another user's, never another client's. Every answer for a user (chat, the API, plan
drafts, self-check advice) goes through ``Advisor.for_reader``, which applies this in one place:
names resolve among the readable documents only, and the search is limited to them. Who holds
which private document is kept in the application database (app/storage/document_owners.py)."""

from __future__ import annotations

from dataclasses import dataclass

from app.answer.documents import Document

# A search limited to this id finds nothing: no document has it (doc ids are hex digests). The
# retriever reads an empty filter as "every document", so a reader with nothing to read gets this.
NO_DOCUMENT = ""


@dataclass(frozen=True)
class Reader:
    own: frozenset[str] = frozenset()  # the private documents granted to this reader here

    def can_read(self, doc: Document) -> bool:
        return not doc.private or doc.doc_id in self.own


def search_filter(documents: list[Document], reader: Reader) -> tuple[str, ...] | None:
    """The doc ids a reader's search is limited to, out of every document of the index; None while
    the index holds no private document (the search is then exactly an open one). Once it holds one,
    every reader's search lists what it may read, so that a private document added meanwhile by
    someone else is outside the list, never inside."""
    if not any(d.private for d in documents):
        return None
    return tuple(d.doc_id for d in documents if reader.can_read(d)) or (NO_DOCUMENT,)
