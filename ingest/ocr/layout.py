"""OCR lines back into the page's reading order: boxes on one visual line joined left to right,
two-column pages read column by column, wrapped lines joined into paragraphs, a section number
split from its heading ("5.1.1日照" -> "5.1.1 日照", so chunking sees the heading), and running
headers, footers and page numbers dropped (the same line in the top or bottom band of several pages,
or a bare page number there)."""

from __future__ import annotations

import re
from collections import Counter
from statistics import median
from dataclasses import dataclass

from ingest.ocr.engine import OcrLine
from ingest.text import CJK, END_MARKS

# Bands at the top and bottom of a page where running headers, footers and page numbers start (GB/T
# standards print the standard's number 9-10 % from the top; body text starts below 13 %).
MARGIN_BAND = 0.11
PAGE_NUMBER = re.compile(r"^[-—–·\s]*(第\s*)?[0-9IVXLivxl]{1,4}(\s*页)?([\s/／共]*\d*\s*页?)?[-—–·\s]*$")
# Boxes belong to one visual line when their middles are closer than this share of their height.
SAME_ROW = 0.5
# A gap wider than this many character heights inside a row is a column or cell break: joined with
# a space, not run together.
WORD_GAP = 1.0
# A line that ends more than this many character heights short of the block's right edge ends its
# paragraph; one that starts further in than this is an indented first line.
SHORT_LINE = 1.5
INDENT = 1.0
# Rows further apart than this many line heights are separate paragraphs.
PARAGRAPH_GAP = 0.9
# Two columns: at least this share of the lines lie wholly on one side of the page's middle (give or
# take the slack), at least MIN_COLUMN_LINES on each side, and the lines of each side are long
# (their median width a share of the page's), unlike a table's cells.
COLUMN_SHARE = 0.6
COLUMN_SLACK = 0.02
MIN_COLUMN_LINES = 3
MIN_COLUMN_WIDTH = 0.25
CLAUSE_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})(?=[\u4e00-\u9fff])")
SECTION_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(?=[\u4e00-\u9fff])")
HEADING_CHARS = 30


@dataclass
class Row:
    """One visual line: its boxes joined left to right."""
    left: float
    top: float
    right: float
    bottom: float
    text: str
    cells: bool = False  # boxes apart by a wide gap: a table's row or a form's fields, never wrapped prose

    @property
    def height(self) -> float:
        return max(1.0, self.bottom - self.top)


def _rows(lines: list[OcrLine]) -> list[Row]:
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda l: (l.middle, l.left)):
        last = rows[-1] if rows else None
        if last and abs(line.middle - last[-1].middle) < SAME_ROW * max(line.height, last[-1].height):
            last.append(line)
        else:
            rows.append([line])
    out = []
    for boxes in rows:
        boxes.sort(key=lambda l: l.left)
        text, cells = boxes[0].text, False
        for before, box in zip(boxes, boxes[1:]):
            wide = box.left - before.right > WORD_GAP * box.height
            cells = cells or wide
            text += (" " if wide or _latin_pair(text, box.text) else "") + box.text
        out.append(Row(min(b.left for b in boxes), min(b.top for b in boxes), max(b.right for b in boxes),
                       max(b.bottom for b in boxes), text, cells))
    return out


def _latin_pair(before: str, after: str) -> bool:
    return bool(before) and bool(after) and before[-1].isascii() and before[-1].isalnum() and \
        after[0].isascii() and after[0].isalnum()


def _in_margin(line: OcrLine, height: float) -> bool:
    return line.top < MARGIN_BAND * height or line.bottom > (1 - MARGIN_BAND) * height


def _page_number(line: OcrLine, lines: list[OcrLine], height: float) -> bool:
    """A bare number (or "第3页", "- 3 -") as the first or last line of the page: a number in a
    table's last row is not the page's."""
    edge = line.top <= min(l.top for l in lines) or line.bottom >= max(l.bottom for l in lines)
    return edge and _in_margin(line, height) and bool(PAGE_NUMBER.match(line.text))


