"""The model writes only the lead: one or two plain sentences that answer each ask, from the
evidence that follows them. Every sentence is verified against the source it cites before the user
sees it (``app.answer.stream``: terms, figures, scope, modality and subject); a source sentence the
lead already says is not shown again below it (``app.answer.steps.body``). When no sentence holds, the evidence is shown on
its own (when it answers) or the answer is a refusal."""

from __future__ import annotations

import contextlib
from typing import Iterator

from app.answer.composition import contained, same_line, subject_words
from app.answer.documents import from_user, nothing_in
from app.answer.relevance import clearly_answers
from app.answer.state import AnswerState, Event, Tools
from app.answer.steps.generate import evidence_blocks
from app.answer.stream import SentenceStream
from ingest.language import detect_language
from ingest.text import share
from retrieval.evidence import word_share
from prompts import format_source, load_table, refusal_with, render_lead


def write_lead(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """A chat answer's lead; when none of it holds, the evidence alone if it answers, else a refusal."""
    yield from _lead(state, tools)
    if not state.stream.kept:
        yield from without_lead(state, tools)


def write_section_lead(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """A plan section's lead: the evidence for the step is the section's content, so when no
    sentence of the lead holds the evidence stands on its own."""
    yield from _lead(state, tools)
    if not state.stream.kept and state.body:
        state.extractive, state.extract = True, [line.unit for line in state.body]
        state.record("without_lead", f"the {len(state.body)} source sentences on their own")


def _lead(state: AnswerState, tools: Tools) -> Iterator[Event]:
    req, p = state.request, tools.policy
    units = [line.unit for line in state.body] or state.units[:p.min_evidence]  # (the pool is wide)
    shown = [format_source(i, s.text, s.metadata) for i, s in enumerate(state.sources, start=1)]
    longest = p.lead_sentence_chars_zh if state.lang == "zh" else p.lead_sentence_chars_en
    body = [line.text for line in state.body]

    def said_elsewhere(sentence: str) -> bool:
        """By a body line below it; or before this answer (a plan's earlier section), when the body
        gives the section content of its own."""
        return any(says_less(sentence, b, p) for b in body) \
            or bool(body) and any(same_line(sentence, b, p) for b in req.shown_before)

    state.stream = SentenceStream(shown, req.known_text, req.premise, tuple(state.gaps), p.verification, prose=True,
                                  max_chars=longest, said_below=said_elsewhere)
    messages = [{"role": "system", "content": tools.system_prompt}, {"role": "user", "content": lead_message(state, units)}]
    produced, limit = 0, min(req.max_tokens or p.max_new_tokens, p.lead_tokens)
    with contextlib.closing(iter(tools.generator.stream(messages, limit))) as pieces:
        for piece in pieces:
            produced += 1
            yield from state.say(state.stream.feed(piece))
            if state.stream.kept >= p.lead_sentences:
                break
    state.stream.truncated = produced >= limit - 1
    yield from state.say(state.stream.feed("", final=True))
    decisions = [c.decision for c in state.stream.checks]
    state.record("lead", f"kept {state.stream.kept} of {len(decisions)} sentences",
                 removed=decisions.count("removed"), refused_first=state.stream.refused_first)


def says_less(sentence: str, line: str, policy) -> bool:
    """The lead's sentence lies inside a body line that says more: the line stays, the sentence goes
    (a sentence the line lies inside, a copy, stays: the line is not shown again below it)."""
    return contained(sentence, line, policy, policy.lead_repeat_share) and not contained(line, sentence, policy)


def lead_message(state: AnswerState, units) -> str:
    req = state.request
    table = load_table("fact_gaps", state.lang)
    gap_line = " ".join([table[k]["instruction"] for k in state.gaps] + state.premise_notes)
    if req.prompt:  # a plan section's own prompt
        return req.prompt(evidence_blocks(state.sources, units), gap_line)
    asks = [a.text for i, a in enumerate(state.asks) if i not in state.not_given]
    return render_lead(state.lang, req.asked, evidence_blocks(state.sources, units), asks,
                       profile=state.profile.describe(state.lang) if state.profile else "", history=req.history,
                       gap=gap_line)


def names_much_of(asked: str, unit, sources, policy) -> bool:
    """The unit holds ``override_words`` of the question's specific words, enough to outweigh the
    model's refusal. Of a Chinese question about a user's document, the words of its subject
    (``subject_words``: not 要求, 达到, 有没有) less those of the document's title, which name the
    document the question is about: "射阳大米的地方标准对蛋白质含量有没有具体要求？" is not answered by a
    sentence of the rice standard saying its rice meets the standard's 要求 (held-out user documents:
    the model refused rightly, and four such sentences were shown instead). The starter documents'
    titles name their topics ("…实施指南"): a question's words for them still count."""
    metadata = sources[unit.source_index].metadata if unit.source_index < len(sources) else {}
    if detect_language(asked) != "zh" or not from_user(metadata):
        return word_share(asked, unit.text, specific=True) >= policy.override_words
    title = metadata.get("title", "")
    words = subject_words(asked)
    words = {w for w in words if w not in title} or words
    return share(words, unit.text, substring=True) >= policy.override_words


def without_lead(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """No sentence of the model's held. The body (chosen as the evidence that answers each ask) is
    shown on its own when the model tried and its sentences failed their checks, or when the model
    refused although a body sentence holds much of what was asked or the evidence clearly answers;
    else the answer is a refusal. A fact gap has been said."""
    asked, p = state.request.asked, tools.policy
    notes = load_table("answer_notes", state.lang)
    units = [line.unit for line in state.body]
    refused = bool(state.stream and state.stream.held_refusal)
    # the model's refusal does not outweigh a body sentence that holds much of what was asked
    named = any(names_much_of(asked, u, state.sources, p) for u in units)
    if state.gaps and len(state.asks) <= 1:  # the one ask's kind of fact is missing: said, nothing to add
        state.body = []
        state.record("without_lead", "the fact gap is the answer")
        return
    if units and (not refused or named or clearly_answers(units, state.asked_kinds, asked, p)):
        state.extractive = True
        state.extract = units
        state.record("without_lead", f"the {len(units)} source sentences on their own")
        yield from state.say(notes["extractive"])
        return
    state.body = []
    state.record("without_lead", "refused: the evidence does not clearly answer")
    if not state.gaps:  # limited to documents: those were searched, not the authorities' notices
        documents = state.request.documents
        yield from state.say(refusal_with(state.lang, nothing_in(documents, state.lang) if documents
                                          else notes["refusal_verify"]))
