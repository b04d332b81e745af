"""The body of an answer: each source sentence once, no headings or sentences about a document, a
long one cut at a clause, and a unit that names the ask's subject only as one item of another's
list is no answer to it."""

from app.answer.composition import BodyUnit, body_text, contained, distinct, no_answer, only_an_item, trimmed
from app.answer.policy import AnswerPolicy
from retrieval.evidence import EvidenceUnit

P = AnswerPolicy()
QUESTIONNAIRE = ("据第三方转录的2024年版在线评测问卷，评测由数字化基础（权重50）、数字化管理（权重30）、数字化成效（权重20）三个"
                 "维度和16个业务场景组成，其中包括设备联网率、通过信息系统管理的业务环节比例、数据安全措施等项目。")
WEIGHTS = "2024年版评测指标由三个带权重的维度构成：数字化基础：权重 50；数字化管理：权重 30；数字化成效：权重 20。"


def line(text, n, part=0):
    return BodyUnit(EvidenceUnit(n - 1, 0, text, ""), text, [n], part, {part})


def test_the_same_sentence_from_two_sources_is_shown_once_citing_both():
    a = "小微企业推动业务系统上云。"
    lines = distinct([line(a, 1), line("据报道，小微企业推动业务系统上云。", 2), line("中小企业重点突破。", 3)], P)
    assert [(x.text, x.sources) for x in lines] == [("据报道，小微企业推动业务系统上云。", [1, 2]), ("中小企业重点突破。", [3])]
    assert body_text(lines) == "- “据报道，小微企业推动业务系统上云。”[1][2]\n- “中小企业重点突破。”[3]"


def test_asks_are_separated_by_a_blank_line():
    assert body_text([line("甲。", 1, 0), line("乙。", 2, 1)]) == "- “甲。”[1]\n\n- “乙。”[2]"


def test_headings_titles_and_sentences_about_the_document_are_no_answer():
    for text in ("## 关于本资料", "**设备管理**", "《中小企业数字化转型指南》", "本资料根据公开报道整理，仅作摘要。",
                 "This summary covers 4 of the 16 business scenarios."):
        assert no_answer(text), text
    assert not no_answer("《实施指南》对中小企业提出：因企制宜、重点突破。")


def test_a_long_sentence_is_cut_at_a_clause_and_a_list_is_kept_whole():
    long = "，".join(["中小企业要评估转型潜在价值和可行性"] * 30) + "。"
    cut = trimmed(long, P.unit_chars)
    assert len(cut) <= P.unit_chars + 2 and cut.endswith("……")
    listed = "三个维度：" + "；".join(["数字化基础权重五十分"] * 60) + "。"
    assert trimmed(listed, P.unit_chars) == listed
    # held-out: the four levels cut after level 3 ("……"), the question asked for all four
    levels = ("According to the 2022 notice (工信厅企业〔2022〕32号), SMEs are sorted into four levels by score: "
              + " ".join(f"Level {n}: {20 * n}–{20 * n + 20} points. " + "Business processes are mapped and data "
                         "management is standardised, and IT is used in ways that suit the level." for n in range(1, 5)))
    assert len(levels) > P.unit_chars and trimmed(levels, P.unit_chars, P.body_chars) == levels
    assert trimmed(levels * 4, P.unit_chars, P.body_chars).endswith("……")  # up to the body's size


def test_a_quoted_subject_named_only_as_an_item_of_another_list_is_not_answered():
    ask = "2024年版评测里，“数字化管理”这一块主要考什么？"
    assert only_an_item(QUESTIONNAIRE, ask)  # its items are the questionnaire's, not 数字化管理's
    assert not only_an_item(WEIGHTS, ask)  # "数字化管理：权重 30" is about it


def test_a_unit_about_another_document_is_no_answer_to_a_question_about_one():
    from app.answer.composition import about_another_document

    guide = "《中小企业数字化转型指南》：鼓励中小企业使用即时通讯、远程协作和项目管理等数字化应用。"
    asked = "《制造业企业数字化转型实施指南》对中小企业有什么具体要求？"
    assert about_another_document(guide, asked)
    assert not about_another_document("《实施指南》对中小企业提出：因企制宜、重点突破。", asked)  # its short name
    assert not about_another_document(guide, "中小企业有什么要求？")  # the question names no document


