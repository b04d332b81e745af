"""The evaluation's own judges: citation markers, sentences, lexical support, figures, refusal
sentences, and the form of a text (repeated units, fragments). They are written here, apart from
the product's checks (``app.answer``), so that the evaluation never grades the product with the
code it grades: a bug in a product check would otherwise pass its own test. They are simpler than
the product's and deterministic."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from ingest.text import YEAR, year_of

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


def same_value(stated: Figure, source: Figure) -> bool:
    return abs(source.value - stated.value) <= 1e-9 * max(1.0, abs(stated.value))


# the unit a table states once, above it ("单位：万元") or in a row's label ("碎米 总量/% ≤")
TABLE_UNIT = re.compile(r"(?:单位[:：]\s*|/)([^\s|/≤≥<>()（）:：]{1,4})")


@dataclass(frozen=True)
class Cell:
    """A figure's cell in a Markdown table: the terms of its row and of its column's heading, those of
    the other rows and headings, and the units the table states for it."""
    row: frozenset[str]
    other_rows: frozenset[str]
    column: frozenset[str]
    other_columns: frozenset[str]
    units: tuple[str, ...]

    def readings(self, figure: Figure) -> list[Figure]:
        """The cell's number as written, and in each unit the table states for it."""
        return [figure] + [f for u in self.units for f in figures(f"{figure.written}{u}")[:1]]


def _cells(line: str) -> list[str]:
    return line.strip().strip("|").split("|")


def _cell_terms(text: str) -> frozenset[str]:
    return frozenset(terms(re.sub(r"\d+(?:[.,]\d+)*", " ", text)) - FRAMING_PAIRS)


def _table_rows(lines: list[str]) -> list[str]:
    """The leading lines that are rows of a Markdown table."""
    end = next((i for i, r in enumerate(lines) if not r.lstrip().startswith("|")), len(lines))
    return lines[:end]


def table_cell(text: str, start: int) -> Cell | None:
    """The cell of a Markdown table ("| 3 | 兴业银行盐城分行 | 302,600.00 |") that a figure stands in;
    None for a figure outside a table."""
    line_start = text.rfind("\n", 0, start) + 1
    here = text[line_start:].split("\n")
    if not here[0].lstrip().startswith("|"):
        return None
    above = text[:line_start].split("\n")[:-1]
    over = _table_rows(above[::-1])[::-1]
    table = over + _table_rows(here)
    rows = [r for r in table if not re.fullmatch(r"[\s|:-]+", r)]
    header = _cells(rows[0])
    line = here[0]
    column = line[:start - line_start].count("|") - 1
    others = frozenset().union(*(_cell_terms(r) for r in rows[1:] if r != line))
    heading = header[column] if 0 <= column < len(header) else ""
    other_headings = frozenset().union(*(_cell_terms(h) for i, h in enumerate(header) if i != column))
    top = len(above) - len(over)
    stated = " ".join(above[max(0, top - 2):top]) + " " + _cells(line)[0]
    return Cell(_cell_terms(line), others, _cell_terms(heading), other_headings, tuple(TABLE_UNIT.findall(stated)))


def _names(said: set[str], own: frozenset[str], others: frozenset[str]) -> bool:
    """The sentence names this row (or column) of the table, or none of the table's: a term only
    this one has, or all of its terms when it has none of its own."""
    if not said & (own | others):
        return True
    distinct = own - others
    return bool(said & distinct) if distinct else own <= said


def same_cell(sentence: str, cell: Cell) -> bool:
    """The sentence names the cell's row and column where it names any of the table's:
    "兴业银行…授信总额：302,600.00" is that bank's row, not 民生银行's; "一级…7.5" is not the 二级
    column's 7.5. A sentence in another script than the table's is judged by value and unit alone."""
    said = set(terms(re.sub(r"\d+(?:[.,]\d+)*", " ", normalize(sentence))))
    table = cell.row | cell.other_rows | cell.column | cell.other_columns
    if not said or not scripts(said) & scripts(set(table)):
        return True
    return _names(said, cell.row, cell.other_rows) and _names(said, cell.column, cell.other_columns)


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
        cell = table_cell(text, candidate.start)
        if cell is not None:  # a table's cell: its unit is the table's or its row's, its subject its row and column
            if any(same_value(figure, c) and same_unit(figure, c) for c in cell.readings(candidate)) \
                    and same_cell(sentence, cell):
                return True
            continue
        if not same_value(figure, candidate) or not same_unit(figure, candidate):
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


