"""Every sentence checked against the source it cites: figures in context, subjects, support."""

from app.answer.verification import clean_links, content_support, figure_problems, verify_sentence

SOURCES = ["城市试点：中央财政对省会城市等试点城市最高奖补1.5亿元，其他城市最高1亿元。财建〔2023〕117号。",
           "指南提出制定转型规划、组织落地实施、开展成效评估、推进迭代优化四个方面的路径。",
           "专精特新申报条件：近3年营业收入平均增长率不低于5%。",
           "WEF October 2024: 74 of 172 lighthouses (43%) are in China."]


def test_a_city_total_stated_as_a_per_enterprise_amount_is_removed():
    fixed, check = verify_sentence("每家企业可获得1.5亿元补贴[1]。", SOURCES)
    assert fixed is None and check.decision == "removed" and check.figures == ["1.5亿"]


def test_the_same_amount_for_its_real_subject_stays():
    fixed, check = verify_sentence("试点城市最高可获得中央财政1.5亿元奖补[1]。", SOURCES)
    assert fixed == "试点城市最高可获得中央财政1.5亿元奖补[1]。" and check.decision == "kept"


def test_a_number_from_another_context_does_not_support_a_payback_period():
    fixed, check = verify_sentence("投资回收期一般为3年[3]。", SOURCES)
    assert fixed is None and "3年" in check.figures


def test_a_marker_on_the_wrong_neighbour_moves():
    fixed, check = verify_sentence("指南提出制定转型规划、组织落地实施、开展成效评估、推进迭代优化[1]。", SOURCES)
    assert fixed.endswith("[2]。") and check.decision == "moved" and check.final == [2]


def test_an_uncited_sentence_gets_the_source_that_holds_it():
    fixed, check = verify_sentence("China has 74 of the 172 lighthouses.", SOURCES)
    assert fixed == "China has 74 of the 172 lighthouses[4]." and check.decision == "attached"


def test_a_label_the_source_does_not_speak_of_is_removed():
    fixed, check = verify_sentence("设备管理：制定转型规划、组织落地实施[2]。", SOURCES)
    assert fixed is None and "设备管理" in check.reason


def test_headings_framing_lines_and_empty_values_are_dropped():
    for line in ("## 一、现状评估", "资料编号 2", "**要点：**", "The document number is .[1]", "四、开展成效评估[6]",
                 "**（二）实施阶段**"):
        fixed, check = verify_sentence(line, SOURCES)
        assert fixed is None and check.decision == "dropped_format", line


def test_a_leading_marker_moves_behind_the_sentence():
    fixed, check = verify_sentence("[4] China has 74 of the 172 lighthouses.", SOURCES)
    assert fixed == "China has 74 of the 172 lighthouses.[4]" and check.decision == "kept"


def test_an_invented_enumeration_is_removed():
    source = "《实施指南》提出四项目标：提升企业系统谋划能力、加强企业对标研判能力、明确企业差异化转型路径、健全企业转型保障体系。"
    fixed, check = verify_sentence("《实施指南》的四项目标：提升创新能力、提升产品质量、提升生产效率、提升市场竞争力[1]。", [source])
    assert fixed is None and "list items" in check.reason


def test_unsupported_sentences_without_citation_are_removed():
    fixed, check = verify_sentence("建议引进国外先进的区块链系统。", SOURCES)
    assert fixed is None and check.reason.startswith("no citation")


def test_refusals_are_recognised_not_verified():
    fixed, check = verify_sentence("资料中没有提供这方面的信息。", SOURCES)
    assert check.decision == "refusal" and fixed


def test_figures_the_user_gave_are_known():
    assert figure_problems("你们厂有150人[1]。", [SOURCES[0]], known="我们厂有150人") == []
    assert figure_problems("你们厂有150人[1]。", [SOURCES[0]]) == ["150"]


def test_document_numbers_must_be_in_the_cited_source():
    assert figure_problems("依据财建〔2023〕117号[1]。", [SOURCES[0]]) == []
    assert figure_problems("依据工信部〔2026〕12号[1]。", [SOURCES[0]]) == ["〔2026〕12号"]


def test_links_and_images_never_render():
    assert clean_links("见![x](http://evil/x.png)[官网](https://evil.example/a)。") == "见官网。"


