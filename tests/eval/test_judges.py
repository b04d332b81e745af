"""The evaluation's own judges (eval/judges.py) on hand-written cases, and the rule that the
evaluation never judges with the product's checks."""

import ast
from pathlib import Path

import pytest

from eval.judges import cited_numbers, fragments, repeats, says_not_given, sentences, strip_markers, support, \
    unsupported_figures

EVAL_DIR = Path(__file__).resolve().parents[2] / "eval"
# The product's checks: the evaluation may run the product, never judge with these.
PRODUCT_CHECKS = ("app.answer.verification", "app.answer.citations", "app.answer.premises", "app.answer.fact_kinds",
                  "app.answer.quoting")

SOURCE = "中央财政对试点城市给予奖补，其中省会城市最高奖补1.5亿元，其他城市最高1亿元。申报材料须附近3个月的财务报表。"


def test_a_figure_the_source_holds_with_its_unit_and_subject_passes():
    assert unsupported_figures("省会城市最高可获得1.5亿元奖补[1]。", [SOURCE]) == []
    assert unsupported_figures("省会城市最高可获得15000万元奖补[1]。", [SOURCE]) == []  # the same value
    assert unsupported_figures("Provincial capitals get up to 150 million yuan [1].", [SOURCE]) == []  # across languages


CREDIT_TABLE = """单位：万元
| 序号 | 金融机构名称 | 授信总额 | 已使用情况 | 剩余额度 |
| --- | --- | --- | --- | --- |
| 1 | 工商银行 | 330,435.30 | 234,850.00 | 95,585.30 |
| 3 | 兴业银行盐城分行 | 302,600.00 | 110,600.00 | 192,000.00 |
| 4 | 民生银行盐城分行 | 262,000.00 | 88,500.00 | 173,500.00 |"""
GRADE_TABLE = """| 等级 | 特级 | 一级 | 二级 |
| --- | --- | --- | --- |
| 碎米 总量/% ≤ | 2.5 | 5.0 | 7.5 |
| 碎米 其中：小碎米含量/% ≤ | 0.5 | 1.0 | 1.5 |"""


@pytest.mark.parametrize("sentence, table", [
    ("- “序号：3；金融机构名称：兴业银行盐城分行；授信总额：302,600.00；已使用情况：110,600.00；剩余额度：192,000.00"
     "（单位：万元）”[1]", CREDIT_TABLE),  # a row quoted with the unit stated above its table
    ("兴业银行的授信总额为302,600.00万元[1]。", CREDIT_TABLE),
    ("The 兴业银行 credit line is 302,600.00 万元 [1].", CREDIT_TABLE),
    ("- “等级：碎米 总量/% ≤；特级：2.5；一级：5.0；二级：7.5”[1]", GRADE_TABLE),  # its row and columns named
    ("二级大米的碎米总量不超过7.5%[1]。", GRADE_TABLE),  # the unit from the row's label
])
def test_a_table_cell_is_held_by_a_sentence_naming_its_row_and_column(sentence, table):
    assert unsupported_figures(sentence, [table]) == []


@pytest.mark.parametrize("sentence, table, bad", [
    ("- “金融机构名称：民生银行盐城分行；授信总额：302,600.00”[1]", CREDIT_TABLE, "302,600.00"),  # another bank's row
    ("工商银行的授信总额为302,600.00万元[1]。", CREDIT_TABLE, "302,600.00万元"),
    ("兴业银行的剩余额度为302,600.00万元[1]。", CREDIT_TABLE, "302,600.00万元"),  # another column
    ("一级大米的碎米总量不超过7.5%[1]。", GRADE_TABLE, "7.5%"),  # the 二级 column's
    ("二级大米的小碎米含量不超过7.5%[1]。", GRADE_TABLE, "7.5%"),  # the 碎米总量 row's
])
def test_a_table_cell_moved_to_another_row_or_column_is_unsupported(sentence, table, bad):
    assert unsupported_figures(sentence, [table]) == [bad]


def test_a_changed_number_fails():
    assert unsupported_figures("省会城市最高可获得2亿元奖补[1]。", [SOURCE]) == ["2亿元"]


def test_a_figure_beside_another_subject_fails():
    assert unsupported_figures("每家企业可获得1.5亿元[1]。", [SOURCE]) == ["1.5亿元"]
    assert unsupported_figures("每家企业最高1.5亿元[1]。", [SOURCE]) == ["1.5亿元"]  # "最高" names no subject


def test_the_unit_must_be_the_sources():
    assert unsupported_figures("申报须附近3年的财务报表[1]。", [SOURCE]) == ["3年"]
    assert unsupported_figures("申报须附近3个月的财务报表[1]。", [SOURCE]) == []
    assert unsupported_figures("财务报表须覆盖3年[1]。", ["财务报表须覆盖3期。"]) == ["3年"]  # not a bare 3