# --- repeats and fragments -------------------------------------------------------------------

# What a reader sees twice: a unit (sentence, quote or list line) is a repeat of another when most
# of it lies inside the other once markers, quote marks, bold and list numbers are set aside:
# "省会城市最高1.5亿元[2]。" and "省会城市最高1.5亿元[3]。", or a lead sentence and "Conclusion: <it>".
REPEAT_SHARE = 0.85  # share of the unit's characters, or of its terms, inside the other unit
REPEAT_BLOCK = 3  # characters matched in runs of at least this many: scattered letters are no repeat
REPEAT_MIN_TERMS = 4  # a unit with fewer terms ("质量管理", "Equipment uptime") is too short to repeat
QUOTE_MARKS = re.compile(r"[“”‘’\"'「」『』]")
LIST_BULLET = re.compile(r"^\s*(?:[-*•+]\s+|\d{1,2}[.、)）](?!\d)\s*|[（(]\d{1,2}[)）]\s*|[一二三四五六七八九十]{1,3}、)")


def line_units(line: str) -> list[str]:
    """One line's units: its sentences (``sentences``), the list number or bullet kept on the first
    one ("2. 推动业务系统上云。" is one unit, not "2." and a sentence)."""
    bullet = LIST_BULLET.match(line)
    head = bullet.group(0) if bullet else ""
    parts = sentences(line[len(head):])
    if parts and head.strip():
        parts[0] = head.lstrip() + parts[0]
    return parts


def units(text: str) -> list[str]:
    """The text's units, line by line (``line_units``): sentences, quotes and list lines."""
    return [unit for line in text.splitlines() for unit in line_units(line)]


def unit_body(unit: str) -> str:
    """What a unit says, for comparing units: markers, quote marks, bold and the list number out,
    spaces folded, end punctuation off ("1. “推动业务系统上云。”[2]" → "推动业务系统上云")."""
    text = QUOTE_MARKS.sub("", normalize(strip_markers(unit))).replace("*", "")
    text = LIST_BULLET.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" 。．.！？!?；;，,：:")


def inside_share(part: str, whole: str) -> float:
    """Share of ``part``'s characters that ``whole`` holds in the same order, in runs of at least
    ``REPEAT_BLOCK`` characters (0..1)."""
    if not part:
        return 0.0
    blocks = SequenceMatcher(None, part, whole, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= REPEAT_BLOCK) / len(part)


@dataclass(frozen=True)
class Repeat:
    first: str  # the earlier unit, as written
    repeat: str  # the later unit that says it again
    share: float  # how much of the shorter one lies inside the other
    by: str  # "characters" or "terms"


def repeats(text: str) -> list[Repeat]:
    """The units of the text that say again what an earlier unit says (``REPEAT_SHARE`` of either
    one's characters or terms inside the other), each once, with the earlier unit it repeats.
    Two list items that share a lead word, or a sentence and a longer one sharing a few terms, are
    no repeat."""
    parts = units(text)
    bodies = [unit_body(u) for u in parts]
    unit_terms = [terms(b) for b in bodies]
    found = []
    for j in range(len(parts)):
        for i in range(j):
            best = None
            for part, whole in ((i, j), (j, i)):
                if len(unit_terms[part]) < REPEAT_MIN_TERMS:
                    continue
                by_terms = len(unit_terms[part] & unit_terms[whole]) / len(unit_terms[part])
                by_chars = inside_share(bodies[part], bodies[whole])
                for share, by in ((by_chars, "characters"), (by_terms, "terms")):
                    if share >= REPEAT_SHARE and (best is None or share > best[0]):
                        best = (share, by)
            if best:
                found.append(Repeat(parts[i], parts[j], round(best[0], 3), best[1]))
                break
    return found


