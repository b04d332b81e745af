"""The one refusal decision: read the outcomes the earlier steps recorded and say whether the
answer is a refusal, and why (``refusal_reason``)."""

from __future__ import annotations

from typing import Iterator

from app.answer.fact_kinds import NOT_GIVEN, says_not_given
from app.answer.state import AnswerState, Event, Tools
from app.answer.verification import SHOWN
from retrieval.evidence import word_share


def refusal_reason(state: AnswerState, tools: Tools) -> str | None:
    """None when the user got an answer: some ask answered by the lead or the evidence."""
    stream = state.stream
    if state.out_of_scope:
        return "out_of_scope"
    if state.request.document_choices:  # the question's document is unclear: it asked which
        return "which_document"
    if not state.covered:
        return "not_covered"
    answered = bool(state.kept or state.body)
    if state.gaps and not (answered and len(state.asks) > len(state.not_given) > 0):
        return "fact_gap:" + ",".join(state.gaps)  # the kind of fact asked for is not in the sources
    if state.extractive:  # the quoted evidence itself says the sources do not give it
        # every sentence shown says so, or the model refused and the one closest to the question says so
        said = [says_not_given(line.text) for line in state.body]
        # the model's refusal counts only when no ask is known not to be given: else that ask explains it
        refused = bool(stream and stream.refused_first) and not state.not_given
        closest = max(state.body, key=lambda line: word_share(state.request.asked, line.text, specific=True),
                      default=None)
        corroborated = refused and closest is not None and says_not_given(closest.text)
        return "sources_say_not_given" if said and (all(said) or corroborated) and not state.kept else None
    if not answered:
        return "model_refused" if stream and stream.refused_first else "nothing_verified"
    # one ask, and all the lead says, verified against its source, is that the sources do not give it
    said = [c.sentence for c in (stream.checks if stream else []) if c.decision in SHOWN]
    if len(state.asks) <= 1 and said and all(NOT_GIVEN.search(s) for s in said):
        return "sources_say_not_given"
    # an answer that opens with a refusal and keeps a sentence or so (no evidence shown) is a refusal
    if stream and stream.refused_first and state.kept <= tools.policy.refusal_max_kept and not state.body:
        return "model_refused"
    return None


def decide(state: AnswerState, tools: Tools) -> Iterator[Event]:
    state.refusal_reason = refusal_reason(state, tools)
    state.refused = state.refusal_reason is not None
    state.record("decide", state.refusal_reason or "answered")
    return iter(())
