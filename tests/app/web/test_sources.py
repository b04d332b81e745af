"""What the chat page shows under an answer: the evidence, each line once and none the answer
already says (folded once the answer is complete); the source cards, every label in the page's
language."""

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


DIAGNOSIS = "企业应先开展数字化诊断评估，摸清设备联网和数据采集的现状。"
LONG = ("资源有限的中小企业应采用“小快轻准”的解决方案，按“评估—规划—实施—优化”迭代推进，"
        "先在一两个场景见效，再逐步推广到其他环节。")


def test_a_body_line_of_the_composed_answer_shows_its_source_sentence():
    # The body quotes source sentences as `- “…”[n]`, a sentence of two sources with both markers.
    evidence = [{"n": 1, "text": SENTENCE}, {"n": 2, "text": DIAGNOSIS}, {"n": 3, "text": "评测指标分为四个等级。"}]
    answer = f"转型应先做诊断[2]。\n\n- “{SENTENCE}”[1][3]\n\n- “{DIAGNOSIS}”[2]"
    assert plain(f"- “{ITEM}”[1][3]") == ITEM
    assert distinct_evidence(evidence, answer) == [evidence[2]]


def test_a_line_nearly_all_inside_one_line_of_the_answer_is_shown_by_it():
    # 12 of its 13 character pairs in the lead sentence (85 % or more): said; half of them: not.
    near_copy = "企业应先开展数字化诊断评估，摸清设备联网、数据采集的现状[1]。"
    assert distinct_evidence([{"n": 1, "text": DIAGNOSIS}], near_copy) == []
    assert distinct_evidence([{"n": 1, "text": DIAGNOSIS}], "企业应先开展数字化诊断评估[1]。") != []
    # the share is per line of the answer: words spread over several lines do not add up
    spread = "- “企业应先开展”[1]\n- “数字化诊断评估”[1]\n- “设备联网和数据采集的现状”[1]"
    assert distinct_evidence([{"n": 1, "text": DIAGNOSIS}], spread) != []


def test_a_body_sentence_cut_short_still_counts_as_shown():
    answer = f"- “{LONG[:30]}……”[1]"
    assert distinct_evidence([{"n": 1, "text": LONG}], answer) != []  # the words alone do not tell
    assert distinct_evidence([{"n": 1, "text": LONG}], answer, quoted=[LONG]) == []  # the answer's own quoted body does


def test_once_the_answer_is_complete_the_rest_of_the_evidence_is_folded_closed():
    evidence = [{"n": 1, "text": DIAGNOSIS}, {"n": 2, "text": ITEM}, {"n": 3, "text": "评测指标分为四个等级。"}]
    answer = f"应先做诊断评估[1]。\n\n- “{DIAGNOSIS}”[1]"
    folded = render_evidence(evidence, "zh", answer, folded=True)
    assert folded.startswith('<details class="evidence"><summary>资料原文中的其他要点（2 条）</summary>\n\n')
    assert folded.endswith("\n\n</details>") and " open" not in folded
    assert f"> [2] {ITEM}\n> [3] 评测指标分为四个等级。" in folded and DIAGNOSIS not in folded
    en = render_evidence([{"n": 2, "text": "Move business systems to the cloud."}], "en", "SMEs start small [1].",
                         folded=True)
    assert "<summary>More key passages from the sources (1)</summary>" in en
    assert render_evidence(evidence[:1], "zh", answer, folded=True) == ""  # nothing left: no section at all
    streaming = render_evidence(evidence, "zh", "应先做诊断")  # while the answer is written: open, under a heading
    assert streaming.startswith("**资料原文要点**") and "<details" not in streaming and streaming.count("> [") == 3


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


def test_the_body_shown_early_gives_way_line_by_line_to_the_answer_text():
    from app.web.ui.sources import body_to_come
    body = "- “小微企业推动业务系统上云。”[1]\n\n- “中小企业要因企制宜。”[2]"
    assert body_to_come(body, "") == body
    lead = "先上云，再因企制宜[1]。"
    assert body_to_come(body, lead) == body  # the lead streams in above it
    assert body_to_come(body, lead + "\n\n- “小微企业推动业务系统上云。”[1]\n") == "- “中小企业要因企制宜。”[2]"
    assert body_to_come(body, lead + "\n\n" + body) == ""
