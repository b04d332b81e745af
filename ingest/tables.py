"""Tables as Markdown tables: a header row, then one line per row, so that every cell stays with
its row and its column's name when the text is chunked, retrieved and shown to the model.

``markdown_table`` writes rows of cells (from pdfplumber or python-docx); ``page_with_tables``
finds the ruled tables of a text PDF page with pdfplumber and puts them in the page text where
they stand (``ingest.pdf_tables`` runs it over a document's pages)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from pdfplumber.page import Page
from pdfplumber.table import Table

CJK_EDGE = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

# Ruled tables only: Chinese reports, standards and prospectuses draw their tables with lines,
# and the "text" strategy turns aligned prose and side-by-side columns into false tables.
TABLE_SETTINGS = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    # pdfplumber's default: double rules and borders drawn a point or two apart become one edge.
    "snap_tolerance": 3,
    # pdfplumber's default: a rule drawn in dashes or pieces is joined into one edge.
    "join_tolerance": 3,
    # pdfplumber's default: shorter strokes (ticks, bullets) are not borders (5 found the same tables).
    "edge_min_length": 3,
    # pdfplumber's default: edges that miss each other by this much still meet at a cell corner.
    "intersection_tolerance": 3,
}
# Points of slack in cell geometry: less than this is the width of a rule, not an overlap or a span.
OVERLAP_POINTS = 1.0
# Centre of a character this close inside a table's box: the table's text, left out of the prose.
BBOX_MARGIN = 1.0

logging.getLogger("pdfminer").setLevel(logging.ERROR)  # broken fonts and streams are logged per object


def clean_cell(cell: str | None) -> str:
    """One line of text: lines wrapped inside the cell joined (without a space where Chinese meets
    the break, "信用\\n等级" → "信用等级"), runs of spaces collapsed, "|" escaped for Markdown."""
    parts = [" ".join(line.split()) for line in (cell or "").splitlines()]
    text = ""
    for part in filter(None, parts):
        joiner = "" if not text or CJK_EDGE.match(text[-1]) or CJK_EDGE.match(part[0]) else " "
        text += joiner + part
    return text.replace("|", r"\|")


def markdown_table(rows: list[list[str | None]]) -> str:
    """A Markdown table of ``rows``, the first row being the header. None is an empty position
    (pdfplumber writes it where a merged cell covers the grid; the rows alone cannot say whether
    the merge runs across or down, so the caller fills merged cells before, as ``pdf_table_pages``
    does from the cells' boxes and python-docx does itself). Fully empty rows and columns are
    dropped; "" when fewer than 2 rows or 2 columns are left (a frame around a paragraph)."""
    width = max((len(r) for r in rows), default=0)
    grid = [[clean_cell(c) for c in r] + [""] * (width - len(r)) for r in rows]
    grid = [r for r in grid if any(r)]
    kept_columns = [c for c in range(width) if any(r[c] for r in grid)]
    grid = [[r[c] for c in kept_columns] for r in grid]
    if len(grid) < 2 or len(kept_columns) < 2:
        return ""
    lines = [_markdown_row(grid[0]), _markdown_row(["---"] * len(kept_columns))]
    lines += [_markdown_row(r) for r in grid[1:]]
    return "\n".join(lines)


def _markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _filled_rows(table: Table) -> list[list[str | None]]:
    """pdfplumber's rows with a merged cell's text in every grid position it covers: a label that
    spans rows belongs to each of them, a value that spans columns to each column."""
    rows = table.extract()
    tops = [row.bbox[1] for row in table.rows]
    lefts = sorted({cell[0] for cell in table.cells})  # pdfplumber's column positions, in order
    for r, row in enumerate(table.rows):
        for c, box in enumerate(row.cells):
            if box is None:
                continue
            x0, top, x1, bottom = box
            for r2 in (i for i, y in enumerate(tops) if top <= y < bottom - OVERLAP_POINTS):
                for c2 in (j for j, x in enumerate(lefts) if x0 <= x < x1 - OVERLAP_POINTS):
                    if rows[r2][c2] is None:
                        rows[r2][c2] = rows[r][c]
    return rows


def _is_layout_frame(table: Table) -> bool:
    """Cells that overlap: frames nested in frames, as page layouts draw them (a research note's
    sidebar and body), not a data table."""
    cells = sorted(table.cells)  # by left edge: only cells starting left of a cell's right edge can overlap it
    for i, a in enumerate(cells):
        for b in cells[i + 1:]:
            if b[0] >= a[2] - OVERLAP_POINTS:
                break
            if _overlap(a, b):
                return True
    return False


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > OVERLAP_POINTS and min(a[3], b[3]) - max(a[1], b[1]) > OVERLAP_POINTS


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 - BBOX_MARGIN <= x <= x1 + BBOX_MARGIN and top - BBOX_MARGIN <= y <= bottom + BBOX_MARGIN
               for x0, top, x1, bottom in boxes)


def page_with_tables(page: Page) -> str | None:
    """The page's text with each real table as a Markdown table where it stands (the text above
    it above, the text below it below); None when the page holds no real table."""
    tables = [(t.bbox, markdown_table(_filled_rows(t))) for t in page.find_tables(TABLE_SETTINGS)
              if not _is_layout_frame(t)]
    tables = [(bbox, markdown) for bbox, markdown in tables if markdown]
    outside = [c for c in page.chars if c["text"].strip() and not _inside(c, [bbox for bbox, _ in tables])]
    found = [(bbox, markdown) for bbox, markdown in tables if not _text_beside(bbox, outside)]
    if not found:
        return None
    boxes = [bbox for bbox, _ in found]
    prose = page.filter(lambda obj: not _inside(obj, boxes))
    blocks = [(line["top"], line["text"]) for line in prose.extract_text_lines(return_chars=False)]
    blocks += [(bbox[1], f"\n{markdown}\n") for bbox, markdown in found]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(text for _, text in sorted(blocks, key=lambda b: b[0]))).strip()


def _text_beside(bbox: tuple, chars: list[dict]) -> bool:
    """Text on the table's rows left or right of it: columns the ruling left open (a research
    note's "说明" column) or a page column beside it. Cut out, those rows would lose that text;
    the caller's plain text keeps it on the row's line."""
    _, top, _, bottom = bbox
    return any(top + BBOX_MARGIN < (c["top"] + c["bottom"]) / 2 < bottom - BBOX_MARGIN for c in chars)
