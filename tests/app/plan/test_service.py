"""A plan asked for without the UI (app/plan/service.py): the input checked with one sentence per
problem, the self-check merged into the profile, the JSON (sources numbered 1..n, each section's
citations or ``refused``) and the export. The real ``Advisor`` on the fakes of tests/fakes.py."""

from dataclasses import asdict

import docx
import pytest

from app.answer.profile import LEVELS
from app.answer.state import Citation
from app.plan.drafts import SECTIONS
from app.plan.service import (MAX_GOAL_CHARS, PlanInputError, draft, draft_json, export_plan, plan_json,
                              plan_request)
from app.selfcheck.answers import parse_answers
from app.selfcheck.knowledge import load_questionnaire
from app.settings import REPO_ROOT
from tests.fakes import make_plan_advisor

KNOWLEDGE = REPO_ROOT / "knowledge"


def selfcheck_answers(lang: str = "zh", **profile):
    """Answers with 设备管理 at level 1 and every other scenario at 3, every band at its lowest."""
    q = load_questionnaire(KNOWLEDGE, "zh")
    data = {"lang": lang, "profile": profile, "items": {x.key: x.bands[0] for x in q.questions if x.bands},
            "scenarios": {s.key: 1 if s.key == "设备管理" else 3 for s in q.scenarios}}
    return parse_answers(data, KNOWLEDGE)


def problems(goal="减少停机", profile=None, lang=None, answers=None) -> list[str]:
    with pytest.raises(PlanInputError) as caught:
        plan_request(goal, profile, lang, answers, KNOWLEDGE)
    return caught.value.problems


def test_the_json_numbers_sources_and_marks_a_section_without_citations_refused():
    advisor, generator, _ = make_plan_advisor()
    request = plan_request("减少停机", {"tier": "sme", "industry": "注塑", "headcount": 80}, None, None, KNOWLEDGE)
    plan = draft_json(advisor, request)
    assert set(plan) == {"lang", "goal", "profile", "sections", "sources"}
    assert plan["lang"] == "zh" and plan["goal"] == "减少停机" and plan["profile"]["headcount"] == 80
    assert [s["key"] for s in plan["sections"]] == [s.key for s in SECTIONS]
    assert all(set(s) == {"key", "title", "text", "citations", "refused"} for s in plan["sections"])
    *answered, iterate = plan["sections"]
    assert answered[0]["citations"] == [1, 2] and "[1]" in answered[0]["text"]
    assert all(s["citations"] and set(s["citations"]) <= {1, 2} and not s["refused"] for s in answered)
    assert iterate["citations"] == [] and iterate["refused"] and iterate["title"] == "五、推进迭代优化"
    assert [s["n"] for s in plan["sources"]] == [1, 2]
    # the shape of the answer JSON's citations (``advisor ask --json``)
    assert set(plan["sources"][0]) == set(asdict(Citation(1, "", "", "", None, "", "")))
    assert plan["sources"][0]["title"] == "制造业企业数字化转型实施指南"
    assert len(generator.prompts) == len(SECTIONS) - 1  # the refused section never reached the model


def test_a_citation_outside_the_sources_is_not_listed():
    advisor, _, _ = make_plan_advisor()
    events = list(draft(advisor, plan_request("减少停机", {"tier": "sme"}, "zh", None, KNOWLEDGE)))
    plan = events[-1].plan
    plan.sections[0].text += "另见[7]。"  # an edited draft
    assert plan_json(plan)["sections"][0]["citations"] == [1, 2]


def test_every_problem_is_named_at_once():
    found = problems(goal="  ", profile={"tier": "huge", "headcount": "many", "digital_level": 7, "size": 3},
                     lang="fr")
    assert found == ["goal is required: what the enterprise wants from the plan, e.g. \"减少设备意外停机\" or "
                     "\"cut unplanned downtime\"",
                     "lang must be zh or en, not 'fr'",
                     "unknown field profile.size; known: tier, industry, headcount, digital_level, pain_points",
                     "profile.tier must be one of leading, large, sme, micro, not 'huge'",
                     "profile.headcount must be a whole number of 0 or more, not 'many'",
                     "profile.digital_level must be 0 (unknown) or 1-4, not 7"]


