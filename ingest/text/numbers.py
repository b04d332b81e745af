"""Numbers and figures: ONE pattern for a number, and the shapes built on it (a figure with its
range and unit, a document number, a list number).

A number is digits with decimals or thousands separators ("1,200", "3.5", "2025.1.1" are one
number each). Everything that looks for numbers in text (the evidence scorer, the answer's figure
check, the echo check, the follow-up rewrite check) uses ``NUMBER``, so "1,200" is one number
everywhere."""

from __future__ import annotations

import re

from ingest.text.sentences import table_cells

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# What joins the two ends of a range: "3-5年", "2025—2027年", "10至20家", "3 to 5 years".
RANGE_JOIN = r"(?:-|–|—|~|～|至|到|to)"
# The units a figure may carry, longest first where one is the start of another.
FIGURE_UNITS = (r"%|％|percent|万|亿|千|百|元|年|个月|月|日|天|个|家|项|yuan|rmb|years?|months?|days?|"
                r"million|billion|thousand")
# A figure: a number, optionally a range ("3-5"), optionally "余/多", optionally a unit. Groups: 1 the
# number (or the range's low end), 2 the range's high end, 3 the unit.
FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])({NUMBER.pattern})(?:\s*{RANGE_JOIN}\s*({NUMBER.pattern}))?"
    rf"(?:余|多)?\s*({FIGURE_UNITS})?",
    re.I)
# A document number (文号): "工信部联企业〔2022〕32号", "[2022] No. 32" (spaces inside allowed).
DOC_NUMBER = re.compile(r"〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*No\.?\s*\d+", re.I)
# A number that names rather than counts: a standard's or a code's ("GB/T 5503", "JJF 1070", "PKCS#1"), a
# clause's ("7.4.2"), a table's, figure's or chapter's ("表 1", "第4章").
CODE_NUMBER = re.compile(r"(?<![A-Za-z])[A-Z]{1,6}(?:/[A-Z])?(?:#?\d+(?:[.-]\d+)*|\s+\d{3,}(?:-\d+)?(?![\d.,]))|"
                         r"(?<![\d.])\d+(?:\.\d+){2,}(?![\d.])|[第表图]\s*\d+(?:\.\d+)*")
# A list number opening a line ("1. ", "2、", "3）"): the item's place, not a figure.
LIST_NUMBER = re.compile(r"^\s*\d+[.、)）]\s", re.M)


# A year (1900–2099) standing alone: not part of a longer number or a code.
YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d]|[.,]\d)")
# What ends the clause a figure stands in, for its year: a year on the other side of a comma belongs to
# another figure ("到2025年，规模将突破1万亿元，到2030年有望达到3万亿元").
FIGURE_CLAUSE_END = re.compile(r"[，,；;。！？!?\n]|\s(?:and|while|but|whereas)\s", re.I)
FIGURE_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?:\s|$)")


def _bounds(ends: re.Pattern, text: str, start: int, end: int) -> tuple[int, int]:
    """Where the piece of ``text`` around ``start:end`` that ``ends`` delimits begins and ends."""
    begin = max((m.end() for m in ends.finditer(text, 0, start)), default=0)
    after = ends.search(text, end)
    return begin, after.start() if after else len(text)


def figure_clause(text: str, start: int, end: int) -> str:
    """The clause the figure at ``text[start:end]`` stands in (commas end clauses here)."""
    begin, stop = _bounds(FIGURE_CLAUSE_END, text, start, end)
    return text[begin:stop]


def figure_sentence(text: str, start: int, end: int) -> str:
    """The sentence the figure at ``text[start:end]`` stands in."""
    begin, stop = _bounds(FIGURE_SENTENCE_END, text, start, end)
    return text[begin:stop]


def year_of(text: str, start: int, end: int) -> str | None:
    """The year the figure at ``text[start:end]`` belongs to, or None: in a Markdown table row, the
    year its column's header names (or its row's first cell); in prose, the year nearest to it in
    its clause, else the nearest year before it in its sentence."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start: len(text) if line_end < 0 else line_end]
    if line.lstrip().startswith("|"):
        return _table_year(text, line_start, line, start - line_start)
    clause_start, clause_end = _bounds(FIGURE_CLAUSE_END, text, start, end)
    in_clause = [m for m in YEAR.finditer(text, clause_start, clause_end) if not start <= m.start() < end]
    if in_clause:
        return min(in_clause, key=lambda m: min(abs(m.start() - end), abs(start - m.end()))).group(0)
    sentence_start, _ = _bounds(FIGURE_SENTENCE_END, text, start, end)
    before = list(YEAR.finditer(text, sentence_start, start))
    return before[-1].group(0) if before else None


def _table_year(text: str, line_start: int, line: str, offset: int) -> str | None:
    """The year of a table cell: its column header's, else its row label's."""
    column = len(re.findall(r"(?<!\\)\|", line[:offset])) - 1
    header = line
    block_start = line_start
    while block_start > 0:  # up to the table's first row
        previous_start = text.rfind("\n", 0, block_start - 1) + 1
        previous = text[previous_start: block_start - 1]
        if not previous.lstrip().startswith("|"):
            break
        header, block_start = previous, previous_start
    cells, row = table_cells(header), table_cells(line)
    for cell in (cells[column] if 0 <= column < len(cells) and header is not line else "", row[0] if row else ""):
        years = YEAR.findall(cell)
        if len(years) == 1:
            return years[0]
    return None


def counted_figures(text: str) -> list[re.Match]:
    """The figures of a text that are amounts, counts, shares or limits: not years, and not numbers
    that name a standard, a clause, a table or a chapter."""
    codes = [(m.start(), m.end()) for m in CODE_NUMBER.finditer(text)]
    return [m for m in FIGURE.finditer(text) if not YEAR.fullmatch(m.group(1))
            and not any(a <= m.start(1) < b for a, b in codes)]


# A label of one item of a numbered series: a phase, grade, batch, stage or level ("一期", "二级", "特级",
# "第三批", "Level 2", "phase 1"). Two labels of the same series name two items.
SERIES_LABEL = re.compile(r"(?:第?(?P<zh>[一二三四五六七八九十]+|特|[1-9])(?P<kind>期|级|批|阶段|档))|"
                          r"\b(?P<kind_en>level|phase|batch|stage|tier|grade)\s*(?P<en>[1-9]|one|two|three|four|five)\b",
                          re.I)
SEGMENT_END = re.compile(r"[。！？；;!?\n]")


def series_labels(text: str) -> dict[str, set[str]]:
    """The series labels a text names, by the kind of series: {"期": {"一"}, "level": {"2"}}."""
    out: dict[str, set[str]] = {}
    for m in SERIES_LABEL.finditer(text):
        kind = (m.group("kind") or m.group("kind_en")).lower()
        out.setdefault(kind, set()).add((m.group("zh") or m.group("en")).lower())
    return out


def figure_segment(text: str, start: int, end: int) -> str:
    """The figure's stretch of text up to the nearest 。；? or line end on each side (a colon and
    commas do not end it): "2026年9月底前：MES二期（装配车间）上线" for its date."""
    begin, stop = _bounds(SEGMENT_END, text, start, end)
    return text[begin:stop]


def other_item(sentence_part: str, source_part: str) -> bool:
    """The sentence ties a figure to one item of a series ("一期…2026年9月底前") where the source ties
    it to another of the same series and not to that one ("2026年9月底前：MES二期（装配车间）上线")."""
    said, held = series_labels(sentence_part), series_labels(source_part)
    return any(held.get(kind) and not labels & held[kind] for kind, labels in said.items())
