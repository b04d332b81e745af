"""A plan section or self-check advice none of whose sentences held: the evidence quoted instead
(when it answers) or a refusal."""

from __future__ import annotations

from typing import Iterator

from app.answer.quoting import quote_lines, worth_quoting
from app.answer.relevance import clearly_answers, on_topic
from app.answer.state import AnswerState, Event, Tools
from prompts import load_table, refusal_with


def fallback(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """Nothing the model wrote held: quote the evidence when it clearly answers (the model's refusal
    was wrong) or when the model tried and every sentence failed its check but the evidence is
    about the question; else refuse. A fact gap has already been stated."""
    if state.kept or state.gaps:
        return
    asked, p = state.request.asked, tools.policy
    held_refusal = bool(state.stream and state.stream.held_refusal)
    notes = load_table("answer_notes", state.lang)
    if clearly_answers(state.units, state.asked_kinds, asked, p) or (not held_refusal and on_topic(state.units, asked, p)):
        state.extractive = True
        state.extract = worth_quoting(state.units, asked, state.asked_kinds, policy=p) \
            or sorted(state.units, key=lambda u: -u.score)[:1]
        state.record("fallback", f"quoted {len(state.extract)} evidence sentences instead")
        yield from state.say(notes["extractive"] + "\n" + quote_lines(state.extract))
    else:
        state.record("fallback", "refused: the evidence does not clearly answer")
        yield from state.say(refusal_with(state.lang, notes["refusal_verify"]))
