"""Who a question is answered for (``app.answer.readers``, ``Advisor.for_reader``) over the fakes: a
reader's answers search the shared documents and their own private ones, never another's; names,
ids and "这份报告" resolve among those only, and a document they cannot read is "unknown" exactly as
a missing one; plan sections and self-check advice (``Advisor.run``) are limited the same way; the
operator's advisor (CLI, evaluation) and an index without private documents search as before."""

import pytest

from app.answer import pipeline
from app.answer.documents import DocumentError, Library
from app.answer.readers import NO_DOCUMENT, Reader, search_filter
from app.answer.state import Request
from tests.fakes import FakeDocumentStore, make_advisor

STARTER = ("s1", "制造业企业数字化转型实施指南", "guide.zh.md",
           {"origin": "starter", "source": "/kb/guide.zh.md", "ingested_at": "2026-11-01T00:00:00"})
SHARED = ("u1", "全国中小企业数字化转型白皮书", "white-paper.pdf", {"origin": "user"})
ALICE_S = ("a1", "甲市中小企业数字化转型调研报告", "jia.pdf", {"origin": "private"})
BOB_S = ("b1", "乙省中小企业数字化转型调研报告", "yi.pdf", {"origin": "private"})  # the newest document
ALICE = Reader(frozenset({"a1"}))
BOB = Reader(frozenset({"b1"}))
SOURCES = [("制造业企业数字化转型实施指南", "路径", "企业应先开展数字化转型诊断评估。", {"doc_id": "s1"}),
           ("全国中小企业数字化转型白皮书", "规模", "2025年全国中小企业数字化转型市场规模将达到5万亿元。", {"doc_id": "u1"}),
           ("甲市中小企业数字化转型调研报告", "规模", "2025年甲市中小企业数字化转型市场规模将达到1万亿元。", {"doc_id": "a1"}),
           ("乙省中小企业数字化转型调研报告", "规模", "2025年乙省中小企业数字化转型市场规模将达到3000亿元。", {"doc_id": "b1"})]
QUESTION = "2025年中小企业数字化转型市场规模将达到多少？"


@pytest.fixture
def advisor():
    library = Library(FakeDocumentStore([STARTER, SHARED, ALICE_S, BOB_S]))
    advisor, _, retriever = make_advisor(SOURCES, "市场规模见资料[{u1}]。", library=library)
    return advisor, retriever


def test_a_readers_search_is_their_own_and_the_shared_documents(advisor):
    advisor, retriever = advisor
    answer = advisor.for_reader(ALICE).ask(QUESTION)
    assert set(retriever.searches[-1]["doc_ids"]) == {"s1", "u1", "a1"}
    assert {c.doc_id for c in answer.contexts} <= {"s1", "u1", "a1"} and "3000亿元" not in answer.answer
    advisor.for_reader(BOB).ask(QUESTION)
    assert set(retriever.searches[-1]["doc_ids"]) == {"s1", "u1", "b1"}
    advisor.ask(QUESTION)  # the operator's advisor: every document, unfiltered
    assert retriever.searches[-1]["doc_ids"] is None


def test_this_report_is_the_readers_newest_document_not_anyone_elses(advisor):
    advisor, retriever = advisor
    answer = advisor.for_reader(ALICE).ask("这份报告里说2025年市场规模将达到多少？")
    assert [d["doc_id"] for d in answer.documents] == ["a1"] and retriever.searches[-1]["doc_ids"] == ["a1"]
    assert [d.doc_id for d in advisor.for_reader(BOB).library.documents() if d.user] == ["b1", "u1"]
    assert [d.doc_id for d in advisor.library.documents() if d.user] == ["b1", "a1", "u1"]  # the operator's


@pytest.mark.parametrize("name", ["乙省中小企业数字化转型调研报告", "yi.pdf", "b1", "乙省"])
def test_another_users_document_is_unknown_like_a_missing_one(advisor, name):
    advisor, retriever = advisor
    with pytest.raises(DocumentError) as hidden:
        advisor.for_reader(ALICE).ask(QUESTION, documents=[name])
    with pytest.raises(DocumentError) as missing:
        advisor.for_reader(ALICE).ask(QUESTION, documents=["丙县报告"])
    assert hidden.value.kind == missing.value.kind == "unknown"
    assert "b1" not in {d.doc_id for d in hidden.value.documents}  # never among the close ones
    assert "乙省" not in str(hidden.value).replace(f"“{name}”", "")
    assert retriever.searches == []  # refused before any search
    assert advisor.for_reader(BOB).ask(QUESTION, documents=[name]).documents[0]["doc_id"] == "b1"


def test_plan_sections_and_advice_read_only_what_the_reader_may(advisor):
    advisor, retriever = advisor
    request = Request(QUESTION, QUESTION)
    list(advisor.for_reader(BOB).run(request, pipeline.SECTION))
    assert set(retriever.searches[-1]["doc_ids"]) == {"s1", "u1", "b1"}
    list(advisor.run(request, pipeline.SECTION))
    assert retriever.searches[-1]["doc_ids"] is None


def test_the_search_filter():
    docs = Library(FakeDocumentStore([STARTER, SHARED, ALICE_S, BOB_S])).documents()
    assert search_filter(docs, ALICE) == ("a1", "u1", "s1")  # the library's order: user documents newest first
    no_private = [d for d in docs if not d.private]
    assert search_filter(no_private, ALICE) is None  # nothing to hide: an open search, as fast as before
    only_bobs = [d for d in docs if d.doc_id == "b1"]
    assert search_filter(only_bobs, ALICE) == (NO_DOCUMENT,)  # nothing to read: a search that finds nothing
