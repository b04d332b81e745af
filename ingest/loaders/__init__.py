"""One loader per format: ``load(path)`` -> a list of LangChain Documents (one per PDF page, one per
other file) with ``title`` and, where the format has it, ``page`` and front-matter metadata."""

from __future__ import annotations

from pathlib import Path

from langchain_core.documents import Document

from ingest.errors import UnreadableFile
from ingest.loaders import docx_loader, html_loader, markdown_loader, pdf_loader, text_loader

LOADERS = {
    ".pdf": pdf_loader.load,
    ".docx": docx_loader.load,
    ".md": markdown_loader.load,
    ".markdown": markdown_loader.load,
    ".txt": text_loader.load,
    ".html": html_loader.load,
    ".htm": html_loader.load,
}
SUPPORTED_SUFFIXES = tuple(LOADERS)


def load(path: Path) -> list[Document]:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnreadableFile(f"unsupported file type {path.suffix or '(none)'}; "
                             f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if not path.is_file():
        raise UnreadableFile("file not found")
    if path.stat().st_size == 0:
        raise UnreadableFile("the file is empty")
    return loader(path)
