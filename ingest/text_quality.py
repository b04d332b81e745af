"""Is extracted text real text? Broken font encodings give glyph names (/G21) or random rare CJK
characters; scans give nothing or noisy OCR. Such text would fill the index with noise, so the
pipeline refuses it with the reason (a clean OCR layer passes, with a warning)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import jieba

from ingest.refusal_text import REFUSALS
from ingest.text import CJK

jieba.setLogLevel(60)

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
GLYPH_NAME = re.compile(r"/G[0-9A-Fa-f]{2,4}\b|/uni[0-9A-Fa-f]{4}|\(cid:\d+\)")
SPACED_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])")

MIN_CHARS = 20
MAX_GLYPH_SHARE = 0.02  # share of characters inside glyph-name tokens
MIN_WORD_SHARE = 0.45  # share of CJK characters inside multi-character dictionary words
MAX_REPLACEMENT_SHARE = 0.01  # U+FFFD from undecodable bytes
MIN_CJK_SHARE = 0.2  # of all non-space characters
# OCR layers keep enough real words to pass the word check, so they are judged by two signs of
# recognition noise (real documents: at most 0.2% rare characters, 4.5% split characters; the noisy
# GB/T 19266 scan: 1.2% and 22%).
MAX_OCR_RARE_SHARE = 0.005  # CJK characters outside the 3,755 common ones (GB2312 level 1)
MAX_OCR_SPLIT_SHARE = 0.10  # CJK characters followed by a space and another CJK character


@dataclass(frozen=True)
class TextCheck:
    ok: bool
    reason: str = ""
    kind: str = ""  # a key of ingest.refusal_text.REFUSALS

    @classmethod
    def refused(cls, kind: str, **values) -> "TextCheck":
        return cls(False, REFUSALS[kind].format(**values), kind)


def cjk_word_share(text: str) -> tuple[int, float]:
    """(number of CJK characters, share of them that jieba finds inside multi-character words).
    Real Chinese scores 0.75–0.93; mis-mapped glyphs and noise score near 0."""
    text = SPACED_CJK.sub("", text)
    total = in_words = 0
    for run in CJK_RUN.findall(text):
        total += len(run)
        in_words += sum(len(w) for w in jieba.cut(run, HMM=False) if len(w) > 1)
    return total, (in_words / total if total else 0.0)


def _is_rare(char: str) -> bool:
    try:
        encoded = char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return encoded[0] >= 0xD8  # GB2312 level 2 and beyond: rare characters, OCR's usual confusions


def ocr_noise(text: str) -> tuple[float, float]:
    """(share of rare CJK characters, share of CJK characters split from the next by a space)."""
    chars = CJK.findall(text)
    if not chars:
        return 0.0, 0.0
    return sum(map(_is_rare, chars)) / len(chars), len(SPACED_CJK.findall(text)) / len(chars)


def check_text(text: str, ocr_layer: bool = False) -> TextCheck:
    """``ocr_layer``: the text is an OCR layer over scanned pages, also checked for recognition noise."""
    stripped = "".join(text.split())
    if len(stripped) < MIN_CHARS:
        return TextCheck.refused("no_text")
    glyph_chars = sum(len(m) for m in GLYPH_NAME.findall(text))
    if glyph_chars / len(stripped) > MAX_GLYPH_SHARE:
        return TextCheck.refused("glyph_names")
    if stripped.count("\ufffd") / len(stripped) > MAX_REPLACEMENT_SHARE:
        return TextCheck.refused("undecodable")
    n_cjk, share = cjk_word_share(text)
    # judged only where Chinese makes up the text: an English document quoting 财建〔2024〕号 is not garbled
    chinese = n_cjk >= 50 and n_cjk >= MIN_CJK_SHARE * len(stripped)
    if chinese and share < MIN_WORD_SHARE:
        return TextCheck.refused("words_garbled", share=share)
    if ocr_layer and chinese:
        rare, split = ocr_noise(text)
        if rare > MAX_OCR_RARE_SHARE or split > MAX_OCR_SPLIT_SHARE:
            return TextCheck.refused("ocr_garbled", rare=rare, split=split)
    return TextCheck(True)