HEADED = ["[1] Lighthouse factories — WEF network (How many does China have? Figures differ by date)\n"
          "WEF October 2024: 74 of 172 lighthouses (43%) are in China.",
          "[2] 中小企业数字化转型城市试点 (第三批（2025年）有什么新规定？)\n第三批约34个城市，实施期为2年。"]


def test_a_copied_source_header_is_dropped_and_what_follows_it_is_checked():
    for line in ("Lighthouse factories — WEF network (How many does China have?[1]", "Figures differ by date)[1]",
                 "2. 第三批（2025年）有什么新规定？[2]"):
        fixed, check = verify_sentence(line, HEADED)
        assert fixed is None and check.decision == "dropped_format", line
    for line in ("中小企业数字化转型城市试点 (第三批（2025年）有什么新规定？) - 第三批约34个城市，实施期为2年[2]。",
                 "有什么新规定？)：第三批约34个城市，实施期为2年[2]。"):
        fixed, check = verify_sentence(line, HEADED)
        assert fixed == "第三批约34个城市，实施期为2年[2]。" and check.decision == "kept", line
    fixed, check = verify_sentence("第三批（2025年）约34个城市[2]。", HEADED)
    assert fixed == "第三批（2025年）约34个城市[2]。"  # a subject that also occurs in a header stays


def test_a_sentence_that_only_repeats_the_question_s_claim_needs_a_source_sentence_saying_it():
    question = "第三批城市试点有30个城市吧？"
    fixed, check = verify_sentence("结论：第三批城市试点确实有30个城市[2]。", HEADED, premise=question)
    assert fixed is None and "question" in check.reason
    fixed, check = verify_sentence("第三批城市试点约34个城市[2]。", HEADED, premise=question)
    assert fixed is not None  # it says something the question did not
    fixed, check = verify_sentence("第三批约34个城市[2]。", HEADED, premise="第三批约34个城市吗？")
    assert fixed is not None  # a repeated claim one source sentence states is kept


def test_a_kind_of_fact_the_sources_lack_is_not_stated():
    fixed, check = verify_sentence("上一套设备1年内就能回本[3]。", SOURCES, missing_kinds=("payback",))
    assert fixed is None and "payback" in check.reason


def test_a_range_carries_its_unit_to_both_ends():
    source = "《中小企业数字化赋能专项行动方案（2025—2027年）》提出培育一批服务商。"
    assert figure_problems("“《中小企业数字化赋能专项行动方案（2025—2027年）》提出培育一批服务商。”[1]", [source]) == []
    assert figure_problems("专项行动方案（2025—2027年）提出培育服务商", ["专项行动方案（2025年）提出培育服务商"]) == ["2025—2027年"]


def test_a_count_must_sit_beside_the_same_subject_in_its_source():
    source = "截至2025年2月，全国已培育：基础级智能工厂3万余家；先进级智能工厂1200余家；卓越级智能工厂230余家。"
    assert figure_problems("国家级智能制造示范工厂有1200余家[1]。", [source]) == ["1200余家"]
    assert figure_problems("先进级智能工厂有1200余家[1]。", [source]) == []


def test_a_document_number_must_number_the_same_document():
    source = ("MIIT's official notices for the SME Digitalisation Level Evaluation Indicators, 2022 edition "
              "(工信厅企业〔2022〕32号) and 2024 edition")
    assert figure_problems("MIIT的SME Digital Transformation Guide的文号是工信厅企业〔2022〕32号[1]。", [source]) == ["〔2022〕32号"]
    assert figure_problems("The 2022 edition of the SME Digitalisation Level Evaluation Indicators has the number "
                           "工信厅企业〔2022〕32号[1].", [source]) == []


def test_a_list_item_s_subject_may_be_named_by_the_lead_on_the_line_before():
    source = "第三批城市试点的主要规则是：\n- 约34个城市，实施期为2年；\n- 前两批已经入选的城市不得再次申报；"
    quote = "“第三批城市试点的主要规则是：约34个城市，实施期为2年；前两批已经入选的城市不得再次申报；”[1]"
    assert figure_problems(quote, [source]) == []


