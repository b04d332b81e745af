"""The body of the answer is the evidence: for each ask, the source sentences that answer it, in
their own words and cited (``app.answer.composition``). Chosen before the lead, so that the model
leads into exactly what follows, and shown at once (a preview the lead is then written above); it
follows the lead in the answer's text."""

from __future__ import annotations

from typing import Iterator

from app.answer.composition import body_text, compose_body, contained, same_line, says_again
from app.answer.documents import from_user
from app.answer.fact_kinds import says_not_given
from app.answer.quoting import says
from app.answer.state import AnswerState, Event, Tools
from app.answer.verification import SHOWN
from ingest.language import detect_language
from prompts import is_refusal, load_table


def choose_body(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """The units that answer each ask, from sources in the question's language when they answer it
    (an English question gets the English twin's sentences), else from any."""
    yield from _choose(state, tools, state.units)


def choose_section_body(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """A plan section's body: as ``choose_body``, less the sentences that say what the sources do not
    give ("On chain transformation…, the sources do not give: …"): in a chat answer such a sentence
    answers the question; in a plan it fills a step's place with nothing to do. Units an earlier
    section showed are left to the next best, unless nothing else answers (a section is never left
    empty by the one before it)."""
    units = [u for u in state.units if not says_not_given(u.text)]
    fresh = not_shown_before(units, state.request.shown_before, tools.policy)
    yield from _choose(state, tools, fresh, len(state.units) - len(fresh), fallback=units if len(fresh) < len(units) else None)


def _choose(state: AnswerState, tools: Tools, units: list, left_out: int = 0, fallback: list | None = None
            ) -> Iterator[Event]:
    """The body from ``units`` (``left_out``: how many of the evidence were not offered), else from
    ``fallback`` when those answer nothing; shown at once as a preview."""
    body = _compose(state, units, tools.policy)
    if not body and fallback:
        body = _compose(state, fallback, tools.policy)
    state.body = body
    answered = {i for line in body for i in line.answers}
    state.record("body", f"{len(body)} source sentences for {len(answered)} of {len(state.asks)} ask(s)",
                 not_given=[i for i in range(len(state.asks)) if i not in answered], left_out=left_out)
    yield from state.preview(body_text(body))


def _compose(state: AnswerState, units: list, p) -> list:
    """The body from ``units``: same-language sources first, the other language's for the asks
    those leave unanswered."""
    searched = state.request.search_query
    langs = [s.metadata.get("lang") or detect_language(s.text) for s in state.sources]
    same = [u for u in units if langs[u.source_index] == state.lang]
    skip = set(state.not_given)
    titles = [s.metadata.get("title", "") for s in state.sources]
    own = frozenset(i for i, s in enumerate(state.sources) if from_user(s.metadata))
    body = compose_body(state.asks, same, searched, p, skip, titles=titles, own_documents=own)
    answered = {i for line in body for i in line.answers}
    missing = [i for i in range(len(state.asks)) if i not in answered and i not in skip]
    if missing:  # an ask only the other language's sources answer
        others = [u for u in units if langs[u.source_index] != state.lang]
        body += compose_body(state.asks, others, searched, p, skip | answered, translated=" ".join(state.search_also),
                             titles=titles, own_documents=own)
        body.sort(key=lambda line: line.part)
    return body


def not_shown_before(units: list, shown: tuple[str, ...], policy) -> list:
    """The units the document this answer goes into has not shown yet (a plan draft's earlier
    sections): the same source sentence under two PDCA steps says it twice to the reader, and the
    step's next best sentence says something new."""
    if not shown:
        return units
    return [u for u in units if not any(same_line(u.text, s, policy) for s in shown)]


def show_body(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """The body after the lead: what the lead already says is not shown again; an ask nothing
    answers is said to be not given."""
    answered = {i for line in state.body for i in line.answers}  # before the lines the lead says are left out
    shown = [line for line in state.body if not said_by_lead(line.text, state, tools.policy)]
    state.record("body_shown", f"{len(shown)} source sentences", said_by_lead=len(state.body) - len(shown))
    state.body = shown
    state.quoted = [line.unit for line in shown]
    notes = load_table("answer_notes", state.lang)
    refused_whole = not shown and is_refusal(state.text)  # the refusal says it of every ask already
    unanswered = [a for i, a in enumerate(state.asks) if i not in answered and len(state.asks) > 1
                  and i not in state.not_given and not refused_whole]
    text = body_text(shown)
    if text:
        yield from state.say(paragraph_break(state.text) + text)
    for ask in unanswered:
        yield from state.say(paragraph_break(state.text) + notes["not_given"].format(ask=ask.text.strip().rstrip("？?。.，, ")))




def said_by_lead(text: str, state: AnswerState, policy) -> bool:
    """The lead says the source sentence (all its clauses, or nearly all its characters), or one of
    the lead's sentences is a near copy of it: showing it again would say it twice."""
    lead = state.text
    copies = [c for c in (state.stream.checks if state.stream else []) if c.decision in SHOWN
              and says_again(c.sentence, text, policy)]
    return contained(text, lead, policy) or says(lead, text, policy) or bool(copies)


def paragraph_break(text: str) -> str:
    """What starts a new paragraph after ``text``: nothing at the start, else up to one blank line."""
    if not text.strip():
        return ""
    return "\n" * max(0, 2 - (len(text) - len(text.rstrip("\n"))))
