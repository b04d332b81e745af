"""Word .docx: heading styles become Markdown headings, tables become ' | '-joined rows, in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from langchain_core.documents import Document

from ingest.errors import UnreadableFile


def _heading_level(paragraph: Paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name == "Title":
        return 1
    if name.startswith("Heading"):
        digits = name.removeprefix("Heading").strip()
        return int(digits) if digits.isdigit() else 1
    return None


def load(path: Path) -> list[Document]:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise UnreadableFile("not a readable .docx file (corrupt, or another format renamed .docx)") from None
    lines, first_heading = [], None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [c.text.strip() for c in row.cells]
                if any(cells):
                    lines.append(" | ".join(cells))
            continue
        text = block.text.strip()
        if not text:
            continue
        level = _heading_level(block)
        if level:
            first_heading = first_heading or text
            lines.append("\n" + "#" * min(level, 6) + " " + text)
        else:
            lines.append(text)
    title = (document.core_properties.title or "").strip() or first_heading or path.stem
    return [Document(page_content="\n".join(lines), metadata={"title": title})]
