"""Scans and pictures a user's folder really holds, in one ingest run beside a good file: each bad
one refused with its own reason, the good one stored, nothing else lost."""

from __future__ import annotations

import shutil
import time

from tests.conftest import DATA
from tests.ingest.ocr_inputs import (blank_scan, landscape_photo, long_scan, many_frame_tiff, png_bomb,
                                     truncated_png)


def test_bad_scans_and_images_are_refused_with_their_reasons_and_the_good_file_is_kept(fresh_services, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    good = folder / "policy.md"
    shutil.copy(DATA / "policy_sample.zh.md", good)
    expected = {
        blank_scan(folder / "blank-scan.pdf").name: "OCR found no readable text",
        landscape_photo(folder / "holiday.jpg").name: "OCR found no readable text",
        long_scan(folder / "archive.pdf", 2000).name: "2000 pages need OCR, over the limit of 200",
        truncated_png(folder / "cut-off.png").name: "not a readable image",
        png_bomb(folder / "bomb.png").name: "decompression bomb",
        many_frame_tiff(folder / "fax.tiff").name: "500 frames (pages), over the limit of 200",
    }
    started = time.monotonic()
    results = {r.path.name: r for r in fresh_services.ingest([folder])}
    assert results["policy.md"].status == "added"
    for name, reason in expected.items():
        assert results[name].status == "refused" and reason in results[name].reason, results[name].line()
        assert "Traceback" not in results[name].reason
    assert {d.file_name for d in fresh_services.store.documents()} == {"policy.md"}
    # the limits refuse from the page or frame count: the 2,000-page scan costs no OCR time
    assert time.monotonic() - started < 120
