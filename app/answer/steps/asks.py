"""The question's asks (``app.answer.parts``): each is answered from its own evidence, or said to
be not given, so that one ask the sources cannot answer does not sink the others."""

from __future__ import annotations

from typing import Iterator

from app.answer.parts import split_parts
from app.answer.state import AnswerState, Event, Tools


def split_question(state: AnswerState, tools: Tools) -> Iterator[Event]:
    state.asks = split_parts(state.request.asked, tools.policy.part_min_chars)
    state.record("asks", f"{len(state.asks)} ask(s)", asks=[{"text": a.text, "kinds": list(a.kinds),
                                                           "shapes": list(a.shapes)} for a in state.asks])
    return iter(())