def _margin_key(line: OcrLine) -> str:
    """A running header's text with its digits masked: "GB/T 18824—2008 3" and "… 4" are one line."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))


def _columns(lines: list[OcrLine], width: float) -> list[list[OcrLine]]:
    """Blocks in reading order: lines spanning the middle as they come; between them, the left
    column's lines then the right column's. Two columns only when both sides hold long lines: the
    short cells of a table are read row by row."""
    middle, slack = width / 2, COLUMN_SLACK * width
    left = [l for l in lines if l.right <= middle + slack]
    right = [l for l in lines if l.left >= middle - slack]
    two_columns = (len(left) >= MIN_COLUMN_LINES and len(right) >= MIN_COLUMN_LINES
                   and len(left) + len(right) >= COLUMN_SHARE * len(lines)
                   and all(median(l.right - l.left for l in side) >= MIN_COLUMN_WIDTH * width for side in (left, right)))
    if not two_columns:
        return [lines]
    blocks: list[list[OcrLine]] = []
    pending: tuple[list[OcrLine], list[OcrLine]] = ([], [])
    for item in sorted(lines, key=lambda l: l.top):
        if item in left:
            pending[0].append(item)
        elif item in right:
            pending[1].append(item)
        else:  # spans the middle: a title or a full-width paragraph between column runs
            blocks.extend(side for side in pending if side)
            pending = ([], [])
            blocks.append([item])
    blocks.extend(side for side in pending if side)
    return blocks


def _paragraphs(block: list[Row]) -> list[str]:
    left_edge = min(r.left for r in block)
    right_edge = max(r.right for r in block)
    paragraphs: list[str] = []
    previous: Row | None = None
    for row in block:
        text = _split_section_number(row.text)
        if previous is not None and _continues(previous, row, left_edge, right_edge):
            joiner = " " if _latin_pair(paragraphs[-1], text) or (paragraphs[-1][-1:].isascii()
                                                                  and text[:1].isascii()) else ""
            paragraphs[-1] += joiner + text
        else:
            paragraphs.append(text)
        previous = row
    return paragraphs


def _continues(previous: Row, row: Row, left_edge: float, right_edge: float) -> bool:
    """Is ``row`` the wrapped continuation of ``previous``'s paragraph?"""
    unit = previous.height
    return (not previous.cells and not row.cells
            and previous.right >= right_edge - SHORT_LINE * unit
            and row.left < left_edge + INDENT * unit
            and row.top - previous.bottom <= PARAGRAPH_GAP * unit
            and previous.text[-1:] not in END_MARKS + "：:")


def _split_section_number(text: str) -> str:
    """"5.1.1日照" -> "5.1.1 日照", "4.2盘锦大米…" -> "4.2 盘锦大米…" (OCR drops the space that the
    chunker and the evidence splitter read a clause number by); a one-level number only on a short
    heading line ("4地理标志产品保护范围"), not "2025年…"."""
    if CLAUSE_NUMBER.match(text):
        return CLAUSE_NUMBER.sub(r"\1 ", text, count=1)
    if len(text) <= HEADING_CHARS and text[-1:] not in END_MARKS + "，,":
        return SECTION_NUMBER.sub(r"\1 ", text, count=1)
    return text


def _stray(row: Row) -> bool:
    """A visual line of one Chinese character alone: a map's scattered labels ("县", "盘", "海") or a
    stamp's edge. It carries no fact and would fill the page's chunks with one-character lines."""
    return len(row.text) == 1 and bool(CJK.match(row.text))


def page_texts(pages: list[tuple[list[OcrLine], float, float]]) -> list[str]:
    """The text of each page from its OCR lines and size (width, height), in reading order, with
    the lines repeated in the margins of several pages (running headers, footers) and bare page
    numbers left out."""
    counts = Counter(key for lines, _, height in pages
                     for key in {_margin_key(l) for l in lines if _in_margin(l, height)})
    repeated = {key for key, n in counts.items() if n >= 2}
    texts = []
    for lines, width, height in pages:
        body = [l for l in lines if not (_page_number(l, lines, height)
                                         or (_in_margin(l, height) and _margin_key(l) in repeated))]
        paragraphs = [p for block in _columns(body, width) if block
                      for p in _paragraphs([r for r in _rows(block) if not _stray(r)])]
        texts.append("\n\n".join(paragraphs))
    return texts
