"""A recommendation for each priority scenario, through the advisor's one grounded step: a
``Request`` with its own question, search query and prompt (``prompts/selfcheck_priority``), the
enterprise profile, and the owner's own answers as known text; every sentence is verified against
its cited source and the ``done`` event's citations are kept. The next level's descriptor stays
quoted from its knowledge document whatever the model does."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Iterator

from app.answer.advisor import Advisor
from app.answer.state import Request
from app.answer.profile import LEVELS
from app.selfcheck.assessment import Priority, SelfCheck
from prompts import load_prompt

log = logging.getLogger(__name__)
MAX_ADVICE_TOKENS = 200


def priority_request(result: SelfCheck, priority: Priority) -> Request:
    lang, t = result.lang, result.texts
    profile = result.profile()
    described = profile.describe(lang) if profile else ""
    level, next_level = LEVELS[priority.level][lang], LEVELS[priority.next_level][lang]
    fields = dict(scenario=priority.scenario, level=level, next_level=next_level,
                  descriptor=priority.next_level_descriptor.rstrip("。."))

    def prompt(blocks: list[str], gap: str) -> str:
        return load_prompt("selfcheck_priority", lang).text.format(profile=described, sources="\n\n".join(blocks),
                                                                   **fields)

    query = t["search"].format(**fields)
    if profile:
        query = f"{profile.search_hint(lang)} {query}"
    known = "\n".join([described, result.plan_facts(), *result.answers.notes.values()])
    return Request(question=t["question"].format(**fields), search_query=query, profile=profile, known_text=known,
                   prompt=prompt, max_tokens=MAX_ADVICE_TOKENS, lang=lang)


def add_recommendations(advisor: Advisor, result: SelfCheck) -> Iterator[Priority]:
    """Fills each priority's recommendation and citations in turn, yielding it when done."""
    for priority in result.priorities:
        try:
            answer = None
            for event in advisor.run(priority_request(result, priority)):
                if event.kind == "done":
                    answer = event.answer
            priority.recommendation = answer.answer.strip()
            priority.citations = [asdict(c) for c in answer.citations]
        except Exception as exc:  # the model or the index failed: keep the quoted descriptor
            log.exception("self-check recommendation for %s failed", priority.scenario)
            priority.advice_error = f"{exc.__class__.__name__}: {exc}"
        yield priority
