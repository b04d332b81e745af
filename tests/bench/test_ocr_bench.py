"""bench.ocr measures the product's OCR and raw RapidOCR on the same pages, in one run."""

import json

from bench import ocr


def test_the_ocr_bench_reports_speed_accuracy_and_the_ratio_to_raw_ocr(tmp_path):
    out = tmp_path / "ocr.json"
    assert ocr.main(["--pages", "1", "--dpi", "170", "--json", str(out)]) == 0
    figures = json.loads(out.read_text())
    assert figures["ocr_pages_per_s"] > 0 and figures["raw_pages_per_s"] > 0 and figures["machine_gflops"] > 0
    assert figures["ocr_cer"] <= 0.03
    ratio = figures["ocr_pages_per_s"] / figures["raw_pages_per_s"]
    assert abs(figures["ocr_vs_raw"] - ratio) <= 0.01 * ratio
    assert set(figures["by_dpi"]) == {"170"}
