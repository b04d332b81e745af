"""Pages of a document read by OCR: the settings (when to OCR, how many pages at most, how many
threads, at what resolution PDF pages are rendered), the engine shared by every file of a run, and
the progress in pages that the CLI and the upload show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Literal

from ingest.ocr.engine import OcrEngine, OcrLine
from ingest.ocr.layout import page_texts

OcrMode = Literal["auto", "off", "force"]

# Lines read with less confidence than this are noise (a texture, a stamp's edge), not text.
MIN_LINE_CONFIDENCE = 0.6
# A page whose kept lines average under this confidence cannot be trusted as text (a photo of a
# landscape reads as a few low-confidence "characters"; a clean scan averages 0.95 or more).
MIN_PAGE_CONFIDENCE = 0.8
# Turns (degrees counter-clockwise) tried on a page that reads badly as given.
TURNS = (180, 90, 270)
# A line this many times taller than wide is text lying on its side.
SIDEWAYS = 1.5
# The upside-down vote needs this many lines read with confidence.
MIN_VOTING_LINES = 3
# Fewer characters than this on a whole document: nothing to index (a blank scan, a photo).
MIN_DOCUMENT_CHARS = 20


@dataclass(frozen=True)
class OcrSettings:
    mode: OcrMode = "auto"  # auto: pages without a usable text layer; force: every page; off: never
    max_pages: int = 200  # pages one file may send to OCR (a few seconds each on 2 cores)
    threads: int = 2
    # PDF pages are rendered at this resolution: an A4 page at 170 dpi is 1,988 px tall, just under
    # the 2,000 px RapidOCR scales larger images down to (bench/README.md, "OCR")
    dpi: int = 170


@dataclass
class OcrPage:
    """One page's text as OCR read it, and the mean confidence of its characters (0 when none)."""
    number: int
    text: str
    confidence: float

    @property
    def readable(self) -> bool:
        return bool(self.text.strip()) and self.confidence >= MIN_PAGE_CONFIDENCE

    def metadata(self) -> dict:
        """What the chunks of this page record: read by OCR, and how confidently."""
        return {"ocr": True, "ocr_confidence": round(self.confidence, 3)}


@dataclass
class OcrReader:
    settings: OcrSettings = field(default_factory=OcrSettings)
    engine: OcrEngine | None = None
    # (file name, pages read, pages to read): called before the first page and after each
    on_progress: Callable[[str, int, int], None] | None = None

    def __post_init__(self):
        if self.engine is None:
            self.engine = OcrEngine(self.settings.threads)

    def read(self, name: str, pages: Iterable[tuple[int, Callable]], total: int) -> list[OcrPage]:
        """OCR ``total`` pages given as (page number, function returning its PIL image): each
        image is made only when its turn comes, so a long scan never sits in memory whole."""
        found: list[tuple[int, list[OcrLine], float, float]] = []
        self._progress(name, 0, total)
        for done, (number, make_image) in enumerate(pages, start=1):
            image = make_image()
            found.append((number, *self._read_upright(image)))
            image.close()
            self._progress(name, done, total)
        texts = page_texts([(lines, width, height) for _, lines, width, height in found])
        return [OcrPage(number, text, mean_confidence(lines)) for (number, lines, _, _), text in zip(found, texts)]

    def _read_upright(self, image) -> tuple[list[OcrLine], float, float]:
        """The page's lines (those read with confidence) and its size, the right way up. A page that
        reads badly as given (its lines mostly lying on their side, or read with little confidence:
        upside down, the detector finds little) is read turned each other way, and the turn that
        reads the most characters confidently is kept; a page that reads well is still turned half
        round when most of its lines vote that it is upside down."""
        page = self._read(image)
        if page[0] and (not page[1] or mean_confidence(page[1]) < MIN_PAGE_CONFIDENCE
                        or sum(map(_sideways, page[0])) > len(page[0]) / 2):
            for angle in TURNS:
                turned = self._read(image.rotate(angle, expand=True))
                if _trusted_chars(turned[1]) > _trusted_chars(page[1]):
                    page = turned
        _, kept, turned_image = page
        if len(kept) >= MIN_VOTING_LINES and self.engine.upside_down(turned_image, kept):
            _, kept, turned_image = self._read(turned_image.rotate(180))
        return kept, *turned_image.size

    def _read(self, image) -> tuple[list[OcrLine], list[OcrLine], object]:
        """(every line found, the lines read with confidence, the image)."""
        lines = self.engine.read(image)
        return lines, [l for l in lines if l.confidence >= MIN_LINE_CONFIDENCE], image

    def _progress(self, name: str, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(name, done, total)


def _sideways(line: OcrLine) -> bool:
    return line.height > SIDEWAYS * (line.right - line.left)


def _trusted_chars(lines: list[OcrLine]) -> float:
    """Characters read with confidence on lines lying the right way: RapidOCR turns a box that
    stands on its side before reading it, so a page on its side reads as well, but out of order."""
    return sum(l.confidence * len(l.text) for l in lines if not _sideways(l))


def mean_confidence(read: list[OcrLine] | list[OcrPage]) -> float:
    """The confidence of text read by OCR, lines or pages weighted by their characters (0 for none)."""
    chars = sum(len(r.text) for r in read)
    return sum(r.confidence * len(r.text) for r in read) / chars if chars else 0.0
