"""A question asking for a kind of fact the evidence does not hold (an amount, a payback period, a
deadline …) gets a plain "the sources give none" and where to verify, whatever the model says."""

from __future__ import annotations

from typing import Iterator

from app.answer.fact_kinds import answered_kinds
from app.answer.state import AnswerState, Event, Tools
from prompts import load_table


def find_gaps(state: AnswerState, tools: Tools) -> Iterator[Event]:
    best = [u.text for u in state.units[:tools.policy.gap_units]]
    state.gaps = [k for k, ok in answered_kinds(state.request.question, best, tools.policy.fact_kinds).items() if not ok]
    state.record("fact_gaps", ", ".join(state.gaps) or "none", asked=state.asked_kinds)
    table = load_table("fact_gaps", state.lang)
    for kind in state.gaps:
        yield from state.say(table[kind]["gap"] + "\n\n")


def say_where_to_verify(state: AnswerState, tools: Tools) -> Iterator[Event]:
    table = load_table("fact_gaps", state.lang)
    for kind in state.gaps:
        yield from state.say("\n\n" + table[kind]["verify"])
