"""Is the evidence about the question, and does it clearly answer it? Read by the coverage step
(refuse without the model when nothing names the subject) and the extractive step (quote the
evidence when the model refused although the evidence answers)."""

from __future__ import annotations

from app.answer.fact_kinds import about_subject, states_kind
from app.answer.policy import AnswerPolicy
from retrieval.evidence import EvidenceUnit, term_share, word_share


def names_subject(units: list[EvidenceUnit], question: str) -> bool:
    """Some evidence sentence is about the question or what it was searched with (the policies'
    terms for its everyday words, the tier it implies: "五金小厂，钱不多" → 小快轻准 上云 小微企业;
    ``app.answer.fact_kinds.about_subject``). Near neighbours in embedding space of "世界杯冠军是哪个国家？"
    (sentences about 中国灯塔工厂) are no answer, and a small model would make one of them."""
    return any(about_subject(question, u.text) for u in units)


def on_topic(units: list[EvidenceUnit], question: str, policy: AnswerPolicy) -> bool:
    """Some evidence sentence holds half of the question's content words (filler and the field's
    general words left out)."""
    return any(word_share(question, u.text, specific=True) >= policy.strong_words for u in units)


def clearly_answers(units: list[EvidenceUnit], asked: list[str], question: str, policy: AnswerPolicy) -> bool:
    """Does the evidence clearly answer, so that a refusal is the model's error? The best sentence
    is close to the question, and either holds the kind of fact asked for or most of the
    question's words."""
    if not units:
        return False
    best = max(units, key=lambda u: u.score)
    if (best.dense or 0.0) < policy.strong_evidence:
        return False
    if asked:
        return any(states_kind(u.text, k) for u in units[:policy.strong_units] for k in asked)
    return any(term_share(question, u.text) >= policy.strong_lexical
               and word_share(question, u.text, specific=True) >= policy.strong_words for u in units)
