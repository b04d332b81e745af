"""Owners ask in everyday words ("小厂，钱不多，先搞啥？"); the policies speak of 重点突破 and
小快轻准. Retrieval searches for both: the question plus the policies' terms for the everyday
words it contains (a table, ``query_terms.yaml``, not code)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TABLE = Path(__file__).with_name("query_terms.yaml")


@lru_cache(maxsize=1)
def _entries() -> list[tuple[re.Pattern, dict[str, str]]]:
    data = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return [(re.compile(e["match"], re.I), {"zh": e["zh"], "en": e["en"]}) for e in data["entries"]]


def expansion_terms(question: str, lang: str) -> str:
    """The policy terms for the everyday words in ``question``, de-duplicated, or ''."""
    words: list[str] = []
    for pattern, terms in _entries():
        if pattern.search(question):
            words += [w for w in terms[lang].split() if w not in words and w.lower() not in question.lower()]
    return " ".join(words)


def expand_query(question: str, lang: str) -> str:
    extra = expansion_terms(question, lang)
    return f"{question} {extra}" if extra else question