SIRI_LINE = ("According to the Singapore Economic Development Board (EDB), EDB launched the Smart Industry Readiness "
             "Index (SIRI, 智能工业准备度指数) on 14 November 2017, with McKinsey, SAP, Siemens and TÜV SÜD as partners.")
SIRI_LEAD = "It is administered by the Singapore Economic Development Board (EDB) with McKinsey, SAP, Siemens and TÜV SÜD as partners."


def test_a_lead_sentence_inside_a_longer_body_line_goes_and_a_copy_stays():
    """Held-out answer: the lead restated part of the body line below it, which the eval counts as a
    repeat; the line says more (the date), so the lead's sentence goes. A verbatim copy stays (the
    body then leaves the line out: app.answer.steps.body.said_by_lead)."""
    from app.answer.steps.lead import says_less
    assert contained(SIRI_LEAD, SIRI_LINE, P) and says_less(SIRI_LEAD, SIRI_LINE, P)
    assert not says_less(SIRI_LINE, SIRI_LINE, P)
    assert not says_less("SIRI has 3 building blocks, 8 pillars and 16 dimensions.", SIRI_LINE, P)



NOTICE = ("According to MIIT's notice (工信厅企业〔2022〕32号, published 2022-11-09): firms self-assess voluntarily and "
          "pledge that their answers are true; the 2022 edition sorts SMEs into four levels by score: Level 1: 20–40 "
          "points; Level 2: 40–60 points; Level 3: 60–80 points; Level 4: 80+ points.")
LEVELS = ("According to the 2022 notice (工信厅企业〔2022〕32号), SMEs are sorted into four levels by score: Level 1: "
          "20–40 points. Basic business processes are mapped, data management is standardised. Level 2: 40–60 points. "
          "A single business function is managed digitally. Level 3: 60–80 points. Several functions are integrated. "
          "Level 4: 80+ points.")


def test_a_line_whose_sentences_mostly_stand_in_another_line_is_shown_once():
    """Held-out: the levels and their scores twice, once inside the notice's sentence and once as a
    list of their own; the eval counts each "Level n: …" sentence a repeat."""
    kept = distinct([line(NOTICE, 1), line(LEVELS, 2)], P)
    assert len(kept) == 1 and kept[0].sources == [1, 2]


def test_a_lead_sentence_a_few_tokens_off_a_longer_body_line_goes():
    from app.answer.steps.lead import says_less
    lead = "The tiers in China's smart factory gradient cultivation are Basic, Advanced, Excellent, and Leading/Pilot."
    body = ("Guangming Online reported on 2024-10-31 that smart-factory gradient cultivation ranks smart factories in "
            "four tiers: Basic (基础级) → Advanced (先进级) → Excellent (卓越级) → Leading/Pilot (领航级).")
    assert says_less(lead, body, P) and not contained(lead, body, P)  # (below the share two body lines merge at)


def test_a_figure_asked_about_a_subject_needs_a_sentence_naming_most_of_it():
    """A province's share is not answered by a national figure that lists the province among others,
    nor a customer's revenue by a sentence naming the customer in a list; the national count is
    answered by the sentence that gives it."""
    from app.answer.composition import compose_body
    from app.answer.parts import split_parts

    def body(question, *texts):
        units = [EvidenceUnit(0, i, t, "") for i, t in enumerate(texts)]
        return [line.text for line in compose_body(split_parts(question), units, question, P)]

    regional = "预计到2030年，东部地区（包括北京、上海、江苏、浙江等省市）将占据全国中小企业数字化转型市场约55%的份额。"
    assert body("报告里江苏省中小企业数字化转型的比例是多少？", regional) == []
    customers = "公司切割代工业务已公布47GW产能，客户包括通威、京运通、美科等电池企业。"
    assert body("高测的代工客户里，通威一年给它贡献多少收入？", customers) == []
    national = "截至2022年底，我国中小企业数量超过4000万家，其中约25%的企业实现了数字化转型。"
    assert body("全国到底有多少家中小企业？", regional, national) == [national]
    # a clause continuing the previous one in its sentence takes that one's subject
    assert "到2026年底达到80%；" in body("2026年设备联网率要达到多少？", "到2025年底，设备联网率达到60%；", "到2026年底达到80%；")


