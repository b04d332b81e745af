"""Chinese or English? Enough for choosing prompts and preferring same-language sources."""

from __future__ import annotations

import re

from ingest.text import CJK

LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'zh' when Chinese characters make up a real share of the letters, else 'en'."""
    cjk = len(CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]+", text))
    if cjk == 0:
        return "en"
    return "zh" if cjk >= latin_words * 0.5 else "en"


def estimate_tokens(text: str) -> int:
    """Rough token count for Qwen-family tokenizers: about 0.62 tokens per Chinese character and one
    per 4 other characters (measured on the starter documents: 0.58 and 1/5.3). Keeps prompts
    inside a budget without loading a tokenizer."""
    cjk = len(CJK.findall(text))
    return int(cjk * 0.62 + (len(text) - cjk) / 4) + 1
