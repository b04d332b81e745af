"""What the question takes for granted about a document (its edition, its issuer) is looked up in
the sources first (``app.answer.named``); one they contradict is said at the top, and the lead's
prompt carries it, so nothing is answered about an edition that does not exist as if it did."""

from __future__ import annotations

from typing import Iterator

from app.answer.named import edition_problems, issuer_problems
from app.answer.state import AnswerState, Event, Tools
from prompts import load_table


def check_premises(state: AnswerState, tools: Tools) -> Iterator[Event]:
    p = tools.policy
    texts = [s.text for s in state.sources]
    titled = [(s.metadata.get("title", ""), s.metadata.get("issuer", "")) for s in state.sources]
    problems = edition_problems(state.request.question, texts, p.premise_subject_share) \
        + issuer_problems(state.request.question, titled, p.premise_title_share)
    notes = load_table("answer_notes", state.lang)
    joined = "、" if state.lang == "zh" else " and "
    state.premise_notes = [notes[f"premise_{x.kind}"].format(subject=x.subject, asked=x.asked,
                                                             found=x.found.replace("、", joined)) for x in problems]
    state.record("premises", "; ".join(f"{x.kind}: {x.asked} not {x.found}" for x in problems) or "none")
    for note in state.premise_notes:
        yield from state.say(note + "\n\n")
