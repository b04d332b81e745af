"""The advisor end to end in-process: real retrieval over the starter knowledge base, the real model."""

import json
import re

import pytest

from app.answer.profile import EnterpriseProfile


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


def test_off_topic_question_is_refused_without_generating(advisor):
    answer = advisor.ask("今天天气怎么样？")
    assert answer.refused and answer.out_of_scope and "数字化转型" in answer.answer
    assert answer.citations == []
    answer = advisor.ask("世界杯冠军是哪个国家？")
    assert answer.refused and answer.answer.startswith("资料中没有提供这方面的信息")
    assert answer.citations == []


def test_english_question_gets_an_english_answer(advisor):
    answer = advisor.ask("What do the Guidelines ask of small and micro enterprises?")
    assert answer.language == "en" and not answer.refused
    assert "cloud" in answer.answer.lower()
    assert sum(ch.isascii() for ch in answer.answer) > 0.9 * len(answer.answer)


def test_unanswerable_subsidy_question_is_refused_without_invented_amounts(advisor):
    answer = advisor.ask("2026年国家对专精特新“小巨人”企业做数字化改造，每家企业补贴标准是多少？")
    assert answer.refused
    assert not any(unit in answer.answer for unit in ("万元", "亿元")) or answer.removed_figures


def test_profile_steers_retrieval_and_is_reported(advisor):
    profile = EnterpriseProfile("micro", industry="五金加工", headcount=30)
    answer = advisor.ask("数字化转型应该从哪里入手？", profile=profile)
    assert answer.profile["tier"] == "micro"
    assert answer.search_query.startswith("小微企业")
    assert any("小微" in c.text or "micro" in c.text.lower() for c in answer.contexts)


def test_colloquial_owner_question_is_answered_for_the_assumed_tier(advisor):
    answer = advisor.ask("我们就是个三十来人的五金小厂，钱不多，数字化先做啥？")
    assert answer.profile_assumed and answer.profile["tier"] == "micro"
    assert not answer.refused, answer.answer
    assert answer.citations and answer.evidence
    text = " ".join(c.text for c in answer.contexts)
    assert "重点突破" in text or "上云" in text or "小快轻准" in text


def test_payback_question_gets_no_invented_period(advisor):
    answer = advisor.ask("数字化改造一般几年能回本？")
    assert answer.fact_gaps == ["payback"] or answer.refused, answer.answer
    assert not re.search(r"\d+\s*(?:-|到|至)?\s*\d*\s*(?:年|个月)(?:左右|内|以内)?(?:即可|就能|能|可)?(?:回本|收回)",
                         answer.answer), answer.answer
