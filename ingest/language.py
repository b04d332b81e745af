"""Chinese or English? Enough for choosing prompts and preferring same-language sources."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters make up a real share of the letters, else 'en'."""
    cjk = len(CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    if cjk == 0:
        return "en"
    return "zh" if cjk >= latin_words * 0.5 else "en"
