"""A question asking for a kind of fact the evidence does not hold (an amount, a payback period, a
deadline …) gets a plain "the sources give none" and where to verify, whatever the model says."""

from __future__ import annotations

from typing import Iterator

from app.answer.fact_kinds import answered_kinds
from app.answer.state import AnswerState, Event, Tools
from prompts import load_table


def find_gaps(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """Per ask (the whole question when it is one): the kinds it asks for that the best evidence
    does not hold. An ask whose every kind is missing is not given."""
    best = [u.text for u in state.units[:tools.policy.gap_units]]
    asks = [a.text for a in state.asks] if len(state.asks) > 1 else [state.request.question]
    for i, ask in enumerate(asks):
        answered = answered_kinds(ask, best, tools.policy.fact_kinds)
        missing = [k for k, ok in answered.items() if not ok]
        state.gaps += [k for k in missing if k not in state.gaps]
        if answered and len(missing) == len(answered) and len(asks) > 1:
            state.not_given.append(i)
    state.record("fact_gaps", ", ".join(state.gaps) or "none", asked=state.asked_kinds, asks_not_given=state.not_given)
    table = load_table("fact_gaps", state.lang)
    for kind in state.gaps:
        yield from state.say(table[kind]["gap"] + "\n\n")


def say_where_to_verify(state: AnswerState, tools: Tools) -> Iterator[Event]:
    table = load_table("fact_gaps", state.lang)
    for kind in state.gaps:
        yield from state.say("\n\n" + table[kind]["verify"])
