"""A draft says each source sentence once: the same evidence answers several PDCA steps, and the
eight held-out consultant drafts repeated 62 sentences across their sections."""

import re

from app.answer.profile import EnterpriseProfile
from app.plan.drafts import draft_plan
from tests.fakes import PLAN_REPLY, make_advisor

GUIDELINES = "制造业企业数字化转型实施指南"
ROWS = [(GUIDELINES, "现状评估", "企业应开展数字化转型诊断评估，摸清设备联网和数据采集的现状。"),
        (GUIDELINES, "设备管理", "中小企业应推动设备联网，实现设备运行数据实时采集。"),
        (GUIDELINES, "制定规划", "企业应结合自身实际制定数字化转型规划，明确转型目标和优先场景。"),
        (GUIDELINES, "组织实施", "企业应分阶段组织落地实施，先从设备管理和质量管控等关键场景入手。"),
        (GUIDELINES, "成效评估", "企业应定期开展转型成效评估，可参考中小企业数字化水平评测指标。"),
        (GUIDELINES, "迭代优化", "企业应根据评估结果推进迭代优化，持续改进数字化转型方案。"),
        (GUIDELINES, "质量管控", "企业应推动关键工序数字化检测，实现质量数据自动判定和报警。"),
        (GUIDELINES, "设备运维", "企业应建立设备预测性维护计划，减少意外停机。")]
QUOTE = re.compile(r"“([^”]+)”")


def draft(rows):
    advisor, _, _ = make_advisor(rows, PLAN_REPLY)
    profile = EnterpriseProfile("sme", industry="汽车零部件", pain_points="设备意外停机")
    return list(draft_plan(advisor, profile, "减少停机", "zh"))[-1].plan


def test_a_later_section_quotes_its_next_best_sentence_not_one_an_earlier_section_quoted():
    plan = draft(ROWS)
    sections = {s.key: s.text for s in plan.sections}
    first = set(QUOTE.findall(sections["current_state"]))
    assert first
    for key in ("plan", "implement", "iterate"):
        quoted = QUOTE.findall(sections[key])
        assert quoted and not first & set(quoted), (key, sections[key])
    # the lead's sentences, said in the first section, are not said again above a later one's own quotes
    lead = sections["current_state"].split("\n")[0]
    assert lead and all(lead not in sections[key] for key in ("plan", "implement", "iterate"))


def test_a_section_whose_only_evidence_an_earlier_one_quoted_still_has_content():
    plan = draft(ROWS[:2])
    for section in plan.sections:
        if section.key != "iterate":  # its search covers nothing here (tests.fakes)
            assert re.search(r"\[\d+\]", section.text), (section.key, section.text)


def test_a_sentence_saying_what_the_sources_do_not_give_fills_no_step_of_a_plan():
    """A leading firm's plan section quoted "On chain transformation…, the sources do not give: …" as
    one of its four lines; a chat answer keeps such a sentence, where it answers the question."""
    gap = (GUIDELINES, "成效评估", "资料没有给出用数字化水平评测指标评估转型成效、确定所处等级的具体方法和成熟度标准。")
    plan = draft([gap] + ROWS)
    assert all("资料没有给出" not in s.text for s in plan.sections), [s.text for s in plan.sections]
