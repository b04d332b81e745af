"""The grounded answer as an ordered list of steps. Chat answers, plan sections and self-check
advice differ by the steps they run (and their prompts), not by flags:

chat: scope → the documents it is limited to (or "which one?") → the question in the language of
documents that have no translation in its own → the user's document it describes, in either
wording → retrieve (a wide pool: the model
reads only the body) → coverage → topic → assumed profile → not covered → what the question assumes
about a document (edition, issuer) → the question's asks → fact gaps per ask → the body (the
evidence that answers each ask) → the model's lead, verified → the body shown → where to verify;
then always decide → finish. The model writes only the lead: the facts
reach the user in the sources' own words.

Each step is ``step(state, tools) -> events`` (``app.answer.steps``); a step that gives the whole
answer (out of scope, not covered) sets ``state.finished`` and the answer steps after it do not run.
``decide`` alone turns the recorded outcomes into a refusal and its reason."""

from __future__ import annotations

from typing import Callable, Iterator

from app.answer.state import AnswerState, Event, Tools
from app.answer.steps import (asks, body, coverage, decide, documents, fact_gaps, finish, generate, lead, notes,
                              premises, quotes, retrieve, scope, search_languages)

Step = Callable[[AnswerState, Tools], Iterator[Event]]

CHAT: tuple[Step, ...] = (
    scope.check_scope, documents.scope_documents, search_languages.search_in_other_languages,
    documents.scope_described, retrieve.retrieve_pool,
    coverage.by_retrieval, coverage.by_topic, notes.assumed_profile, coverage.say_not_covered, premises.check_premises,
    asks.split_question, fact_gaps.find_gaps, body.choose_body, lead.write_lead, body.show_body,
    fact_gaps.say_where_to_verify)
# Self-check advice is asked by the app, not the user: no scope check; its topic is set by the app;
# it keeps its own structure and cites its sources in it (no added quotes).
SECTION: tuple[Step, ...] = (
    retrieve.retrieve, coverage.by_retrieval, notes.assumed_profile, coverage.say_not_covered, fact_gaps.find_gaps,
    generate.generate, quotes.fallback, fact_gaps.say_where_to_verify)
# A plan section is composed like a chat answer: the evidence for its PDCA step in the sources' own
# words, led by a short model sentence under the same checks; it is the app's ask, not the user's
# (no scope or topic check), and the evidence stands on its own when the lead does not hold.
PLAN_SECTION: tuple[Step, ...] = (
    search_languages.search_in_other_languages, retrieve.retrieve_pool, coverage.by_retrieval, coverage.say_not_covered,
    asks.split_question, fact_gaps.find_gaps,
    body.choose_section_body, lead.write_section_lead, body.show_body, fact_gaps.say_where_to_verify)
CLOSING: tuple[Step, ...] = (decide.decide, finish.finish)


def run(steps: tuple[Step, ...], state: AnswerState, tools: Tools) -> Iterator[Event]:
    for step in steps:
        if state.finished:
            break
        yield from step(state, tools)
    for step in CLOSING:
        yield from step(state, tools)
