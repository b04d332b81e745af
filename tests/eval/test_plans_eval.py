"""``advisor eval plans``: the cases and their rubrics, the evaluation's own judgement of each
section, and the command, on fake drafts and on the real ``draft_plan`` over the fakes of
tests/fakes.py (no model)."""

import json
import types
import typing

import pytest

from app.answer.profile import EnterpriseProfile, Tier
from app.answer.state import Citation
from app.plan.drafts import Plan, PlanEvent, PlanSection
from app.settings import REPO_ROOT
from eval.matching import PointMatcher
from eval.plans_eval import PLAN_LOWER_IS_BETTER, PLAN_METRICS, judge_section, load_cases, run_plans_eval
from tests.fakes import FakeEmbedder, make_advisor

CASES = REPO_ROOT / "eval" / "sets" / "plan_cases.jsonl"


def test_the_cases_cover_both_languages_every_tier_and_the_held_out_pair():
    cases = load_cases(CASES)
    assert len(cases) >= 6 and len({c.id for c in cases}) == len(cases)
    assert {(c.lang, c.profile.tier) for c in cases} >= {(lang, tier) for lang in ("zh", "en")
                                                         for tier in typing.get_args(Tier)}
    assert all(c.goal and len(c.rubric) >= 5 for c in cases)
    autoparts = [c for c in cases if c.lang == "en" and c.profile.tier == "sme" and "auto parts" in c.profile.industry]
    assert autoparts and all(w in autoparts[0].profile.pain_points + autoparts[0].goal for w in ("defects", "downtime"))
    chain = [c for c in cases if c.lang == "zh" and c.profile.tier == "leading" and "工程机械" in c.profile.industry]
    assert chain and "链式转型" in chain[0].goal and "链主" in chain[0].profile.industry


def knowledge_texts(lang: str) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (REPO_ROOT / "knowledge").glob(f"*.{lang}.md")}


def test_every_rubric_point_is_in_the_starter_knowledge_base():
    """Each point's key terms (all its numbers, 60 % of its words) in one document of its language."""
    matcher = PointMatcher(None, None)
    cases = load_cases(CASES)
    for lang in ("zh", "en"):
        points = sorted({p for c in cases if c.lang == lang for p in c.rubric})
        found = {m.point for text in knowledge_texts(lang).values() for m in matcher.match(points, text) if m.matched}
        assert found == set(points), f"not in knowledge/*.{lang}.md: {sorted(set(points) - found)}"