# A kept line or unit that a reader cannot use as a statement:
# - "heading": a markdown heading, or a line that is only bold text ("**Equipment Uptime**[8]",
#   "**3[9]. Do: phased implementation**[9]"; a bolded full sentence ending in 。.!? is a sentence);
# - "title": a line that is only a document's title ("《中小企业数字化转型指南》[2]");
# - "meta": a disclaimer or note about the document itself ("（关于本资料）", "本资料……", "资料缺口：…",
#   "This summary …");
# - "dangling": a unit that opens with a colon, a closing bracket or a "-" left over from a list
#   (") - First batch (2023): …");
# - "no_predicate": a short unit that states nothing: in Chinese, under ``PREDICATE_MIN_CHARS``
#   characters of content and none of ``ZH_PREDICATE``; in English, under ``PREDICATE_MIN_WORDS``
#   words and no verb form (``EN_VERBS``, or a word in -ed or -s after the first). A list item under a
#   lead that ends in a colon is the lead's item: it needs no predicate of its own.
HEADING_LINE = re.compile(r"^\s*#{1,6}\s")
BOLD_ONLY = re.compile(r"^\*\*(.+?)\*\*[:：]?$")
TITLE_ONLY = re.compile(r"^(?:《[^》]+》[、和与及,，\s]*)+$")
META_OPENER = re.compile(r"^[（(\[【]?\s*(?:关于本资料|本资料|本文(?!件)|本摘要|资料缺口|(?:about\s+)?this\s+(?:summary|text|material)\b)",
                         re.I)
DANGLING_OPENER = re.compile(r"^[:：)）\]】}\-]")
PUNCTUATION = re.compile(r"[^\w]+")
PREDICATE_MIN_CHARS = 8  # content characters (Chinese, letters, digits) of a Chinese unit
PREDICATE_MIN_WORDS = 6  # words of an English unit
# Characters that make a short Chinese unit say something (是, 有, 要, 应, 推, 建 …): a small list,
# without those common in nouns (管 in 管理, 能 in 智能, 设 in 设备, 发 in 研发, 进 in 先进).
ZH_PREDICATE = frozenset("是有为要应须需可将把被让使在到给做无没不未含括属达提推建开施选查申获带降加减增改上看找买接称叫")
EN_VERBS = frozenset("""is are was were be been being am has have had do does did done can could should must may
might will would shall need needs get gets give gives go goes make makes take takes use uses start starts move
moves apply applies help helps offer offers provide provides cover covers set sets ask asks say says include
includes support supports require requires let lets see sees check checks assess assesses build builds add adds
keep keeps choose chooses find finds list lists mean means become becomes begin begins focus focuses aim aims
run runs""".split())
# After the first word, "-ed" and "-s" may be a verb ("information prevails", "the plan worked"): a
# plural noun read as a verb lets a fragment pass, which is the safer mistake.
EN_VERB_ENDING = re.compile(r"(?:ed|[^su'’]s)$")


@dataclass(frozen=True)
class Fragment:
    text: str  # the line or unit, as written
    kind: str  # "heading", "title", "meta", "dangling" or "no_predicate"


def _bare(text: str) -> str:
    """A line or unit without its markers, its list bullet and its end punctuation."""
    return LIST_BULLET.sub("", strip_markers(text).strip()).strip().rstrip("。．.；;，,！？!? \t")


def line_kind(line: str) -> str | None:
    """"heading" or "title" when the whole line is one, else None."""
    if HEADING_LINE.match(line):
        return "heading"
    bare = _bare(line)
    bold = BOLD_ONLY.match(bare)
    if bold and not re.search(r"[。！？!?]$|(?<![A-Z0-9])\.$", bold.group(1).strip()):
        return "heading"
    if TITLE_ONLY.match(bare.replace("*", "").strip()):
        return "title"
    return None


def states_something(unit: str) -> bool:
    """Does a unit have a predicate? Long units do; short ones need a verb-like character (Chinese)
    or a verb form (English)."""
    text = normalize(LIST_BULLET.sub("", strip_markers(unit).strip()))
    if re.search(rf"[{CJK}]", text):
        content = PUNCTUATION.sub("", text).replace("_", "")
        return len(content) >= PREDICATE_MIN_CHARS or any(c in ZH_PREDICATE for c in content)
    words = re.findall(r"[a-z]+(?:['’][a-z]+)?", text)
    return (len(words) >= PREDICATE_MIN_WORDS or any(w in EN_VERBS or w.endswith("n't") for w in words)
            or any(EN_VERB_ENDING.search(w) for w in words[1:]))


def unit_kind(unit: str, first: bool, carried: bool) -> str | None:
    """The fragment kind of one unit of a line (``first``: it opens the line; ``carried``: the line
    is an item of a lead ending in a colon), or None for a statement."""
    text = strip_markers(unit).strip()
    if first:
        text = LIST_BULLET.sub("", text)
    text = text.replace("*", "").strip()
    if DANGLING_OPENER.match(text):
        return "dangling"
    if META_OPENER.match(text):
        return "meta"
    if not carried and not states_something(unit):
        return "no_predicate"
    return None


