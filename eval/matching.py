"""Does a text state a must-mention point? Deterministic and explainable: every number in the
point must appear in the text (by value, so "150 million" matches "1.5亿"), and then either enough
of the point's key terms appear, or one sentence of the text says the same thing according to the
multilingual embedding model. Across languages, the point is also tried in its translation (by the
local model, cached): e5-small's cross-language similarities are too close together to judge short
points alone. Thresholds are calibrated on the dev set (README, "Evaluation")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import numpy as np

from eval.judges import MARKER
from ingest.language import detect_language
from ingest.text import STOPWORDS, tokenize

TERM_SHARE = 0.6  # share of the point's key terms found in the text
SEMANTIC = 0.87  # cosine between the point (query) and the best sentence (passage)
SENTENCE_SPLIT = re.compile(r"(?<=[。！？；!?;\n])|(?<=\.)\s+")
NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万亿|亿|百万|万|千|百|trillion|million|billion|thousand|%|％|percent)?",
                    re.I)
SCALE = {"万亿": 1e12, "亿": 1e8, "百万": 1e6, "万": 1e4, "千": 1e3, "百": 1e2, "trillion": 1e12, "million": 1e6,
         "billion": 1e9, "thousand": 1e3}
# The words a number is counted in ("余家", "多个"): part of the figure, not of the meaning.
NUMBER_WORD = re.compile(r"[余多]?[家个项座条种类名所批位万亿元年月日天人]+")
META_WORDS = STOPWORDS | {"cite", "which", "source", "sources", "mention", "mentions", "available", "refer", "say",
                          "says", "说明", "资料", "应", "不应"}


@dataclass(frozen=True)
class PointMatch:
    point: str
    matched: bool
    how: str  # "terms" | "numbers" | "semantic" | "" (missed); "+translation" when the translation matched
    term_share: float
    semantic: float
    missing_numbers: tuple[str, ...]
    translation: str = ""


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


MAGNITUDE_WORD = re.compile(r"万亿|亿|百万|万|千|trillion|million|billion|thousand", re.I)


def figures(text: str) -> list[tuple[float, float, float]]:
    """(value, the number as written, its magnitude) for each number of a text: "3,684百万元" is
    (3.684e9, 3684, 1e6)."""
    out = []
    for m in NUMBER.finditer(normalize(text)):
        written = float(m.group(1).replace(",", ""))
        scale = SCALE.get((m.group(2) or "").lower(), 1)
        out.append((round(written * scale, 6), written, scale))
    return out


def declared_scales(text: str) -> set[float]:
    """The magnitudes a text names anywhere, e.g. a table's "(百万元)" header over bare figures."""
    return {SCALE[w.lower()] for w in MAGNITUDE_WORD.findall(normalize(text))}


def missing_figures(point: str, text: str) -> tuple[str, ...]:
    """The point's numbers the text does not give by value; a figure with a magnitude ("717 million")
    also counts when the text has it bare and names that magnitude elsewhere: tables give their unit
    once, in a header ("净利润(百万元) … 717")."""
    have, scales = numbers(text), declared_scales(text)
    return tuple(str(value) for value, written, scale in sorted(set(figures(point)))
                 if value not in have and not (scale != 1 and written in have and scale in scales))


def numbers(text: str) -> set[float]:
    """Values of the numbers in a text, with Chinese and English magnitudes applied; years and
    plain counts stay as they are. Percent signs are dropped (42% == 42)."""
    values = set()
    for m in NUMBER.finditer(normalize(text)):
        value = float(m.group(1).replace(",", ""))
        unit = (m.group(2) or "").lower()
        values.add(round(value * SCALE.get(unit, 1), 6))
    return values


def key_terms(point: str) -> list[str]:
    """Words of the point that carry its meaning: jieba tokens of two or more characters, English
    words of three or more letters, codes like PDCA or GB/T, minus meta words."""
    terms = []
    for token in tokenize(normalize(point)):
        if token in META_WORDS or re.fullmatch(r"[\d.,%]+", token):
            continue
        if re.fullmatch(r"[a-z]+", token) and len(token) < 3 and token not in ("ai",):
            continue
        if re.fullmatch(r"[\u4e00-\u9fff]", token) or NUMBER_WORD.fullmatch(token):
            continue
        if token not in terms:
            terms.append(token)
    return terms


def stem(token: str) -> str:
    """Crude but predictable English stemming: the first six letters of a long word, so that
    organise/organize, optimisation/optimization and evaluate/evaluation meet."""
    return token[:6] if re.fullmatch(r"[a-z]{6,}", token) else token


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_SPLIT.split(text) if len(s.strip()) >= 4]


class PointMatcher:
    def __init__(self, embed_queries: Callable[[list[str]], np.ndarray] | None,
                 embed_passages: Callable[[list[str]], np.ndarray] | None,
                 term_share: float = TERM_SHARE, semantic: float = SEMANTIC,
                 translate: Callable[[str], str] | None = None):
        self.embed_queries = embed_queries
        self.embed_passages = embed_passages
        self.translate = translate
        self.term_share = term_share
        self.semantic = semantic

    def match(self, points: list[str], text: str) -> list[PointMatch]:
        text = MARKER.sub("", text)  # "[3]" is a citation, not the number 3
        norm = normalize(text)
        flat = re.sub(r"\s+", "", norm)
        text_terms = {stem(t) for t in tokenize(norm)}
        parts = sentences(text)
        text_lang = detect_language(text)
        results = []
        for point in points:
            missing = missing_figures(point, text)
            variants = [point]
            translation = ""
            if self.translate and detect_language(point) != text_lang:
                translation = self.translate(point)
                if translation:
                    variants.append(translation)
            sims = self._similarities(variants, parts)
            best = None
            for i, variant in enumerate(variants):
                terms = key_terms(variant)
                found = [t for t in terms if stem(t) in text_terms or re.sub(r"\s+", "", t) in flat]
                share = len(found) / len(terms) if terms else 0.0
                semantic = float(sims[i]) if sims is not None else 0.0
                if missing:
                    how = ""
                elif not terms and numbers(point):  # a code such as "GB/T 45341-2025": its numbers decide
                    how = "numbers"
                elif terms and share >= self.term_share:
                    how = "terms"
                elif semantic >= self.semantic:
                    how = "semantic"
                else:
                    how = ""
                if how and i > 0:
                    how += "+translation"
                candidate = PointMatch(point, bool(how), how, round(share, 3), round(semantic, 4), missing, translation)
                if best is None or (candidate.matched, candidate.term_share) > (best.matched, best.term_share):
                    best = candidate
            results.append(best)
        return results

    def _similarities(self, points: list[str], parts: list[str]) -> np.ndarray | None:
        if not parts or not points or self.embed_queries is None or self.embed_passages is None:
            return None
        q = self.embed_queries(points)
        p = self.embed_passages(parts)
        return (q @ p.T).max(axis=1)
