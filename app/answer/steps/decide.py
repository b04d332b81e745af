"""The one refusal decision: read the outcomes the earlier steps recorded and say whether the
answer is a refusal, and why (``refusal_reason``)."""

from __future__ import annotations

from typing import Iterator

from app.answer.fact_kinds import NOT_GIVEN
from app.answer.quoting import quote_lines
from app.answer.state import AnswerState, Event, Tools

def refusal_reason(state: AnswerState, tools: Tools) -> str | None:
    """None when the user got an answer."""
    stream = state.stream
    if state.out_of_scope:
        return "out_of_scope"
    if not state.covered:
        return "not_covered"
    if state.gaps:  # the kind of fact asked for is not in the sources, whatever else is said
        return "fact_gap:" + ",".join(state.gaps)
    if state.extractive:  # the quoted evidence itself says the sources do not give it
        return "sources_say_not_given" if NOT_GIVEN.search(quote_lines(state.extract)) else None
    if state.kept == 0:
        return "model_refused" if stream and stream.refused_first else "nothing_verified"
    # an answer that opens with a refusal and keeps a sentence or so (nothing quoted) is a refusal
    if stream and stream.refused_first and state.kept <= tools.policy.refusal_max_kept and not state.quoted:
        return "model_refused"
    return None


def decide(state: AnswerState, tools: Tools) -> Iterator[Event]:
    state.refusal_reason = refusal_reason(state, tools)
    state.refused = state.refusal_reason is not None
    state.record("decide", state.refusal_reason or "answered")
    return iter(())
