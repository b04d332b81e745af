"""The model answers from the evidence sentences; every sentence it writes is verified against
the source it cites before the user sees it (``app.answer.stream``), so the ``token`` events carry
only verified text."""

from __future__ import annotations

import contextlib
from typing import Iterator

from app.answer.state import AnswerState, Event, Tools
from app.answer.stream import SentenceStream
from prompts import format_evidence, format_source, load_table, render_answer
from retrieval.evidence import EvidenceUnit
from retrieval.hybrid import Source


def generate(state: AnswerState, tools: Tools) -> Iterator[Event]:
    req = state.request
    shown = [format_source(i, s.text, s.metadata) for i, s in enumerate(state.sources, start=1)]
    state.stream = SentenceStream(shown, req.known_text, req.premise, tuple(state.gaps), tools.policy.verification)
    messages = [{"role": "system", "content": tools.system_prompt}, {"role": "user", "content": user_message(state)}]
    limit = req.max_tokens or tools.policy.max_new_tokens
    produced = 0
    with contextlib.closing(iter(tools.generator.stream(messages, limit))) as pieces:
        for piece in pieces:
            produced += 1  # llama.cpp and OpenAI-style servers stream about one token a piece
            yield from state.say(state.stream.feed(piece))
    state.stream.truncated = produced >= limit - 1
    yield from state.say(state.stream.feed("", final=True))
    decisions = [c.decision for c in state.stream.checks]
    state.record("generate", f"kept {state.stream.kept} of {len(decisions)} sentences",
                 removed=decisions.count("removed"), refused_first=state.stream.refused_first)


def user_message(state: AnswerState) -> str:
    """The prompt's user turn: the request's own prompt (plan sections, self-check advice) or the
    answer prompt, with the evidence blocks and what to say of the facts the evidence lacks."""
    req = state.request
    blocks = evidence_blocks(state.sources, state.units)
    table = load_table("fact_gaps", state.lang)
    gap_line = " ".join(table[k]["instruction"] for k in state.gaps)
    if req.prompt:
        return req.prompt(blocks, gap_line)
    return render_answer(state.lang, req.asked, blocks, profile=state.profile.describe(state.lang) if state.profile else "",
                         history=req.history, gap=gap_line)


def evidence_blocks(sources: list[Source], units: list[EvidenceUnit]) -> list[str]:
    """One block per source: its header, then its evidence sentences in document order."""
    blocks = []
    for i, s in enumerate(sources):
        mine = sorted((u for u in units if u.source_index == i), key=lambda u: u.position)
        blocks.append(format_evidence(i + 1, s.metadata, [u.text for u in mine]))
    return blocks
