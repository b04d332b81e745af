"""The digital-level self-check: the questionnaire comes from knowledge/, the scoring and the
priorities follow their stated rules, bad answers get one line each, the CLI round trip, the DOCX
report, the plan integration, and (slow) grounded recommendations with citations."""

import json
import re
import shutil
import subprocess
import sys

import docx
import pytest
import yaml

from app.answer.state import Answer, Event
from app.plan.drafts import SECTIONS, SELF_CHECK_SECTIONS, draft_plan
from app.plan.export import export_docx
from app.answer.profile import LEVELS
from app.selfcheck.assessment import assess
from app.selfcheck.answers import SelfCheckError, parse_answers
from app.selfcheck.knowledge import load_questionnaire
from app.settings import REPO_ROOT

KNOWLEDGE = REPO_ROOT / "knowledge"
LEVEL_WORDS = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}


def documents_scenarios(lang: str) -> dict[str, dict[int, str]]:
    """The scenario descriptors, read here independently of app/: ### heading, then level lines."""
    out = {}
    for path in KNOWLEDGE.glob(f"scenarios-*.{lang}.md"):
        for block in re.split(r"^### ", path.read_text(encoding="utf-8"), flags=re.M)[1:]:
            name, body = block.split("\n", 1)
            body = re.split(r"^#", body, flags=re.M)[0]
            if lang == "zh":
                levels = {LEVEL_WORDS[w]: d.strip() for w, d in re.findall(r"^- ([一二三四]级)：(.+)$", body, re.M)}
            else:
                levels = {int(n): d.strip() for n, d in re.findall(r"^- Level ([1-4]): (.+)$", body, re.M)}
            out[name.strip()] = levels
    return out


def answers_with(levels: dict[str, int | None] | int, bands: int = 0, **profile) -> dict:
    """An answers mapping: every scenario at ``levels`` (or per scenario, 3 for the rest), every
    question with bands at the band with index ``bands``."""
    q = load_questionnaire(KNOWLEDGE, "zh")
    per = levels if isinstance(levels, dict) else {}
    scenarios = {s.key: (per.get(s.key, 3) if per else levels) for s in q.scenarios}
    scenarios = {k: 0 if v is None else v for k, v in scenarios.items()}
    items = {x.key: x.bands[bands] for x in q.questions if x.bands}
    return {"lang": "zh", "profile": profile, "items": items, "scenarios": scenarios}


def run_check(data: dict):
    return assess(parse_answers(data, KNOWLEDGE), KNOWLEDGE)


# ------------------------------------------------------------------ the questionnaire is the documents'
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_questionnaire_scenarios_are_the_documents_descriptors(lang):
    q = load_questionnaire(KNOWLEDGE, lang)
    expected = documents_scenarios(lang)
    assert len(q.scenarios) == 16 and len(q.groups) == 4
    assert {s.name: s.levels for s in q.scenarios} == expected
    for s in q.scenarios:
        general = bool(re.search(r"没有\S*专属的分级描述|gives no .* descriptors of its own", s.note))
        assert s.specific is not general, s.name
        assert bool(s.specific_levels) is s.specific, s.name  # the note line and the descriptors agree


def test_dimensions_weights_and_bands_come_from_the_indicators_document():
    text = (KNOWLEDGE / "sme-digital-level-indicators.zh.md").read_text(encoding="utf-8")
    q = load_questionnaire(KNOWLEDGE, "zh")
    weights = dict(re.findall(r"^- 所属维度：(\S+?)（权重(\d+)）$", text, re.M))
    assert {d.key: str(d.weight) for d in q.dimensions} == weights
    banded = dict(re.findall(r"^- 子项：(\S+?)，权重\d+；分档：(.+)$", text, re.M))
    assert {x.key: "、".join(x.bands) for x in q.questions if x.bands} == banded
    en = load_questionnaire(KNOWLEDGE, "en")
    assert [x.key for x in en.questions] == [x.key for x in q.questions]  # paired by position
    assert [x.bands for x in en.questions] == [x.bands for x in q.questions]


