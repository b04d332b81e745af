"""``advisor check [--repair]``: finds what an interrupted ingest leaves behind (a document cut
short, an old version next to a new one, a lexical index out of step) and repairs it."""

from __future__ import annotations

import shutil

import pytest

from ingest.pipeline import IngestPipeline
from tests.conftest import DATA
from tests.reliability.bad_inputs import TEXT_ZH


@pytest.fixture
def advisor(fresh_services, monkeypatch, capsys):
    from app.cli import main as cli

    monkeypatch.setattr(cli, "_services", lambda args: fresh_services)

    def run(*args):
        code = cli.main(list(args))
        return code, capsys.readouterr().out
    return run


def long_document(folder, name="long.md", text=TEXT_ZH):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("# 设备联网\n\n" + text * 12 + "\n", encoding="utf-8")
    return path


def test_a_clean_index_checks_ok(fresh_services, advisor, tmp_path):
    shutil.copy(DATA / "policy_sample.zh.md", tmp_path / "policy.md")
    fresh_services.ingest([tmp_path / "policy.md"])
    code, out = advisor("check")
    assert code == 0 and "ok        every document whole" in out and "1 documents" in out


def test_a_document_cut_short_is_found_repaired_and_restored_by_the_next_ingest(fresh_services, advisor, tmp_path):
    pipeline = IngestPipeline(fresh_services.store, fresh_services.embedder, chunk_size=60, chunk_overlap=10)
    path = long_document(tmp_path)
    (result,) = pipeline.ingest([path])
    assert result.chunks >= 3
    fresh_services.store.collection.delete(ids=[f"{result.doc_id}:{result.chunks - 1}"])  # the last write lost

    code, out = advisor("check")
    assert code == 1
    assert f"{result.chunks - 1} of its {result.chunks} chunks (a write cut short)" in out
    code, out = advisor("check", "--repair")
    assert code == 0 and f"repaired  removed document {result.doc_id[:12]}" in out
    assert fresh_services.store.count() == 0
    (again,) = pipeline.ingest([path])
    assert again.status == "added" and again.chunks == result.chunks


def test_the_next_ingest_repairs_a_cut_short_document_on_its_own(fresh_services, tmp_path):
    pipeline = IngestPipeline(fresh_services.store, fresh_services.embedder, chunk_size=60, chunk_overlap=10)
    path = long_document(tmp_path)
    (result,) = pipeline.ingest([path])
    fresh_services.store.collection.delete(ids=[f"{result.doc_id}:0"])
    (again,) = pipeline.ingest([path])  # without the repair it would say "unchanged" over a half document
    assert again.status == "added"
    assert len(fresh_services.store.chunks_of(result.doc_id)) == result.chunks


def test_an_old_version_left_by_a_crash_is_reported_as_duplicates_and_removed(fresh_services, advisor, tmp_path):
    store = fresh_services.store
    path = long_document(tmp_path, "v.md")
    fresh_services.ingest([path])
    old = store.documents()[0]
    path.write_text("# 第二版\n\n" + "企业把采集到的设备数据统一上传到云平台，按周分析停机原因。" * 6, encoding="utf-8")
    store.delete_doc = lambda doc_id: 0  # the crash: the old version is never deleted
    try:
        fresh_services.ingest([path])
    finally:
        del store.delete_doc
    assert len(store.documents()) == 2

    code, out = advisor("check")
    assert code == 1 and f"document {old.doc_id[:12]} (v.md): an older version" in out
    assert f"duplicate chunks: {old.chunks}" in out
    code, out = advisor("check", "--repair")
    assert code == 0 and [d.doc_id for d in store.documents()] != [old.doc_id] and len(store.documents()) == 1
    assert advisor("check")[0] == 0


def test_a_lexical_index_out_of_step_is_found_and_rebuilt(fresh_services, advisor, tmp_path):
    shutil.copy(DATA / "policy_sample.zh.md", tmp_path / "policy.md")
    fresh_services.ingest([tmp_path / "policy.md"])
    fresh_services.pipeline.ingest([long_document(tmp_path)])  # the store changes, the lexical index does not
    code, out = advisor("check")
    assert code == 1 and "the lexical index is out of date" in out
    code, out = advisor("check", "--repair")
    assert code == 0 and "repaired  rebuilt the lexical index" in out
    assert advisor("check")[0] == 0


def test_check_loads_no_model(settings_for, tmp_path, monkeypatch, capsys):
    from app.cli import main as cli
    from app.services import Services

    services = Services(settings_for("nomodel"))
    monkeypatch.setattr(type(services), "embedder", property(lambda self: pytest.fail("check loaded the model")))
    monkeypatch.setattr(cli, "_services", lambda args: services)
    assert cli.main(["check", "--repair"]) == 0
    assert "0 documents" in capsys.readouterr().out
