"""Figures in an answer that no source contains: amounts, percentages, years, ranges, document
numbers. A small model asked for an ROI will happily write "3-5 years"; the advisor drops every
sentence that states a figure the sources do not give, and says that it did."""

from __future__ import annotations

import re

from app.citations import MARKER, SENTENCE

# A figure: a number (with decimals or thousands separators), optionally a range, optionally a unit.
FIGURE = re.compile(
    r"(?<![A-Za-z0-9.])(\d+(?:[.,]\d+)*)(?:\s*(?:-|–|—|~|～|至|到|to)\s*(\d+(?:[.,]\d+)*))?"
    r"\s*(%|％|percent|万|亿|千|百|元|年|个月|月|日|天|个|家|项|yuan|rmb|years?|months?|days?|million|billion|thousand)?",
    re.I)
DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号|\[\d{4}\]\s*No\.?\s*\d+", re.I)
LIST_NUMBER = re.compile(r"^\s*\d+[.、)）]\s", re.M)
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "sixteen": 16, "twenty": 20,
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
}
SMALL = 12  # a bare count up to this (no unit, no range) is not treated as a figure


def _digits(number: str) -> str:
    return number.replace(",", "")


def source_numbers(texts: list[str]) -> set[str]:
    """Every number the sources state, as digit strings, number words included."""
    found: set[str] = set()
    for text in texts:
        for m in re.finditer(r"\d+(?:[.,]\d+)*", text):
            found.add(_digits(m.group(0)))
        lowered = text.lower()
        for word, value in NUMBER_WORDS.items():
            if (word.isascii() and re.search(rf"\b{word}\b", lowered)) or (not word.isascii() and word in text):
                found.add(str(value))
    return found


def unsupported_figures(sentence: str, known: set[str], source_text: str) -> list[str]:
    text = LIST_NUMBER.sub("", MARKER.sub("", sentence))
    bad = [m.group(0) for m in DOC_NUMBER.finditer(text) if m.group(0) not in source_text]
    for m in FIGURE.finditer(DOC_NUMBER.sub(" ", text)):
        low, high, unit = m.group(1), m.group(2), m.group(3)
        if high is None and unit is None and low.isdigit() and int(low) <= SMALL:
            continue
        numbers = [_digits(low)] + ([_digits(high)] if high else [])
        if any(n not in known for n in numbers):
            bad.append(m.group(0).strip())
    return bad


def drop_invented_figures(answer: str, sources: list[str], question: str = "") -> tuple[str, list[str]]:
    """The answer without the sentences that state figures found in no source (nor the question),
    and the figures dropped."""
    known = source_numbers(sources + [question])
    joined = "\n".join(sources)
    kept, dropped = [], []
    for sentence in SENTENCE.findall(answer):
        bad = unsupported_figures(sentence, known, joined)
        if bad:
            dropped.extend(bad)
        else:
            kept.append(sentence)
    return re.sub(r"\n{3,}", "\n\n", "".join(kept)).strip(), dropped
