from app.figures import drop_invented_figures

SOURCES = ["城市试点：省会城市最高奖补1.5亿元，其他城市最高1亿元。财建〔2023〕117号。",
           "WEF October 2024: 74 of 172 lighthouses (43%) are in China.", "The index has eight pillars and 16 dimensions."]


def test_invented_roi_is_dropped():
    text, dropped = drop_invented_figures("The payback period is 3-5 years [1]. Assess value first [2].", SOURCES)
    assert dropped == ["3-5 years"] and text == "Assess value first [2]."


def test_figures_from_the_sources_stay():
    answer = "省会城市最高1.5亿元[1]。74 of 172 lighthouses, 43% [2]. It has 8 pillars and 16 dimensions [3]."
    assert drop_invented_figures(answer, SOURCES) == (answer, [])


def test_invented_money_dates_and_document_numbers_are_dropped():
    text, dropped = drop_invented_figures("每家企业补贴500万元[1]。依据工信部〔2026〕12号[1]。2027年前完成[2]。", SOURCES)
    assert text == "" and set(dropped) == {"500万", "〔2026〕12号", "2027年"}


def test_list_numbering_and_small_counts_are_not_figures():
    answer = "1. 制定转型规划\n2. 组织落地实施\nThere are 4 aspects."
    assert drop_invented_figures(answer, SOURCES)[1] == []


def test_numbers_in_the_question_count_as_known():
    assert drop_invented_figures("2026年的标准资料中没有。", SOURCES, question="2026年补贴标准是多少？")[1] == []
