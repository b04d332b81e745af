"""Word .docx: heading styles become Markdown headings, tables become Markdown tables, in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from langchain_core.documents import Document
from lxml.etree import XMLSyntaxError

from ingest.file_checks import check_zip_package
from ingest.refusal_text import refuse
from ingest.tables import markdown_table


def _heading_level(paragraph: Paragraph) -> int | None:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name == "Title":
        return 1
    if name.startswith("Heading"):
        digits = name.removeprefix("Heading").strip()
        return int(digits) if digits.isdigit() else 1
    return None


def _table_lines(table: Table) -> list[str]:
    """A Markdown table set off by blank lines, right under the paragraph that introduces it
    (python-docx repeats a merged cell in every grid position it covers). A one-row or one-column
    table is a box drawn around text: its rows stay lines of text."""
    rows = [[c.text for c in row.cells] for row in table.rows]
    markdown = markdown_table(rows)
    if markdown:
        return ["\n" + markdown + "\n"]
    return [" | ".join(cells) for cells in ([c.strip() for c in r] for r in rows) if any(cells)]


def _describe(exc: Exception) -> str:
    if isinstance(exc, PackageNotFoundError):
        return "no Word document inside the zip package"
    if isinstance(exc, KeyError):
        return f"a part or its content type is missing: {str(exc).strip(chr(34))}"
    return f"its [Content_Types].xml or document parts are not what Word writes: {exc.__class__.__name__}"


def load(path: Path) -> list[Document]:
    check_zip_package(path)  # a zip bomb is refused from its directory, before anything is unpacked
    try:
        document = docx.Document(str(path))
    except zipfile.BadZipFile as exc:
        raise refuse("docx_malformed", detail=f"broken zip: {exc}") from None
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, TypeError, XMLSyntaxError) as exc:
        # python-docx fails in many shapes on a package that is a zip but not a Word document
        raise refuse("docx_malformed", detail=_describe(exc)) from None
    lines, first_heading = [], None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines += _table_lines(block)
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
