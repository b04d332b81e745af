"""Which evidence sentences to quote in the sources' own words: after the model's answer (what
it left out) or instead of it (when none of its sentences held)."""

from __future__ import annotations

from app.answer.citations import cited_numbers
from app.answer.fact_kinds import about_subject, states_kind
from app.answer.policy import AnswerPolicy
from app.answer.verification import content_support
from ingest.text import NUMBER, content_words, split_clauses
from retrieval.evidence import EvidenceUnit

DEFAULT_POLICY = AnswerPolicy()


def says(answer: str, unit: str, policy: AnswerPolicy = DEFAULT_POLICY) -> bool:
    """Does the answer already say the unit: each of its clauses (a list's items one by one) mostly
    in the answer's terms, and each of its figures in it? Saying three of five levels is not saying them."""
    clauses = [c for c in split_clauses(unit) if len(c.strip()) >= policy.min_clause_chars] or [unit]
    return all(content_support(c, answer) >= policy.said_share for c in clauses) \
        and all(n in answer for n in NUMBER.findall(unit))


def new_terms(unit: str, known: str) -> int:
    """How much the unit says beyond ``known``: its content words and figures not in it."""
    low = known.lower()
    return len({w for w in content_words(unit) if w not in low} | {n for n in NUMBER.findall(unit) if n not in low})


def worth_quoting(units: list[EvidenceUnit], question: str, asked: list[str] = (), answer: str = "",
                  limit: int | None = None, chars: int | None = None,
                  policy: AnswerPolicy = DEFAULT_POLICY) -> list[EvidenceUnit]:
    """The evidence to quote for ``question`` beside ``answer`` (empty for an extractive answer):
    units close to the question (cosine), about it (one of its specific words in the unit or its
    section heading: a case's results name the case only in the heading), not already said. A
    unit holding the kind of fact asked for comes first; then the one that says most beyond the
    question and what is already said, so "the reported results: +190 % …" goes before "these
    figures come from news reports". A unit of a source the answer cites and has partly said
    gains a little: the model listed three of its five levels, and the list completes the answer.
    At most ``limit`` units, beyond the first within ``chars``."""
    limit = policy.extractive_items if limit is None else limit
    chars = policy.quote_chars if chars is None else chars
    pool = [u for u in units if (u.dense is None or u.dense >= policy.quote_min_dense)
            and about_subject(question, f"{u.section} {u.text}") and not (answer and says(answer, u.text, policy))]
    cited = set(cited_numbers(answer))
    chosen: list[EvidenceUnit] = []
    while pool and len(chosen) < limit:
        known = " ".join([question, answer] + [c.text for c in chosen])

        def rank(u: EvidenceUnit) -> tuple:
            began = u.source_index + 1 in cited and content_support(u.text, answer) >= policy.partly_said
            info = policy.info_weight * min(new_terms(u.text, known), policy.info_cap)
            return (not any(states_kind(u.text, k) for k in asked), -(u.score + info + policy.begun_bonus * began))

        best = min(pool, key=rank)
        pool.remove(best)
        if chosen and sum(len(c.text) for c in chosen) + len(best.text) > chars:
            continue
        if chosen and new_terms(best.text, known) == 0:
            continue  # says nothing the chosen quotes do not
        chosen.append(best)
    return chosen


def quote_lines(units: list[EvidenceUnit]) -> str:
    """Evidence quoted verbatim, one per line, with the number of its source."""
    return "\n".join(f"- “{u.text.strip()}”[{u.source_index + 1}]" for u in units)
