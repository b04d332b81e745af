from app.answer.citations import MARKER, cited_numbers
from ingest.text import share

SOURCES = ["中小企业应坚持小快轻准原则，先从业务系统上云做起。"]


def test_cited_numbers_in_order_and_list_forms():
    assert cited_numbers("a [2] b [1, 3] c 【2】") == [2, 1, 3]


def test_a_marker_is_no_term_of_the_sentence_it_follows():
    assert share(MARKER.sub("", "小快轻准[1]"), SOURCES[0]) == 1.0
    assert share(MARKER.sub("", "the cloud [1]"), "cloud", keep_stop_words=True) == 0.5
    assert share(MARKER.sub("", "[1]"), SOURCES[0]) == 0.0