def test_years_with_and_without_their_character():
    source = "国家标准GB/T 45341—2025《数字化转型管理 参考架构》发布。《指南》于2025年印发。"
    assert unsupported_figures("国家标准GB/T 45341-2025于2025年发布[1]。", [source]) == []
    assert unsupported_figures("《指南》2025年印发[1]。", ["《指南》2025印发，面向中小企业。"]) == []
    assert unsupported_figures("《指南》2024年印发[1]。", [source]) == ["2024年"]
    assert unsupported_figures("通知于2025年2月28日印发[1]。", ["本通知自2025-02-28起印发施行。"]) == []


def test_figures_the_user_gave_and_small_counts_are_not_checked():
    assert unsupported_figures("你们有150人，可先上云[1]。", [SOURCE], known="我们厂150人") == []
    assert unsupported_figures("分3步推进[1]。", [SOURCE]) == []


def test_cited_markers():
    assert cited_numbers("城市奖补[1, 3]，企业自筹【2】；另见[3]与[1，4、5]。标准号[2024]不是引用。") == [1, 3, 2, 4, 5]
    assert strip_markers("最高1.5亿元[1]【2】。") == "最高1.5亿元。"


def test_sentences_keep_their_markers_and_decimals():
    text = "省会城市最高1.5亿元[1]。其他城市1亿元。[2] The cap is 1.5 million. [3] Firms apply.\n- 第一项\n[4]"
    assert sentences(text) == ["省会城市最高1.5亿元[1]。", "其他城市1亿元。[2]", "The cap is 1.5 million. [3]",
                               "Firms apply.", "- 第一项"]


def test_lexical_support():
    assert support("省会城市最高1.5亿元[1]。", SOURCE) == 1.0
    assert support("灯塔工厂由世界经济论坛评选。", SOURCE) == 0.0
    assert support("[1]", SOURCE) == 0.0


@pytest.mark.parametrize("sentence, refuses", [
    ("资料中没有提供这方面的信息。", True),
    ("资料没有给出每家企业的补贴金额[1]。", True),
    ("现有资料未提供具体金额。", True),
    ("My sources do not cover this.", True),
    ("The per-enterprise amount is not given in the sources.", True),
    ("省会城市最高奖补1.5亿元[1]。", False),
    ("企业未提供材料的，不予受理[1]。", False),  # a rule, not a refusal
    ("Subsidies are not given to firms outside the pilot cities [1].", False),
])
def test_a_sentence_saying_the_sources_do_not_give_it(sentence, refuses):
    assert says_not_given(sentence) is refuses


