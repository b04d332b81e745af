from app.answer.citations import cited_numbers, support

SOURCES = ["中小企业应坚持小快轻准原则，先从业务系统上云做起。"]


def test_cited_numbers_in_order_and_list_forms():
    assert cited_numbers("a [2] b [1, 3] c 【2】") == [2, 1, 3]
    assert support("小快轻准[1]", SOURCES[0]) == 1.0
