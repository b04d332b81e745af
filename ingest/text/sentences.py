"""Sentences, clauses and list units, for Chinese and English alike: one notion of where a sentence
ends, used by the chunker, the OCR layout, the evidence selector, the answer's checks and the
streaming verifier.

- ``END_MARKS``: the characters that end a sentence (a line ending in one is not wrapped prose);
- ``split_sentences``: a text's sentences (。！？!?, "." before a capital or a digit, and by default
  also ；; and line breaks);
- ``split_clauses`` / ``CLAUSE_BREAK``: finer pieces (a semicolon, a full stop after a word), a line
  break before a list item does not end a clause;
- ``SENTENCE``: one sentence of a generated answer with its closing quotes and citation markers
  (for ``re.findall``); ``SENTENCE_END``: where a sentence ends in a stream of generated text;
- ``LIST_MARK``, ``marked_units``, ``split_units``: the sentences and list items of a chunk, list
  marks and Markdown emphasis removed, a Markdown table's rows said with their header."""

from __future__ import annotations

import re

from ingest.text.untrusted import ADDRESSED_TO_MODEL, FAKE_TURN, strip_remote_content

END_MARKS = "。！？；!?;…"  # a sentence (or a line that is not wrapped prose) ends in one of these
_FULL_STOPS = "。！？!?"
_SEMICOLONS = "；;"
# "." ends an English sentence before whitespace and a capital, a digit, a quote or a bracket ("e.g.
# the" does not end one).
_PERIOD = r"(?<=\.)\s+(?=[A-Z0-9\"“(])"


def _breaks(semicolons: bool, lines: bool) -> re.Pattern:
    ends = _FULL_STOPS + (_SEMICOLONS if semicolons else "")
    return re.compile(rf"(?<=[{ends}])|{_PERIOD}" + (r"|\n+" if lines else ""))


_BREAKS = {(s, n): _breaks(s, n) for s in (True, False) for n in (True, False)}


def split_sentences(text: str, *, semicolons: bool = True, lines: bool = True) -> list[str]:
    """The sentences of ``text``, stripped, empty ones left out. A sentence ends after 。！？!?, at a
    "." followed by a space and a capital or a digit, and (by default) after ；; and at a line break.
    ``semicolons=False, lines=False`` gives grammatical sentences only: "资料没有的信息：金额；回收期"
    and a lead line with the list below it stay one sentence."""
    return [s.strip() for s in _BREAKS[semicolons, lines].split(text) if s.strip()]


# Where a clause ends: a sentence end or semicolon, a full stop after a word, figure or bracket, or a
# line break, except one before a list item ("主要规则是：\n- 约34个城市" is one clause).
CLAUSE_BREAK = re.compile(r"[。；;！？!?]|(?<=[a-z%)])\.\s|\n(?!\s*(?:[-*+•]|\d+[.、)）])\s)")


def split_clauses(text: str) -> list[str]:
    """The clauses of ``text`` as they are (unstripped, empty pieces kept, the marks removed), so that
    ``split_clauses(left)[-1]`` is the clause a position is in."""
    return CLAUSE_BREAK.split(text)


# Citation markers after a sentence: "[1]", "【2】", "[1, 3]".
TRAILING_MARKERS = re.compile(r"(?:[ \t]*[\[【][\d,，、 ]+[\]】])*")
# One sentence of an answer for re.findall: up to its end (。！？!? or a "." before a space, the end,
# a quote or a marker), its closing quotes and its citation markers; a line break is a piece of its own.
SENTENCE = re.compile(r"[^\n]+?(?:(?:[。！？!?]|\.(?=\s|$|[”’\"\[【]))+[”’\"」』]*"
                      + TRAILING_MARKERS.pattern + r"|(?=\n)|$)|\n")
# Where a sentence ends in streamed text: 。！？, a full stop before a space, or a line end; "1. "
# opening a list item does not.
SENTENCE_END = re.compile(r"[。！？!?]+|(?<!^\d)(?<!\n\d)(?<!^\d\d)(?<!\n\d\d)\.(?=\s)|\n")

