"""PDF with pypdf, one Document per page carrying its page number (1-based). Decided page by page:
a page whose text layer is real text keeps it (its tables as Markdown tables); a page with no text
layer, with glyph names instead of characters, or with a garbled OCR layer is rendered with PDFium
and read by OCR. When most pages are bad, every page is OCR'd: a broken font mapping spoils the
pages that pass the checks too (Latin letters read as unrelated Chinese characters)."""

from __future__ import annotations

import logging
import threading
from functools import partial
from pathlib import Path

import pypdfium2
from langchain_core.documents import Document
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.errors import UnreadableFile
from ingest.ocr import OcrReader
from ingest.ocr.reader import MIN_DOCUMENT_CHARS, mean_confidence
from ingest.refusal_text import WARNINGS, refuse
from ingest.pdf_tables import pdf_table_pages
from ingest.text_quality import check_text

logging.getLogger("pypdf").setLevel(logging.ERROR)  # "Ignoring wrong pointing object" and the like

# PDFium is not thread-safe: one document open and rendering at a time in this process.
_PDFIUM = threading.Lock()
# Bad pages at least this share of the pages with text: the whole document is OCR'd.
WHOLE_DOCUMENT_SHARE = 0.5
# Seconds of OCR per page on 2 cores (bench/README.md), for the refusal of a scan over the limit.
OCR_SECONDS_PER_PAGE = 3


def _is_ocr_scan(page) -> bool:
    """A scanned page with an OCR text layer: a page image plus invisible text (render mode 3)."""
    try:
        contents = page.get_contents()
        if contents is None or b"3 Tr" not in contents.get_data():
            return False
        # the scan itself: an image, often wrapped in a form XObject
        return page["/Resources"].get_object().get("/XObject") is not None
    except Exception:  # malformed resources: treat as no scan
        return False


def _is_truncated(path: Path) -> bool:
    """A PDF ends with %%EOF (writers may add a little after it); a cut-off download does not."""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 4096))
        return b"%%EOF" not in f.read()


def _title(reader: PdfReader, path: Path) -> str:
    title = ""
    try:
        title = (reader.metadata.title or "").strip() if reader.metadata else ""
    except Exception:  # broken info dictionary: fall back to the file name
        pass
    if not title or title.lower().startswith(("microsoft word", "untitled")) or title.endswith((".doc", ".docx")):
        title = path.stem
    return title


def _needs_ocr(page, text: str) -> bool:
    """No text layer, or one that is not real text. A short real text (a cover, "附录A") stays."""
    if not text.strip():
        return True
    verdict = check_text(text, ocr_layer=_is_ocr_scan(page))
    return not verdict.ok and verdict.kind != "no_text"


def _pages_to_ocr(pages, texts: list[str], ocr: OcrReader | None) -> list[int]:
    """Page numbers (1-based) to read by OCR under the reader's mode."""
    mode = ocr.settings.mode if ocr is not None else "off"
    if mode == "off":
        return []
    if mode == "force":
        return list(range(1, len(pages) + 1))
    bad = [n for n, (p, t) in enumerate(zip(pages, texts), start=1) if _needs_ocr(p, t)]
    with_text = sum(1 for t in texts if t.strip())
    if bad and len([n for n in bad if texts[n - 1].strip()]) >= WHOLE_DOCUMENT_SHARE * with_text:
        return list(range(1, len(pages) + 1))
    return bad


def _render(document, n: int, dpi: int):
    """Page ``n`` (1-based) of an open PDFium document as a PIL image at ``dpi``."""
    with _PDFIUM:
        page = document[n - 1]
        try:
            return page.render(scale=dpi / 72).to_pil()
        finally:
            page.close()


def _ocr_pages(path: Path, numbers: list[int], ocr: OcrReader) -> tuple[dict[int, Document], list[str]]:
    """The OCR'd pages as Documents (pages without readable text left out), and the warnings."""
    limit = ocr.settings.max_pages
    if len(numbers) > limit:
        raise refuse("ocr_too_many_pages", pages=len(numbers), limit=limit,
                     minutes=len(numbers) * OCR_SECONDS_PER_PAGE / 60)
    try:
        with _PDFIUM:  # opened once for all its pages, not once a page
            document = pypdfium2.PdfDocument(str(path))
        try:
            read = ocr.read(path.name, ((n, partial(_render, document, n, ocr.settings.dpi)) for n in numbers),
                            len(numbers))
        finally:
            with _PDFIUM:
                document.close()
    except pypdfium2.PdfiumError as exc:  # PDFium cannot open or render what pypdf could
        raise refuse("pdf_corrupt", detail=f"page rendering failed: {str(exc)[:80]}") from None
    kept = [p for p in read if p.readable]
    docs = {p.number: Document(page_content=p.text, metadata={"page": p.number, **p.metadata()}) for p in kept}
    warnings = [WARNINGS["ocr_pages"].format(pages=len(numbers), confidence=mean_confidence(kept))] if kept else []
    if len(kept) < len(read):
        warnings.append(WARNINGS["ocr_unreadable"].format(pages=len(read) - len(kept)))
    return docs, warnings


def load(path: Path, ocr: OcrReader | None = None) -> list[Document]:
    """``ocr``: the reader for pages without usable text (None: no OCR, such pages are refused as
    before). Warnings for the user ride on the first page's metadata under ``warnings``."""
    if _is_truncated(path):
        raise refuse("pdf_truncated")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise refuse("pdf_encrypted")
        pages = list(reader.pages)
        texts = [page.extract_text() or "" for page in pages]
    except UnreadableFile:
        raise
    except FileNotDecryptedError:
        raise refuse("pdf_encrypted") from None
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise refuse("pdf_corrupt", detail=exc.__class__.__name__) from None
    if not pages:
        raise refuse("pdf_no_pages")
    title = _title(reader, path)
    to_ocr = _pages_to_ocr(pages, texts, ocr)
    if not to_ocr and not any(t.strip() for t in texts):
        raise refuse("pdf_no_text")
    by_page, warnings = _ocr_pages(path, to_ocr, ocr) if to_ocr else ({}, [])
    kept = [n for n, t in enumerate(texts, start=1) if n not in to_ocr and t.strip()]
    tables = pdf_table_pages(path, kept)
    for n in kept:
        by_page[n] = Document(page_content=tables.get(n, texts[n - 1]), metadata={"page": n})
    docs = [by_page[n] for n in sorted(by_page)]
    if sum(len(d.page_content.strip()) for d in docs) < MIN_DOCUMENT_CHARS:
        raise refuse("ocr_no_text" if to_ocr else "pdf_no_text")
    for d in docs:
        d.metadata["title"] = title
    scanned = sum(1 for n in kept if _is_ocr_scan(pages[n - 1]))
    if scanned and scanned >= len(kept) * 0.8:
        docs[0].metadata["ocr_layer"] = True
    if warnings:
        docs[0].metadata["warnings"] = warnings
    return docs