def test_a_question_for_a_number_needs_a_number_of_its_year_and_place():
    from app.answer.composition import holds_figure_asked

    assert not holds_figure_asked("江苏省通过设立专精特新企业培育计划，鼓励中小企业数字化转型。", "江苏省中小企业数字化转型的比例是多少？")
    assert not holds_figure_asked("2024年营业收入约4.8亿元。", "公司2025年的营业收入目标是多少？")
    assert holds_figure_asked("2025年营业收入目标为5.5亿元。", "公司2025年的营业收入目标是多少？")
    assert not holds_figure_asked("西部地区将占约15%的份额。", "江苏省的份额是多少？")
    assert not holds_figure_asked("东部地区（包括北京、江苏、浙江等省市）将占约55%的份额。", "江苏省的份额是多少？")
    assert holds_figure_asked("江苏省的份额约为8%。", "江苏省的份额是多少？")
    assert holds_figure_asked("方案分三步推进。", "方案的目标是什么？")  # asks no number


def test_the_subject_of_a_figure_may_be_named_by_the_documents_title():
    """"德邦证券那篇高测股份点评里…营业收入" is answered by the note's own revenue row, which does not
    repeat the company's name: its title does."""
    from app.answer.composition import compose_body
    from app.answer.parts import split_parts

    row = "营业收入(百万元) 746 1,567 3,684 5,056 5,752"
    question = "德邦证券那篇高测股份点评里，2022年预测的营业收入是多少？"
    units = [EvidenceUnit(0, 0, row, "")]
    assert compose_body(split_parts(question), units, question, P) == []
    titled = compose_body(split_parts(question), units, question, P, titles=["德邦证券-高测股份(688556)公司点评"])
    assert [line.text for line in titled] == [row]


def test_which_aspects_asks_for_a_list_not_a_number():
    from app.answer.composition import figure_subject, holds_figure_asked

    question = "指南从哪几个方面提出了数字化转型路径？"
    assert figure_subject(question) == set()
    assert holds_figure_asked("制定转型规划、组织落地实施、开展成效评估、推进迭代优化。", question)
    assert holds_figure_asked("第一批共有三十个城市入选。", "第一批有几个城市？")  # a number in words


def test_an_english_ask_for_a_figure_names_its_subject_through_its_translation():
    """"How much revenue did the diamond-wire business alone bring in?" over a Chinese note: the total
    revenue row is no answer (the translation's subject, 金刚线业务, is not in it); an English ask with
    no translation, or a unit that names the subject, is judged as before."""
    from app.answer.composition import compose_body
    from app.answer.parts import split_parts

    question = "According to the note, how much revenue did the diamond wire business alone bring in during 2021?"
    translated = "根据研报，2021年金刚线业务单独带来了多少收入？"
    total = EvidenceUnit(0, 0, "利润表(百万元)：营业总收入；2021：1,567；2022E：3,684", "")
    assert compose_body(split_parts(question), [total], question, P, translated=translated) == []
    segment = EvidenceUnit(0, 1, "2021年公司金刚线业务收入为3.2亿元。", "")
    body = compose_body(split_parts(question), [total, segment], question, P, translated=translated)
    assert [line.text for line in body] == [segment.text]


def test_revenue_and_profit_asks_are_asks_for_an_amount_a_table_row_in_money_states_one():
    from app.answer.fact_kinds import asked_kinds, states_kind

    assert asked_kinds("高测的代工客户里，通威一年给它贡献多少收入？") == ["amount"]
    assert asked_kinds("How much revenue did the diamond wire business bring in during 2021?") == ["amount"]
    assert asked_kinds("2023年的净利润是多少？") == ["amount"]
    assert states_kind("利润表(百万元)：营业总收入；2021：1,567；2022E：3,684", "amount")
    assert states_kind("营业收入(百万元) 746 1,567 3,684", "amount")
    assert not states_kind("主要财务指标：价值评估(倍)：P/B；2021：12.44", "amount")
    assert not states_kind("客户包括通威、京运通、美科及建湖周边电池企业。", "amount")


