"""OCR inside ingest, with the real PP-OCRv4 models from the rapidocr-onnxruntime wheel: pages of
known text read back within 3 % character error rate, a real scanned standard, pages decided one by
one, the OCR settings, and the compute lock. One or two pages per test: OCR takes seconds a page."""

from __future__ import annotations

import threading
import time

import pytest

from eval.ocr_accuracy import character_error_rate
from ingest.embedding import COMPUTE_LOCK
from ingest.errors import UnreadableFile
from ingest.loaders import load
from ingest.ocr import OcrReader, OcrSettings
from ingest.ocr.engine import OcrEngine
from tests.conftest import DATA, shared_path
from tests.ingest.ocr_inputs import font, known_page, pdf_pages, text_then_scan_pdf
from bench.page_images import image_only_pdf, knowledge_paragraphs, render_two_columns

MAX_CER = 0.03
SCANNED_STANDARD = "GBT18824-2008_地理标志产品_盘锦大米_scan_image_only.pdf"


@pytest.fixture(scope="module")
def engine():
    return OcrEngine()


def reader(engine, **settings) -> OcrReader:
    return OcrReader(OcrSettings(**settings), engine)


def text_of(docs) -> str:
    return "\n".join(d.page_content for d in docs)


def test_a_drawn_page_of_known_text_reads_back_from_a_png_and_an_image_only_pdf(engine, tmp_path):
    page, truth = known_page(chars=700)
    png = tmp_path / "notice.png"
    page.save(png)
    pdf = image_only_pdf([page], tmp_path / "notice.pdf")
    for path in (png, pdf):
        docs = load(path, ocr=reader(engine))
        assert character_error_rate(truth, text_of(docs)) <= MAX_CER, (path.name, text_of(docs))
        assert all(d.metadata["ocr"] and d.metadata["ocr_confidence"] > 0.9 for d in docs)


def test_a_real_scanned_standard_reads_within_three_percent_of_what_the_page_says(engine, tmp_path):
    """Page 4 of GB/T 18824-2008 (image only), against the text read off the page by a person;
    page 3 comes along so the running header "GB/T 18824—2008" is seen twice and dropped."""
    excerpt = pdf_pages(shared_path("fixtures/real_pdfs", SCANNED_STANDARD), [3, 4], tmp_path / "p3-4.pdf")
    docs = load(excerpt, ocr=reader(engine))
    page4 = docs[-1].page_content
    assert character_error_rate((DATA / "ocr" / "GBT18824-2008_p4.txt").read_text(encoding="utf-8"), page4) <= MAX_CER
    assert "18824" not in page4  # the running header is gone
    assert "5.1.1 日照" in page4.split("\n\n")  # a numbered heading stays a line of its own for chunking
    assert [d.metadata["page"] for d in docs] == [1, 2] and all(d.metadata["ocr"] for d in docs)


def test_pages_are_decided_one_by_one(engine, tmp_path):
    scan, truth = known_page(chars=300)
    docs = load(text_then_scan_pdf(tmp_path, scan), ocr=reader(engine))
    text_page, scanned = docs
    assert "ocr" not in text_page.metadata and "plan, implement" in text_page.page_content
    assert scanned.metadata["ocr"] and scanned.metadata["page"] == 2
    assert character_error_rate(truth, scanned.page_content) <= MAX_CER
    assert any("read by OCR" in w for w in text_page.metadata["warnings"])


def test_ocr_off_refuses_scans_and_images_and_force_reads_every_page(engine, tmp_path):
    scan, _ = known_page(chars=300)
    scan.save(tmp_path / "photo.png")
    pdf = image_only_pdf([scan], tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFile, match="OCR is off"):
        load(pdf, ocr=reader(engine, mode="off"))
    with pytest.raises(UnreadableFile, match="OCR is off"):
        load(tmp_path / "photo.png", ocr=reader(engine, mode="off"))
    forced = load(text_then_scan_pdf(tmp_path, scan), ocr=reader(engine, mode="force"))
    assert [d.metadata.get("ocr") for d in forced] == [True, True]


def test_progress_is_reported_in_pages(engine, tmp_path):
    page, _ = known_page(chars=200)
    seen = []
    ocr = OcrReader(OcrSettings(), engine, on_progress=lambda name, done, total: seen.append((name, done, total)))
    load(image_only_pdf([page, page], tmp_path / "two.pdf"), ocr=ocr)
    assert seen == [("two.pdf", 0, 2), ("two.pdf", 1, 2), ("two.pdf", 2, 2)]


@pytest.mark.parametrize("angle", [180, 90, 270])
def test_a_photo_upside_down_or_on_its_side_is_read_in_order(engine, tmp_path, angle):
    page, truth = known_page(chars=300)
    page.rotate(angle, expand=True).save(tmp_path / "turned.png")
    assert character_error_rate(truth, text_of(load(tmp_path / "turned.png", ocr=reader(engine)))) <= MAX_CER


def test_ocr_waits_for_the_compute_lock(engine):
    """Never OCR while the model generates (or the embedder runs): both hold the compute lock."""
    page, _ = known_page(chars=100)
    engine.read(page)  # models loaded outside the lock
    done = threading.Event()
    with COMPUTE_LOCK:
        worker = threading.Thread(target=lambda: (engine.read(page), done.set()))
        worker.start()
        time.sleep(1.0)
        assert not done.is_set()
    worker.join(60)
    assert done.is_set()


def test_a_two_column_page_is_read_column_by_column(engine, tmp_path):
    left = knowledge_paragraphs("sme-dt-guide-2022.zh.md", chars=260)
    right = knowledge_paragraphs("smart-factories.zh.md", chars=260)
    page, truth = render_two_columns("中小企业数字化转型政策简报", left, right, font())
    page.save(tmp_path / "newsletter.png")
    (doc,) = load(tmp_path / "newsletter.png", ocr=reader(engine))
    assert character_error_rate(truth, doc.page_content) <= MAX_CER, doc.page_content
