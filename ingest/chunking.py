"""Chunks that respect Chinese documents: cut at headings first (Markdown #, 第X章/节/条, 一、,
（一）, 1., 5.1), then pack whole sentences (。！？；…) up to the target size with LangChain's
recursive splitter. Sizes are in estimated model tokens, so a Chinese and an English chunk hold
about as much meaning (and cost as much prompt time). A Markdown table stays whole in a chunk of
its own with its caption, cut by rows under a repeated header only when it is longer than a chunk.
Every chunk keeps its document title, section path and page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.language import estimate_tokens
from ingest.text import END_MARKS, TABLE_RULE

CN_NUM = "一二三四五六七八九十百零〇两"
MAX_HEADING_CHARS = 40

# (pattern, level); Markdown headings take their own level 1-6. A line is a heading only when it is
# short and does not end like a sentence, except 第X条 (articles open with their text on the line).
HEADING_PATTERNS: list[tuple[re.Pattern, int]] = [
    (re.compile(rf"^第[{CN_NUM}\d]+[编篇]\s*\S*"), 1),
    (re.compile(rf"^第[{CN_NUM}\d]+章\s*\S*"), 2),
    (re.compile(rf"^第[{CN_NUM}\d]+节\s*\S*"), 3),
    (re.compile(rf"^[{CN_NUM}]+、\s*\S+"), 4),
    (re.compile(rf"^[（(][{CN_NUM}]+[）)]\s*\S+"), 5),
    (re.compile(r"^\d+(\.\d+){1,3}\s+\S+"), 6),
    (re.compile(r"^\d+[.．、]\s*[^\d\s.]\S*"), 7),
]
BRACKET_PAIRS = ("《》", "（）", "()", "“”", "【】")
ARTICLE = re.compile(rf"^(第[{CN_NUM}\d]+条)\s*")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LIST_START = re.compile(rf"^\s*([-*+](?=\s)|[•·]|\d+[.．、)](?!\d)|[（(][{CN_NUM}\d]+[）)]|[{CN_NUM}]+、|第[{CN_NUM}\d]+条|\|)")
# The line right above a table that names it: any short line that does not end a sentence
# ("单位：万元"), or a longer one that reads as a caption ("表1 …", "Table 2: …") or introduces the
# table ("各项指标如下："). It is repeated above every part of a long table, so it stays short.
TABLE_CAPTION = re.compile(rf"^(表|table)\s*[\d{CN_NUM}A-Za-z]|[：:]$", re.I)
MAX_CAPTION_CHARS = 60
MAX_NAMED_CAPTION_CHARS = 100
# A line that opens with a short label and a colon ("当前价格(元)：82.42", "资格编号：S0120…") is a
# field of its own, as a sidebar or a form prints them, not the rest of the line before.
KEY_VALUE = re.compile(r"^[^，。；：:,;\s]{1,12}[：:]\s*\S")
CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n(?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass
class TableBlock:
    caption: str  # "" when the line above is prose
    head: list[str]  # the header row and the separator
    rows: list[str]


@dataclass
class Section:
    path: list[str]
    page: int | None
    lines: list[str] = field(default_factory=list)


def heading_level(line: str) -> tuple[int, str] | None:
    """(level, heading text) when ``line`` is a heading, else None."""
    m = MARKDOWN_HEADING.match(line)
    if m:
        return len(m.group(1)), m.group(2).strip()
    if len(line) > MAX_HEADING_CHARS or line[-1] in END_MARKS + "，,：:" or _opens_more_than_closes(line):
        return None
    for pattern, level in HEADING_PATTERNS:
        if pattern.match(line):
            return level, line
    return None


def _opens_more_than_closes(line: str) -> bool:
    """A bracket left open: the line is the first line of a wrapped item ("1.《高测股份（688556）：光伏
    金刚线"), not a heading, which closes what it opens."""
    return any(line.count(a) > line.count(b) for a, b in BRACKET_PAIRS)


def split_sections(pages: list[Document]) -> list[Section]:
    """Sections in reading order; a section that runs over a page break continues as a new
    section with the same path on the next page."""
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    current = Section([], None)
    sections.append(current)
    in_code = False
    for page in pages:
        page_no = page.metadata.get("page")
        if current.page is None:
            current.page = page_no
        elif page_no != current.page:  # chunks never cross a page, so each cites its own page
            carried = _unfinished_sentence(current)
            current = Section(list(current.path), page_no, carried)
            sections.append(current)
        for raw in page.page_content.splitlines():
            line = raw.strip()
            if line.startswith("```"):
                in_code = not in_code
            found = heading_level(line) if line and not in_code else None
            article = ARTICLE.match(line) if line and not in_code else None
            if found or article:
                level, title = found if found else (8, article.group(1))
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, title))
                current = Section([t for _, t in stack], page_no)
                sections.append(current)
                if article and not found:
                    current.lines.append(line)
                continue
            current.lines.append(raw.rstrip())
    return [s for s in sections if "".join(s.lines).strip()]