def classified_units(text: str) -> list[tuple[str, str | None]]:
    """The text's units in order, each with its fragment kind (None for a statement): a heading or
    title line is one unit, any other line is split into its units (``line_units``)."""
    found = []
    after_lead = False  # the lines since a lead ending in a colon have been its list items
    for line in text.splitlines():
        if not strip_markers(line).strip(" \t*-•"):
            continue
        is_item = bool(LIST_BULLET.match(line))
        kind = line_kind(line)
        if kind:
            found.append((line.strip(), kind))
        else:
            carried = is_item and after_lead
            found += [(unit, unit_kind(unit, first=i == 0, carried=carried)) for i, unit in enumerate(line_units(line))]
        ends_lead = bool(re.search(r"[:：]$", strip_markers(line).strip().replace("*", "").strip()))
        after_lead = ends_lead or (after_lead and is_item)
    return found


def fragments(text: str) -> list[Fragment]:
    """The lines and units of a text that are fragments, not statements (kinds above), in order."""
    return [Fragment(unit, kind) for unit, kind in classified_units(text) if kind]


# A claim that something is required ("…必须达到CMMM三级") is not made by a sentence that says some
# require it ("一些地方还要求…达到三级及以上"): the scope is part of the claim.
OBLIGATION = re.compile(r"必须|务必|须|应当|\bmust\b|\bshall\b|\brequired\b|\bmandatory\b", re.I)
REQUIRED = re.compile(r"必须|务必|须|应当|应|要求|规定|\bmust\b|\bshall\b|\brequire|\bmandatory\b", re.I)
SOME = re.compile(r"一些|部分|有的|某些|个别|据一份|\b(?:some|certain|a few|several|one local)\b", re.I)


def keeps_scope(claim: str, sentence: str) -> bool:
    """Could the sentence make the claim as to who must: a binding claim needs a binding sentence,
    and one that binds all is not made by a sentence that binds some."""
    if not OBLIGATION.search(claim):
        return True
    return bool(REQUIRED.search(sentence)) and not (SOME.search(sentence) and not SOME.search(claim))


CLAIM_FIGURE = re.compile(r"\d+(?:[.,]\d+)*\s*(?:%|％|万亿|亿|万)?")


def keeps_year(claim: str, sentence: str) -> bool:
    """A claim that ties a figure to a year ("2025年达到3万亿元") is not made by a sentence that ties
    that figure to another year ("到2025年…突破1万亿元，到2030年有望达到3万亿元"): each figure's year
    is that of its clause or table column (``ingest.text.year_of``)."""
    for m in CLAIM_FIGURE.finditer(claim):
        figure = m.group(0).strip()
        year = None if YEAR.fullmatch(figure) else year_of(claim, m.start(), m.end())
        if not year:
            continue
        spots = list(re.finditer(rf"(?<![\d.]){re.escape(figure)}", sentence))
        if spots and all(year_of(sentence, s.start(), s.end()) not in (None, year) for s in spots):
            return False
    return True


# A phase, batch or stage by its number: "一期", "第三批", "phase 2", "second batch".
ORDINAL = re.compile(r"第?\s*([一二三四五六七八九十]|\d+)\s*(期|批|阶段)|\b(phase|batch|stage)\s*(\d+)\b|"
                     r"\b(first|second|third|fourth|fifth)\s+(phase|batch|stage)\b", re.I)
_ORDINAL_NUMBER = {**{c: i for i, c in enumerate("一二三四五六七八九十", start=1)},
                   **{w: i for i, w in enumerate(("first", "second", "third", "fourth", "fifth"), start=1)}}
_ORDINAL_KIND = {"期": "phase", "阶段": "stage", "批": "batch"}


def ordinals(text: str) -> set[tuple[str, int]]:
    """(kind, number) for each phase, batch or stage a text names by its number."""
    out = set()
    for m in ORDINAL.finditer(text):
        number, kind = next((a, b) for a, b in ((m.group(1), m.group(2)), (m.group(4), m.group(3)),
                                                (m.group(5), m.group(6))) if a)
        key = number.lower()
        out.add((_ORDINAL_KIND.get(kind, kind.lower()), _ORDINAL_NUMBER.get(key) or int(key)))
    return out


def keeps_ordinal(claim: str, sentence: str) -> bool:
    """A claim about one phase or batch ("MES一期2026年9月底前上线") is not made by a sentence about
    another of the same kind ("2026年9月底前：MES二期上线")."""
    stated = ordinals(sentence)
    return all((kind, n) in stated or not any(k == kind for k, _ in stated) for kind, n in ordinals(claim))