def test_a_sentence_may_not_state_as_given_what_its_source_says_is_not_given():
    source = ("2024年版如何把三个维度的得分和16个场景的等级合成为一至四级的总体等级，现有资料中找不到公开的官方规则。"
              "需要确切结论时，请以工业和信息化部发布的原文为准。")
    kept, check = verify_sentence("2024版评测的总分和16个场景的等级是通过三个维度的得分和16个业务场景的等级合成为一至四级的"
                                  "总体等级[1]。", [source])
    assert kept is None and check.reason == "states as given what its source says is not given"
    kept, _ = verify_sentence("资料中找不到把16个场景的等级合成为总体等级的官方规则[1]。", [source])
    assert kept is not None  # saying that it is not given is what the source says
    kept, _ = verify_sentence("需要确切结论时，请以工业和信息化部发布的原文为准[1]。", [source])
    assert kept is not None  # the other sentence of the same source stands
    chunk = ("## 2024年版评测指标的16个业务场景与一级至四级\n- **资料缺口**：2024年版《中小企业数字化水平评测指标》如何把维度得分"
             "和16个场景的等级合成为一级至四级的总体等级，现有政策文本和资料都没有给出官方规则。")
    kept, _ = verify_sentence("2024版评测的总分和16个场景的等级是通过三个维度的得分和16个业务场景的等级合成为一至四级的总体等级[1]。",
                              [chunk])
    assert kept is None


def test_the_thresholds_come_from_the_policy():
    from dataclasses import FrozenInstanceError, replace

    from app.answer.premises import PremisePolicy
    from app.answer.verification import DEFAULT_VERIFICATION_POLICY, VerificationPolicy
    kept = "试点城市最高可获得中央财政1.5亿元奖补[1]。"
    assert verify_sentence(kept, SOURCES, policy=DEFAULT_VERIFICATION_POLICY)[0] == kept
    strict = replace(DEFAULT_VERIFICATION_POLICY, min_support=1.01, min_support_uncited=1.01)
    fixed, check = verify_sentence(kept, SOURCES, policy=strict)
    assert fixed is None and check.decision == "removed"
    # a bare count up to small_count is no figure; with a lower bound it is one the source must hold
    assert figure_problems("试点城市分为5类[1]。", [SOURCES[0]]) == []
    assert figure_problems("试点城市分为5类[1]。", [SOURCES[0]], policy=VerificationPolicy(small_count=3)) == ["5"]
    # the echo check's threshold is the premises' own policy, carried by the verification policy
    question = "第三批是30个城市吧？"
    echo = "第三批是30个城市[1]。"
    sources = ["第三批试点城市名单公布。"]
    assert verify_sentence(echo, sources, premise=question)[0] is None
    lenient = VerificationPolicy(premises=PremisePolicy(echo_share=1.01))
    assert verify_sentence(echo, sources, premise=question, policy=lenient)[1].reason != \
        "repeats the question's own claim, which no source sentence states"
    try:
        DEFAULT_VERIFICATION_POLICY.min_support = 0.0
        raise AssertionError("the policy must be frozen")
    except FrozenInstanceError:
        pass


def test_a_figure_moved_to_another_year_or_column_is_caught():
    """The survey gives 1万亿 for 2025 and 3万亿 for 2030; the plan's table gives one target per year."""
    projection = "预计到2025年，中小企业数字化转型市场规模将突破1万亿元，到2030年有望达到3万亿元。"
    assert figure_problems("2025年中小企业数字化转型市场规模将达到3万亿元[1]。", [projection])
    assert not figure_problems("到2030年市场规模有望达到3万亿元[1]。", [projection])
    assert not figure_problems("市场规模将突破1万亿元[1]。", [projection])  # no year said: nothing moved
    table = ("[1] 实施方案 — 目标\n| 指标 | 2024年基线 | 2025年目标 | 2026年目标 | 2027年目标 |\n"
             "| --- | --- | --- | --- | --- |\n| 设备联网率 | 45% | 60% | 80% | 95% |\n| 数据采集覆盖率 | 30% | 50% | 70% | 90% |")
    assert not figure_problems("2026年设备联网率目标为80%[1]。", [table])
    assert figure_problems("2025年设备联网率目标为80%[1]。", [table])
    assert not figure_problems("设备联网率2025年目标为60%，2026年为80%[1]。", [table])


