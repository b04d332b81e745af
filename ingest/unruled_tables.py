"""Tables drawn without rules: figures aligned in columns under a row of periods, as research notes
and financial summaries print them ("营业收入(百万元) 746 1,567 3,684" under "2020 2021 2022E").
Read as plain text, each row runs into the next and two tables printed side by side share one line,
so "P/B 12.44 8.50 5.76 4.08" loses the years its figures belong to. Here the words' positions put
each figure under its column's period, and the page's text is rebuilt with each such table as a
Markdown table where it starts; the text around it stays, one line per block of words.

Only pages with such a table change (``page_with_aligned_tables`` gives None otherwise): the
caller keeps its own text for every other page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pdfplumber.page import Page

from ingest.tables import markdown_table

# A figure in a table cell: "1,567", "-33", "35.0%", "0.43".
FIGURE_CELL = re.compile(r"^[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
# A column's period: a year with an optional actual/estimate/forecast mark or a half or quarter
# ("2022E", "2021A", "2023H1"), or a span of months or quarters ("1M", "3M", "Q1").
PERIOD_CELL = re.compile(r"^(?:(?:19|20)\d\d(?:[AEFP]|H[12]|Q[1-4])?|[1-9]\d?[MQYH]|Q[1-4]|H[12])$")
# Points between two words of one label ("全面摊薄 EPS(元)") are a space or two; more than this
# between two words of text is the gap between two blocks printed side by side.
BLOCK_GAP_POINTS = 12.0
# Words whose tops lie this close are on one printed line.
LINE_TOLERANCE_POINTS = 3.0
# A table is a header of at least this many periods with at least this many rows of figures under
# it: fewer is a key figure or two in a sentence's layout, not a table.
MIN_PERIODS = 2
MIN_ROWS = 3
# A header of periods with no label takes as its name a line of text at most this far above it
# (two printed lines of 10-12 point text).
CAPTION_DISTANCE_POINTS = 30.0


@dataclass
class _Segment:
    """Words of one line that belong together: a label and the figures after it (either may be
    missing), or a run of text."""
    words: list[dict]
    top: float

    @property
    def x0(self) -> float:
        return self.words[0]["x0"]

    @property
    def x1(self) -> float:
        return self.words[-1]["x1"]

    def split(self) -> tuple[str, list[dict]]:
        """(label, cell words): the cells are the trailing figures or periods."""
        cells: list[dict] = []
        for word in reversed(self.words):
            if not (FIGURE_CELL.match(word["text"]) or PERIOD_CELL.match(word["text"])):
                break
            cells.insert(0, word)
        label_words = self.words[:len(self.words) - len(cells)]
        return " ".join(w["text"] for w in label_words), cells

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


@dataclass
class _Table:
    label: str
    columns: list[dict]  # the header's period words
    top: float
    rows: list[list[str]] = field(default_factory=list)
    label_x0: float | None = None
    segments: list[_Segment] = field(default_factory=list)  # the header's and rows' own words
    group: str = ""  # the label over the rows that follow ("价值评估(倍)" over P/E, P/B)

    @property
    def x0(self) -> float:
        return self.label_x0 if self.label_x0 is not None else self.columns[0]["x0"]

    @property
    def x1(self) -> float:
        return self.columns[-1]["x1"]

    def aligned(self, cells: list[dict]) -> bool:
        """The cells stand one under each period of the header."""
        if len(cells) != len(self.columns):
            return False
        centres = [(c["x0"] + c["x1"]) / 2 for c in self.columns]
        spacing = min((b - a for a, b in zip(centres, centres[1:])), default=0.0)
        return all(abs((w["x0"] + w["x1"]) / 2 - c) <= spacing / 2 for w, c in zip(cells, centres))

    def markdown(self) -> str:
        header = [self.label] + [c["text"] for c in self.columns]
        return markdown_table([header] + self.rows)


def _lines(page: Page) -> list[list[dict]]:
    words = sorted(page.extract_words(keep_blank_chars=False, use_text_flow=False), key=lambda w: (w["top"], w["x0"]))
    lines: list[list[dict]] = []
    for word in words:
        first = lines[-1][0] if lines else None
        # one line: tops close, or the word's middle within the line's first word (a figure in
        # another font size beside its label)
        if first is not None and (abs(word["top"] - first["top"]) <= LINE_TOLERANCE_POINTS
                                  or first["top"] <= (word["top"] + word["bottom"]) / 2 <= first["bottom"]):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _segments(line: list[dict]) -> list[_Segment]:
    """A line cut where text follows a figure (a new label starts) or where a wide gap separates
    two words of text (two blocks side by side)."""
    segments: list[_Segment] = []
    for word in line:
        if segments:
            last = segments[-1].words[-1]
            is_cell = bool(FIGURE_CELL.match(word["text"]) or PERIOD_CELL.match(word["text"]))
            last_is_cell = bool(FIGURE_CELL.match(last["text"]) or PERIOD_CELL.match(last["text"]))
            # a row of periods after a figure is the header of a table beside it ("227.92 2020 2021")
            header_starts = bool(PERIOD_CELL.match(word["text"])) and last_is_cell and not PERIOD_CELL.match(last["text"])
            if (is_cell and not header_starts) or (not last_is_cell and not is_cell
                                                    and word["x0"] - last["x1"] <= BLOCK_GAP_POINTS):
                segments[-1].words.append(word)
                continue
        segments.append(_Segment([word], word["top"]))
    return segments


def _is_header(cells: list[dict]) -> bool:
    return len(cells) >= MIN_PERIODS and all(PERIOD_CELL.match(c["text"]) for c in cells)


def _overlaps(table: _Table, segment: _Segment) -> bool:
    return segment.x0 < table.x1 and segment.x1 > table.x0


def _cut_at_labels(segment: _Segment, tables: list[_Table]) -> list[_Segment]:
    """``segment`` cut before a word that starts where an open table's labels start: text beside
    the table ran into its row ("21.60-97.40 (+/-)YOY(%)" from a sidebar a few points away)."""
    starts = [t.label_x0 for t in tables if t.label_x0 is not None]
    for i, word in enumerate(segment.words[1:], start=1):
        if any(abs(word["x0"] - x) <= LINE_TOLERANCE_POINTS for x in starts):
            return [_Segment(segment.words[:i], segment.top), *_cut_at_labels(_Segment(segment.words[i:], segment.top), tables)]
    return [segment]


def read_tables(page: Page) -> tuple[list[_Table], list[_Segment]]:
    """The page's aligned tables (any number of rows) and the segments of text outside them."""
    tables: list[_Table] = []
    open_tables: list[_Table] = []
    prose: list[_Segment] = []
    for line in _lines(page):
        for segment in (part for whole in _segments(line) for part in _cut_at_labels(whole, open_tables)):
            label, cells = segment.split()
            row_of = next((t for t in open_tables if cells and t.aligned(cells)), None)
            if row_of is not None and not _is_header(cells):
                row_of.rows.append([f"{row_of.group}：{label}" if row_of.group and label else label]
                                   + [c["text"] for c in cells])
                row_of.segments.append(segment)
                if row_of.label_x0 is None and label:
                    row_of.label_x0 = segment.x0
                continue
            if _is_header(cells):
                table = _Table(label, cells, segment.top, label_x0=segment.x0 if label else None, segments=[segment])
                open_tables = [t for t in open_tables if not _overlaps(t, segment)] + [table]
                tables.append(table)
                continue
            group_of = next((t for t in open_tables if not cells and t.label_x0 is not None
                             and abs(segment.x0 - t.label_x0) <= BLOCK_GAP_POINTS and segment.x1 < t.columns[0]["x0"]),
                            None)
            if group_of is not None:  # a label over a group of rows ("价值评估(倍)"): said with each of them
                group_of.group = label
                group_of.segments.append(segment)
                continue
            open_tables = [t for t in open_tables if not _overlaps(t, segment)]
            prose.append(segment)
    return tables, prose


