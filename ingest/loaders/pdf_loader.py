"""PDF with pypdf, one Document per page carrying its page number (1-based)."""

from __future__ import annotations

import logging
from pathlib import Path

from langchain_core.documents import Document
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.errors import UnreadableFile
from ingest.refusal_text import refuse

logging.getLogger("pypdf").setLevel(logging.ERROR)  # "Ignoring wrong pointing object" and the like


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


def load(path: Path) -> list[Document]:
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
    if not any(t.strip() for t in texts):
        raise refuse("pdf_no_text")
    title = ""
    try:
        title = (reader.metadata.title or "").strip() if reader.metadata else ""
    except Exception:  # broken info dictionary: fall back to the file name
        pass
    if not title or title.lower().startswith(("microsoft word", "untitled")) or title.endswith((".doc", ".docx")):
        title = path.stem
    scanned = sum(1 for p, t in zip(pages, texts) if t.strip() and _is_ocr_scan(p))
    docs = []
    for number, text in enumerate(texts, start=1):
        if text.strip():
            docs.append(Document(page_content=text, metadata={"title": title, "page": number}))
    if scanned and scanned >= len(docs) * 0.8:
        docs[0].metadata["ocr_layer"] = True
    return docs
