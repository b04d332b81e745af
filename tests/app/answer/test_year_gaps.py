"""A figure asked for a year the sources never mention is not given (``fact_kinds.years_not_given``,
the fact-gap step): a plan with targets to 2027 gives none for 2028, and the answer says so before
showing what it does give, on the shared fakes."""

from app.answer.fact_kinds import years_not_given
from tests.fakes import make_advisor

PLAN = [("恒远精密2025年数字化转型实施方案", "分年度目标",
         "到2025年底，设备联网率达到60%；到2026年底达到80%；到2027年底达到95%。", {"lang": "zh"})]


def test_a_year_no_source_mentions_is_not_given_when_a_figure_is_asked():
    sources = [PLAN[0][2]]
    assert years_not_given("方案里2028年设备联网率定的多少？", sources) == ["2028"]
    assert years_not_given("What net profit does the note forecast for 2025?", ["预计公司2022-2024年归母净利润4.7、7.2、9.3亿元"]) == ["2025"]
    assert years_not_given("2026年设备联网率要达到多少？", sources) == []
    assert years_not_given("2028年以后还要做什么？", sources) == []  # asks no figure


def test_the_answer_says_the_year_is_not_given_and_refuses():
    advisor, generator, _ = make_advisor(PLAN, "方案里2028年设备联网率为95%[{d1}]。")
    answer = advisor.ask("方案里2028年设备联网率定的多少？")
    assert answer.refused and answer.refusal_reason == "fact_gap:year"
    assert answer.answer.startswith("资料中没有给出2028年的这项数字。")
    assert "2028年设备联网率为95%" not in answer.answer


def test_a_year_the_sources_give_is_answered():
    advisor, _, _ = make_advisor(PLAN, "2026年底设备联网率要达到80%[{d1}]。")
    answer = advisor.ask("方案里2026年设备联网率要达到多少？")
    assert not answer.refused and "80%" in answer.answer