def page_with_aligned_tables(page: Page) -> str | None:
    """The page's text with each aligned table as a Markdown table at its header's place; None
    when the page has no table of at least ``MIN_ROWS`` rows of figures."""
    tables, prose = read_tables(page)
    kept = [t for t in tables if sum(1 for r in t.rows if any(r[1:])) >= MIN_ROWS]
    if not kept:
        return None
    for table in tables:  # a table too small to keep is text again, where it stood
        if table not in kept:
            prose.extend(table.segments)
    for table in kept:
        if not table.label:  # a header of periods alone: the table's name is the line right above it
            above = [s for s in prose if 0 < table.top - s.top <= CAPTION_DISTANCE_POINTS
                     and s.x0 < table.x1 and s.x1 > table.x0 and not s.split()[1]]
            if above:
                caption = max(above, key=lambda s: s.top)
                table.label = caption.text
                prose.remove(caption)
    blocks = [(line[0].top, line[0].x0, " ".join(s.text for s in line)) for line in _prose_lines(prose, kept)]
    blocks += [(t.top, t.x0, f"\n{t.markdown()}\n") for t in kept]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(text for _, _, text in sorted(blocks, key=lambda b: (b[0], b[1])))).strip()


def _prose_lines(prose: list[_Segment], tables: list[_Table]) -> list[list[_Segment]]:
    """The text segments grouped into lines: segments of one printed line stay together ("52周内
    股价区间(元)：" and its "21.60-97.40") unless a table stands between them."""
    lines: list[list[_Segment]] = []
    for segment in sorted(prose, key=lambda s: (s.top, s.x0)):
        last = lines[-1][-1] if lines else None
        between = last is not None and any(last.x1 <= t.x0 and t.x1 <= segment.x0 and t.top <= segment.top
                                           for t in tables)
        if last is not None and abs(segment.top - last.top) <= LINE_TOLERANCE_POINTS and not between:
            lines[-1].append(segment)
        else:
            lines.append([segment])
    return lines