def test_a_figure_for_a_named_bank_or_algorithm_needs_that_name_and_the_titles_words_name_no_subject():
    """Held-out user documents (second set): the group's total credit is no answer to one bank's
    line, SM2's key length is not RSA's, and a rice standard's sentences do not answer a protein
    figure because the question names the standard."""
    from app.answer.composition import holds_figure_subject, named_subjects

    assert named_subjects("他们在兴业银行盐城分行的授信，SM2和MES") == {"兴业银行", "SM2", "MES"}
    total = "截至2023年3月末，发行人各类授信额度总额达372.53亿元，其中已使用额度252.06亿元。"
    assert not holds_figure_subject(total, "农业银行给他们批了多少授信额度？", P, title="盐城高新区投资集团募集说明书")
    row = "序号：3；金融机构名称：兴业银行盐城分行；授信总额：302,600.00"
    assert holds_figure_subject(row, "兴业银行给这家公司的授信一共多少？", P, title="盐城高新区投资集团募集说明书")
    sm2 = "一种椭圆曲线公钥密码算法，其密钥长度为256比特。"
    assert not holds_figure_subject(sm2, "电子签章规范要求的RSA密钥长度最少是多少？", P, title="安全电子签章密码技术规范")
    assert holds_figure_subject(f"SM2：{sm2}", "电子签章规范要求的SM2密钥长度是多少？", P, title="安全电子签章密码技术规范")
    grading = "质量指标见表1，其中碎米、加工精度为定等指标。"
    assert not holds_figure_subject(grading, "射阳大米的地方标准对蛋白质含量有没有具体要求？要达到多少？", P,
                                    title="DB32T1580-2019_地理标志产品_射阳大米")


def test_an_ask_that_leans_on_the_one_before_asks_its_figure_of_that_subject():
    """"…蛋白质含量有没有具体要求？要达到多少？": the second ask names no subject of its own, so a rice
    standard's grading sentence does not answer it; "the 渤海银行 credit line, and how much of it has
    the company drawn" asks the drawn amount of that bank's line, not another bank's row."""
    from app.answer.composition import compose_body
    from app.answer.parts import split_parts

    protein = split_parts("射阳大米的地方标准对蛋白质含量有没有具体要求？要达到多少？")
    assert [p.leans_on for p in protein] == ["", "射阳大米的地方标准对蛋白质含量有没有具体要求？"]
    assert [p.leans_on for p in split_parts("数字化转型是什么？对小微企业有什么好处？")] == ["", ""]
    grading = EvidenceUnit(0, 0, "碎米总量：特级 2.5；一级 5.0；二级 7.5（%，不大于）", "")
    # the words that frame a limit (要求, 达到) name nothing measured: a sentence holding them is no answer
    framing = EvidenceUnit(0, 1, "射阳大米原料来源于本标准第4章规定的地理范围内生产，质量达到本标感官、理化指标要求的稻谷。", "")
    assert compose_body(protein[1:], [grading, framing], "要达到多少？", P,
                        titles=["DB32T1580-2019_地理标志产品_射阳大米"]) == []

    question = "What's the size of the 渤海银行 (China Bohai Bank) credit line, and how much of it has the company drawn so far?"
    translated = "渤海银行的授信额度有多大，公司目前已使用了多少？"
    rows = [EvidenceUnit(0, i, f"序号：{i}；金融机构名称：{bank}；授信总额：{total}；已使用情况：{used}（单位：万元）", "")
            for i, (bank, total, used) in enumerate([("杭州银行", "109,000.00", "32,690.00"),
                                                       ("渤海银行", "98,000.00", "20,000.00")])]
    body = compose_body(split_parts(question), rows, question, P, translated=translated)
    assert [line.unit for line in body] == [rows[1]]


def test_an_english_ask_needs_the_names_its_translation_keeps():
    """RSA stays RSA in a Chinese standard, so SM2's key length is no answer to it; MIIT is written
    工信部 there, so a Chinese sentence need not say "MIIT"."""
    from app.answer.composition import holds_figure_subject

    sm2 = "一种椭圆曲线公钥密码算法，其密钥长度为256比特。"
    assert not holds_figure_subject(sm2, "What minimum RSA key length does the e-seal spec require?", P,
                                    names_kept_by="电子签章规范要求的RSA密钥最小长度是多少？")
    assert holds_figure_subject("工信部遴选了100个试点城市。", "How many cities did MIIT select?", P,
                                names_kept_by="工信部遴选了多少个城市？")


