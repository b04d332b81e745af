"""Requests outside transformation advice get a short statement of what the advisor does."""

from __future__ import annotations

from typing import Iterator

from app.answer.scope import out_of_scope
from app.answer.state import AnswerState, Event, Tools
from prompts import load_prompt


def check_scope(state: AnswerState, tools: Tools) -> Iterator[Event]:
    req = state.request
    if not out_of_scope(req.question, own_documents=any(d.user for d in req.documents)):
        state.record("scope", "in scope")
        return
    state.out_of_scope = state.finished = True
    state.record("scope", "out of scope")
    yield Event("sources", contexts=[], sources=[], search_query=req.search_query)
    yield Event("evidence", evidence=[])
    yield from state.say(load_prompt("scope", state.lang).text)
