import shutil

import pytest

from ingest.pipeline import IngestPipeline
from tests.conftest import DATA, shared_path
from tests.pdf_maker import make_pdf


@pytest.fixture
def pipeline(fresh_services):
    return fresh_services.pipeline


@pytest.fixture
def pipeline_without_ocr(fresh_services):
    """The pipeline as ``ocr = "off"`` builds it: scans are refused, not read."""
    p = fresh_services.pipeline
    return IngestPipeline(p.store, p.embedder, p.chunk_size, p.chunk_overlap, ocr=None)


def doc_ids(store):
    return sorted(d.doc_id for d in store.documents())


def test_reingesting_unchanged_file_changes_nothing(pipeline, tmp_path):
    path = tmp_path / "policy.md"
    shutil.copy(DATA / "policy_sample.zh.md", path)
    (first,) = pipeline.ingest([path])
    assert first.status == "added" and first.chunks > 0
    before = pipeline.store.count()
    (again,) = pipeline.ingest([path])
    assert again.status == "unchanged"
    assert pipeline.store.count() == before
    assert len(pipeline.store.documents()) == 1


def test_changed_file_replaces_its_chunks(pipeline, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("# 设备\n\n注塑机每班点检一次，记录运行参数。\n", encoding="utf-8")
    (first,) = pipeline.ingest([path])
    path.write_text("# 设备\n\n注塑机每班点检两次，并把故障代码上传到云端平台。\n", encoding="utf-8")
    (second,) = pipeline.ingest([path])
    assert second.status == "replaced" and second.doc_id != first.doc_id
    assert doc_ids(pipeline.store) == [second.doc_id]
    texts = [c.text for c in pipeline.store.all_chunks()]
    assert any("故障代码" in t for t in texts) and not any("点检一次" in t for t in texts)


def test_same_content_under_another_name_is_not_stored_twice(pipeline, tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    for p in (a, b):
        shutil.copy(DATA / "policy_sample.zh.md", p)
    results = pipeline.ingest([a, b])
    assert [r.status for r in results] == ["added", "unchanged"]
    assert len(pipeline.store.documents()) == 1


def test_bad_files_are_refused_one_line_each_and_the_batch_goes_on(pipeline, tmp_path):
    good = tmp_path / "good.md"
    shutil.copy(DATA / "policy_sample.zh.md", good)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "cut.pdf").write_bytes(make_pdf(["text " * 40])[:200])
    (tmp_path / "notes.xyz").write_text("whatever")
    results = pipeline.ingest([tmp_path / "empty.txt", tmp_path / "cut.pdf", good, tmp_path / "notes.xyz",
                               tmp_path / "missing.pdf"])
    by_name = {r.path.name: r for r in results}
    assert by_name["good.md"].status == "added"
    for name, reason in [("empty.txt", "empty"), ("cut.pdf", "PDF"), ("notes.xyz", "unsupported"),
                         ("missing.pdf", "no such file")]:
        assert by_name[name].status == "refused" and reason in by_name[name].reason
        assert by_name[name].line().startswith(f"refused   {name}:")
    assert len(pipeline.store.documents()) == 1


def test_refused_new_version_keeps_the_old_one(pipeline, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("企业应先摸清设备底数，再分批推进联网改造，并按月复盘设备综合效率。" * 3, encoding="utf-8")
    (first,) = pipeline.ingest([path], source_names={path: "report.txt"})
    path.write_bytes(b"")
    (second,) = pipeline.ingest([path], source_names={path: "report.txt"})
    assert second.status == "refused"
    assert doc_ids(pipeline.store) == [first.doc_id]


def test_failed_store_write_leaves_no_half_document(fresh_services, tmp_path, monkeypatch):
    store = fresh_services.store
    pipeline = IngestPipeline(store, fresh_services.embedder, chunk_size=60, chunk_overlap=10)
    path = tmp_path / "long.md"
    path.write_text("# 标题\n\n" + "设备联网需要先盘点设备，再加装采集模块，然后统一上云。" * 20, encoding="utf-8")
    real_add = store.collection.add
    calls = {"n": 0}

    def failing_add(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real_add(**kwargs)

    monkeypatch.setattr(store, "batch_size", 3)
    monkeypatch.setattr(store.collection, "add", failing_add)
    with pytest.raises(RuntimeError):
        pipeline.ingest([path])
    assert store.count() == 0


def test_repair_keeps_the_newest_version_of_a_source(pipeline, tmp_path):
    path = tmp_path / "v.md"
    path.write_text("# 版本\n\n第一版内容：企业先盘点关键设备，再分批加装采集模块完成设备联网。\n", encoding="utf-8")
    (old,) = pipeline.ingest([path], source_names={path: "v.md"})
    # simulate a crash after the new version was stored and before the old one was deleted
    path.write_text("# 版本\n\n第二版内容：企业把采集到的设备数据统一上传到云平台进行分析。\n", encoding="utf-8")
    store = pipeline.store
    monkey_delete = store.delete_doc
    store.delete_doc = lambda doc_id: 0
    (new,) = pipeline.ingest([path], source_names={path: "v.md"})
    store.delete_doc = monkey_delete
    assert len(store.documents()) == 2
    assert pipeline.repair() == [old.doc_id]
    assert doc_ids(store) == [new.doc_id]


def test_remove_by_file_name(pipeline, tmp_path):
    path = tmp_path / "policy.md"
    shutil.copy(DATA / "policy_sample.zh.md", path)
    pipeline.ingest([path])
    assert pipeline.remove("policy.md")
    assert pipeline.store.count() == 0


@pytest.mark.parametrize("name, reason", [
    ("GBT18824-2008_地理标志产品_盘锦大米_scan_image_only.pdf", "no text layer"),
    ("GMT_0031-2014_安全电子签章密码技术规范.pdf", "garbled"),
])
def test_every_bad_real_pdf_gets_its_clear_error_when_ocr_is_off(pipeline_without_ocr, name, reason):
    (result,) = pipeline_without_ocr.ingest([shared_path("fixtures/real_pdfs", name)])
    assert result.status == "refused" and reason in result.reason
    assert pipeline_without_ocr.store.count() == 0


def test_noisy_ocr_scan_is_refused_when_ocr_is_off(pipeline_without_ocr):
    (result,) = pipeline_without_ocr.ingest([shared_path("fixtures/real_pdfs",
                                                         "GBT19266-2008_地理标志产品_五常大米_scan+OCR.pdf")])
    assert result.status == "refused" and "OCR text layer is garbled" in result.reason
    assert pipeline_without_ocr.store.count() == 0


def test_good_real_pdf_chunks_cite_pages(pipeline):
    (result,) = pipeline.ingest([shared_path("fixtures/real_pdfs", "DB32T1580-2019_地理标志产品_射阳大米.pdf")])
    assert result.status == "added"
    pages = {c.metadata.get("page") for c in pipeline.store.all_chunks()}
    assert pages >= {2, 3}