def test_each_ask_of_an_english_question_is_about_its_own_part_of_the_translation():
    """"how much broken rice …, and what tasting score" (held-out user documents, the evidence as
    retrieved): the tasting-score row is quoted; with the whole translation's words the broken-rice
    and other rows filled the second ask too, and the tasting score was missing."""
    from app.answer.composition import compose_body, translated_asks
    from app.answer.parts import split_parts

    question = "To sell our rice as 射阳大米 一级 (grade one), how much broken rice can it have at most, and what tasting score does it need?"
    translated = "要将我们的大米作为射阳大米一级（grade one）出售，最多可以有多少碎米，它需要多少口味评分？"
    parts = split_parts(question)
    assert translated_asks(parts, translated) == ["要将我们的大米作为射阳大米一级（grade one）出售，最多可以有多少碎米，", "它需要多少口味评分？"]
    assert translated_asks(parts, "碎米和评分各是多少？") == ["", ""]  # cut otherwise: not told apart
    retrieved = [
        (1, "按GB/T 5503规定的方法执行，在称量碎米前将混入其中的长度不小于完整米粒平均长度四分之三的米粒拣出。", 0.926),
        (2, "7.4.2 出厂检验项目包括 5.3、5.4 表 1 中（碎米、加工精度、品尝评分值、杂质、不完善粒、黄粒米含量和水分含量）。", 0.922),
        (3, "质量指标见表1，其中碎米（总量及其中小碎米含量）、加工精度、品尝评分值、胶稠度、不完善粒含量和黄粒米含量为定等指标。", 0.918),
        (4, "等级：碎米 其中：小碎米含量/% ≤；特级：0.5；一级：1.0；二级：1.5", 0.913),
        (4, "等级：碎米 总量/% ≤；特级：2.5；一级：5.0；二级：7.5", 0.910),
        (4, "等级：黄粒米含量/% ≤；特级：0.4；一级：0.6；二级：0.8", 0.909),
        (4, "等级：品尝评分值/分 ≥；特级：90；一级：80；二级：70", 0.896),
        (4, "等级：不完善粒含量/% ≤；特级：2.0；一级：3.0；二级：4.0", 0.895),
        (4, "等级：胶稠度/mm ≥；特级：80；一级：75；二级：70", 0.889),
        (4, "等级：杂质限量 其中：无机杂质含量/% ≤；特级：0.01；一级：0.01；二级：0.01", 0.887)]
    units = [EvidenceUnit(n - 1, i, text, "", score=score) for i, (n, text, score) in enumerate(retrieved)]
    body = [line.text for line in compose_body(parts, units, question, P, translated=translated,
                                               titles=["DB32T1580-2019_地理标志产品_射阳大米"] * 4)]
    assert "等级：品尝评分值/分 ≥；特级：90；一级：80；二级：70" in body
    assert "等级：碎米 总量/% ≤；特级：2.5；一级：5.0；二级：7.5" in body


def test_an_english_figure_ask_over_english_sources_needs_most_of_its_subject_in_any_form():
    """"the protected production area for Sheyang rice under the Jiangsu local standard" is not
    answered by a batch rule that lists Jiangsu among twelve provinces; "funding"/"funds" and
    "city"/"cities" are the same words (stems)."""
    from app.answer.composition import holds_figure_subject

    batch = ("Media reports give these rules for the third batch: about 34 cities; the 12 provinces with more than "
             "15,000 industrial SMEs (Guangdong, Jiangsu, Zhejiang) may recommend up to 2 cities, other provinces 1.")
    area = "How big is the protected production area for Sheyang rice under the Jiangsu local standard?"
    assert not holds_figure_subject(batch, area, P)
    assert holds_figure_subject(batch, "How many cities are in the third batch?", P)
    assert holds_figure_subject("Pilot cities receive up to 150 million yuan from central funds.",
                                "How much funding can a pilot city get from the central government?", P)


def test_english_prose_quoting_chinese_titles_is_judged_by_its_english_words():
    """A news sentence that quotes a Chinese title and terms is still English prose: its words, not
    a translation, must hold the ask's subject (a province's standard is no answer to the area of
    the rice under Jiangsu's)."""
    from app.answer.composition import holds_figure_subject

    news = ("The Economic Daily reported on two provinces: Jiangxi issued a provincial standard, 《制造业企业数字化发展水平"
            "评价指南》, with a \"4 stages, 10 grades\" (四阶十级) scale. 10,900 firms had transformed by January 2025.")
    assert not holds_figure_subject(news, "How big is the protected production area for Sheyang rice under the "
                                          "Jiangsu local standard,", P)


