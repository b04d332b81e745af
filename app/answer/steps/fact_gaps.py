"""A question asking for a kind of fact the evidence does not hold (an amount, a payback period, a
deadline …) gets a plain "the sources give none" and where to verify, whatever the model says."""

from __future__ import annotations

from typing import Iterator

from app.answer.fact_kinds import answered_kinds, years_not_given
from app.answer.state import AnswerState, Event, Tools
from prompts import load_table


def find_gaps(state: AnswerState, tools: Tools) -> Iterator[Event]:
    """Per ask (the whole question when it is one): the kinds it asks for that the best evidence
    does not hold. An ask whose every kind is missing is not given."""
    best = [u.text for u in state.units[:tools.policy.gap_units]]
    retrieved = [s.text for s in state.sources]
    asks = [a.text for a in state.asks] if len(state.asks) > 1 else [state.request.question]
    translated = " ".join(state.search_also)  # the question in the evidence's language, when it differs
    for i, ask in enumerate(asks):
        answered = answered_kinds(ask, best, tools.policy.fact_kinds, also_about=translated)
        missing = [k for k, ok in answered.items() if not ok]
        years = years_not_given(ask, retrieved)  # a figure for a year no source mentions: not given, whatever kind
        if years:
            state.missing_years += [y for y in years if y not in state.missing_years]
            missing, answered = missing + ["year"], {**answered, "year": False}
        state.gaps += [k for k in missing if k not in state.gaps]
        if answered and len(missing) == len(answered) and len(asks) > 1:
            state.not_given.append(i)
    state.record("fact_gaps", ", ".join(state.gaps) or "none", asked=state.asked_kinds, asks_not_given=state.not_given,
                 **({"years_not_given": state.missing_years} if state.missing_years else {}))
    table = load_table("fact_gaps", state.lang)
    key = "document_gap" if state.request.documents else "gap"  # the user's own documents: no policy advice
    for kind in state.gaps:
        yield from state.say(gap_text(table[kind][key], state) + "\n\n")


def gap_text(text: str, state: AnswerState) -> str:
    """A gap's text, with the years the sources give no figure for where it names them."""
    sep = "、" if state.lang == "zh" else ", "
    return text.replace("{year}", sep.join(state.missing_years))


def say_where_to_verify(state: AnswerState, tools: Tools) -> Iterator[Event]:
    if state.request.documents:  # the documents asked about are the source: no authority to ask instead
        return
    table = load_table("fact_gaps", state.lang)
    for kind in state.gaps:
        yield from state.say("\n\n" + gap_text(table[kind]["verify"], state))
