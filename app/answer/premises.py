"""A sentence that only repeats what the user said is not evidence that it is true.

Owners often ask by asserting ("the third batch is 30 cities, right?", "第三级是优化级吧？"), and a
small model tends to open with the user's claim as its conclusion. Such a sentence shares its words
with a source (it is on topic) and its figures with the question (so they look known), and would
pass the ordinary checks. It is kept only when one sentence of a source says the same: every one of
its content words and numbers occurs there together."""

from __future__ import annotations

from dataclasses import dataclass

from app.answer.citations import MARKER
from ingest.text import NUMBER, content_words, share, split_sentences


@dataclass(frozen=True)
class PremisePolicy:
    """When a sentence counts as the user's own claim repeated."""
    echo_share: float = 0.8  # share of a sentence's words that come from the user's own words
    min_claim_words: int = 2  # a sentence with fewer content words and numbers claims too little to be an echo


DEFAULT_PREMISE_POLICY = PremisePolicy()

# Words a model adds when it agrees or labels its answer: they carry no claim of their own.
AFFIRMATIONS = frozenset({"结论", "确实", "是的", "对的", "没错", "肯定", "当然", "的确", "对吧", "真的", "已经", "总结",
                          "yes", "indeed", "correct", "right", "conclusion", "true", "there", "that", "this"})


def claim_words(text: str) -> set[str]:
    """Content words and numbers of a text (citation markers and affirmations left out)."""
    body = MARKER.sub("", text)
    return (content_words(body) | set(NUMBER.findall(body))) - AFFIRMATIONS


def restates(sentence: str, premise: str, policy: PremisePolicy = DEFAULT_PREMISE_POLICY) -> bool:
    """Does the sentence say (almost) nothing that is not in the user's own words?"""
    words = claim_words(sentence)
    if len(words) < policy.min_claim_words or not premise:
        return False
    return share(words, premise, substring=True) >= policy.echo_share


def confirmed(sentence: str, sources: list[str]) -> bool:
    """Does one sentence of a source hold every content word and number of the sentence?"""
    words = claim_words(sentence)
    return any(all(w in part.lower() for w in words)
               for source in sources for part in split_sentences(source))
