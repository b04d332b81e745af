"""One loader per format: ``load(path)`` -> a list of LangChain Documents (one per PDF page or image
frame, one per other file) with ``title`` (without a file suffix) and, where the format has it,
``page`` and front-matter metadata. PDFs and images also take the OCR reader, for pages that are pictures of text.

Every failure of a loader becomes an ``UnreadableFile`` with a reason: a damaged file must end in
one refusal line, never in a traceback that stops the whole run."""

from __future__ import annotations

from pathlib import Path

from langchain_core.documents import Document

from ingest.errors import UnreadableFile
from ingest.file_checks import check_size
from ingest.loaders import docx_loader, html_loader, image_loader, markdown_loader, pdf_loader, text_loader
from ingest.ocr import OcrReader
from ingest.refusal_text import refuse

LOADERS = {
    ".docx": docx_loader.load,
    ".md": markdown_loader.load,
    ".markdown": markdown_loader.load,
    ".txt": text_loader.load,
    ".html": html_loader.load,
    ".htm": html_loader.load,
}
# formats whose pages may be pictures of text: their loaders take the OCR reader
OCR_LOADERS = {".pdf": pdf_loader.load, **{suffix: image_loader.load for suffix in image_loader.SUFFIXES}}
SUPPORTED_SUFFIXES = (".pdf", *LOADERS, *image_loader.SUFFIXES)
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024


# A title ending in a file name's suffix ("…调研报告.pdf": a PDF's metadata often holds the file
# name it was saved under) is shown without it; these and the formats read here.
OFFICE_SUFFIXES = (".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".rtf")


def without_file_suffix(title: str) -> str:
    """The title without a trailing file suffix (``.pdf``, ``.docx`` …, any case); the title as it
    is when that would leave nothing."""
    stripped = title.strip()
    suffix = Path(stripped).suffix.lower()
    if suffix in SUPPORTED_SUFFIXES or suffix in OFFICE_SUFFIXES:
        return stripped[:-len(suffix)].rstrip() or stripped
    return stripped


def unsupported(path: Path) -> UnreadableFile:
    return refuse("unsupported", suffix=path.suffix or "(none)", supported=", ".join(SUPPORTED_SUFFIXES))


def load(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES, ocr: OcrReader | None = None) -> list[Document]:
    """``ocr``: the reader for scanned pages and images; None reads none (images are refused)."""
    suffix = path.suffix.lower()
    if suffix not in LOADERS and suffix not in OCR_LOADERS:
        raise unsupported(path)
    if not path.is_file():
        raise refuse("missing")
    check_size(path, max_bytes)
    try:
        pages = OCR_LOADERS[suffix](path, ocr) if suffix in OCR_LOADERS else LOADERS[suffix](path)
    except UnreadableFile:
        raise
    except OSError as exc:
        raise refuse("unreadable", detail=exc.strerror or str(exc)) from None
    except Exception as exc:  # a parser bug or a file no parser foresaw: refuse it, go on with the next
        detail = f"{exc.__class__.__name__}: {str(exc)[:120]}" if str(exc) else exc.__class__.__name__
        raise refuse("loader_failed", file_type=path.suffix.lower().lstrip("."), detail=detail) from None
    for page in pages:
        if isinstance(page.metadata.get("title"), str):
            page.metadata["title"] = without_file_suffix(page.metadata["title"])
    return pages
