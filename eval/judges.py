"""The evaluation's own judges: citation markers, sentences, lexical support, figures and refusal
sentences. They are written here, apart from the product's checks (``app.answer``), so that the
evaluation never grades the product with the code it grades: a bug in a product check would
otherwise pass its own test. They are simpler than the product's and deterministic."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- citation markers -------------------------------------------------------------------------

# "[3]", "【3】", "[1, 3]", "[1，3、4]": one or two digits each, so "[2024]" is not a citation.
MARKER = re.compile(r"[\[【]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[\]】]")


def marker_numbers(marker: re.Match) -> list[int]:
    """The source numbers one marker names, in the order written."""
    return [int(n) for n in re.findall(r"\d+", marker.group(1))]


def cited_numbers(text: str) -> list[int]:
    """Every source number the text cites, once each, in order of first citation."""
    seen: list[int] = []
    for marker in MARKER.finditer(text):
        seen += [n for n in marker_numbers(marker) if n not in seen]
    return seen


def strip_markers(text: str) -> str:
    """The text without its citation markers ("[3]" is a citation, not the number 3)."""
    return MARKER.sub("", text)


# --- sentences -----------------------------------------------------------------------------

# A sentence ends at 。！？!? or at a full stop before a space, a quote, a marker or the end (so
# "1.5亿" stays whole); closing quotes and the markers right after the stop belong to it.
SENTENCE_END = re.compile(r"(?:[。！？!?]+|\.(?=\s|$|[\[【”’\"」』]))[”’\"」』)）]*(?:[ \t]*[\[【][\d\s,，、]+[\]】])*")


def sentences(text: str) -> list[str]:
    """The answer's sentences, each with its end punctuation and its trailing markers; a line
    break ends a sentence too (list items, headings)."""
    out = []
    for line in text.splitlines():
        start = 0
        for end in SENTENCE_END.finditer(line):
            out.append(line[start:end.end()])
            start = end.end()
        out.append(line[start:])
    return [s.strip() for s in out if strip_markers(s).strip(" \t*-•")]


# --- lexical support -----------------------------------------------------------------------

CJK = r"\u4e00-\u9fff"
# Words that say nothing of a subject, in English; Chinese is compared in character pairs, and the
# pairs that only frame a figure ("最高1.5亿元", "超过30%") are set apart below.
ENGLISH_STOPWORDS = frozenset("""a about an and are as at be been by can for from has have in is it its less may more of
on or over per than that the their these this to up was were which will with""".split())


def normalize(text: str) -> str:
    """Full-width forms folded (％ → %, ０ → 0), lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def terms(text: str) -> set[str]:
    """Lexical terms of a text: pairs of adjacent Chinese characters within a run of Chinese,
    English words (stop words out) and numbers."""
    text = re.sub(r"(?<=\d),(?=\d{3})", "", normalize(strip_markers(text)))  # "1,200" is one number
    found = set()
    for run in re.findall(rf"[{CJK}]+", text):
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    found.update(w for w in re.findall(r"[a-z]+", text) if w not in ENGLISH_STOPWORDS)
    found.update(re.findall(r"\d+(?:\.\d+)?", text))
    return found


def support(sentence: str, source: str) -> float:
    """Share of the sentence's terms that the source holds (0..1); 0 for a sentence with none."""
    wanted = terms(sentence)
    return len(wanted & terms(source)) / len(wanted) if wanted else 0.0


# --- figures -------------------------------------------------------------------------------

MAGNITUDE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3, "trillion": 1e12, "billion": 1e9, "million": 1e6,
             "thousand": 1e3}
# The unit a number is counted in, by family: two figures agree only within one family ("3年" is
# not "3个月", "5%" is not "5家"). Longer spellings first, so "个月" is not read as "个".
UNIT_FAMILY = {"%": "percent", "percent": "percent", "元": "money", "yuan": "money", "rmb": "money",
               "个月": "months", "months": "months", "month": "months", "年": "years", "years": "years",
               "year": "years", "月": "calendar month", "日": "days", "天": "days", "days": "days", "day": "days",
               "家": "firms", "firms": "firms", "enterprises": "firms", "companies": "firms",
               "个": "items", "项": "items", "条": "items", "种": "items", "人": "people", "名": "people"}
_UNITS = "|".join(sorted(map(re.escape, UNIT_FAMILY), key=len, reverse=True))
_MAGNITUDES = "|".join(sorted(MAGNITUDE, key=len, reverse=True))
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])({_NUMBER})(?:\s*(?:-|–|—|~|～|至|到|to)\s*({_NUMBER}))?"
    rf"(?:\s*({_MAGNITUDES}))?(?:\s*[余多])?(?:\s*({_UNITS})(?![a-z]))?", re.I)
