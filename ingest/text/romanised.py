"""Chinese names as English text writes them: in pinyin ("Yancheng" for 盐城, "Sheyang" for 射阳,
"Gaoce" for 高测). An English question names a Chinese company, city or product this way, and the
model's translation of it for the search does not always give the name back (射阳 came back once as
邵阳, 盐城 once as "该区"); the name's pinyin tells which word of a Chinese title it means."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pypinyin import lazy_pinyin

# A name in pinyin this short ("dili", "an") is an English word or a syllable as often as a name.
MIN_LETTERS = 5
HAN_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def romanised(word: str) -> str:
    """The word in toneless pinyin, one lowercase string: "盐城" → "yancheng"."""
    return "".join(lazy_pinyin(word)).lower()


def romanised_in(text: str, words: Iterable[str]) -> list[str]:
    """The Chinese ``words`` that ``text`` writes in pinyin, as one word or two ("Yancheng", "Yan-cheng",
    "She Yang"), in ``words``' order."""
    words_in_text = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
    latin = set(words_in_text) | {a + b for a, b in zip(words_in_text, words_in_text[1:])}
    found = []
    for word in words:
        if HAN_NAME.match(word) and word not in found:
            spelled = romanised(word)
            if len(spelled) >= MIN_LETTERS and spelled in latin:
                found.append(word)
    return found
