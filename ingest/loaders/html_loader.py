"""HTML to text: headings become Markdown headings (so chunks keep their section), scripts and
navigation are dropped."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from langchain_core.documents import Document

from ingest.loaders.text_loader import decode_text

BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dt", "dd"]


def load(path: Path) -> list[Document]:
    soup = BeautifulSoup(decode_text(path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "form", "template"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else ""
    lines = []
    for el in soup.find_all(BLOCKS):
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