# "2025-02-28", "2025年2月28日", "2025/2/28": a date is a year, a month and a day, not a range.
DATE = re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?")
LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.、)）]\s*")
SMALL_COUNT = 12  # a bare whole number up to this ("3 steps", "two of 5") is a count in prose, not a figure
YEARS = range(1900, 2101)  # a bare number in this range in a source may be a year ("GB/T 45341-2025", "the 2025 list")
WINDOW = 30  # characters either side of a figure in which its subject is named (about a clause of Chinese)
# Pairs that frame a number without naming what it counts: sharing "最高" is not sharing a subject
# ("每家企业最高1.5亿元" against "省会城市最高1.5亿元").
FRAMING_PAIRS = frozenset("最高 最多 最低 不超 超过 以上 以下 左右 达到 约为 共有 其中 分别 可以 可获 获得 合计 累计 大约 "
                          "不低 低于 高于 为期 期限 以内".split())
CLAUSE_BREAK = re.compile(r"[。！？!?；;]")


QUANTITIES = ("money", "firms", "items", "people")  # what "1.5亿" or "3万" with no unit may count


@dataclass(frozen=True)
class Figure:
    written: str  # as it stands in the text
    value: float  # the number with its magnitude applied ("1.5亿" → 150000000)
    family: str | None  # the unit family ("money", "years", ...), None for a number without a unit
    start: int
    end: int
    scaled: bool = False  # written with a magnitude (亿, 万, million)


def figures(text: str) -> list[Figure]:
    """Every number in the text with its value and unit family: dates by their parts, ranges by
    both ends (the unit after a range is each end's unit)."""
    text = normalize(text)
    found = []
    for m in DATE.finditer(text):
        for group, family in ((1, "years"), (2, "calendar month"), (3, "days")):
            found.append(Figure(m.group(0), float(m.group(group)), family, m.start(), m.end()))
    masked = DATE.sub(lambda m: " " * len(m.group(0)), text)
    for m in FIGURE.finditer(masked):
        magnitude = MAGNITUDE.get((m.group(3) or "").lower(), 1.0)
        unit = (m.group(4) or "").lower()
        for number in filter(None, (m.group(1), m.group(2))):
            found.append(Figure(m.group(0).strip(), float(number.replace(",", "")) * magnitude, UNIT_FAMILY.get(unit),
                                m.start(), m.end(), bool(m.group(3))))
    return found


def stated_figures(sentence: str) -> list[Figure]:
    """The figures an answer sentence states: markers and a leading list number are not figures,
    nor a bare small count."""
    body = LIST_NUMBER.sub(lambda m: " " * len(m.group(0)), MARKER.sub(lambda m: " " * len(m.group(0)), sentence))
    return [f for f in figures(body)
            if f.family or f.value > SMALL_COUNT or f.value != int(f.value) or not re.fullmatch(r"\d+", f.written)]


def same_unit(stated: Figure, source: Figure) -> bool:
    """The source's number is counted in the unit the answer states. A number without a unit in the
    answer takes any unit; a unit in the answer needs the same family in the source, except that a
    source's bare year-like number is a year, and a source's "1.5亿" (the unit said once for a list:
    "1.5亿、1亿元") may count money, firms, items or people. "3年" is never a bare "3"."""
    if stated.family is None or stated.family == source.family:
        return True
    if source.family is not None:
        return False
    if stated.family == "years":
        return not source.scaled and source.value in YEARS
    return source.scaled and stated.family in QUANTITIES


def subject_terms(text: str, start: int, end: int) -> set[str]:
    """The content terms within ``WINDOW`` characters of a figure, in its clause: the figure itself,
    other numbers and framing pairs out."""
    left = CLAUSE_BREAK.split(text[max(0, start - WINDOW):start])[-1]
    right = CLAUSE_BREAK.split(text[end:end + WINDOW])[0]
    if start > WINDOW and text[start - WINDOW - 1].isascii() and text[start - WINDOW - 1].isalpha():
        left = re.sub(r"^[a-z]+", "", left)  # a word cut by the window is not a word
    if text[end + WINDOW:end + WINDOW + 1].isascii() and text[end + WINDOW:end + WINDOW + 1].isalpha():
        right = re.sub(r"[a-z]+$", "", right)
    around = re.sub(r"\d+(?:[.,]\d+)*", " ", left + " " + right)
    return terms(around) - FRAMING_PAIRS


