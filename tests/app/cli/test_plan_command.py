"""``advisor plan`` in this process over the fakes of tests/fakes.py (the real ``Advisor``): bad
input is one ``error:`` line each and exit status 2 before any model is asked; ``--json`` prints the
plan's JSON; the text streams whole sections; ``--out`` writes Markdown or Word."""

import json
from types import SimpleNamespace

import docx
import pytest
import yaml

from app.cli import main as cli
from app.plan.drafts import SECTIONS
from app.selfcheck.answers import template
from app.settings import REPO_ROOT, Settings
from tests.fakes import make_plan_advisor

GOAL = ["--goal", "减少设备停机"]


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """The command's services: the settings (knowledge/ of the repository) and the fake advisor."""
    advisor, generator, _ = make_plan_advisor()
    services = SimpleNamespace(settings=Settings(data_dir=tmp_path / "data"), advisor=advisor)
    monkeypatch.setattr(cli, "_services", lambda args: services)
    return generator


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["plan", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def answers_file(tmp_path):
    """A filled-in self-check answers file, from the template."""
    data = yaml.safe_load(template(REPO_ROOT / "knowledge", "zh"))
    data["profile"] = {"tier": "sme", "industry": "注塑", "headcount": 80, "pain_points": "设备停机"}
    data["items"] = {name: "0–10%" if value is None else value for name, value in data["items"].items()}
    data["scenarios"] = {name: 2 for name in data["scenarios"]}
    data["scenarios"]["设备管理"] = 1
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("args, words", [
    (["--tier", "sme"], "error: --goal is required"),
    ([*GOAL, "--tier", "huge"], "error: --tier must be one of leading, large, sme, micro, not 'huge'"),
    ([*GOAL], "error: --tier is required"),
    ([*GOAL, "--tier", "sme", "--headcount", "many"], "error: --headcount must be a whole number of 0 or more"),
    ([*GOAL, "--tier", "sme", "--headcount=-3"], "error: --headcount must be a whole number of 0 or more, not '-3'"),
    ([*GOAL, "--tier", "sme", "--digital-level", "7"], "error: --digital-level must be 0 (unknown) or 1-4"),
    ([*GOAL, "--tier", "sme", "--lang", "fr"], "error: --lang must be zh or en, not 'fr'"),
    ([*GOAL, "--tier", "sme", "--out", "plan.pdf"], "error: --out must name a .docx or .md file, not plan.pdf"),
    ([*GOAL, "--tier", "sme", "--selfcheck", "/no/such/answers.yaml"],
     "error: --selfcheck: cannot read the answers file /no/such/answers.yaml"),
])
def test_bad_input_is_one_error_line_and_exit_2(fake, capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and err.startswith(words) and len(err.strip().splitlines()) == 1, err
    assert fake.prompts == []  # nothing was drafted


def test_an_invalid_self_check_file_gets_one_line_per_problem(fake, capsys, tmp_path):
    (tmp_path / "broken.yaml").write_text("scenarios: [\n", encoding="utf-8")
    code, _, err = run(capsys, *GOAL, "--selfcheck", str(tmp_path / "broken.yaml"))
    assert code == 2 and err == "error: --selfcheck: the answers are not valid YAML (line 2)\n"
    (tmp_path / "wrong.yaml").write_text("lang: zh\nscenarios:\n  设备管理: 7\n  火星探测: 1\n", encoding="utf-8")
    code, _, err = run(capsys, *GOAL, "--selfcheck", str(tmp_path / "wrong.yaml"))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) > 2 and all(line.startswith("error: --selfcheck: ") for line in lines)
    assert any("火星探测" in line for line in lines) and any("“7”超出范围" in line for line in lines)
    assert fake.prompts == []


def test_json_has_every_section_with_its_citations_and_the_numbered_sources(fake, capsys):
    code, out, err = run(capsys, *GOAL, "--tier", "sme", "--industry", "注塑", "--headcount", "80", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert [s["key"] for s in plan["sections"]] == [s.key for s in SECTIONS]
    cited = [s["citations"] for s in plan["sections"]]  # a later section cites what it has not said yet
    assert cited[0] == [1, 2] and all(c and set(c) <= {1, 2} for c in cited[1:4]) and cited[4] == []
    assert [s["refused"] for s in plan["sections"]] == [False] * 4 + [True]
    assert [s["n"] for s in plan["sources"]] == [1, 2] and plan["profile"]["industry"] == "注塑"
    assert err.count("(drafting ") == len(SECTIONS)  # progress goes to stderr, stdout is the JSON alone


def test_text_streams_whole_sections_then_the_sources(fake, capsys):
    code, out, _ = run(capsys, *GOAL, "--tier", "sme")
    assert code == 0
    headings = [line[3:] for line in out.splitlines() if line.startswith("## ")]
    assert headings == [s.title["zh"] for s in SECTIONS]
    assert "设备运行数据实时采集。”[2]" in out and "\nSources:\n[1] 制造业企业数字化转型实施指南" in out


def test_a_self_check_informs_the_plan_and_word_gets_its_report(fake, capsys, tmp_path, answers_file):
    out_path = tmp_path / "plan.docx"
    code, out, err = run(capsys, *GOAL, "--selfcheck", str(answers_file), "--json", "--out", str(out_path))
    assert code == 0, err
    plan = json.loads(out)
    assert plan["profile"]["tier"] == "sme" and plan["profile"]["digital_level"] == 2
    assert plan["profile"]["priority_scenarios"][0] == "设备管理"
    assert "设备管理（一级→二级" in fake.prompts[0]  # the self-check's facts in the current-state section
    document = docx.Document(str(out_path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、现状评估" in text and "不是官方评测等级" in text and len(document.inline_shapes) == 1
    assert f"plan: {out_path}" in err


def test_markdown_out_is_the_plan_as_the_web_app_exports_it(fake, capsys, tmp_path):
    code, _, _ = run(capsys, *GOAL, "--tier", "sme", "--out", str(tmp_path / "drafts" / "plan.md"))
    text = (tmp_path / "drafts" / "plan.md").read_text(encoding="utf-8")
    assert code == 0 and text.startswith("# 数字化转型方案（草稿）") and "## 资料来源" in text
