import docx
import pytest

from app.plan import SECTIONS, Plan, PlanSection, _renumber, draft_plan
from app.plan_export import markdown_to_docx
from app.profile import EnterpriseProfile


def test_sections_follow_the_pdca_path():
    titles = [s.title["zh"] for s in SECTIONS]
    assert titles[0].startswith("一、现状评估")
    assert [t.split("：")[0][2:] for t in titles[1:]] == ["制定转型规划", "组织落地实施", "开展成效评估", "推进迭代优化"]
    assert all(s.title["en"] and s.query["en"] and s.instruction["en"] for s in SECTIONS)


def test_local_citations_are_renumbered_across_the_draft():
    assert _renumber("要点[1]。另一点[2][3]。", {1: 4, 2: 1}) == "要点[4]。另一点[1]。"


def test_markdown_and_docx_export(tmp_path):
    plan = Plan("zh", EnterpriseProfile("sme", industry="注塑"), "设备联网",
                [PlanSection("current_state", "一、现状评估", "- 先用评测指标自评[1]。")])
    md = plan.to_markdown()
    assert md.startswith("# 数字化转型方案（草稿）") and "## 一、现状评估" in md and "## 资料来源" in md
    path = markdown_to_docx(md + "\n**重点**：上云\n", tmp_path / "p.docx")
    document = docx.Document(str(path))
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["数字化转型方案（草稿）"] == "Title" and styles["一、现状评估"] == "Heading 1"
    assert styles["先用评测指标自评[1]。"] == "List Bullet"
    assert any(r.bold and r.text == "重点" for p in document.paragraphs for r in p.runs)


@pytest.mark.slow
def test_plan_draft_streams_every_section_with_valid_citations(kb_services):
    events = list(draft_plan(kb_services.advisor, EnterpriseProfile("micro", industry="五金"), "设备联网", "zh"))
    plan = events[-1].plan
    assert [s.key for s in plan.sections] == [s.key for s in SECTIONS]
    assert sum(e.kind == "token" for e in events) > 20
    numbers = {c.n for c in plan.sources}
    assert numbers == set(range(1, len(plan.sources) + 1))
    import re
    cited = {int(n) for s in plan.sections for n in re.findall(r"\[(\d+)\]", s.text)}
    assert cited and cited <= numbers