SENTENCE_START = re.compile(r"[。！？!?]|\.\s")
LEAD_END = re.compile(r"[:：]")


def lead_terms(text: str, start: int) -> set[str]:
    """The content terms of the lead of the figure's sentence, when the figure stands in a list after
    it ("each pilot city gets a fixed reward, capped by city type: capitals: at most 150 million
    yuan"): the lead names what every item of the list counts."""
    begin = max((m.end() for m in SENTENCE_START.finditer(text, 0, start)), default=0)
    colon = LEAD_END.search(text, begin, start)
    if colon is None:
        return set()
    return terms(re.sub(r"\d+(?:[.,]\d+)*", " ", text[begin:colon.start()])) - FRAMING_PAIRS


def scripts(words: set[str]) -> set[str]:
    """The scripts the terms are written in: "zh" for Chinese pairs, "latin" for words."""
    return {"zh" if re.match(rf"[{CJK}]", w) else "latin" for w in words}


def same_subject(near: set[str], source_near: set[str]) -> bool:
    """The sentence and the source name the same subject beside the figure: a shared content term.
    An English sentence on a Chinese source (or the reverse) shares no words to compare; there the
    value and the unit decide alone."""
    return not near or bool(near & source_near) or (bool(source_near) and not scripts(near) & scripts(source_near))


def figure_supported(sentence: str, figure: Figure, source: str) -> bool:
    """The source holds the figure: the same value, a compatible unit, and the same subject beside
    it (``same_subject``) in the sentence and in the source."""
    text = normalize(strip_markers(source))
    near = subject_terms(normalize(sentence), figure.start, figure.end)
    for candidate in figures(text):
        if abs(candidate.value - figure.value) > 1e-9 * max(1.0, abs(figure.value)) or not same_unit(figure, candidate):
            continue
        source_near = subject_terms(text, candidate.start, candidate.end) | lead_terms(text, candidate.start)
        if same_subject(near, source_near):
            return True
    return False


def unsupported_figures(sentence: str, sources: list[str], known: str = "") -> list[str]:
    """The figures of the sentence that none of the sources holds (``figure_supported``) and the
    user's own words (``known``: question, earlier turns) do not give either, as written."""
    known_values = {f.value for f in figures(known)} if known else set()
    body = normalize(MARKER.sub(lambda m: " " * len(m.group(0)), sentence))
    bad = []
    for figure in stated_figures(body):
        if figure.value in known_values or any(figure_supported(body, figure, s) for s in sources):
            continue
        if figure.written not in bad:
            bad.append(figure.written)
    return bad


# --- refusals ------------------------------------------------------------------------------

# A sentence saying that the sources do not give something: it states no claim of its own.
NOT_GIVEN = re.compile(
    r"(?:资料|来源|文件|材料|文档|原文|提供的信息)[^。！？，,]{0,8}?(?:没有|未|并未|均未|都未|尚未)"
    r"(?:提供|提及|说|给出|涉及|包含|列出|明确|写|规定|覆盖)"
    r"|(?:没有|未|并未|尚未)(?:提供|给出|提及|说明|明确|找到)[^。！？]{0,10}?(?:信息|数据|数字|金额|内容|细节|规定|标准|依据)"
    r"|无法(?:从[^。！？]{0,10})?(?:确定|回答|判断|得知|确认)|暂无(?:相关)?(?:信息|资料|数据)"
    r"|\b(?:sources?|documents?|materials?|guidelines|texts?|evidence|information)\b[^.!?]{0,40}?"
    r"\b(?:do|does|did)\s*(?:not|n't)\s+(?:cover|provide|give|mention|specify|state|contain|include|say|list)\b"
    r"|\b(?:is|are|was|were)\s+not\s+(?:given|provided|specified|stated|mentioned|listed)\b"
    r"(?=\s*(?:in|by)\s+(?:the|my|these|any)\s+(?:sources?|documents?|materials?|texts?|evidence)|\s*[.,;:]|\s*$)"
    r"|\bno\s+(?:information|figures?|data|details?|amounts?)\s+(?:is\s+|are\s+)?(?:given|provided|available)\b"
    r"|\b(?:cannot|can't)\s+be\s+(?:determined|answered)\b",
    re.I)


def says_not_given(sentence: str) -> bool:
    """Does the sentence say that the sources do not give something ("资料中没有提供……", "未提供
    具体金额", "the amount is not given")? Such a sentence refuses; it claims nothing."""
    return bool(NOT_GIVEN.search(normalize(strip_markers(sentence)).replace("*", "")))
