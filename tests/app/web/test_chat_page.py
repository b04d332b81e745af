"""The chat handler of the web page, called as Gradio calls it (no server, no browser) over the fakes
of tests/fakes.py: the evidence is on screen before the model's first word and while the answer is
written; once it is complete, what the answer does not show of it is folded, closed, under the
answer, and nothing when the answer shows it all. The source cards name document types in the
page's language."""

import re
from types import SimpleNamespace

import pytest

from app.settings import Settings
from tests.fakes import make_advisor

GUIDE = ("实施指南", "路径", "企业应先开展数字化诊断评估，摸清设备联网和数据采集的现状。", {"doc_type": "guide"})
LEVELS = ("评测指标", "等级", "中小企业数字化水平评测指标分为四个等级，一级最低、四级最高。", {"doc_type": "policy"})
PILOT = ("城市试点", "资金", "中央财政对每个试点城市最高奖补1.5亿元。", {"doc_type": "policy"})
FOLD = '<details class="evidence">'


@pytest.fixture(scope="module")
def chat_page(tmp_path_factory):
    """The Blocks over stand-in services; each test puts its own fake advisor in."""
    from app.web.ui.chat import build_app

    services = SimpleNamespace(settings=Settings(data_dir=tmp_path_factory.mktemp("chat")), advisor=None,
                               feedback=None)
    demo = build_app(services)
    chat = next(f for f in demo.fns.values() if f.api_name == "chat")
    return services, chat.fn


def ask(chat_page, rows, reply: str, question: str):
    """Each update of the page: (the answer's message, the source panel or None, the answers state)."""
    services, chat = chat_page
    services.advisor = make_advisor(rows, reply)[0]
    return [(messages[-1]["content"], panel if isinstance(panel, str) else None, answers)
            for messages, panel, _, answers, _ in chat(question, [], [], {}, "", "", None, 0, "")]


def words(line: str) -> str:
    """A line of the page without its marks: list dash, quote marks, [n], punctuation."""
    return re.sub(r"\[\d+\]|[\W_]+", "", line)


def test_the_evidence_comes_first_and_folds_closed_under_the_complete_answer(chat_page):
    updates = ask(chat_page, [GUIDE, LEVELS, PILOT], "企业应先做诊断评估，摸清现状[{d1}]。", "中小企业数字化转型应该先做什么？")
    texts = [text for text, _, _ in updates]
    body_at = next(i for i, t in enumerate(texts) if f"- “{GUIDE[2]}”" in t)
    lead_at = next(i for i, t in enumerate(texts) if "摸清现状[" in t)
    assert any(t.startswith("**资料原文要点**") and all(r[2] in t for r in (GUIDE, LEVELS, PILOT)) for t in texts[:body_at])
    assert body_at < lead_at  # the body (the sources' own words) is on screen before the lead is written above it
    assert all(FOLD not in text for text in texts[:-1])  # open while the answer is written

    final, _, answers = updates[-1]
    answer = answers[max(answers, key=int)]
    shown, fold = final.split(FOLD)
    assert shown.rstrip("\n").endswith(answer["answer"])
    assert answer["quoted"] and f"- “{answer['quoted'][0]['text']}”[" in shown  # the body: one quoted line each
    assert fold.startswith("<summary>资料原文中的其他要点（1 条）</summary>") and fold.endswith("</details>")
    folded = [re.sub(r"^> \[\d+\] ", "", line) for line in fold.splitlines() if line.startswith("> [")]
    assert folded == [PILOT[2]]  # evidence that answers no ask: still worth a click
    answer_lines = [words(line) for line in shown.splitlines() if line.strip()]
    assert not any(words(line) in a for line in folded for a in answer_lines)


def test_no_evidence_section_when_the_answer_shows_all_of_it(chat_page):
    updates = ask(chat_page, [GUIDE], "企业应先开展数字化诊断评估，摸清设备联网和数据采集的现状[{d1}]。",
                  "中小企业数字化转型应该先做什么？")
    assert any("**资料原文要点**" in text for text, _, _ in updates)
    final = updates[-1][0]
    assert final.endswith("摸清设备联网和数据采集的现状[1]。")
    assert FOLD not in final and "资料原文" not in final


@pytest.mark.parametrize("question, names, codes", [
    ("中小企业数字化转型应该先做什么？", ("指南", "政策文件"), ("guide", "policy", "Guide", "Policy")),
    ("What should an SME do first in digital transformation?", ("Guide", "Policy"), ("指南", "政策文件", "guide", "policy")),
])
def test_source_cards_name_the_document_type_in_the_page_language(chat_page, question, names, codes):
    panel = [p for _, p, _ in ask(chat_page, [GUIDE, LEVELS], "企业应先开展诊断评估[{d1}]。", question) if p][-1]
    tags = re.findall(r'<span class="src-tag">([^<]*)</span>', panel)
    assert set(names) <= set(tags) and not set(codes) & set(tags), tags
