"""Citation markers ([n], 【n】, [1, 3]), sentences, and the lexical overlap between a sentence and a
source (character bigrams, words, numbers): deterministic and explainable. ``app.answer.verification``
uses them to check every sentence against the source it cites."""

from __future__ import annotations

import re

MARKER = re.compile(r"[\[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]")
SENTENCE = re.compile(r"[^\n]+?(?:(?:[。！？!?]|\.(?=\s|$|[”’\"\[【]))+[”’\"」』]*(?:[ \t]*[\[【][\d,，、 ]+[\]】])*|(?=\n)|$)|\n")
TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+(?:[.,]\d+)?")


def terms(text: str) -> set[str]:
    """Character bigrams of Chinese runs plus lower-cased words and numbers."""
    tokens = TOKEN.findall(text.lower())
    out = {t for t in tokens if not re.fullmatch(r"[\u4e00-\u9fff]", t)}
    chars = [t for t in tokens]
    out.update(a + b for a, b in zip(chars, chars[1:]) if re.fullmatch(r"[\u4e00-\u9fff]", a)
               and re.fullmatch(r"[\u4e00-\u9fff]", b))
    return out


def support(sentence: str, source: str) -> float:
    """Share of the sentence's terms that occur in the source (0..1)."""
    wanted = terms(MARKER.sub("", sentence))
    return len(wanted & terms(source)) / len(wanted) if wanted else 0.0


def cited_numbers(text: str) -> list[int]:
    """Source numbers in order of first citation."""
    seen: list[int] = []
    for m in MARKER.finditer(text):
        for n in re.split(r"\s*[,，、]\s*", m.group(1)):
            if int(n) not in seen:
                seen.append(int(n))
    return seen
