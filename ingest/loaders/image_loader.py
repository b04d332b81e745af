"""Pictures of text (a photo of a notice, a scanned page saved as PNG/JPEG/TIFF/WebP) read by OCR,
one Document per frame (a multi-page TIFF gives one per page). Pillow's decompression-bomb limit
is enforced as an error, and the frame count is checked against the page limit before any frame is
decoded."""

from __future__ import annotations

import warnings
from pathlib import Path

from langchain_core.documents import Document
from PIL import Image, ImageSequence, UnidentifiedImageError

from ingest.ocr import OcrReader
from ingest.ocr.reader import MIN_DOCUMENT_CHARS, mean_confidence
from ingest.refusal_text import WARNINGS, refuse

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp")
# What Pillow cannot decode: a broken or truncated file, a format it does not know.
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


def _open(path: Path) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(path)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise refuse("image_bomb", limit=Image.MAX_IMAGE_PIXELS / 1e6) from None
        except DECODE_ERRORS as exc:
            raise refuse("image_corrupt", detail=exc.__class__.__name__) from None


def _frame(image: Image.Image, index: int):
    def make():
        image.seek(index)
        frame = image.convert("RGB")  # decodes the frame: a truncated file fails here
        return frame
    return make


def load(path: Path, ocr: OcrReader | None = None) -> list[Document]:
    if ocr is None or ocr.settings.mode == "off":
        raise refuse("ocr_off")
    image = _open(path)
    with image:
        frames = getattr(image, "n_frames", 1)
        if frames > ocr.settings.max_pages:
            raise refuse("image_frames", frames=frames, limit=ocr.settings.max_pages)
        try:
            read = ocr.read(path.name, ((i + 1, _frame(image, i)) for i in range(frames)), frames)
        except DECODE_ERRORS as exc:
            raise refuse("image_corrupt", detail=f"{exc.__class__.__name__}: {str(exc)[:80]}") from None
    kept = [p for p in read if p.readable]
    if sum(len(p.text.strip()) for p in kept) < MIN_DOCUMENT_CHARS:
        raise refuse("ocr_no_text")
    docs = []
    for p in kept:
        metadata = {"title": path.stem, **p.metadata()}
        if frames > 1:
            metadata["page"] = p.number
        docs.append(Document(page_content=p.text, metadata=metadata))
    docs[0].metadata["warnings"] = [WARNINGS["ocr_image"].format(confidence=mean_confidence(kept))]
    return docs