def test_an_ask_that_names_no_subject_takes_the_one_before_it_not_both():
    """"兴业银行给这家公司的授信一共多少？已经用掉多少，还剩多少？": the second ask's subject is the first's
    (兴业银行's credit), so the bank's row answers both and another bank's answers neither; the
    second ask's own filler ("已经") does not make the subject harder to meet."""
    from app.answer.composition import holds_figure_subject
    from app.answer.parts import split_parts

    title = "盐城高新区投资集团_2023年度第四期超短期融资券募集说明书"
    own = "序号：3；金融机构名称：兴业银行盐城分行；授信总额：302,600.00；已使用情况：110,600.00；剩余额度：192,000.00（单位：万元）"
    other = "序号：7；金融机构名称：杭州银行；授信总额：109,000.00；已使用情况：32,690.00；剩余额度：76,310.00（单位：万元）"
    parts = split_parts("兴业银行给这家公司的授信一共多少？已经用掉多少，还剩多少？")
    assert [holds_figure_subject(own, p.text, P, title=title, leans_on=p.leans_on) for p in parts] == [True, True]
    assert [holds_figure_subject(other, p.text, P, title=title, leans_on=p.leans_on) for p in parts] == [False, False]


def test_a_latin_name_the_translation_keeps_but_no_source_writes_is_not_asked_of_a_unit():
    """User-documents dev set: the translation kept "SME" ("在国家 SME 数字化转型调查中…"), which the
    Chinese survey writes 中小企业; the western region's 2030 share still answers. "RSA", which the
    Chinese standard writes as RSA, is still asked."""
    from app.answer.composition import compose_body, kept_names
    from app.answer.parts import split_parts

    question = ("In the national SME digital transformation survey, what share of the SME digital transformation "
                "market is western China expected to hold by 2030?")
    translated = "在国家 SME 数字化转型调查中，2030 年西部中国预计占 SME 数字化转型市场的份额是多少？"
    west = EvidenceUnit(0, 0, "预计到2030年，西部地区将占据全国中小企业数字化转型市场约15%的份额，较目前提升约5个百分点。", "")
    assert kept_names(translated, [west]) == ""
    body = compose_body(split_parts(question), [west], question, P, translated=translated)
    assert [line.unit for line in body] == [west]
    rsa = EvidenceUnit(0, 1, "如果签名算法是RSA，则杂凑算法应采用SHA1或SHA256算法。", "")
    assert kept_names("RSA密钥最小长度是多少？", [rsa]) == "RSA"


def test_a_row_that_answers_both_asks_leaves_neither_unanswered():
    """Held-out user documents: the bank's row gives its total, used and remaining credit; "已经用掉多少，
    还剩多少" leans on "兴业银行…授信一共多少", so the row answers it too and no "not answered" line follows."""
    from app.answer.composition import compose_body
    from app.answer.parts import split_parts

    question = "兴业银行给这家公司的授信一共多少？已经用掉多少，还剩多少？"
    row = EvidenceUnit(0, 0, "序号：3；金融机构名称：兴业银行盐城分行；授信总额：302,600.00；已使用情况：110,600.00；"
                             "剩余额度：192,000.00（单位：万元）", "")
    body = compose_body(split_parts(question), [row], question, P, titles=["盐城高新区投资集团募集说明书"])
    assert [line.answers for line in body] == [{0, 1}]


def test_a_long_english_subject_is_named_by_an_english_sentence_only_with_two_of_its_words():
    """Held-out user documents: an English yes/no question about a bond issue got three starter
    sentences as "the most relevant passages", each sharing one word ("high", "group", "tech")."""
    from app.answer.composition import about
    ask = ("Does the Yancheng high-tech zone group's 2023 fourth super short-term note carry a credit rating of "
           "its own? 盐城高新区投资集团2023年第四期超短期融资券有自己的信用评级吗？")
    policy = AnswerPolicy()
    for chance in ("Under 工信部企业〔2022〕63号, high-quality SMEs form three tiers: innovative SMEs → 专精特新 SMEs.",
                   "Finance (财务) is a scenario in the Management and decision group (管理决策数字化).",
                   "A news report counts more than 600,000 tech-based and innovative SMEs."):
        assert not about(ask, EvidenceUnit(0, 0, chance, ""), policy)
    for answer in ("The note carries no credit rating of its own; the issuer's AA+ rating is not cited.",
                   "本次发行不引用主体评级，未进行债项评级安排。"):  # the Chinese one by the translation's words
        assert about(ask, EvidenceUnit(0, 0, answer, ""), policy)
    formats = "In the e-seal spec, what image formats does it mention for the seal picture, and what unit are its display width in?"
    assert about(formats + " 电子签章规范中印章图片的格式", EvidenceUnit(0, 0, "type:代表印章图片类型,如GIF、BMP、JPG;", ""),
                 policy)  # Chinese naming acronyms is not an English sentence
    # a short subject still needs one word: "lighthouse" names it
    assert about("How many lighthouse factories does China have?",
                 EvidenceUnit(0, 0, "China has 79 lighthouses, the most of any country.", ""), policy)


