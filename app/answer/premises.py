"""A sentence that only repeats what the user said is not evidence that it is true.

Owners often ask by asserting ("the third batch is 30 cities, right?", "第三级是优化级吧？"), and a
small model tends to open with the user's claim as its conclusion. Such a sentence shares its words
with a source (it is on topic) and its figures with the question (so they look known), and would
pass the ordinary checks. It is kept only when one sentence of a source says the same: every one of
its content words and numbers occurs there together."""

from __future__ import annotations

import re

from app.answer.citations import MARKER
from retrieval.evidence import content_words

ECHO_SHARE = 0.8  # share of a sentence's words that come from the user's own words
# Words a model adds when it agrees or labels its answer: they carry no claim of their own.
AFFIRMATIONS = frozenset({"结论", "确实", "是的", "对的", "没错", "肯定", "当然", "的确", "对吧", "真的", "已经", "总结",
                          "yes", "indeed", "correct", "right", "conclusion", "true", "there", "that", "this"})
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SOURCE_SENTENCE = re.compile(r"(?<=[。！？；!?;\n])|(?<=\.)\s+")


def claim_words(text: str) -> set[str]:
    """Content words and numbers of a text (citation markers and affirmations left out)."""
    body = MARKER.sub("", text)
    return (content_words(body) | set(NUMBER.findall(body))) - AFFIRMATIONS


def restates(sentence: str, premise: str) -> bool:
    """Does the sentence say (almost) nothing that is not in the user's own words?"""
    words = claim_words(sentence)
    if len(words) < 2 or not premise:
        return False
    flat = premise.lower()
    return sum(w in flat for w in words) / len(words) >= ECHO_SHARE


def confirmed(sentence: str, sources: list[str]) -> bool:
    """Does one sentence of a source hold every content word and number of the sentence?"""
    words = claim_words(sentence)
    return any(all(w in part for w in words)
               for source in sources for part in SOURCE_SENTENCE.split(source.lower()))
