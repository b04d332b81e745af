"""Questions in one language about documents in the other, on a real Chroma and lexical index of a
few short texts embedded by the fake embedder (no model): the same-language preference only chooses
between the two languages of one document, and another wording of the question (its translation)
is searched beside it."""

import pytest

from ingest.pipeline import IngestPipeline
from retrieval.hybrid import HybridRetriever, RetrievalConfig
from retrieval.vector_store import ChromaStore, chunk_doc_id
from tests.fakes import FakeEmbedder

REPORT = "调研显示，中小企业数字化转型市场规模2025年突破1万亿元，企业最大的痛点是缺少资金和人才。"
DOCS = {
    # a starter-style pair: the Chinese text and its English translation, each naming the other
    "pair.zh.md": ("---\ntitle: 成对文件\nlang: zh\ntranslation_of: pair.en.md\n---\n\n" + REPORT + "\n"),
    "pair.en.md": ("---\ntitle: Paired file\nlang: en\ntranslation_of: pair.zh.md\n---\n\n"
                   "The survey shows the SME digital transformation market will pass 1 trillion yuan in 2025.\n"),
    # a user's report: Chinese only, the same sentence as the pair's Chinese side
    "report.zh.md": "---\ntitle: 调研报告\nlang: zh\n---\n\n" + REPORT + "\n",
}
QUESTION = "How large will the SME digital transformation market be in 2025?"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("cross")
    for name, text in DOCS.items():
        (root / name).write_text(text, encoding="utf-8")
    store = ChromaStore.local(root / "chroma", "cross-language-test")
    embedder = FakeEmbedder()
    results = IngestPipeline(store, embedder, chunk_size=200, chunk_overlap=0, ocr=None).ingest(sorted(root.glob("*.md")))
    assert all(r.status == "added" for r in results), [r.line() for r in results]
    ids = {r.path.name: r.doc_id for r in results}
    # a large bonus and floors the fake embedder's cosines cannot reach across languages
    retriever = HybridRetriever(store, root / "lexical", embedder.embed_query,
                                RetrievalConfig(dense_k=10, lexical_k=10, floor_zh=0.8, floor_en=0.99,
                                                same_language_bonus=10.0))
    retriever.refresh()
    return retriever, ids


def test_only_a_document_without_its_translation_counts_as_untranslated(index):
    retriever, ids = index
    assert retriever.languages_without_twin() == {"zh"}
    assert retriever.languages_without_twin([ids["pair.zh.md"], ids["pair.en.md"]]) == set()
    assert retriever.languages_without_twin([ids["report.zh.md"]]) == {"zh"}


def test_the_language_preference_chooses_between_twins_only(index):
    """The pair's Chinese side and the report hold the same sentence: an English question demotes
    the pair's Chinese side (its English twin is there) and not the report (nothing else says it in
    English)."""
    retriever, ids = index
    ranked = [chunk_doc_id(s.chunk_id) for s in retriever.search(QUESTION, context_k=10, token_budget=10_000).candidates]
    assert ranked.index(ids["report.zh.md"]) < ranked.index(ids["pair.zh.md"])
    assert ranked.index(ids["pair.en.md"]) < ranked.index(ids["pair.zh.md"])


def test_a_translated_wording_finds_and_covers_what_the_question_alone_does_not(index):
    retriever, ids = index
    scope = [ids["report.zh.md"]]
    alone = retriever.search(QUESTION, doc_ids=scope)
    both = retriever.search(QUESTION, doc_ids=scope, also=["中小企业数字化转型市场规模2025年是多少？"])
    assert not alone.covered
    assert both.covered and both.best_similarity > alone.best_similarity and both.best_lexical > alone.best_lexical
    assert both.query == QUESTION  # the question stays the user's; the other wording only searches


def test_each_language_s_chunks_are_ranked_by_the_wording_in_that_language(tmp_path):
    """An English question's own words find, in a Chinese report, only the lines that happen to hold
    Latin letters and numbers (a table's header, a disclaimer); its translation finds the answer.
    The English wording does not outvote the translation over Chinese chunks."""
    docs = {"noise.zh.md": "---\ntitle: 免责声明\nlang: zh\n---\n\n本报告 SME market 2025 price 数据仅供参考，不构成投资建议。\n",
            "answer.zh.md": "---\ntitle: 电价\nlang: zh\n---\n\n公司电力采购单价从2019年0.8元下降到2022年的0.39元。\n"}
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = ChromaStore.local(tmp_path / "chroma", "wording-languages-test")
    embedder = FakeEmbedder()
    results = IngestPipeline(store, embedder, chunk_size=200, chunk_overlap=0, ocr=None).ingest(sorted(tmp_path.glob("*.md")))
    ids = {r.path.name: r.doc_id for r in results}
    retriever = HybridRetriever(store, tmp_path / "lexical", embedder.embed_query,
                                RetrievalConfig(dense_k=10, lexical_k=10, floor_zh=0.1, floor_en=0.1))
    retriever.refresh()
    question = "How far did the SME market price fall by 2025?"
    alone = [chunk_doc_id(s.chunk_id) for s in retriever.search(question, context_k=10, token_budget=10_000).candidates]
    assert alone[0] == ids["noise.zh.md"]  # the question alone: the Latin words decide
    both = retriever.search(question, context_k=10, token_budget=10_000, also=["电力采购单价下降了多少？"])
    assert [chunk_doc_id(s.chunk_id) for s in both.candidates][0] == ids["answer.zh.md"]
