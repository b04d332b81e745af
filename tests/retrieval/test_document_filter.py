"""A search limited to some documents (``doc_ids``), on a real Chroma index and lexical index of a few
short texts embedded by the fake embedder (no model): both sides return only those documents' chunks,
still k of them when they have k, and an open search is unchanged."""

import pytest

from ingest.pipeline import IngestPipeline
from retrieval.hybrid import HybridRetriever, RetrievalConfig
from retrieval.lexical import LexicalIndex
from retrieval.vector_store import ChromaStore, chunk_doc_id
from tests.fakes import FakeEmbedder

# Three documents that all speak of the market size, so that an open search finds each of them.
TEXTS = {
    "alpha.txt": "甲市调研报告。甲市中小企业数字化转型市场规模2025年达到1万亿元。甲市企业最大的痛点是缺少资金。",
    "beta.txt": "乙省调研报告。乙省中小企业数字化转型市场规模2025年达到3000亿元。乙省企业最大的痛点是缺少人才。",
    "gamma.txt": "丙县调研报告。丙县中小企业数字化转型市场规模2025年达到50亿元。丙县企业最大的痛点是缺少数据。",
}
QUESTION = "中小企业数字化转型市场规模2025年达到多少？"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("filter")
    for name, text in TEXTS.items():
        # several chunks per document: the k of a scoped search must be filled from the allowed ones
        (root / name).write_text("\n\n".join(f"{text}（第{i}段）" for i in range(6)), encoding="utf-8")
    store = ChromaStore.local(root / "chroma", "filter-test")
    embedder = FakeEmbedder()
    results = IngestPipeline(store, embedder, chunk_size=60, chunk_overlap=0, ocr=None).ingest(
        sorted(root.glob("*.txt")))
    assert all(r.status == "added" for r in results), [r.line() for r in results]
    ids = {r.path.name: r.doc_id for r in results}
    retriever = HybridRetriever(store, root / "lexical", embedder.embed_query,
                                RetrievalConfig(dense_k=30, lexical_k=30, floor_zh=0.5))
    retriever.refresh()
    return retriever, ids


def docs_of(chunk_ids) -> set[str]:
    return {chunk_doc_id(i) for i in chunk_ids}


def test_an_open_search_finds_every_document(index):
    retriever, ids = index
    found = retriever.search(QUESTION, context_k=20, token_budget=10_000)
    assert docs_of(s.chunk_id for s in found.candidates) == set(ids.values())


@pytest.mark.parametrize("allowed", [["alpha.txt"], ["beta.txt"], ["alpha.txt", "gamma.txt"]])
def test_both_sides_return_only_the_documents_asked_for_and_fill_their_k(index, allowed):
    retriever, ids = index
    doc_ids = [ids[name] for name in allowed]
    dense = retriever.store.query(retriever.embed_query(QUESTION), 4, doc_ids)
    lexical = retriever._lexical.search(QUESTION, 4, doc_ids)
    assert docs_of(c.id for c, _ in dense) <= set(doc_ids) and len(dense) == 4
    assert docs_of(i for i, _ in lexical) <= set(doc_ids) and len(lexical) == 4
    found = retriever.search(QUESTION, context_k=20, token_budget=10_000, doc_ids=doc_ids)
    assert found.sources and docs_of(s.chunk_id for s in found.candidates) == set(doc_ids)
    assert found.covered  # the floors apply to the best of the allowed documents


def test_a_scoped_search_answers_from_its_document(index):
    retriever, ids = index
    for name, figure in (("alpha.txt", "1万亿元"), ("beta.txt", "3000亿元")):
        top = retriever.search(QUESTION, doc_ids=[ids[name]]).sources[0]
        assert figure in top.text and top.metadata["file_name"] == name


def test_none_or_empty_is_no_filter(index):
    retriever, _ = index
    open_ = [s.chunk_id for s in retriever.search(QUESTION).candidates]
    assert [s.chunk_id for s in retriever.search(QUESTION, doc_ids=None).candidates] == open_
    assert [s.chunk_id for s in retriever.search(QUESTION, doc_ids=[]).candidates] == open_


def test_an_unknown_document_finds_nothing(index):
    retriever, _ = index
    found = retriever.search(QUESTION, doc_ids=["no-such-document"])
    assert not found.sources and not found.covered


def test_the_lexical_filter_keeps_the_top_k_within_the_allowed_documents():
    index = LexicalIndex.build([f"a:{i}" for i in range(5)] + ["b:0"],
                               ["市场规模 市场规模 市场规模"] * 5 + ["市场规模 很小"])
    assert [i for i, _ in index.search("市场规模", 1)] != ["b:0"]
    assert [i for i, _ in index.search("市场规模", 1, doc_ids=["b"])] == ["b:0"]
    assert len(index.search("市场规模", 3, doc_ids={"a"})) == 3