def _unfinished_sentence(section: Section) -> list[str]:
    """Take the sentence that a page break cut off out of ``section``, to continue on the next page."""
    text = "\n".join(section.lines).rstrip()
    if not text or text[-1] in END_MARKS + ".":
        return []
    cut = max([text.rfind(ch) for ch in END_MARKS] + [text.rfind(". "), text.rfind(".\n")])
    tail = text[cut + 1:]
    if not tail.strip() or len(tail) > 300 or "\n|" in "\n" + tail:  # a table stays on its page
        return []
    section.lines = text[:cut + 1].split("\n")
    return [tail.strip()]


def unwrap_lines(text: str) -> str:
    """Join lines that a PDF or a text editor broke mid-sentence; keep paragraphs and list items."""
    out: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            out.append("")
            continue
        prev = out[-1] if out else ""
        if prev and not LIST_START.match(stripped) and not KEY_VALUE.match(stripped) and prev[-1] not in END_MARKS + "：:" \
                and not prev.startswith("|"):
            joiner = "" if (re.match(r"[\u3000-\u9fff\uff00-\uffef]", prev[-1]) or
                            re.match(r"[\u3000-\u9fff\uff00-\uffef]", stripped[0])) else " "
            out[-1] = prev + joiner + stripped
        else:
            out.append(stripped)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


# Part of every document's id (ingest.pipeline.document_id): a change to how text is chunked
# re-chunks what is already in the index at the next ingest. 2: a folded leftover lost its overlap.
# 3: a PDF's figures aligned under years are a table; a figure after a line break ("约\n6.66 亿元")
# is not a list item; a numbered line with a bracket left open is not a heading. 4: a group label in
# such a table ("价值评估(倍)") is said with each row under it. 5: a "label：value" line is not joined
# to the line before.
CHUNKING_VERSION = 5


def sentence_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    # Paragraphs, then lines, then any sentence end (one zero-width pattern, so a chunk and its
    # overlap are counted in whole sentences whatever the punctuation); a comma or a space only
    # when one sentence alone is longer than a chunk.
    return RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, keep_separator="end", strip_whitespace=True,
        is_separator_regex=True, length_function=estimate_tokens,
        separators=["\n\n", "\n", f"(?<=[{END_MARKS}])", r"(?<=\.)(?= )", "(?<=[，,、])", " ", ""])


def chunk_documents(pages: list[Document], chunk_size: int, chunk_overlap: int) -> list[Document]:
    """Chunks of ``pages`` (one loaded file), ``chunk_size`` and ``chunk_overlap`` in estimated
    tokens, with metadata: every file-level field, ``section``
    (headings joined by ' > '), ``page``, ``chunk_index`` and ``table`` (True) on table chunks."""
    if not pages:
        return []
    splitter = sentence_splitter(chunk_size, chunk_overlap)
    base = {k: v for k, v in pages[0].metadata.items() if k != "page"}
    chunks: list[Document] = []
    sections = split_sections(pages)
    # A heading above every section (a Markdown document's single H1) is the document's title, not
    # a section: repeated in every chunk it would make them all look alike to the retrievers.
    firsts = {s.path[0] if s.path else None for s in sections}
    strip_first = len(sections) > 1 and len(firsts) == 1 and None not in firsts
    for section in sections:
        body = unwrap_lines("\n".join(section.lines))
        if not body:
            continue
        path = section.path[1:] if strip_first or section.path[:1] == [base.get("title")] else section.path
        for part in split_tables(body):
            is_table = isinstance(part, TableBlock)
            pieces = table_chunks(part, chunk_size) if is_table else _merge_small(splitter.split_text(part), chunk_size)
            for piece in pieces:
                meta = dict(base, section=" > ".join(path), chunk_index=len(chunks))
                if section.page is not None:
                    meta["page"] = section.page
                if is_table:
                    meta["table"] = True
                chunks.append(Document(page_content=piece, metadata=meta))
    return chunks