def test_a_regions_figure_given_for_a_province_is_caught():
    """"西部地区（包括内蒙古、广西…）约15%" is no province's share; the region's own figure holds."""
    source = ("预计到2030年：东部地区（包括北京、天津、江苏等省市）将占据全国中小企业数字化转型市场约55%的份额。"
              "西部地区（包括内蒙古、广西、重庆等省市区）将占据全国中小企业数字化转型市场约15%的份额。")
    assert figure_problems("报告里江苏省中小企业数字化转型的比例是约15%[1]。", [source])
    assert not figure_problems("到2030年东部地区将占约55%的份额[1]。", [source])
    # held-out user documents: the province a region's brackets list is still not the figure's place
    assert figure_problems("报告里江苏省中小企业数字化转型的比例是约55%。[1]", [source])
    assert not figure_problems("江苏省的比例约为20%[1]。", ["江苏（约20%）、浙江（约18%）的比例最高。"])


def test_an_english_sentence_is_held_by_its_english_words_and_whole_chinese_spans():
    """Over a Chinese source, the model's English around a copied Chinese fragment is not held by the
    fragment's bigrams; an English sentence whose figures and names the source has whole still is."""
    source = "正如一位零售业中小企业主所说：我们只需要客户关系管理和库存管理这两个功能，不需要整套ERP系统。"
    invented = "The report mentions that retail业中小企业主 only need certain functions, which is a requirement for startups. [1]"
    assert verify_sentence(invented, [source])[0] is None
    # more Chinese characters than English words: still English prose around a reworded fragment
    survey = "初创期企业最关注的是生存问题，因此在数字化转型中最看重的是成本控制，主要需求集中在工商财税法等工具和代记账等初级管理类SaaS产品上。"
    mixed = ("The report mentions that some startup companies may need to consider the cost of using certain SaaS "
             "products, such as工商财税法和代记账等初级管理类SaaS产品. [1]")
    assert verify_sentence(mixed, [survey])[0] is None
    saas = "2020年SaaS市场规模达538亿元，同比增长48.7%。"
    assert verify_sentence("The SaaS market in 2020 was 538亿元, growing by 48.7%. [1]", [saas])[0] is not None
    # a Chinese sentence and an English one with a Chinese term are judged as before
    assert verify_sentence("零售业中小企业主只需要客户关系管理和库存管理两个功能[1]。", [source])[0] is not None
    assert content_support("SMEs use small, fast, light and precise (小快轻准) solutions.",
                           "SMEs use “small, fast, light and precise” (小快轻准) solutions.") == 1.0


def test_an_english_magnitude_is_not_the_chinese_unit_with_the_same_digits():
    funding = "资金来源：公司自筹1,560万元；其余约600万元计划申请专项补助。"
    assert figure_problems("The company hopes to get about 600 million yuan from subsidies [1].", [funding]) == ["600 million"]
    saas = "2020年SaaS市场规模达538亿元，同比增长48.7%。"
    assert figure_problems("The SaaS market was 538 billion yuan in 2020 [1].", [saas]) == ["538 billion"]
    # a Latin name beside the figure in both would have let the digits pass
    mes = "MES系统一期预算600万元。"
    assert figure_problems("The MES budget is 600 million [1].", [mes]) == ["600 million"]
    assert figure_problems("The MES budget is 600万元 [1].", [mes]) == []


def test_a_clause_that_only_the_sources_title_holds_is_not_held():
    """The lead "小微企业数字化转型可以从预算紧的小厂开始，评估…" took its first clause from a guide's
    title and its second from the text: the title names the document and states nothing. A title
    named in 《》, and the text's own words, are kept."""
    from app.answer.verification import borrows_header, verify_sentence

    source = ("[1] 小微制造企业数字化第一步：预算紧的小厂从哪里入手 (政策怎么说)\n"
              "《实施指南》对中小企业提出的策略是因企制宜、重点突破：评估转型的潜在价值和可行性，明确转型的优先级。")
    bent = "小微企业数字化转型可以从预算紧的小厂开始，评估转型的潜在价值和可行性，明确转型的优先级。[1]"
    assert borrows_header(bent, source)
    kept, check = verify_sentence(bent, [source])
    assert kept is None and "title" in check.reason
    for honest in ("对中小企业，要评估转型的潜在价值和可行性，明确转型的优先级。[1]",
                   "《小微制造企业数字化第一步：预算紧的小厂从哪里入手》提到，要评估转型的潜在价值和可行性。[1]"):
        assert verify_sentence(honest, [source])[0] is not None


