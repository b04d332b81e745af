"""What OCR inside ingest costs and how well it reads, in one run on the same page images:

- **product**: ``ingest.loaders.load`` of an image-only PDF of N synthetic pages (starter-knowledge
  text drawn with a CJK font, bench/page_images.py), as ``advisor ingest`` reads a scan: PDFium
  renders each page at the settings' dpi, RapidOCR (no line-direction classifier) reads it, the
  layout step puts the lines in reading order; ``ocr_pages_per_s`` and ``ocr_cer`` (character error
  rate against the drawn text, eval/ocr_accuracy.py);
- **raw**: RapidOCR as shipped (its defaults) on the same rendered page images, nothing else:
  ``raw_pages_per_s``, ``raw_cer``; ``ocr_vs_raw`` = product pages/s ÷ raw pages/s;
- **resolution**: the product at each ``--dpi`` on the same pages, and on page 4 of the real scanned
  standard GB/T 18824-2008 (../shared) against the text read off the page by a person
  (tests/data/ocr/GBT18824-2008_p4.txt): seconds per page and error rate at each;
- **the machine's raw speed**: float32 matrix products with NumPy, in GFLOP/s, beside the figures.

    python -m bench.ocr [--pages N] [--dpi 144,170,216] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.page_images import cjk_font, image_only_pdf, knowledge_paragraphs, render_page
from eval.ocr_accuracy import character_error_rate
from ingest.loaders import load
from ingest.ocr import OcrReader, OcrSettings
from ingest.ocr.engine import OcrEngine

REPO = Path(__file__).resolve().parents[1]
SCAN = REPO.parent / "shared" / "fixtures" / "real_pdfs" / "GBT18824-2008_地理标志产品_盘锦大米_scan_image_only.pdf"
SCAN_TRUTH = REPO / "tests" / "data" / "ocr" / "GBT18824-2008_p4.txt"
DOCUMENTS = ("guidelines-2024.zh.md", "sme-dt-guide-2022.zh.md", "smart-factories.zh.md", "sme-city-pilots.zh.md")


def machine_gflops(size: int = 1024, repeats: int = 5) -> float:
    a, b = np.random.rand(size, size).astype(np.float32), np.random.rand(size, size).astype(np.float32)
    a @ b
    started = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size ** 3 * repeats / (time.perf_counter() - started) / 1e9


def synthetic_pages(count: int, dpi: int) -> list[tuple]:
    font = cjk_font()
    if font is None:
        sys.exit("no CJK font: install Debian's fonts-noto-cjk (scripts/install-browser.sh does)")
    return [render_page(knowledge_paragraphs(DOCUMENTS[i % len(DOCUMENTS)], chars=900, skip=i // len(DOCUMENTS)),
                        font, dpi) for i in range(count)]


def product(pdf: Path, dpi: int, engine: OcrEngine) -> tuple[float, list[str]]:
    started = time.perf_counter()
    docs = load(pdf, ocr=OcrReader(OcrSettings(dpi=dpi), engine))
    return time.perf_counter() - started, [d.page_content for d in docs]


def raw(images) -> tuple[float, list[str]]:
    from rapidocr_onnxruntime import RapidOCR

    model = RapidOCR()
    model(images[0])  # warm-up, as the product's engine is warm
    started = time.perf_counter()
    texts = ["".join(text for _, text, _ in (model(image)[0] or [])) for image in images]
    return time.perf_counter() - started, texts


def cer(truths: list[str], reads: list[str]) -> float:
    return character_error_rate("\n".join(truths), "\n".join(reads))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ocr", description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=4, help="synthetic pages (default 4)")
    parser.add_argument("--dpi", default="144,170,216", help="render resolutions to compare (default 144,170,216)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    default_dpi = OcrSettings().dpi
    resolutions = sorted({int(d) for d in args.dpi.split(",")} | {default_dpi})
    out: dict = {"pages": args.pages, "default_dpi": default_dpi, "cpu_count": os.cpu_count(),
                 "machine_gflops": round(machine_gflops(), 1)}
    engine = OcrEngine()
    pages = synthetic_pages(args.pages, default_dpi)
    truths = [text for _, text in pages]
    with tempfile.TemporaryDirectory() as folder:
        pdf = image_only_pdf([image for image, _ in pages], Path(folder) / "scan.pdf", default_dpi)
        product(pdf, default_dpi, engine)  # models loaded and warm
        seconds, reads = product(pdf, default_dpi, engine)
        raw_seconds, raw_reads = raw([image for image, _ in pages])
        out.update(ocr_pages_per_s=round(args.pages / seconds, 3), ocr_cer=round(cer(truths, reads), 4),
                   raw_pages_per_s=round(args.pages / raw_seconds, 3), raw_cer=round(cer(truths, raw_reads), 4),
                   ocr_vs_raw=round(raw_seconds / seconds, 3), ocr_seconds_per_page=round(seconds / args.pages, 2))
        out["by_dpi"] = {}
        for dpi in resolutions:
            seconds, reads = product(pdf, dpi, engine)
            row = {"seconds_per_page": round(seconds / args.pages, 2), "cer": round(cer(truths, reads), 4)}
            if SCAN.is_file():
                from pypdf import PdfReader, PdfWriter

                writer = PdfWriter()
                for n in (2, 3):  # pages 3 and 4: the running header is seen twice and dropped
                    writer.add_page(PdfReader(str(SCAN)).pages[n])
                excerpt = Path(folder) / "gbt18824-p3-4.pdf"
                writer.write(str(excerpt))
                seconds, reads = product(excerpt, dpi, engine)
                row.update(scan_seconds_per_page=round(seconds / 2, 2),
                           scan_cer=round(character_error_rate(SCAN_TRUTH.read_text(encoding="utf-8"), reads[-1]), 4))
            out["by_dpi"][str(dpi)] = row
            print(f"{dpi} dpi: {row}", file=sys.stderr)
    print(json.dumps(out, indent=2))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