def test_a_bad_case_is_named(tmp_path):
    path = tmp_path / "cases.jsonl"
    good = {"id": "a", "lang": "zh", "profile": {"tier": "sme"}, "goal": "上云", "rubric": ["业务系统上云"]}
    bad = dict(good, profile={"tier": "giant"})
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cases.jsonl:2: not a plan case line \(tier must be one of"):
        load_cases(path)


def test_a_section_needs_cited_content_no_bare_heading_and_no_refusal():
    sources = {1, 2}
    good = judge_section("小微企业应推动业务系统上云，提升经营管理水平[1]。", sources)
    assert good["ok"] and good["cited_content"] and not good["fragments"]
    heading = judge_section("**3[2]. Do: phased implementation**[2]\n"
                            "Firms should move business systems to the cloud [1].", sources)
    assert heading["cited_content"] and heading["bare_headings"] == ["**3[2]. Do: phased implementation**[2]"]
    assert not heading["ok"]
    only_heading = judge_section("**Equipment Uptime**[2]\n《中小企业数字化转型指南》[1]", sources)
    assert not only_heading["cited_content"] and len(only_heading["bare_headings"]) == 2  # a heading is no content
    refusal = judge_section("资料中没有提供这方面的信息。\n“小微企业推动业务系统上云。”[1]", sources)
    assert refusal["refusal"] and not refusal["ok"]
    honest = judge_section("资料没有给出补贴金额[1]，请向当地工业和信息化主管部门咨询[1]。", sources)
    assert not honest["refusal"] and honest["ok"]  # a cited gap is content, not a refusal
    assert not judge_section("Firms should set priorities [7].", sources)["cited_content"]  # no such source
    assert not judge_section("Firms should set priorities.", sources)["cited_content"]
    assert not judge_section("", sources)["ok"]
    titled = judge_section("二、制定转型规划：优先场景\n小微企业应推动业务系统上云[1]。", sources,
                           ("一、现状评估", "二、制定转型规划：优先场景"))
    assert titled["bare_headings"] == ["二、制定转型规划：优先场景"]  # the section's own title, kept in its text


def fake_draft(sections: dict[str, str], n_sources: int = 2):
    """A ``draft_plan`` stand-in: the events of a plan with these section texts."""
    def make_draft(advisor, profile, goal, lang):
        parts = [PlanSection(key, f"{i + 1}. {key}", text) for i, (key, text) in enumerate(sections.items())]
        cited = [Citation(n=n, doc_id=f"d{n}", title=f"Doc {n}", source="", page=None, section="Section", snippet="…")
                 for n in range(1, n_sources + 1)]
        plan = Plan(lang, profile, goal, parts, cited)
        for section in plan.sections:
            yield PlanEvent("section", section=section)
            yield PlanEvent("section_done", section=section)
        yield PlanEvent("done", plan=plan)
    return make_draft


def test_a_draft_is_judged_section_by_section_with_its_rubric_repeats_and_fragments(tmp_path):
    from eval.plans_eval import PlanCase
    from eval.report import write_outputs

    case = PlanCase("c1", "en", EnterpriseProfile("micro", industry="metal stamping"), "orders and stock",
                    ("move their business systems to the cloud", "small, fast, light and precise", "PDCA cycle"))
    lead = "Small and micro enterprises should move their business systems to the cloud [1]."
    draft = fake_draft({
        "current_state": f"{lead}\nThey should choose small, fast, light and precise solutions [2].",
        "plan": "**Equipment Uptime**[2]",
        "implement": "My sources do not cover this.",
        "evaluate": f"Conclusion: {lead}",
        "iterate": ") - First batch (2023): the pilots e.g[2].",
    })
    summary, rows = run_plans_eval([case], None, PointMatcher(None, None), make_draft=draft, progress=lambda _: None)
    assert [s["ok"] for s in rows[0]["sections"]] == [True, False, False, True, False]
    assert summary["sections_with_content"] == 0.4 and summary["bare_headings"] == 1
    assert summary["refused_sections"] == 1
    assert summary["rubric_coverage"] == round(2 / 3, 4)
    assert [m["matched"] for m in rows[0]["rubric"]] == [True, True, False]
    assert summary["repeated_units"] == 1 and rows[0]["repeats"][0]["repeat"].startswith("Conclusion:")
    assert [(f["kind"], f["section"]) for f in rows[0]["fragments"]] == [("heading", "plan"), ("dangling", "iterate")]
    assert summary["fragments"] == 2
    assert set(PLAN_METRICS + PLAN_LOWER_IS_BETTER) <= set(summary)
    page = write_outputs(tmp_path, summary, rows, {"rubric_coverage": 0.8}, {"fragments": 0.0})
    page = page.read_text(encoding="utf-8")
    assert "Plan drafts" in page and "✘ no bare heading" in page and "fragment (heading in plan)" in page
    assert "repeated (characters 1.00): Conclusion:" in page and "✘</span> PDCA cycle" in page
    assert json.loads((tmp_path / "summary.json").read_text())["kind"] == "plans"


SOURCES = [("制造业企业数字化转型实施指南（2024）", "中小企业的转型策略",
            "《实施指南》要求中小企业因企制宜、重点突破，评估转型潜在价值和可行性，明确转型优先级。"),
           ("制造业企业数字化转型实施指南（2024）", "四个方面转型路径",
            "《实施指南》从四个方面提出数字化转型路径：制定转型规划、组织落地实施、开展成效评估、推进迭代优化。")]
REPLY = "中小企业要评估转型潜在价值和可行性，明确转型优先级[{d1}]。\n企业按制定转型规划、组织落地实施、开展成效评估、推进迭代优化推进[{d2}]。"


def write_case(tmp_path) -> str:
    path = tmp_path / "cases.jsonl"
    case = {"id": "zh-sme", "lang": "zh", "goal": "减少设备停机",
            "profile": {"tier": "sme", "industry": "汽车零部件", "headcount": 150, "digital_level": 2,
                        "pain_points": "设备意外停机"},
            "rubric": ["明确转型优先级", "推进迭代优化", "形成预测性维护计划"]}
    path.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    return str(path)


def test_the_command_drafts_with_the_product_and_gates_on_its_bars(tmp_path, capsys):
    """``advisor eval plans`` end to end: the real ``draft_plan`` and ``Advisor`` over fakes. Every
    section gets the same scripted reply over the same two sources, so the draft repeats itself: four
    sections quote the first's sentences again, having nothing else to say."""
    from eval.cli import main

    advisor, _, _ = make_advisor(SOURCES, REPLY)
    services = types.SimpleNamespace(advisor=advisor, embedder=FakeEmbedder())
    out = tmp_path / "out"
    code = main(["plans", "--cases", write_case(tmp_path), "--out", str(out), "--fail-under",
                 "sections_with_content=1", "--fail-over", "fragments=0", "repeated_units=0"], lambda: services)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["items"] == 1 and summary["sections"] == 5 and summary["sections_with_content"] == 1.0
    assert summary["rubric_coverage"] == round(2 / 3, 4) and summary["fragments"] == 0
    # two sources only: every later section quotes again what it has (its lead, said before, goes)
    assert summary["repeated_units"] == 6
    assert code == 1 and "over the bar: repeated_units 6 > 0.0" in capsys.readouterr().err
    row = json.loads((out / "items.jsonl").read_text())
    assert row["markdown"].startswith("# 数字化转型方案（草稿）") and {s["n"] for s in row["sources"]} == {1, 2}
    assert (out / "report.html").stat().st_size > 5_000
    never = lambda: pytest.fail("services loaded before the bars were read")  # noqa: E731
    with pytest.raises(ValueError, match="--fail-under fragments=0: metric must be one of sections_with_content"):
        main(["plans", "--cases", write_case(tmp_path), "--fail-under", "fragments=0"], never)
    with pytest.raises(ValueError, match="--fail-over crag_score=0: metric must be one of wrong_claims"):
        main(["answers", "--questions", write_case(tmp_path), "--fail-over", "crag_score=0"], never)