def test_an_updated_document_updates_the_questionnaire(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, folder)
    path = folder / "scenarios-quality-equipment-safety-energy.zh.md"
    text = path.read_text(encoding="utf-8")
    old = load_questionnaire(folder, "zh").scenario("设备管理").levels[3]
    path.write_text(text.replace(old, "设备参数实时采集并统计OEE（测试修订）。"), encoding="utf-8")
    assert load_questionnaire(folder, "zh").scenario("设备管理").levels[3] == "设备参数实时采集并统计OEE（测试修订）。"


# ------------------------------------------------------------------ scoring and the indicative level
def test_all_level_1_with_the_lowest_bands():
    result = run_check(answers_with(1, bands=0))
    assert result.indicative_band == 1
    foundation = result.dimensions[0]
    assert foundation.weight == 50 and foundation.scored == 12  # 50 × 40% × (30% + 30%)
    assert foundation.earned == pytest.approx(2.4) and foundation.share == pytest.approx(0.2)
    assert all(not d.scored for d in result.dimensions[1:])  # no bands in the sources: not scored
    # no profile: nothing is relevant, so the three lowest in the indicators' order fill the list
    assert [p.scenario for p in result.priorities] == ["产品设计", "工艺设计", "营销管理"]
    assert all(p.next_level == 2 and p.relevance == 0 for p in result.priorities)


def test_all_level_4_with_the_highest_bands_has_no_next_level_to_reach():
    result = run_check(answers_with(4, bands=-1))
    assert result.indicative_band == 4 and result.dimensions[0].share == 1.0
    assert result.priorities == []
    data = result.to_json()
    assert data["indicative_band"] == 4 and data["priorities"] == []