# A list item's mark; "4.2 盘锦大米…" (a clause number) and "1.5倍…" (a figure) are not marks
LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d+(?:[.、)）](?!\d))|[（(][一二三四五六七八九十\d]+[)）])\s*")
LEAD_END = re.compile(r"[:：]$")  # a sentence that introduces a list
TABLE_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")  # the line under a Markdown table's header row
MIN_UNIT_CHARS = 8  # a shorter piece ("一、", "Note.") states nothing on its own, unless it is a list item or a lead


def table_cells(line: str) -> list[str]:
    """The cells of a Markdown table row ("\\|" inside a cell is a literal bar)."""
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


# A table's unit stated on the line above it: "单位：万元", "（单位：亿元）", "Unit: RMB 10,000".
TABLE_UNIT = re.compile(r"单位[：:]\s*[^\s|，。；）)]{1,8}|\bunits?:\s*[A-Za-z0-9 ,%]{1,20}", re.I)


def row_with_header(header: list[str], cells: list[str]) -> str:
    """A table row as one unit that names each cell's column ("年份：2021；评级机构：联合资信评估有限公司"):
    alone, a row of figures does not say which figure is which. Columns under one merged header cell
    (the header repeats: "等级 | 等级") are one label, each distinct cell once: "碎米 其中：小碎米含量/% ≤",
    "品尝评分值/分 ≥" (not "等级：品尝评分值/分 ≥；等级：品尝评分值/分 ≥")."""
    said: list[tuple[str, list[str]]] = []  # (header, its cells), merged columns together
    for h, c in zip(header, cells):
        if said and h and h == said[-1][0]:
            if c and c not in said[-1][1]:
                said[-1][1].append(c)
        else:
            said.append((h, [c] if c else []))
    return "；".join(f"{h}：{' '.join(c)}" if h and c != [h] else " ".join(c) for h, c in said if c)


def marked_units(text: str, min_chars: int = MIN_UNIT_CHARS) -> list[tuple[str, int, int]]:
    """(unit, the list item it belongs to or -1, its line) for each sentence and list item of a
    chunk; a list item of several sentences gives several units with the same item number. Headings,
    links, fake chat turns and sentences addressed to the model are left out (``ingest.text.untrusted``);
    a piece shorter than ``min_chars`` is kept only as a list item or a list's lead."""
    units = []
    lines = strip_remote_content(FAKE_TURN.sub("\n", text)).split("\n")
    header: list[str] = []
    unit_note = ""  # the table's unit, given on the line above it ("单位：万元")
    for line_no, line in enumerate(lines):
        if line.startswith("|") and (header or line_no + 1 < len(lines) and TABLE_RULE.match(lines[line_no + 1])):
            # a Markdown table (ingest/tables.py): the header row is said with every row, not alone,
            # and so is its unit: "授信总额：302,600.00" alone does not say 万元
            if not header:
                header = table_cells(line)
                above = TABLE_UNIT.search(lines[line_no - 1]) if line_no else None
                unit_note = f"（{above.group(0)}）" if above else ""
            elif not TABLE_RULE.match(line) and not ADDRESSED_TO_MODEL.search(line):
                units.append((row_with_header(header, table_cells(line)) + unit_note, -1, line_no))
            continue
        header = []
        item = line_no if LIST_MARK.match(line) else -1
        for raw in split_sentences(line):
            unit = LIST_MARK.sub("", raw).replace("**", "").strip()
            if unit.startswith("#"):
                continue  # a heading is context, not a claim
            if ADDRESSED_TO_MODEL.search(unit):
                continue
            if len(unit) >= min_chars or (len(unit) >= 2 and (item >= 0 or LEAD_END.search(unit))):
                units.append((unit, item, line_no))
    return units


def split_units(text: str, min_chars: int = MIN_UNIT_CHARS) -> list[str]:
    """Sentences and list items of a chunk, list markers, Markdown emphasis and links removed, each at
    least ``min_chars`` long."""
    return [u for u, _, _ in marked_units(text, min_chars) if len(u) >= min_chars]
