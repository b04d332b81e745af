"""One image in, the text lines RapidOCR finds in it out: each with its box and its recognition
confidence. The models load on first use (about 15 MB of ONNX files inside the wheel; nothing is
downloaded), and each image is read under the compute lock: on 2 cores OCR, the embedding model and
llama.cpp must never run at once."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ingest.embedding import COMPUTE_LOCK


@dataclass(frozen=True)
class OcrLine:
    """A line of text as RapidOCR boxed it, in the image's pixels."""
    left: float
    top: float
    right: float
    bottom: float
    text: str
    confidence: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


# Lines whose orientation is voted on: the longest ones of the page, enough for a clear majority.
VOTING_LINES = 15


class OcrEngine:
    def __init__(self, threads: int = 2):
        self.threads = threads
        self._ocr = None
        self._loading = threading.Lock()

    def _model(self):
        with self._loading:
            if self._ocr is None:
                from rapidocr_onnxruntime import RapidOCR  # cv2 and ONNX sessions: loaded only when a page needs OCR

                # No per-line direction classifier: on scanned standards it turned lines dense with
                # digits and Latin units ("土壤pH值8.0～9.1；全盐含量1.0 g/kg…") upside down and read
                # them as "60900". The page is turned whole instead, by a vote of its lines
                # (``upside_down``).
                self._ocr = RapidOCR(intra_op_num_threads=self.threads, inter_op_num_threads=1, use_cls=False)
            return self._ocr

    def read(self, image) -> list[OcrLine]:
        """The lines in ``image`` (a PIL image), top to bottom as RapidOCR orders them."""
        model = self._model()
        with COMPUTE_LOCK:
            found, _ = model(image.convert("RGB"))
        lines = []
        for box, text, score in found or []:
            xs, ys = [p[0] for p in box], [p[1] for p in box]
            if text.strip():
                lines.append(OcrLine(min(xs), min(ys), max(xs), max(ys), text.strip(), float(score)))
        return lines

    def upside_down(self, image, lines: list[OcrLine]) -> bool:
        """Is the page upside down? The direction classifier's vote over its longest lines: one
        line may fool it (see above), most of a page's lines do not."""
        sample = sorted(lines, key=lambda l: l.left - l.right)[:VOTING_LINES]
        if not sample:
            return False
        pixels = np.asarray(image.convert("RGB"))[:, :, ::-1]
        crops = [np.ascontiguousarray(pixels[int(l.top):int(l.bottom) + 1, int(l.left):int(l.right) + 1])
                 for l in sample]
        model = self._model()
        with COMPUTE_LOCK:
            _, votes, _ = model.text_cls(crops)
        turned = sum(1 for label, score in votes if "180" in label and score >= model.text_cls.cls_thresh)
        return turned > len(sample) / 2