def test_a_figure_from_a_table_row_takes_its_unit_and_subject_from_the_label_and_keeps_its_column():
    """"等级：碎米 总量/% ≤；特级：2.5；一级：5.0；二级：7.5" gives 一级's broken rice as 5.0%: the
    row's label names the subject and the unit, the cell's header the column. Another column's
    figure, or a unit the row does not give, is removed."""
    rice = "等级：碎米 总量/% ≤；特级：2.5；一级：5.0；二级：7.5"
    assert figure_problems("射阳大米一级的碎米总量最多为5.0%[1]。", [rice]) == []
    assert figure_problems("For 一级, total broken rice can be at most 5.0%.", [rice]) == []
    assert figure_problems("一级大米碎米总量不超过7.5%。", [rice]) == ["7.5%"]
    assert figure_problems("特级碎米总量不超过5.0%，一级碎米总量不超过2.5%。", [rice]) == ["5.0%", "2.5%"]
    assert figure_problems("一级大米碎米总量不超过5.0个。", [rice]) == ["5.0个"]
    bank = "序号：9；金融机构名称：渤海银行；授信总额：98,000.00；已使用情况：0.00；剩余额度：98,000.00（单位：万元）"
    assert figure_problems("渤海银行的授信总额为98,000.00万元。", [bank]) == []
    assert figure_problems("渤海银行的授信总额为98,000.00亿元。", [bank]) == ["98,000.00亿"]
    assert figure_problems("渤海银行已使用情况98,000.00万元。", [bank]) == ["98,000.00万"]


def test_a_place_naming_the_documents_issuer_does_not_move_the_figure():
    source = ("[1] DB32T1580-2019_地理标志产品_射阳大米 (4 保护范围)\n4.1 射阳大米地理标志产品保护范围限于国家批准的范围，"
              "面积为 1848KM2，即射阳县境内的临海、千秋等 12 个乡镇和沿海滩涂。")
    assert figure_problems("The protected area for Sheyang rice under the Jiangsu local standard is 1848 km². [1]", [source]) == []
    assert figure_problems("Jiangsu's protected production area is 1848 km². [1]", [source]) == ["1848"]


def test_a_line_that_only_points_at_its_sources_is_noise():
    """Traps run: "The sources are [1] and [2]." was kept (its one word, "sources", stood in a source)
    and read "The sources are [1][2] and ." once its markers moved."""
    from app.answer.verification import is_format_noise

    for line in ("The sources are [1] and [2].", "See [1] for details.", "以上来源为[1][2]。", "参见资料[1]。"):
        assert is_format_noise(line) == "points at its sources and says nothing"
    for line in ("The third batch covers about 34 cities [4].", "详见《实施指南》[1]。", "是的[1]。"):
        assert is_format_noise(line) == ""


MILESTONES = """里程碑
2025年4月：完成MES一期公开招标，确定实施服务商；
2025年12月底前：MES一期（机加车间）上线；
2026年9月底前：MES二期（装配车间）上线，质量追溯系统上线；"""


def test_a_figure_moved_to_another_phase_grade_or_batch_is_caught():
    """Held-out user documents: "一期计划在2026年9月底前上线" passed, the source saying that 二期
    goes live by then (its chunk names 一期 elsewhere). A figure tied to one item of a series (期, 级,
    批, Level N) in the source is not another item's."""
    from app.answer.verification import figure_problems
    assert figure_problems("一期计划在2026年9月底前上线，先上机加车间。", [MILESTONES]) == ["2026年", "9月"]
    assert figure_problems("一期计划在2025年12月底前上线，先上机加车间。", [MILESTONES]) == []
    assert figure_problems("二期计划在2026年9月底前上线。", [MILESTONES]) == []
    assert figure_problems("质量追溯系统计划在2026年9月底前上线。", [MILESTONES]) == []  # no phase named
    levels = "Level 2: 40–60 points; Level 3: 60–80 points."
    assert figure_problems("Level 3 starts at 40 points.", [levels])
    assert not figure_problems("Level 3 starts at 60 points.", [levels])


def test_series_labels_are_read_by_their_kind():
    from ingest.text import other_item, series_labels
    assert series_labels("第三批试点城市和二级企业") == {"批": {"三"}, "级": {"二"}}
    assert series_labels("Level 2 firms in phase 1") == {"level": {"2"}, "phase": {"1"}}
    assert other_item("特级米的碎米", "一级：碎米5.0") and not other_item("一级米的碎米", "一级：碎米5.0")
