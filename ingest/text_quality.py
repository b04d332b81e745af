"""Is extracted text real text? Broken font encodings give glyph names (/G21) or random rare CJK
characters; scans give nothing or noisy OCR. Such text would fill the index with noise, so the
pipeline refuses it (or warns, for OCR layers) with the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba

jieba.setLogLevel(60)

CJK = re.compile(r"[\u4e00-\u9fff]")
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
GLYPH_NAME = re.compile(r"/G[0-9A-Fa-f]{2,4}\b|/uni[0-9A-Fa-f]{4}|\(cid:\d+\)")
SPACED_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])")

MIN_CHARS = 20
MAX_GLYPH_SHARE = 0.02  # share of characters inside glyph-name tokens
MIN_WORD_SHARE = 0.45  # share of CJK characters inside multi-character dictionary words
MAX_REPLACEMENT_SHARE = 0.01  # U+FFFD from undecodable bytes


@dataclass(frozen=True)
class TextCheck:
    ok: bool
    reason: str = ""


def cjk_word_share(text: str) -> tuple[int, float]:
    """(number of CJK characters, share of them that jieba finds inside multi-character words).
    Real Chinese scores 0.75–0.93; mis-mapped glyphs and noise score near 0."""
    text = SPACED_CJK.sub("", text)
    total = in_words = 0
    for run in CJK_RUN.findall(text):
        total += len(run)
        in_words += sum(len(w) for w in jieba.cut(run, HMM=False) if len(w) > 1)
    return total, (in_words / total if total else 0.0)


def check_text(text: str) -> TextCheck:
    stripped = "".join(text.split())
    if len(stripped) < MIN_CHARS:
        return TextCheck(False, "no usable text (empty or almost empty)")
    glyph_chars = sum(len(m) for m in GLYPH_NAME.findall(text))
    if glyph_chars / len(stripped) > MAX_GLYPH_SHARE:
        return TextCheck(False, "garbled text: the PDF's fonts map to glyph names (/G21 …) instead of characters; "
                                "OCR it or export it again with embedded Unicode fonts")
    if stripped.count("\ufffd") / len(stripped) > MAX_REPLACEMENT_SHARE:
        return TextCheck(False, "garbled text: many undecodable characters (wrong encoding?)")
    n_cjk, share = cjk_word_share(text)
    if n_cjk >= 50 and share < MIN_WORD_SHARE:
        return TextCheck(False, f"garbled text: only {share:.0%} of the Chinese characters form words "
                                "(broken font encoding or bad OCR); OCR it again and ingest the result")
    return TextCheck(True)