def split_tables(body: str) -> list[str | TableBlock]:
    """``body`` as prose and Markdown tables in reading order; a table takes its caption (the line
    right above it, when it reads like one) out of the prose."""
    lines = body.split("\n")
    parts: list[str | TableBlock] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        end = i
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
        if end - i < 2 or not TABLE_RULE.match(lines[i + 1]):  # not a Markdown table: prose
            prose += lines[i:max(end, i + 1)]
            i = max(end, i + 1)
            continue
        caption = _take_caption(prose)
        if "".join(prose).strip():
            parts.append("\n".join(prose).strip())
        parts.append(TableBlock(caption, lines[i:i + 2], lines[i + 2:end]))
        prose, i = [], end
    if "".join(prose).strip():
        parts.append("\n".join(prose).strip())
    return parts


def _take_caption(prose: list[str]) -> str:
    """Pop and return the last non-empty line of ``prose`` when it names the table below it."""
    while prose and not prose[-1].strip():
        prose.pop()
    if not prose:
        return ""
    line = prose[-1].strip()
    short = len(line) <= MAX_CAPTION_CHARS and line[-1] not in END_MARKS + "."
    if short or (TABLE_CAPTION.search(line) and len(line) <= MAX_NAMED_CAPTION_CHARS):
        prose.pop()
        return line
    return ""


def table_chunks(table: TableBlock, chunk_size: int) -> list[str]:
    """The table whole with its caption, or, when longer than ``chunk_size``, cut between rows into
    chunks that each start with the caption, the header row and the separator (no overlap: the
    repeated header is what each part needs from the others). A row longer than a chunk stays whole."""
    head = ([table.caption] if table.caption else []) + table.head
    room = chunk_size - estimate_tokens("\n".join(head) + "\n")
    groups: list[list[str]] = [[]]
    used = 0
    for row in table.rows:
        cost = estimate_tokens(row + "\n")  # each estimate rounds up: their sum bounds the chunk's
        if groups[-1] and used + cost > room:
            groups.append([])
            used = 0
        groups[-1].append(row)
        used += cost
    return ["\n".join(head + rows) for rows in groups]


def _merge_small(pieces: list[str], chunk_size: int) -> list[str]:
    """Fold a short leftover piece into its predecessor when the two stay near the target size."""
    merged: list[str] = []
    for piece in (p.strip() for p in pieces):
        if len(piece) < 2:
            continue
        if merged and estimate_tokens(piece) < chunk_size // 4 and \
                estimate_tokens(merged[-1]) + estimate_tokens(piece) <= chunk_size * 1.3:
            merged[-1] = merged[-1] + "\n" + without_overlap(merged[-1], piece)
        else:
            merged.append(piece)
    return merged


def without_overlap(before: str, piece: str, least: int = 10) -> str:
    """``piece`` less the overlap it opens with (the end of ``before`` the splitter repeated): a
    leftover folded back must not say its list again."""
    for k in range(min(len(before), len(piece)), least - 1, -1):
        if before.endswith(piece[:k]):
            return piece[k:].lstrip()
    return piece


def index_text(chunk_text: str, metadata: dict) -> str:
    """What is embedded and searched for a chunk: its title and section path say what the chunk is
    about even when its sentences do not repeat it."""
    head = " > ".join(x for x in (metadata.get("title", ""), metadata.get("section", "")) if x)
    return f"{head}\n{chunk_text}" if head else chunk_text
