from app.citations import cited_numbers, support, verify_citations

SOURCES = ["中小企业应坚持小快轻准原则，先从业务系统上云做起。",
           "指南提出制定转型规划、组织落地实施、开展成效评估、推进迭代优化四个方面的路径。",
           "The city pilot gives up to 150 million yuan to provincial capitals."]


def test_correct_markers_are_kept():
    text = "指南提出四个方面路径：制定转型规划、组织落地实施[2]。中小企业要小快轻准[1]。"
    fixed, checks = verify_citations(text, SOURCES)
    assert fixed == text and all(c.status == "ok" for c in checks)


def test_marker_to_a_missing_source_is_removed():
    fixed, checks = verify_citations("Pilot cities get up to 150 million yuan [3][7].", SOURCES)
    assert fixed == "Pilot cities get up to 150 million yuan [3]."
    assert [c.status for c in checks] == ["ok", "removed"]


def test_marker_to_the_wrong_neighbour_is_moved():
    fixed, checks = verify_citations("指南提出制定转型规划、组织落地实施、开展成效评估、推进迭代优化[1]。", SOURCES)
    assert fixed.endswith("[2]。")
    assert checks[0].status == "moved" and checks[0].fixed_n == 2


def test_cross_language_sentence_is_left_alone():
    fixed, checks = verify_citations("The Guide asks SMEs to be small, fast, light and precise [1].", SOURCES[:2])
    assert fixed.endswith("[1].") and checks[0].status == "ok"


def test_cited_numbers_in_order_and_list_forms():
    assert cited_numbers("a [2] b [1, 3] c 【2】") == [2, 1, 3]
    assert support("小快轻准[1]", SOURCES[0]) == 1.0
