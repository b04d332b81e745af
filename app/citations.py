"""Check every [n] of a generated answer against the numbered sources it was given. Small models
cite numbers that do not exist, or the neighbour of the right source: a marker pointing nowhere is
removed, and one whose source shares clearly less with the sentence than another source does is
moved to that source. The overlap is lexical (character bigrams, words, numbers), so it is
deterministic and explainable; a sentence with no lexical overlap anywhere is left as cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

MARKER = re.compile(r"[\[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]")
SENTENCE = re.compile(r"[^\n]+?(?:(?:[。！？!?]|\.(?=\s|$))+(?:[ \t]*[\[【][\d,，、 ]+[\]】])*|(?=\n)|$)|\n")
TOKEN = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+(?:[.,]\d+)?")
MIN_SUPPORT = 0.25  # share of the sentence's terms found in the source for a correction to be trusted
MOVE_MARGIN = 2.0  # another source must share at least this many times more before a marker moves


@dataclass(frozen=True)
class CitationCheck:
    n: int  # as the model wrote it
    sentence: str
    status: str  # "ok" | "removed" (no such source) | "moved" (to ``fixed_n``)
    fixed_n: int | None = None
    support: float = 0.0


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


def verify_citations(answer: str, sources: list[str]) -> tuple[str, list[CitationCheck]]:
    """The answer with its markers repaired, and one check per marker number."""
    checks: list[CitationCheck] = []
    out: list[str] = []
    for sentence in SENTENCE.findall(answer):
        scores = [support(sentence, s) for s in sources]

        def fix(match: re.Match) -> str:
            kept: list[int] = []
            for raw in re.split(r"\s*[,，、]\s*", match.group(1)):
                n = int(raw)
                if not 1 <= n <= len(sources):
                    checks.append(CitationCheck(n, sentence.strip(), "removed"))
                    continue
                own = scores[n - 1]
                best = max(range(len(sources)), key=lambda i: scores[i]) + 1
                if best != n and scores[best - 1] >= MIN_SUPPORT and scores[best - 1] >= MOVE_MARGIN * max(own, 0.05):
                    checks.append(CitationCheck(n, sentence.strip(), "moved", best, scores[best - 1]))
                    n = best
                else:
                    checks.append(CitationCheck(n, sentence.strip(), "ok", support=own))
                if n not in kept:
                    kept.append(n)
            return "".join(f"[{n}]" for n in kept)

        out.append(MARKER.sub(fix, sentence))
    return "".join(out), checks
