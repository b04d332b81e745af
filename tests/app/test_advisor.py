"""The advisor end to end in-process: real retrieval over the starter knowledge base, the real model
(marked ``models`` by tests/conftest.py, through ``kb_services``); and the rules these questions
exercise, on the real ``Advisor`` over the fakes of tests/fakes.py with passages of the starter
knowledge base (fast)."""

import json
import re

import pytest

from app.answer.profile import EnterpriseProfile
from prompts import load_table
from tests.fakes import make_advisor

# Passages of knowledge/ as the real retriever returns them for these questions.
LIGHTHOUSES = [
    ("灯塔工厂（世界经济论坛全球灯塔网络）与中国灯塔工厂数量", "中国有多少家灯塔工厂？不同来源、不同时点的数字",
     "《经济日报》2025年1月2日报道：中国新增13家企业入选全球“灯塔工厂”，中国灯塔工厂总数达72家，占全球总数的42%。"),
    ("灯塔工厂（世界经济论坛全球灯塔网络）与中国灯塔工厂数量", "全球灯塔网络（灯塔工厂）是什么",
     "“灯塔工厂”是世界经济论坛（WEF）全球灯塔网络的成员工厂。据新闻报道，该网络由世界经济论坛与麦肯锡于2018年发起。"),
]
SMALL_FIRMS = [
    ("小微制造企业数字化第一步：预算紧的小厂从哪里入手", "小微企业的业务系统要不要上云？",
     "据《经济日报》2025年1月2日的报道，《实施指南》提出，小微企业要结合自身资源条件，开展普惠性的云上数据赋能，"
     "推动业务系统上云，提升经营管理水平。", {"applies_to": "sme,micro"}),
    ("小微制造企业数字化第一步：预算紧的小厂从哪里入手", "",
     "《制造业企业数字化转型实施指南》要求中小企业因“企”制宜、重点突破，评估转型的潜在价值和可行性，明确转型优先级。"
     "资源有限的中小企业应采用“小快轻准”（小型化、快速化、轻量化、精准化）的解决方案，按“评估—规划—实施—优化”迭代推进。",
     {"applies_to": "sme,micro"}),
    ("选择服务商和解决方案", "“小快轻准”怎么对照",
     "按字面理解，可以这样对照一个方案：是否只针对选定的问题（准），规模和投入是否与企业相称（小、轻），能否较快上线见效（快）。"),
]
PAYBACK_PERIOD = re.compile(r"\d+\s*(?:-|到|至)?\s*\d*\s*(?:年|个月)(?:左右|内|以内)?(?:即可|就能|能|可)?(?:回本|收回)")


@pytest.fixture(scope="module")
def advisor(kb_services):
    return kb_services.advisor


def test_answer_streams_after_sources_and_cites_real_chunks(advisor, kb_services):
    events = list(advisor.stream("指南从哪几个方面提出了数字化转型路径？"))
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["sources", "evidence"] and kinds[-1] == "done" and kinds.count("token") >= 2
    assert events[1].evidence, "key passages come before the first token"
    assert "".join(e.text for e in events if e.kind == "token") == events[-1].answer.answer
    answer = events[-1].answer
    assert not answer.refused
    assert "制定转型规划" in answer.answer and "迭代优化" in answer.answer
    assert answer.citations, answer.answer
    chunk_ids = {c.chunk_id for c in answer.contexts}
    stored = {c.id: c for c in kb_services.store.get(list(chunk_ids))}
    for citation in answer.citations:
        context = answer.contexts[citation.n - 1]
        assert context.n == citation.n and context.doc_id == citation.doc_id
        assert stored[context.chunk_id].text.startswith(citation.snippet.rstrip("…"))
    assert answer.timings["first_token_ms"] <= answer.timings["total_ms"]
    json.dumps(answer.to_json(), ensure_ascii=False)


def test_off_topic_question_is_refused_without_generating():
    # what the model would say if it were asked: the lighthouse passages are the nearest neighbours
    advisor, generator, _ = make_advisor(LIGHTHOUSES, "中国灯塔工厂总数达72家[{d1}]。")
    answer = advisor.ask("今天天气怎么样？")
    assert answer.refused and answer.out_of_scope and "数字化转型" in answer.answer
    assert answer.citations == [] and generator.prompts == []
    answer = advisor.ask("世界杯冠军是哪个国家？")
    assert answer.refused and answer.answer.startswith("资料中没有提供这方面的信息")
    assert answer.citations == [] and generator.prompts == [] and "72" not in answer.answer


def test_english_question_gets_an_english_answer(advisor):
    answer = advisor.ask("What do the Guidelines ask of small and micro enterprises?")
    assert answer.language == "en" and not answer.refused
    assert "cloud" in answer.answer.lower()
    assert sum(ch.isascii() for ch in answer.answer) > 0.9 * len(answer.answer)


def test_unanswerable_subsidy_question_is_refused_without_invented_amounts(advisor):
    answer = advisor.ask("2026年国家对专精特新“小巨人”企业做数字化改造，每家企业补贴标准是多少？")
    assert answer.refused
    assert not any(unit in answer.answer for unit in ("万元", "亿元")) or answer.removed_figures


def test_profile_steers_retrieval_and_is_reported():
    # (that the tier raises the documents written for it: tests/retrieval/test_hybrid.py)
    advisor, generator, retriever = make_advisor(SMALL_FIRMS, "小微企业要推动业务系统上云[{d1}]。")
    profile = EnterpriseProfile("micro", industry="五金加工", headcount=30)
    answer = advisor.ask("数字化转型应该从哪里入手？", profile=profile)
    assert answer.profile["tier"] == "micro" and not answer.profile_assumed
    assert answer.search_query.startswith("小微企业")
    assert [(s["query"], s["tier"]) for s in retriever.searches] == [(answer.search_query, "micro")]
    assert profile.describe("zh") in generator.prompts[0]  # the model is told whom it answers
    assert any("小微" in c.text or "micro" in c.text.lower() for c in answer.contexts)
    assert not answer.refused and "上云" in answer.answer and answer.citations


def test_colloquial_owner_question_is_answered_for_the_assumed_tier(advisor):
    answer = advisor.ask("我们就是个三十来人的五金小厂，钱不多，数字化先做啥？")
    assert answer.profile_assumed and answer.profile["tier"] == "micro"
    assert not answer.refused, answer.answer
    assert answer.citations and answer.evidence
    text = " ".join(c.text for c in answer.contexts)
    assert "重点突破" in text or "上云" in text or "小快轻准" in text


def test_payback_question_gets_no_invented_period():
    # the sources give no payback period; the model invents one
    advisor, generator, _ = make_advisor(SMALL_FIRMS, "数字化改造一般2到3年就能回本[{d2}]。小微企业推动业务系统上云[{d1}]。")
    answer = advisor.ask("数字化改造一般几年能回本？")
    assert len(generator.sent) == 1 and PAYBACK_PERIOD.search(generator.sent[0])  # the model invented one
    assert answer.fact_gaps == ["payback"] and answer.refused, answer.answer
    assert answer.answer.startswith(load_table("fact_gaps", "zh")["payback"]["gap"])
    assert not PAYBACK_PERIOD.search(answer.answer), answer.answer
