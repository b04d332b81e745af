"""Colloquial questions: the profile they imply, and requests outside the advisor's field; as
functions, and through the real ``Advisor`` over the fakes of tests/fakes.py."""

import pytest

from app.answer.profile_inference import infer_profile
from app.answer.scope import out_of_scope
from tests.fakes import make_advisor

PROFILES = [
    ("我们就是个四十人的注塑小厂，钱不多，先做啥？", "micro", "注塑", None),
    ("我们厂120人，做汽车零部件的，怎么开始数字化？", "micro", "汽车零部件", 120),
    ("Our injection-moulding shop has 40 people. Where do we start?", "micro", "注塑", 40),
    ("作为行业龙头，我们该怎么带动上下游？", "leading", "", None),
    ("公司有2000名员工，数字化怎么规划？", "large", "", 2000),
]
OUT_OF_SCOPE = ["帮我写个Python爬虫", "Write me a script to scrape prices", "明天天气怎么样？", "讲个笑话", "你好"]
SOURCES = [
    ("实施指南", "策略", "《实施指南》对中小企业提出：因企制宜、重点突破，明确转型优先级。小微企业推动业务系统上云。"
                     "行业龙头企业要带动上下游企业协同转型，大型企业要制定转型规划。"),
    ("Implementation Guidelines", "Strategies", "SMEs should focus on key breakthroughs; small and micro enterprises "
                                               "move business systems to the cloud."),
]


@pytest.mark.parametrize("question, tier, industry, headcount", PROFILES)
def test_profile_inferred_from_the_question(question, tier, industry, headcount):
    profile = infer_profile(question)
    assert (profile.tier, profile.industry, profile.headcount) == (tier, industry, headcount)


@pytest.mark.parametrize("question, tier, industry, headcount", PROFILES)
def test_the_inferred_profile_steers_the_search_and_is_said(question, tier, industry, headcount):
    advisor, generator, retriever = make_advisor(SOURCES, "小微企业推动业务系统上云[{d1}]。")
    answer = advisor.ask(question)
    assert answer.profile_assumed and answer.profile["tier"] == tier
    assert (answer.profile.get("industry") or "", answer.profile.get("headcount")) == (industry, headcount)
    assert [s["tier"] for s in retriever.searches] == [tier]
    assert generator.prompts, "an inferred profile does not stop the answer"
    assert answer.answer.startswith("（以下按" if answer.language == "zh" else "(")


def test_no_tier_steers_the_search_when_the_question_names_none():
    advisor, _, retriever = make_advisor(SOURCES, "小微企业推动业务系统上云[{d1}]。")
    for question in ("《实施指南》提出了哪几个方面的路径？", "龙头企业和中小企业的转型策略有什么不同？"):
        answer = advisor.ask(question)
        assert not answer.profile_assumed and answer.profile is None
    assert [s["tier"] for s in retriever.searches] == [None, None]


def test_no_profile_when_the_question_names_none():
    assert infer_profile("《实施指南》提出了哪几个方面的路径？") is None


def test_no_tier_assumed_when_the_question_compares_tiers():
    assert infer_profile("How do the Guidelines differentiate strategies between industry-leading firms, "
                         "large enterprises and SMEs?") is None
    assert infer_profile("龙头企业和中小企业的转型策略有什么不同？") is None


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_requests(question):
    assert out_of_scope(question)


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_requests_get_the_scope_statement_without_the_model(question):
    advisor, generator, _ = make_advisor(SOURCES, "小微企业推动业务系统上云[{d1}]。")
    events = list(advisor.stream(question))
    answer = events[-1].answer
    assert answer.out_of_scope and answer.refused and answer.citations == [] and generator.prompts == []
    assert "".join(e.text for e in events if e.kind == "token") == answer.answer and "上云" not in answer.answer


@pytest.mark.parametrize("question", ["低代码平台适合中小企业吗？", "What does the SME digital transformation guide say?",
                                      "工业互联网平台怎么选？"])
def test_policy_questions_are_in_scope(question):
    assert not out_of_scope(question)


@pytest.mark.parametrize("question", ["Can you recommend a good industrial-internet stock to buy?", "现在买哪只股票好？"])
def test_investment_advice_is_out_of_scope(question):
    assert out_of_scope(question)


@pytest.mark.parametrize("question", ["How much safety stock should our ERP keep?", "计划排程要考虑安全库存吗？"])
def test_inventory_words_stay_in_scope(question):
    assert not out_of_scope(question)


@pytest.mark.parametrize("question", ["What gross margin does the note forecast for 2024?", "报告预测2030年市场规模多少？",
                                      "What sales forecast does our plan give for 2026?"])
def test_a_forecast_is_business_not_weather(question):
    assert not out_of_scope(question)


def test_a_question_limited_to_the_users_own_broker_note_may_ask_about_its_share():
    question = "What stock price target does the note give?"
    assert out_of_scope(question) and not out_of_scope(question, own_documents=True)
    assert out_of_scope("讲个笑话", own_documents=True)  # still not a question about the document
