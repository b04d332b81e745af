"""Bad inputs: each refused with one line that names the file, the reason and what to do; the run
goes on with the next file; nothing is added to the index and nothing is lost from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time

import pytest

from ingest.file_checks import printable_name
from ingest.refusal_text import REFUSALS
from tests.conftest import DATA, shared_path
from tests.reliability.bad_inputs import TEXT_ZH, make_bad_inputs, write_sparse


def snapshot(store) -> list[tuple[str, str, int]]:
    """What the index holds: (doc_id, source, chunks) per document."""
    return sorted((d.doc_id, d.source, d.chunks) for d in store.documents())


def good_copy(folder, name="policy.md"):
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "policy_sample.zh.md", folder / name)
    return folder / name


def test_every_refusal_says_what_to_do():
    for kind, text in REFUSALS.items():
        reason, _, action = text.partition("; ")
        assert reason and action, f"{kind}: no '; <what to do>' part"


def test_bad_inputs_are_refused_one_line_each_and_the_index_is_untouched(fresh_services, tmp_path):
    pipeline = fresh_services.pipeline
    pipeline.ingest([good_copy(tmp_path / "before")])
    before = snapshot(pipeline.store)

    expected = make_bad_inputs(tmp_path / "bad")
    expected_kinds = dict(expected, **{"missing.pdf": "missing"})
    after_good = tmp_path / "after" / "after.txt"
    after_good.parent.mkdir()
    after_good.write_text("# 之后\n\n" + TEXT_ZH * 4 + "\n", encoding="utf-8")
    paths = [tmp_path / "bad" / name for name in expected] + [tmp_path / "missing.pdf", after_good]

    started = time.monotonic()
    results = pipeline.ingest(paths)
    elapsed = time.monotonic() - started

    by_name = {r.path.name: r for r in results}
    for name, kind in expected_kinds.items():
        result = by_name[name]
        line = result.line()
        assert (result.status, result.kind) == ("refused", kind), line
        assert line.startswith(f"refused   {printable_name(name)}: ") and "\n" not in line and "\x1b" not in line
        assert "; " in result.reason, line  # the reason, then what to do
    assert by_name["after.txt"].status == "added"  # the run went on past every bad file
    after = snapshot(pipeline.store)
    assert [d for d in after if d not in before] == [(by_name["after.txt"].doc_id, str(after_good.resolve()),
                                                      by_name["after.txt"].chunks)]
    assert all(d in after for d in before)
    assert len(set(expected_kinds.values())) >= 14
    assert elapsed < 30  # the 200 MB file and the zip bomb are refused from their metadata


def test_a_loader_crash_becomes_a_refusal_and_the_run_goes_on(fresh_services, tmp_path, monkeypatch):
    import ingest.loaders as loaders

    def broken_loader(path):
        raise AttributeError("'NoneType' object has no attribute 'text'")

    monkeypatch.setitem(loaders.LOADERS, ".html", broken_loader)
    (tmp_path / "page.html").write_text("<p>" + TEXT_ZH * 3 + "</p>", encoding="utf-8")
    first, second = fresh_services.pipeline.ingest([tmp_path / "page.html", good_copy(tmp_path)])
    assert first.status == "refused" and first.kind == "loader_failed"
    assert "html reader failed" in first.reason and "AttributeError" in first.reason
    assert second.status == "added"


def test_a_200_mb_file_is_refused_by_its_size_before_it_is_read(fresh_services, tmp_path, monkeypatch):
    import ingest.pipeline as pipeline_module

    write_sparse(tmp_path / "huge.txt", 200)
    opened = []
    real_document_id = pipeline_module.document_id
    monkeypatch.setattr(pipeline_module, "document_id", lambda p: opened.append(p) or real_document_id(p))
    started = time.monotonic()
    (result,) = fresh_services.pipeline.ingest([tmp_path / "huge.txt"])
    assert result.kind == "too_big" and "200.0 MB, over the 50 MB limit" in result.reason
    assert opened == [] and time.monotonic() - started < 5


def test_the_size_limit_is_a_setting(settings_for, embedder, tmp_path):
    from app.services import Services

    services = Services(settings_for("limit", max_file_mb=1))
    services.__dict__["embedder"] = embedder
    (tmp_path / "two-mb.txt").write_bytes(TEXT_ZH.encode() * 30_000)
    (result,) = services.pipeline.ingest([tmp_path / "two-mb.txt"])
    assert result.kind == "too_big" and "over the 1 MB limit" in result.reason


@pytest.mark.parametrize("name, kind", [
    ("GBT19266-2008_地理标志产品_五常大米_scan+OCR.pdf", "ocr_garbled"),
    ("GBT18824-2008_地理标志产品_盘锦大米_scan_image_only.pdf", "pdf_no_text"),
    ("GMT_0031-2014_安全电子签章密码技术规范.pdf", "glyph_names"),
])
def test_real_bad_pdfs_are_refused_when_ocr_is_off(settings_for, embedder, name, kind):
    """With OCR on (the default) these are read (tests/app/test_scanned_documents.py)."""
    from app.services import Services

    services = Services(settings_for("ocr-off", ocr="off"))
    services.__dict__["embedder"] = embedder
    (result,) = services.pipeline.ingest([shared_path("fixtures/real_pdfs", name)])
    assert (result.status, result.kind) == ("refused", kind), result.line()
    assert "ADVISOR_OCR=auto" in result.reason
    assert services.store.count() == 0


@pytest.mark.parametrize("encoding", ["gbk", "utf-16", "utf-16-le"])
def test_gbk_and_utf16_text_is_accepted_and_decoded(fresh_services, tmp_path, encoding):
    text = "# 设备联网\n\n" + TEXT_ZH * 4 + "\n"
    path = tmp_path / f"notes-{encoding}.txt"
    path.write_bytes(text.encode(encoding))  # "utf-16" writes a byte-order mark, "utf-16-le" none
    (result,) = fresh_services.pipeline.ingest([path])
    assert result.status == "added", result.line()
    assert any("摸清设备底数" in c.text for c in fresh_services.store.all_chunks())


def test_symlink_loops_are_skipped_with_a_line_and_do_not_hang(fresh_services, tmp_path):
    root = tmp_path / "docs"
    good_copy(root / "sub")
    os.symlink(root, root / "sub" / "back-to-root")  # a folder loop
    os.symlink("self.txt", root / "self.txt")  # a link to itself
    os.symlink(tmp_path / "gone", root / "dangling.md")
    results = []
    worker = threading.Thread(target=lambda: results.extend(fresh_services.pipeline.ingest([root])), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "ingest of a folder with a symlink loop did not finish"
    lines = {r.path.name: r for r in results}
    assert lines["policy.md"].status == "added"
    assert lines["back-to-root"].status == "skipped" and "loop" in lines["back-to-root"].line()
    assert lines["self.txt"].status == "skipped" and lines["dangling.md"].status == "skipped"
    assert len(fresh_services.store.documents()) == 1


def test_thousands_of_tiny_files_end_in_one_summary_line(fresh_services, tmp_path, monkeypatch, capsys):
    from app.cli import main as cli

    folder = tmp_path / "many"
    folder.mkdir()
    same = ("# 小文件\n\n" + TEXT_ZH * 2 + "\n").encode()
    for i in range(1000):
        (folder / f"empty-{i:04d}.txt").write_bytes(b"")
        (folder / f"same-{i:04d}.md").write_bytes(same)
    monkeypatch.setattr(cli, "_services", lambda args: fresh_services)
    started = time.monotonic()
    code = cli.main(["ingest", "--quiet", str(folder)])
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out.splitlines()
    assert out[-1].startswith("1 added, 0 replaced, 999 unchanged, 1000 refused;"), out[-1]
    assert code == 2 and len(out) == 2001
    assert len(fresh_services.store.documents()) == 1
    print(f"2,000 tiny files: {elapsed:.1f} s")


def test_cli_exit_status_is_2_when_a_file_is_refused_and_0_otherwise(fresh_services, tmp_path):
    env = {**os.environ, "ADVISOR_DATA_DIR": str(fresh_services.settings.data_dir)}
    (tmp_path / "bad.docx").write_bytes(b"not a zip at all")
    good = good_copy(tmp_path)

    def advisor(*args):
        return subprocess.run([sys.executable, "-m", "app.cli.main", "ingest", "--quiet", *map(str, args)], env=env,
                              capture_output=True, text=True, timeout=300)

    refused = advisor(tmp_path / "bad.docx", tmp_path / "missing.md")
    assert refused.returncode == 2, refused.stderr
    assert refused.stdout.splitlines()[:2] == [
        f"refused   missing.md: {REFUSALS['missing']}", f"refused   bad.docx: {REFUSALS['docx_not_zip']}"]
    assert "Traceback" not in refused.stdout + refused.stderr
    accepted = advisor(good)
    assert accepted.returncode == 0 and accepted.stdout.startswith("added     policy.md"), accepted.stderr
