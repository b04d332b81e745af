"""What the chat page shows under an answer: the evidence, each line once and none the answer
already says; the source cards, every label in the page's language."""

from types import SimpleNamespace

import pytest

from app.answer.source_kinds import doc_type_label
from app.web.ui.sources import distinct_evidence, plain, render_evidence, render_sources, says_nothing_new
from prompts import LANGUAGES, load_table
from tests.knowledge.test_front_matter import DOC_TYPES

ITEM = "小微企业推动业务系统上云"
SENTENCE = "转型路径包括：大型企业开展全面转型；小微企业推动业务系统上云；中型企业聚焦重点场景。"


def test_a_line_is_said_when_its_words_are_inside_another_line():
    assert plain("> [2] 1. 小微企业推动业务系统上云[2]。") == ITEM
    assert says_nothing_new(ITEM, SENTENCE)
    assert says_nothing_new(f"- {ITEM}；", f"{SENTENCE[:10]}\n{SENTENCE[10:]}")  # marks, punctuation, line breaks
    assert says_nothing_new("Move business systems to the cloud.", "SMEs should move business systems to the CLOUD [1].")
    assert not says_nothing_new(SENTENCE, ITEM)
    assert not says_nothing_new("小微企业推动设备上云", SENTENCE)


def test_an_evidence_line_another_line_holds_is_shown_once():
    evidence = [{"n": 1, "text": SENTENCE}, {"n": 2, "text": ITEM}, {"n": 3, "text": "评测指标分为四个等级。"},
                {"n": 3, "text": "评测指标分为四个等级"}]
    assert [(e["n"], e["text"]) for e in distinct_evidence(evidence)] == [(1, SENTENCE), (3, "评测指标分为四个等级。")]
    shown = render_evidence(evidence, "zh")
    assert shown.count(ITEM) == 1 and shown.count("四个等级") == 1
    assert shown.startswith("**资料原文要点**") and "> [1] " + SENTENCE in shown


def test_evidence_the_answer_already_says_is_not_repeated():
    evidence = [{"n": 1, "text": "企业应先开展数字化诊断评估。"}, {"n": 2, "text": ITEM}]
    answer = "建议：\n1. 企业应先开展数字化诊断评估[1]。\n\n资料中还提到（原文摘录）：\n> 小微企业推动业务系统上云 [2]"
    assert distinct_evidence(evidence, "企业应先开展数字化诊断评估[1]。") == [evidence[1]]
    assert render_evidence(evidence, "zh", answer) == ""  # everything is in the answer already
    assert render_evidence(evidence, "zh", "企业应先").count("> [") == 2  # a sentence half streamed says nothing yet


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_document_type_has_a_name_in_both_languages(lang):
    table = load_table("doc_types", lang)
    assert DOC_TYPES <= set(table) and all(isinstance(v, str) and v for v in table.values())


def test_source_cards_name_the_document_type_in_the_page_language():
    context = SimpleNamespace(n=1, title="中小企业数字化转型指南", text="资料原文。", page=3, section="一、总则")
    metadata = {"doc_type": "guide", "issuer": "工业和信息化部", "date": "2022-08"}
    zh = render_sources([context], [metadata], "zh")
    assert '<span class="src-tag">指南</span>' in zh and "guide" not in zh
    en = render_sources([context], [metadata], "en")
    assert '<span class="src-tag">Guide</span>' in en
    assert doc_type_label("policy", "zh") == "政策文件" and doc_type_label("", "zh") == ""
    assert doc_type_label("memo", "zh") == "memo"  # a type of the user's own files is shown as written
