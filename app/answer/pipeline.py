"""The grounded answer as an ordered list of steps. Chat answers, plan sections and self-check
advice differ by the steps they run (and their prompts), not by flags:

scope → retrieve → coverage → topic → assumed profile → not covered → fact gaps → generate and verify
→ quote what was left out → fallback → where to verify, then always decide → finish.

Each step is ``step(state, tools) -> events`` (``app.answer.steps``); a step that gives the whole
answer (out of scope, not covered) sets ``state.finished`` and the answer steps after it do not run.
``decide`` alone turns the recorded outcomes into a refusal and its reason."""

from __future__ import annotations

from typing import Callable, Iterator

from app.answer.state import AnswerState, Event, Tools
from app.answer.steps import coverage, decide, fact_gaps, finish, generate, notes, quotes, retrieve, scope

Step = Callable[[AnswerState, Tools], Iterator[Event]]

CHAT: tuple[Step, ...] = (
    scope.check_scope, retrieve.retrieve, coverage.by_retrieval, coverage.by_topic, notes.assumed_profile,
    coverage.say_not_covered, fact_gaps.find_gaps, generate.generate, quotes.quote_left_out, quotes.fallback,
    fact_gaps.say_where_to_verify)
# A plan section or a self-check priority is asked by the app, not the user: no scope check; its
# topic is set by the app; it keeps its own structure and cites its sources in it (no added quotes).
SECTION: tuple[Step, ...] = (
    retrieve.retrieve, coverage.by_retrieval, notes.assumed_profile, coverage.say_not_covered, fact_gaps.find_gaps,
    generate.generate, quotes.fallback, fact_gaps.say_where_to_verify)
CLOSING: tuple[Step, ...] = (decide.decide, finish.finish)


def run(steps: tuple[Step, ...], state: AnswerState, tools: Tools) -> Iterator[Event]:
    for step in steps:
        if state.finished:
            break
        yield from step(state, tools)
    for step in CLOSING:
        yield from step(state, tools)
