"""An answer limited to some documents says so first; a question whose name for a document fits
several asks which one instead of answering (``app.answer.documents``)."""

from __future__ import annotations

from typing import Iterator

from app.answer.documents import Named, scope_note, which_document
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
