"""The ``advisor`` command as a user runs it (a subprocess, the shared test index)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import DATA
from tests.pdf_maker import make_pdf


def advisor(env, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.slow
def test_ask_json_has_the_documented_shape(kb_env):
    done = advisor(kb_env, "ask", "--json", "指南从哪几个方面提出了数字化转型路径？")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert set(answer) >= {"question", "answer", "citations", "contexts", "refused", "timings"}
    assert set(answer["timings"]) >= {"retrieve_ms", "generate_ms", "first_token_ms"}
    assert answer["citations"] and not answer["refused"]
    for c in answer["citations"]:
        assert set(c) >= {"n", "doc_id", "title", "source", "page", "section", "snippet"}
        assert answer["contexts"][c["n"] - 1]["doc_id"] == c["doc_id"]
    for i, ctx in enumerate(answer["contexts"], start=1):
        assert ctx["n"] == i and set(ctx) >= {"doc_id", "text", "score"}


@pytest.mark.slow
def test_ask_streams_text_then_sources(kb_env):
    done = advisor(kb_env, "ask", "设备管理场景要达到三级，需要做到什么程度？")
    assert done.returncode == 0, done.stderr
    assert "Sources:" in done.stdout and "[1]" in done.stdout


def test_off_topic_question_is_refused(kb_env):
    done = advisor(kb_env, "ask", "--json", "今天天气怎么样？")
    answer = json.loads(done.stdout)
    assert answer["refused"] and answer["citations"] == []


def test_ingest_list_remove_and_bad_files(fresh_services, tmp_path):
    env = {**os.environ, "ADVISOR_DATA_DIR": str(fresh_services.settings.data_dir)}
    (tmp_path / "scan.pdf").write_bytes(make_pdf([""]))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    done = advisor(env, "ingest", str(DATA / "policy_sample.zh.md"), str(tmp_path / "scan.pdf"),
                   str(tmp_path / "broken.pdf"))
    assert done.returncode == 2, done.stderr  # some file was refused
    lines = done.stdout.splitlines()
    assert any(l.startswith("added") and "policy_sample.zh.md" in l for l in lines)
    assert any(l.startswith("refused   scan.pdf: OCR found no readable text") for l in lines)  # a blank page
    assert any(l.startswith("refused   broken.pdf:") for l in lines)
    assert "Traceback" not in done.stdout + done.stderr
    listed = advisor(env, "list")
    assert "测试政策：中小企业设备上云指引" in listed.stdout and "1 documents" in listed.stdout
    again = advisor(env, "ingest", str(DATA / "policy_sample.zh.md"))
    assert "unchanged" in again.stdout
    assert advisor(env, "remove", "policy_sample.zh.md").returncode == 0
    missing = advisor(env, "remove", "policy_sample.zh.md")
    assert missing.returncode == 2 and missing.stderr.startswith("error: no document matches")


def test_bad_settings_give_one_error_line(tmp_path):
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path), "ADVISOR_CONTEXT_K": "many"}
    done = advisor(env, "list")
    assert done.returncode == 2 and done.stderr.startswith("error: invalid settings: context_k")
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_plan_json_cites_or_refuses_every_section(kb_env):
    """One real draft (~2–3 minutes on 2 cores): every section has cited content or says it is refused,
    and the sources are numbered 1..n across the draft, each cited by some section."""
    done = advisor(kb_env, "plan", "--json", "--tier", "sme", "--industry", "注塑", "--headcount", "80",
                   "--pain-points", "设备意外停机", "--goal", "减少设备停机，提高良品率", timeout=900)
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    sources = plan["sources"]
    numbers = list(range(1, len(sources) + 1))
    assert sources and [s["n"] for s in sources] == numbers
    assert all(set(s) >= {"n", "doc_id", "title", "source", "page", "section", "snippet"} for s in sources)
    assert [s["key"] for s in plan["sections"]] == ["current_state", "plan", "implement", "evaluate", "iterate"]
    for section in plan["sections"]:
        assert section["refused"] is (not section["citations"]), section
        if not section["refused"]:
            assert set(section["citations"]) <= set(numbers)
            assert all(f"[{n}]" in section["text"] for n in section["citations"]), section
    assert any(not s["refused"] for s in plan["sections"]), plan["sections"]  # a plan, not five refusals
    assert {n for s in plan["sections"] for n in s["citations"]} == set(numbers)  # no source listed uncited
