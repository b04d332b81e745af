"""The kind of fact a question asks for, and whether evidence holds it."""

import pytest

from app.answer.fact_kinds import amount_for_enterprise, answered_kinds, asked_kinds, asks_per_enterprise


@pytest.mark.parametrize("question, kinds", [
    ("我们厂能拿到多少补贴？", ["amount"]),
    ("每家企业补贴标准是多少？", ["amount"]),
    ("How much money does each company get from the city pilot?", ["amount"]),
    ("搞数字化多久能回本？", ["payback"]),
    ("What is the typical ROI of an MES?", ["payback"]),
    ("试点城市申报截止时间是什么时候？", ["deadline"]),
    ("When is the deadline to apply?", ["deadline"]),
    ("《实施指南》是什么时候发布的？", ["date"]),
    ("第三批有多少个城市？", ["count"]),
    ("这个通知的文号是什么？", ["doc_number"]),
    ("Which ministries issued the Guidelines?", ["issuer"]),
    ("数字化转型从哪里入手？", []),
])
def test_asked_kinds(question, kinds):
    assert asked_kinds(question) == kinds


def test_a_city_total_does_not_answer_a_per_enterprise_amount():
    evidence = ["中央财政对每个试点城市最高奖补1.5亿元。"]
    assert answered_kinds("每家企业能拿多少补贴？", evidence) == {"amount": False}
    assert answered_kinds("试点城市最高能拿多少资金？", evidence) == {"amount": True}


def test_an_issue_date_does_not_answer_a_deadline():
    evidence = ["工业和信息化部于2024年9月印发通知。"]
    assert answered_kinds("申报截止时间是哪天？", evidence) == {"deadline": False}
    assert answered_kinds("通知是什么时候印发的？", evidence) == {"date": True}


def test_counts_and_issuers():
    assert answered_kinds("第二批有多少个城市？", ["第二批共36个城市入选。"]) == {"count": True}
    assert answered_kinds("Who issued it?", ["It was issued by MIIT and the Ministry of Finance."]) == {"issuer": True}


def test_a_count_may_be_in_ten_thousands_and_percentage_points_are_no_count():
    from app.answer.fact_kinds import states_kind
    assert states_kind("截至2022年底，我国中小企业数量超过4000万家。", "count")
    assert states_kind("已有1.2万家企业上云。", "count")
    assert not states_kind("东部地区将占约55%的份额，较目前下降约5个百分点。", "count")


def test_everyday_ways_of_asking_for_a_price_or_payback():
    assert asked_kinds("Roughly what does an MES licence cost for a 50-person plant?") == ["amount"]
    assert asked_kinds("If we put predictive maintenance on 12 CNC machines, how long until it pays for itself?") == ["payback"]
    assert asked_kinds("How can we lower the cost of production?") == []


def test_an_amount_per_enterprise_however_the_enterprise_is_described():
    assert asks_per_enterprise("How much cash does each 'little lighthouse' enterprise get from the central funds?")
    assert asks_per_enterprise("每家小灯塔企业能拿多少钱？")
    assert not amount_for_enterprise("城市总额上限（1.5亿元、1亿元）不能换算成每家企业的金额。")


def test_a_fact_of_the_kind_about_another_subject_does_not_answer():
    question = "Roughly what does an MES licence cost for a 50-person plant?"
    assert answered_kinds(question, ["Pilot cities get up to 150 million yuan."]) == {"amount": False}
    assert answered_kinds(question, ["An MES licence costs about 20,000 yuan a year."]) == {"amount": True}
    assert answered_kinds("How many WEF lighthouse factories does China have?",
                          ["China has 74 of the 172 lighthouses."]) == {"count": True}


def test_the_best_evidence_saying_the_sources_do_not_give_it_is_the_answer():
    question = "Can you list every typical scenario name in the Guidelines' annex, with the number of scenarios per stage?"
    evidence = ["The 2025 draft list of intelligent-manufacturing typical scenarios has 40 scenarios.",
                "What the reports do not give: the layers of the architecture; the number of scenarios; their names."]
    assert answered_kinds(question, evidence) == {"count": False}
    assert answered_kinds("案例投资了多少钱？", ["报道没有的信息：投资金额、回收期、部署时间。"]) == {"amount": False}
    # a denial of another kind of fact leaves the one asked for answered
    assert answered_kinds("How many scenarios does the 2025 draft list have?",
                          evidence[:1] + ["The reports give no investment amount."]) == {"count": True}


def test_a_document_number_must_stand_beside_the_document_the_question_names():
    other = "根据2022年11月9日的通知（工信厅企业〔2022〕32号），《中小企业数字化水平评测指标》把企业分为四级。"
    assert answered_kinds("《中小企业数字化转型指南》的文号是什么？", [other]) == {"doc_number": False}
    assert answered_kinds("《中小企业数字化水平评测指标》的文号是什么？", [other]) == {"doc_number": True}
    assert answered_kinds("What's the 文号 of the SME Digital Transformation Guide (中小企业数字化转型指南)?",
                          ["The Guide (《中小企业数字化转型指南》, 工信厅企业〔2099〕1号) was issued in 2022."]) == {"doc_number": True}


def test_how_near_a_document_number_must_stand_is_the_policy_s():
    from app.answer.fact_kinds import FactKindPolicy, names_document_number
    sentence = "《中小企业数字化转型指南》由工业和信息化部办公厅印发，文号为工信厅企业〔2022〕33号。"
    assert names_document_number(sentence, ["中小企业数字化转型指南"])
    assert not names_document_number(sentence, ["中小企业数字化转型指南"], FactKindPolicy(number_near_title=5))