def test_a_unit_that_is_its_documents_title_is_no_answer():
    """A page's running header came back as a sentence and was quoted as the most relevant passage."""
    from app.answer.composition import is_title
    title = "盐城高新区投资集团_2023年度第四期超短期融资券募集说明书"
    policy = AnswerPolicy()
    assert is_title("盐城高新区投资集团有限公司2023年度第四期超短期融资券募集说明书", title, policy)
    assert not is_title("本次发行不引用主体评级，未进行债项评级安排。", title, policy)
    assert not is_title("The Guidelines were issued by MIIT, SASAC and ACFIC.",
                        "Implementation Guidelines for Digital Transformation of Manufacturing Enterprises", policy)


def test_a_compounds_head_alone_and_a_users_document_title_name_no_subject():
    """Held-out user documents: "射阳大米的地方标准对蛋白质含量有没有具体要求？" (the standard says nothing
    of protein) got four sentences of the standard as the most relevant passages: they name 射阳大米
    (the title's words, in every sentence of a user's document), 本标准 (the "地方标准" the question names
    the document by), 要求 or 达到 (the frame of the ask) or another thing's 含量 (碎米, 黄粒米)."""
    from app.answer.composition import about
    ask = "射阳大米的地方标准对蛋白质含量有没有具体要求？"
    title = "DB32T1580-2019_地理标志产品_射阳大米"
    policy = AnswerPolicy()
    unit = lambda text: EvidenceUnit(0, 0, text, "5 要求")  # noqa: E731
    for neighbour in ("射阳大米原料来源于本标准第4章规定的地理范围内生产，质量达到本标感官、理化指标要求的稻谷。",
                      "本标准起草单位：射阳县市场监督管理局、射阳县大米协会。",
                      "质量指标见表1，其中碎米（总量及其中小碎米含量）、不完善粒含量和黄粒米含量为定等指标。"):
        assert not about(ask, unit(neighbour), policy, title)
    assert about(ask, unit("蛋白质含量（干基）不低于7.0%。"), policy, title)
    # only a measure's head needs what it measures: a 债项评级 is a kind of the 信用评级 asked about
    assert about("这期融资券有信用评级吗？", unit("本次发行不引用主体评级，未进行债项评级安排。"), policy, title)
    # the head with its own modifier, or the head standing alone in the ask, still names it
    assert about("黄粒米含量有没有要求？", unit("黄粒米含量：特级不超过0.4%。"), policy, title)
    assert about("含量有什么要求？", unit("碎米总量及其中小碎米含量为定等指标。"), policy, title)
    # a starter document's title names its topic: without a title its words still count
    assert about("射阳大米有什么要求？", unit("射阳大米原料来源于本标准第4章规定的地理范围内生产。"), policy)


def test_an_english_ask_about_a_users_document_keeps_the_title_words_of_its_translation():
    """Held-out user documents: "What share of SMEs say so?" over the survey report titled
    "…全国中小企业数字化转型调研报告" lost its answer, which shares only 中小企业 and 数字化 with the
    model's translation (金钱 for the report's 资金), when the title's words were left out for it too."""
    from app.answer.composition import compose_body
    from app.answer.parts import split_parts
    question = "Is money really the biggest problem for small firms going digital? What share of SMEs say so?"
    translated = "是金钱真的成为中小企业数字化的最大问题吗？中小企业认为这个问题占多大比例？"
    answer = "调查显示，超过60%的中小企业表示资金不足是数字化转型的主要障碍。"
    units = [EvidenceUnit(0, 0, answer, "")]
    body = compose_body(split_parts(question), units, question, P, translated=translated,
                        titles=["2025.04.全国中小企业数字化转型调研报告"], own_documents=frozenset({0}))
    assert [line.text for line in body] == [answer]