def test_mixed_answers_lower_median_and_reasoning():
    levels = {"产品设计": 1, "工艺设计": None, "营销管理": 2, "售后服务": None, "计划排程": 2, "生产管控": 2,
              "质量管理": 3, "设备管理": 4}  # the other eight: 3
    result = run_check(answers_with(levels, bands=2))
    rated = sorted(v for v in ({**{s: 3 for s in documents_scenarios("zh")}, **levels}).values() if v)
    assert len(rated) == 14 and result.indicative_band == rated[(len(rated) - 1) // 2] == 3
    assert result.dimensions[0].earned == pytest.approx(12 * 3 / 5)
    steps = "\n".join(result.reasoning)
    assert "不是官方规则" in steps and "没有给出" in steps and "14个" in steps
    rows = {r["scenario"]: r for r in result.to_json()["scenarios"]}
    assert rows["工艺设计"]["level"] is None and rows["设备管理"]["specific"] and not rows["财务"]["specific"]


def test_priorities_follow_the_stated_rule():
    """Relevant first (pain points 2, industry 1), lowest level first, then more relevant, then the
    indicators' order; an irrelevant level-1 scenario is not chosen while three relevant ones exist."""
    levels = {"设备管理": 2, "计划排程": 2, "质量管理": 1, "财务": 1, "能源管理": 3}
    result = run_check(answers_with(levels, tier="sme", industry="注塑", pain_points="设备经常停机，交期总是拖"))
    chosen = [(p.scenario, p.level, p.relevance) for p in result.priorities]
    assert chosen == [("质量管理", 1, 1), ("计划排程", 2, 3), ("设备管理", 2, 3)]
    assert "停机" in result.priorities[2].why and "注塑" in result.priorities[0].why
    profile = result.profile()
    assert profile.digital_level == result.indicative_band
    assert profile.priority_scenarios == ("质量管理", "计划排程", "设备管理")
    assert "自评优先场景：质量管理、计划排程、设备管理" in profile.describe("zh")


def test_leading_firms_get_the_supply_chain_scenarios_the_guidelines_name():
    result = run_check(answers_with({"采购": 2, "仓储物流": 2, "财务": 1}, tier="leading"))
    assert [p.scenario for p in result.priorities][:2] == ["采购", "仓储物流"]
    assert "供应链" in result.priorities[0].why


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_next_level_descriptors_are_quoted_from_the_documents(lang):
    q = load_questionnaire(KNOWLEDGE, lang)
    levels = {s.key: (i % 3) + 1 for i, s in enumerate(q.scenarios)}
    data = answers_with(levels, pain_points="设备 质量 能耗 排产 销售")
    data["lang"] = lang
    result = run_check(data)
    documents = documents_scenarios(lang)
    assert len(result.priorities) == 3
    for p in result.to_json()["priorities"]:
        assert p["next_level_descriptor"] == documents[p["scenario"]][p["next_level"]]
        source = p["descriptor_source"]
        assert source["file"].startswith("scenarios-") and source["section"] == p["scenario"]
    report = result.to_markdown()
    assert all(p.next_level_descriptor in report for p in result.priorities)


# ------------------------------------------------------------------ validation
def test_invalid_answers_get_one_line_per_problem():
    data = answers_with(2, tier="huge", headcount=-3)
    data["scenarios"]["不存在的场景"] = 2
    data["scenarios"]["设备管理"] = 5
    del data["scenarios"]["财务"]
    data["items"]["设备数字化率"] = "30%"
    del data["items"]["设备联网率"]
    data["colour"] = "blue"
    with pytest.raises(SelfCheckError) as caught:
        parse_answers(data, KNOWLEDGE)
    problems = caught.value.problems
    assert all("\n" not in p for p in problems)
    expected = ["未知的键“colour”", "企业类型“huge”无效", "人数“-3”无效", "没有“30%”这个分档", "“设备联网率”是必答项",
                "未知的场景“不存在的场景”", "“设备管理”的等级“5”超出范围", "场景“财务”没有作答"]
    for text in expected:
        assert sum(text in p for p in problems) == 1, (text, problems)
    assert len(problems) == len(expected)


def test_answers_accept_either_language_and_loose_band_spelling():
    data = answers_with(2)
    en = {s.key: s.name for s in load_questionnaire(KNOWLEDGE, "en").scenarios}
    data["scenarios"] = {en[k]: v for k, v in data["scenarios"].items()}
    data["scenarios"]["Finance"] = "not relevant"
    data["items"] = {"equipment digitalisation rate": "20-40", "设备联网率": "60 – 100%"}
    answers = parse_answers(data, KNOWLEDGE)
    assert answers.levels["财务"] is None and answers.levels["设备管理"] == 2
    assert answers.bands == {"设备数字化率": "20–40%", "设备联网率": "60–100%"}


# ------------------------------------------------------------------ the CLI and the report
def advisor(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


def test_cli_template_answers_json_round_trip(tmp_path):
    made = advisor("selfcheck", "--template", "--lang", "en")
    assert made.returncode == 0, made.stderr
    assert "# " in made.stdout and "0–10%, 10–20%, 20–40%, 40–60%, 60–100%" in made.stdout
    assert "no descriptors of this scenario's own" in made.stdout  # the general-pattern scenarios say so
    data = yaml.safe_load(made.stdout)
    data["profile"] = {"tier": "micro", "industry": "hardware", "pain_points": "machines break down"}
    data["items"]["equipment digitalisation rate"] = "10–20%"
    data["items"]["equipment networking rate"] = "0–10%"
    data["items"]["Information systems"] = "spreadsheets only"
    data["scenarios"] = {name: 2 for name in data["scenarios"]}
    data["scenarios"]["Equipment management"] = 1
    data["scenarios"]["After-sales service"] = 0
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = advisor("selfcheck", "--answers", str(path), "--json", "--no-advice", "--out", str(tmp_path / "r.docx"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) >= {"scenarios", "groups", "dimensions", "indicative_band", "reasoning", "priorities", "notice"}
    assert len(result["scenarios"]) == 16 and len(result["groups"]) == 4 and len(result["dimensions"]) == 3
    assert set(result["scenarios"][0]) >= {"scenario", "group", "level", "specific"}
    assert result["indicative_band"] == 2 and "official" in result["notice"]
    first = result["priorities"][0]
    assert set(first) >= {"scenario", "level", "next_level", "next_level_descriptor", "why", "recommendation",
                          "citations"}
    assert first["scenario"] == "Equipment management" and first["next_level"] == 2
    assert result["dimensions"][0]["notes"] == [{"item": "Information systems", "note": "spreadsheets only"}]
    document = docx.Document(str(tmp_path / "r.docx"))
    assert len(document.inline_shapes) == 1  # the chart
    assert "Equipment management" in "\n".join(p.text for p in document.paragraphs)


def test_cli_bad_answers_exit_2_with_one_line_each(tmp_path):
    path = tmp_path / "answers.yaml"
    path.write_text("lang: zh\nscenarios:\n  设备管理: 7\n  火星探测: 1\n", encoding="utf-8")
    done = advisor("selfcheck", "--answers", str(path), "--no-advice")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines)
    assert any("火星探测" in line for line in lines) and any("“7”超出范围" in line for line in lines)
    (tmp_path / "broken.yaml").write_text("scenarios: [\n", encoding="utf-8")
    broken = advisor("selfcheck", "--answers", str(tmp_path / "broken.yaml"))
    assert broken.returncode == 2 and broken.stderr.startswith("error: the answers are not valid YAML")


def test_report_docx_has_the_chart_and_the_notice(tmp_path):
    result = run_check(answers_with({"设备管理": 1}, tier="sme", pain_points="设备停机"))
    path = export_docx("# 方案\n\n正文。", tmp_path / "plan.docx", result)
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert len(document.inline_shapes) == 1 and "不是官方评测等级" in text and "正文。" in text
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "三个优先场景" in headings and any(h.startswith("1. 设备管理") for h in headings)


# ------------------------------------------------------------------ the plan knows the self-check
class RecordingAdvisor:
    """Records the grounded requests the plan drafter builds; answers each with an empty text."""

    def __init__(self):
        self.requests = []

    def run(self, request, steps=None):
        self.requests.append(request)
        yield Event("done", answer=Answer(request.question, "", [], [], False, {}, "zh"))


def test_plan_sections_get_the_self_check_as_known_facts():
    result = run_check(answers_with({"设备管理": 1}, tier="sme", pain_points="设备停机"))
    recorder = RecordingAdvisor()
    list(draft_plan(recorder, result.profile(), "减少停机", "zh", selfcheck=result))
    facts = result.plan_facts()
    assert "设备管理（一级→二级" in facts
    for spec, request in zip(SECTIONS, recorder.requests):
        prompt = request.prompt(["[1] 资料\n- 句子。"], "")
        assert (facts in prompt) is (spec.key in SELF_CHECK_SECTIONS), spec.key
        assert f"数字化水平：{LEVELS[result.indicative_band]['zh']}" in prompt  # the level reached the profile
    plan_request = recorder.requests[[s.key for s in SECTIONS].index("plan")]
    assert "设备管理" in plan_request.search_query


# ------------------------------------------------------------------ slow: the real model
@pytest.mark.slow
def test_priorities_carry_grounded_recommendations_with_citations(kb_services):
    from app.selfcheck.advice import add_recommendations

    result = run_check(answers_with({"设备管理": 2, "质量管理": 2, "能源管理": 1}, tier="sme",
                                    industry="汽车零部件", pain_points="设备意外停机、缺陷发现晚、电费高"))
    assert [p.scenario for p in result.priorities] == ["能源管理", "质量管理", "设备管理"]
    done = list(add_recommendations(kb_services.advisor, result))
    assert len(done) == 3
    for p in done:
        assert not p.advice_error and p.recommendation and p.citations, (p.scenario, p.recommendation)
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", p.recommendation)}
        assert cited and cited <= {c["n"] for c in p.citations}
    data = result.to_json()
    assert all(p["citations"] for p in data["priorities"])
