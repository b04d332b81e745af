"""HTML to text: headings become Markdown headings (so chunks keep their section), tables become
Markdown tables, scripts and navigation are dropped."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from langchain_core.documents import Document

from ingest.loaders.text_loader import decode_text
from ingest.tables import markdown_table

BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dt", "dd"]
MAX_COLSPAN = 50  # a colspan beyond any real table's width is a typo or an attack, not a layout


def _table_markdown(table) -> str:
    """The table's rows as a Markdown table, a cell spanning columns repeated in each; "" for a
    layout table of one row or column (its rows stay lines of text)."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:  # a row of a nested table
            continue
        row = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            span = str(cell.get("colspan", "1")).strip()
            row += [cell.get_text(" ", strip=True)] * min(int(span) if span.isdigit() and int(span) > 0 else 1,
                                                          MAX_COLSPAN)
        rows.append(row)
    return markdown_table(rows)


def load(path: Path) -> list[Document]:
    soup = BeautifulSoup(decode_text(path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "form", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    lines = []
    tables = set()  # the tables written whole as Markdown: their rows are not visited again
    for el in soup.find_all(BLOCKS + ["table"]):
        if any(parent in tables for parent in el.find_parents("table")):
            continue
        if el.name == "table":
            markdown = _table_markdown(el)
            if markdown:
                tables.add(el)
                lines.append("\n" + markdown + "\n")
            continue
        if el.find(BLOCKS):  # a container of other blocks: its children are visited on their own
            continue
        if el.name == "tr":
            text = " | ".join(c.get_text(" ", strip=True) for c in el.find_all(["td", "th"]))
        else:
            text = el.get_text(" ", strip=True)
        if not text:
            continue
        if el.name[0] == "h" and el.name[1:].isdigit():
            lines.append("\n" + "#" * int(el.name[1:]) + " " + text)
        else:
            lines.append(text)
    if not lines:  # no block structure at all: take the visible text
        lines = [soup.get_text("\n", strip=True)]
    if not title:
        first = soup.find(["h1", "h2"])
        title = first.get_text(strip=True) if first else path.stem
    return [Document(page_content="\n".join(lines), metadata={"title": title})]