@pytest.mark.parametrize("goal, profile, words", [
    ("减少停机", None, "profile.tier is required"),
    ("减少停机", {"industry": "注塑"}, "profile.tier is required"),
    ("减少停机", ["sme"], "profile must be an object"),
    ("减少停机", {"tier": "sme", "headcount": -1}, "profile.headcount must be a whole number of 0 or more, not -1"),
    ("减少停机", {"tier": "sme", "headcount": True}, "profile.headcount must be a whole number"),
    ("减少停机", {"tier": "sme", "industry": 5}, "profile.industry must be text, not 5"),
    (42, {"tier": "sme"}, "goal must be text, not 42"),
    ("长" * (MAX_GOAL_CHARS + 1), {"tier": "sme"}, f"the limit is {MAX_GOAL_CHARS}"),
])
def test_bad_input_gets_a_specific_sentence(goal, profile, words):
    assert any(words in p for p in problems(goal, profile)), problems(goal, profile)


def test_numbers_may_come_as_text_from_the_command_line():
    request = plan_request(" 减少停机 ", {"tier": "micro", "headcount": "12", "digital_level": "2"}, "en", None,
                           KNOWLEDGE)
    assert (request.goal, request.lang, request.profile.headcount, request.profile.digital_level) == \
        ("减少停机", "en", 12, 2)
    assert request.selfcheck is None and request.profile.priority_scenarios == ()


def test_the_self_check_fills_the_profile_and_given_fields_win():
    answers = selfcheck_answers(tier="sme", industry="注塑", headcount=80, pain_points="设备停机")
    request = plan_request("减少停机", None, None, answers, KNOWLEDGE)
    result = request.selfcheck
    assert result is not None and request.lang == "zh"  # the answers' language
    assert request.profile.tier == "sme" and request.profile.industry == "注塑" and request.profile.headcount == 80
    assert request.profile.digital_level == result.indicative_band == 3
    assert request.profile.priority_scenarios == tuple(p.scenario for p in result.priorities)
    assert request.profile.priority_scenarios[0] == "设备管理"
    given = plan_request("减少停机", {"tier": "large", "digital_level": 1, "industry": "汽车零部件"}, None, answers,
                         KNOWLEDGE)
    assert (given.profile.tier, given.profile.digital_level, given.profile.industry) == ("large", 1, "汽车零部件")
    assert given.profile.headcount == 80 and given.profile.pain_points == "设备停机"  # from the self-check


def test_the_self_check_speaks_the_plan_s_language():
    request = plan_request("cut downtime", {"tier": "sme"}, "en", selfcheck_answers("zh"), KNOWLEDGE)
    assert request.selfcheck.lang == "en" and request.profile.priority_scenarios[0] == "Equipment management"
    assert f"{LEVELS[3]['en']}" in request.selfcheck.plan_facts()


def test_self_check_facts_reach_the_sections_they_inform():
    advisor, generator, _ = make_plan_advisor()
    request = plan_request("减少停机", None, None, selfcheck_answers(tier="sme"), KNOWLEDGE)
    draft_json(advisor, request)
    facts = request.selfcheck.plan_facts()
    assert facts in generator.prompts[0]  # current state
    assert facts not in generator.prompts[2]  # implementation


def test_export_writes_markdown_or_word_and_nothing_else(tmp_path):
    advisor, _, _ = make_plan_advisor()
    request = plan_request("减少停机", None, None, selfcheck_answers(tier="sme"), KNOWLEDGE)
    plan = list(draft(advisor, request))[-1].plan
    md = export_plan(plan, tmp_path / "plan.md")
    assert md.read_text(encoding="utf-8") == plan.to_markdown()
    word = docx.Document(str(export_plan(plan, tmp_path / "out" / "plan.docx", request.selfcheck)))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "一、现状评估" in headings and "资料来源" in headings
    assert len(word.inline_shapes) == 1  # the self-check's chart follows the plan
    with pytest.raises(PlanInputError, match="not plan.pdf"):
        export_plan(plan, tmp_path / "plan.pdf")
