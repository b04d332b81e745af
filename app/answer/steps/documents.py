"""An answer limited to some documents says so first; a question whose name for a document fits
several asks which one instead of answering; a question that describes one of the user's documents
by its title's words (in its own language or, once translated for the search, in the document's)
is limited to it (``app.answer.documents``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from app.answer.documents import Named, described_by, scope_note, which_document
from app.answer.state import AnswerState, Event, Tools


def scope_documents(state: AnswerState, tools: Tools) -> Iterator[Event]:
    req = state.request
    if req.document_choices:
        state.finished = True
        state.record("documents", f"asked which of {len(req.document_choices)} documents",
                     choices=[d.doc_id for d in req.document_choices])
        yield Event("sources", contexts=[], sources=[], search_query=req.search_query)
        yield Event("evidence", evidence=[])
        yield from state.say(which_document(Named(choices=req.document_choices, name=req.document_name), state.lang))
        return
    if req.documents:
        state.record("documents", f"limited to {len(req.documents)} document(s)", doc_ids=req.doc_ids,
                     **({"named": req.document_name} if req.document_name else {}))
        yield from state.say(scope_note(req.documents, state.lang) + "\n\n")


def scope_described(state: AnswerState, tools: Tools) -> Iterator[Event]:
    req = state.request
    if req.documents or not req.describable:
        return
    doc = described_by([req.question, req.asked, *state.search_also], req.describable,
                       tools.policy.described_title_share, tools.policy.described_kind_only_share)
    if doc is None:
        return
    state.request = replace(req, documents=(doc,), document_name=doc.title)
    state.record("documents", "limited to the document the question describes", doc_ids=[doc.doc_id],
                 described=doc.title)
    yield from state.say(scope_note((doc,), state.lang) + "\n\n")
