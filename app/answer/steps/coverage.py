"""Do the sources speak of what is asked? Retrieval's floors decide first; then some evidence
sentence must name the question's subject. When not, the answer is a refusal without the model."""

from __future__ import annotations

from typing import Iterator

from app.answer.documents import nothing_in
from app.answer.relevance import names_subject
from app.answer.state import AnswerState, Event, Tools
from prompts import load_prompt, refusal_with


def by_retrieval(state: AnswerState, tools: Tools) -> Iterator[Event]:
    state.covered = bool(state.retrieval and state.retrieval.covered and state.sources)
    state.record("coverage", "covered" if state.covered else "below the retrieval floors")
    return iter(())


def by_topic(state: AnswerState, tools: Tools) -> Iterator[Event]:
    if state.covered:
        req = state.request
        # the question's words, and its wording in the language of documents with no translation
        state.covered = names_subject(state.units, " ".join([req.asked, req.search_query, *state.search_also]))
        state.record("topic", "named" if state.covered else "no evidence sentence names the subject")
    return iter(())


def say_not_covered(state: AnswerState, tools: Tools) -> Iterator[Event]:
    if not state.covered:
        state.finished = True
        documents = state.request.documents
        more = nothing_in(documents, state.lang) if documents else load_prompt("not_covered", state.lang).text
        yield from state.say(refusal_with(state.lang, more))