def imports(path: Path) -> set[str]:
    """Every module the file imports, and every ``module.name`` it imports from one."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_the_evaluation_never_judges_with_the_products_checks():
    files = sorted(EVAL_DIR.glob("*.py"))
    assert any(f.name == "answers_eval.py" for f in files)
    for path in files:
        found = imports(path)
        used = [m for m in found if m == "prompts.is_refusal"
                or any(m == check or m.startswith(check + ".") for check in PRODUCT_CHECKS)]
        assert not used, f"{path.name} imports {used}"


def test_a_figure_in_a_list_takes_its_subject_from_the_list_lead():
    source = ("Media report that the central government gives each pilot city a fixed reward, capped by city type: "
              "provincial capitals, cities specifically designated in the state plan and the XPCC: at most 150 million "
              "yuan in total; other prefecture-level cities and municipal districts and counties: at most 100 million yuan.")
    honest = "The city pilot provides a fixed reward of up to 150 million yuan per city, capped by city type[1]."
    assert unsupported_figures(honest, [source]) == []
    assert unsupported_figures("Each firm's subsidy for software licences is 150 million yuan[1].", [source]) != []


@pytest.mark.parametrize("text, kind", [
    ("（关于本资料）[1]。", "meta"),
    (") - First batch (2023): … e.g[2].", "dangling"),
    ("**Equipment Uptime**[8]", "heading"),
    ("**3[9]. Do: phased implementation**[9]", "heading"),
    ("资料缺口：2024年版如何把维度得分合成为总体等级，现有资料没有给出[2]。", "meta"),
    ("- **资料缺口**：总体等级的判定规则没有公开[3]。", "meta"),
    ("《中小企业数字化转型指南》[2]", "title"),
    ("《制造业企业数字化转型实施指南》[1]。", "title"),
    ("## 3. Do: phased implementation", "heading"),
    ("This summary draws on public reports [4].", "meta"),
    ("：由点及面、由易到难[1]。", "dangling"),
    ("设备管理[1]。", "no_predicate"),
    ("Equipment management[3].", "no_predicate"),
])
def test_fragments(text, kind):
    assert [(f.text, f.kind) for f in fragments(text)] == [(text.strip(), kind)]


@pytest.mark.parametrize("text", [
    "小微企业应推动业务系统上云[1]。",
    "先上云[1]。",
    "Small firms should move business systems to the cloud [1].",
    "Start with quality[1].",
    "- WEF's own information prevails[1].",
    "1.5亿元是省会城市的上限[1]。",  # a leading figure is not a list number
    "**Firms should assess value and feasibility first.**[2]",  # a bolded sentence is a sentence
    "- **Quality management:** digital inspection of key processes with automatic judgement and alarm [2].",
    "Level 3: real-time collection and cross-department optimisation[1].",
    "优先推进以下场景：\n- 质量管理[1]\n- 设备管理[2]",  # a lead's items need no predicate of their own
    "1. 推动业务系统上云[1]。\n2. Move business systems to the cloud [2].",  # the list number is the line's
])
def test_statements_are_not_fragments(text):
    assert fragments(text) == []


def test_a_list_after_a_lead_ends_at_the_first_line_that_is_no_item():
    text = "优先推进以下场景：\n- 质量管理[1]\n设备管理[2]。"
    assert [f.text for f in fragments(text)] == ["设备管理[2]。"]


def test_repeats_the_same_sentence_from_another_source():
    found = repeats("省会城市最高可获得1.5亿元奖补[2]。其他城市最高1亿元[1]。省会城市最高可获得1.5亿元奖补[3]。")
    assert [(r.first, r.repeat, r.share) for r in found] == [
        ("省会城市最高可获得1.5亿元奖补[2]。", "省会城市最高可获得1.5亿元奖补[3]。", 1.0)]


def test_repeats_a_lead_repeated_as_a_conclusion_and_identical_items():
    lead = "The Guidelines ask SMEs to assess value and feasibility and set priorities [1]."
    found = repeats(f"{lead} They also ask small firms to move to the cloud [2].\n"
                    "Conclusion: “the Guidelines ask SMEs to assess value and feasibility and set priorities” [1].")
    assert [(r.first, r.repeat[:11]) for r in found] == [(lead, "Conclusion:")]
    items = "1. 推动业务系统上云，提升经营管理水平[1]。\n2. 推动业务系统上云，提升经营管理水平[2]。"
    assert [r.repeat for r in repeats(items)] == ["2. 推动业务系统上云，提升经营管理水平[2]。"]


@pytest.mark.parametrize("text", [
    "- 质量管理：关键工序实现数字化检测，能自动判定并报警[1]。\n- 质量管理：采用视觉检测并实现跨企业的质量数据共享[1]。",
    "- Quality management: digital inspection of key processes with automatic judgement and alarm[1].\n"
    "- Quality management: vision inspection and cross-enterprise quality-data sharing[1].",
    "小微企业要上云[1]。据《经济日报》报道，《实施指南》提出，小微企业应结合自身资源条件，借助云服务和数据开展普惠性赋能，"
    "实现业务系统上云，提升经营管理水平[2]。",
    "Small firms should go to the cloud [1]. According to the Economic Daily, the Guidelines say small and micro "
    "enterprises should, within their own resources, use cloud-based data services and move business systems to the "
    "cloud [2].",
    "**Equipment Uptime**[8]\n**Equipment Uptime**[9]",  # too short to count as a repeat (a fragment each)
])
def test_not_repeats(text):
    assert repeats(text) == []


def test_a_binding_claim_is_not_made_by_a_sentence_that_binds_some():
    from eval.judges import keeps_scope

    claim = "申报卓越级智能工厂的企业必须达到CMMM三级"
    assert keeps_scope(claim, "申报卓越级智能工厂的企业必须达到CMMM三级[1]。")
    assert not keeps_scope(claim, "据一份地方通知，一些地方还要求卓越级申报企业的CMMM达到三级及以上。")
    assert not keeps_scope(claim, "申报卓越级智能工厂的企业可以参考CMMM三级。")
    assert keeps_scope("第一批共有66个城市", "第一批共有66个城市")  # no obligation: nothing to keep


def test_a_claim_tying_a_figure_to_one_year_is_not_made_by_a_sentence_tying_it_to_another():
    from eval.judges import keeps_year
    source = "从总量上看，预计到2025年，我国中小企业数字化转型市场规模将突破1万亿元，到2030年有望达到3万亿元。"
    assert not keeps_year("2025年达到3万亿元", source)  # the quote gives 3万亿 for 2030
    assert keeps_year("2025年达到3万亿元", "报告预计2025年市场规模将达到3万亿元。")
    assert keeps_year("2030年达到3万亿元", source) and keeps_year("市场规模3万亿元", source)


def test_a_claim_about_one_phase_is_not_made_by_a_sentence_about_another():
    from eval.judges import keeps_ordinal, ordinals

    assert ordinals("MES一期2026年9月底前上线；第三批试点城市；phase 2 and the second batch") == {
        ("phase", 1), ("batch", 3), ("phase", 2), ("batch", 2)}
    assert not keeps_ordinal("MES一期2026年9月底前上线", "2026年9月底前：MES二期（装配车间）上线，质量追溯系统上线；")
    assert keeps_ordinal("MES一期2026年9月底前上线", "2026年9月底前：MES一期上线。")
    assert keeps_ordinal("MES一期2026年9月底前上线", "2026年9月底前MES上线。")  # names no phase: the words decide
    assert not keeps_ordinal("the second batch covers 34 cities", "The third batch covers about 34 cities.")
