import re

import pytest

from prompts import (LANGUAGES, PROMPT_DIR, format_evidence, is_refusal, load_prompt, load_table, refusal_phrase,
                     render_answer)

NAMES = sorted({p.name.split(".")[0] for p in PROMPT_DIR.glob("*.md")})


@pytest.mark.parametrize("name", NAMES)
def test_every_prompt_exists_in_both_languages_with_a_version(name):
    for lang in LANGUAGES:
        prompt = load_prompt(name, lang)
        assert prompt.version >= 1 and prompt.text


def test_system_prompts_name_the_refusal_phrase_and_forbid_invented_figures():
    zh, en = load_prompt("system", "zh").text, load_prompt("system", "en").text
    for text in (zh, en):
        assert refusal_phrase("zh") .rstrip("。") in text and refusal_phrase("en") in text
    assert "不要编造" in zh and "数字" in zh and "[1]" in zh
    assert "Never invent" in en and "[1]" in en


def test_answer_prompt_numbers_the_sources_in_order():
    blocks = [format_evidence(1, {"title": "A", "section": "一、总则"}, ["第一句。", "第二句。"]),
              format_evidence(2, {"title": "B", "page": 3}, ["第三句。"])]
    text = render_answer("zh", "问题是什么？", blocks, profile="提问企业情况（企业类型：小微企业）")
    assert text.index("[1] A (一、总则)") < text.index("- 第一句。") < text.index("[2] B (p. 3)") < text.index("- 第三句。")
    assert text.startswith("提问企业情况") and "问题：问题是什么？" in text
    assert not re.search(r"\{\w+\}", text)


def test_a_gap_line_reaches_the_model():
    text = render_answer("zh", "能拿多少钱？", [format_evidence(1, {"title": "T"}, ["句子。"])],
                         gap=load_table("fact_gaps", "zh")["amount"]["instruction"])
    assert "不要写任何金额" in text


def test_english_answer_prompt_asks_for_english():
    text = render_answer("en", "What?", [format_evidence(1, {"title": "T"}, ["text."])])
    assert "in English" in text and "Question: What?" in text


def test_tables_have_every_kind_in_both_languages():
    from app.answer.fact_kinds import KIND_ORDER

    for lang in LANGUAGES:
        table = load_table("fact_gaps", lang)
        assert set(KIND_ORDER) <= set(table) and all({"gap", "instruction", "verify", "document_gap"} <= set(table[k]) for k in KIND_ORDER)
        assert {"assumed_profile", "extractive", "refusal_verify"} <= set(load_table("answer_notes", lang))


def test_refusal_detection_in_both_languages():
    assert is_refusal("资料中没有提供这方面的信息。建议咨询当地工信部门。")
    assert is_refusal("My sources do not cover this. Please check the official document.")
    assert not is_refusal("指南提出了四个方面的转型路径[1]。")
    assert is_refusal("**Conclusion:** The Guidelines do not guarantee a specific payback period. Firms should assess.")
    assert not is_refusal("SMEs should assess value [1]. The sources do not give a payback period [2].")


def _shape(value):
    return {k: _shape(v) for k, v in value.items()} if isinstance(value, dict) else type(value).__name__


@pytest.mark.parametrize("name", ["profile", "plan_draft", "doc_types"])
def test_word_tables_have_the_same_entries_in_both_languages(name):
    assert _shape(load_table(name, "zh")) == _shape(load_table(name, "en"))


def test_the_profile_is_described_from_its_table():
    from app.answer.profile import LEVELS, TIERS, EnterpriseProfile

    assert list(TIERS) == ["leading", "large", "sme", "micro"] and list(LEVELS) == [0, 1, 2, 3, 4]
    assert TIERS["sme"] == {"zh": "中小企业", "en": "small or medium-sized enterprise (SME)"}
    profile = EnterpriseProfile("micro", "五金加工", 0, 2, "缺人", ("质量管理", "设备管理"))
    assert profile.describe("zh") == ("提问企业情况（企业类型：小微企业；行业：五金加工；人数：0；数字化水平：二级；主要痛点：缺人；"
                                      "自评优先场景：质量管理、设备管理）。请针对这类企业回答。")
    assert EnterpriseProfile("large").describe("en") == (
        "The asking enterprise (type: large enterprise; digital level: unknown). "
        "Tailor the answer to this kind of enterprise.")
    assert profile.search_hint("zh") == "小微企业" and profile.search_hint("en") == "small and micro enterprises"
