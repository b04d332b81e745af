"""The store's version: bumped by every write, read once per query, so that a retriever notices
documents another process added or removed (the lexical index follows), and markers kept with
the index itself."""

import time

import numpy as np

from retrieval.hybrid import HybridRetriever, RetrievalConfig
from retrieval.lexical import LexicalIndex
from retrieval.vector_store import ChromaStore


def vector(text: str) -> np.ndarray:
    v = np.random.default_rng(abs(hash(text)) % 2**32).normal(size=8).astype(np.float32)
    return v / np.linalg.norm(v)


def add(store: ChromaStore, doc_id: str, text: str) -> None:
    store.add([f"{doc_id}:0"], [text], np.stack([vector(text)]), [{"doc_id": doc_id, "lang": "zh"}])


def test_every_write_changes_the_version_and_markers_survive(tmp_path):
    store = ChromaStore.local(tmp_path / "chroma", "advisor")
    seen = {store.version()}
    add(store, "a", "灯塔工厂")
    seen.add(store.version())
    store.update_embeddings(["a:0"], np.stack([vector("x")]))
    seen.add(store.version())
    store.set_marker("starter_knowledge", "fp1")
    seen.add(store.version())
    assert store.delete_doc("a") == 1
    seen.add(store.version())
    assert store.delete_doc("a") == 0  # nothing deleted: nothing changed
    assert store.version() in seen and len(seen) == 5
    reopened = ChromaStore.local(tmp_path / "chroma", "advisor")
    assert reopened.marker("starter_knowledge") == "fp1" and reopened.marker("other") == ""


def test_a_second_retriever_sees_writes_made_through_another(tmp_path):
    writer = ChromaStore.local(tmp_path / "chroma", "advisor")
    add(writer, "a", "数字化转型实施指南")
    # Another app process: its own retriever and lexical folder, the same index.
    reader = HybridRetriever(writer, tmp_path / "lexical-b", vector, RetrievalConfig())
    assert [s.doc_id for s in reader.search("灯塔工厂").candidates if s.lexical] == []
    add(writer, "b", "灯塔工厂由世界经济论坛评选")
    assert "b" in [s.doc_id for s in reader.search("灯塔工厂").candidates if s.lexical]
    writer.delete_doc("b")
    assert "b" not in [s.doc_id for s in reader.search("灯塔工厂").candidates]


def test_the_version_check_is_cheap(tmp_path):
    store = ChromaStore.local(tmp_path / "chroma", "advisor")
    add(store, "a", "数字化转型")
    start = time.perf_counter()
    for _ in range(100):
        store.version()
    per_query_ms = (time.perf_counter() - start) * 10
    assert per_query_ms < 20, f"{per_query_ms:.2f} ms per version check"


def test_lexical_indexes_from_two_processes_never_mix(tmp_path):
    one = LexicalIndex.build(["a", "b"], ["灯塔工厂", "数字化转型"])
    two = LexicalIndex.build(["c"], ["智能制造"])
    one.save(tmp_path / "lexical", "fp1")
    two.save(tmp_path / "lexical", "fp2")  # a newer index replaces the older one
    assert LexicalIndex.load(tmp_path / "lexical", "fp1") is None
    assert LexicalIndex.load(tmp_path / "lexical", "fp2").search("智能制造", 1)[0][0] == "c"
    two.save(tmp_path / "lexical", "fp2")  # the same index saved again (another process): still loads
    assert LexicalIndex.load(tmp_path / "lexical", "fp2").ids == ["c"]
    assert [p.name for p in tmp_path.iterdir()] == ["lexical"]  # no temporary folders left behind


def test_a_lookup_of_more_ids_than_sqlite_takes_in_one_query_works(tmp_path):
    store = ChromaStore.local(tmp_path / "chroma", "many")
    store.add(["a:0"], ["灯塔工厂"], np.ones((1, 4), dtype=np.float32), [{"doc_id": "a"}])
    ids = [f"missing:{i}" for i in range(40_000)] + ["a:0"]  # a 50k-chunk lexical rebuild asks this many
    assert [c.id for c in store.get(ids)] == ["a:0"]
    assert list(store.embeddings(ids)) == ["a:0"]


def test_whole_store_reads_go_page_by_page(tmp_path, monkeypatch):
    import retrieval.vector_store as vector_store

    monkeypatch.setattr(vector_store, "SCAN_PAGE", 3)
    store = ChromaStore.local(tmp_path / "chroma", "paged")
    ids = [f"d:{i}" for i in range(7)]
    store.add(ids, [f"第{i}段" for i in range(7)], np.ones((7, 4), dtype=np.float32), [{"doc_id": "d"}] * 7)
    assert sorted(store.all_ids()) == sorted(ids) and len(store.all_chunks()) == 7
    assert len(store._all_metadatas()) == 7
