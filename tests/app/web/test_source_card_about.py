"""A document's provenance and disclaimer (front matter ``about``) travel as metadata: on the
answer's citations and in a fold of the source card, never in the text the model quotes."""

from types import SimpleNamespace

from app.answer.state import to_citation
from app.web.ui.sources import render_sources

ABOUT = "本文是根据新闻报道整理的摘要，不是官方文本；如有出入，以<原文>为准。"


def test_the_source_card_shows_about_in_a_fold_escaped():
    context = SimpleNamespace(n=1, title="灯塔工厂", text="中国灯塔工厂总数达72家。", page=None, section="数量")
    zh = render_sources([context], [{"doc_type": "case", "about": ABOUT}], "zh")
    assert '<details class="src-about"><summary>资料说明</summary>' in zh
    assert "以&lt;原文&gt;为准" in zh and "<原文>" not in zh
    en = render_sources([context], [{"doc_type": "case", "about": "This is a summary of news reports."}], "en")
    assert "<summary>About this source</summary>This is a summary of news reports." in en
    assert "src-about" not in render_sources([context], [{"doc_type": "case"}], "zh")  # no fold without it


def test_citations_carry_about():
    source = SimpleNamespace(doc_id="d1", text="中国灯塔工厂总数达72家。", metadata={"title": "灯塔工厂", "about": ABOUT})
    assert to_citation(1, source).about == ABOUT
    assert to_citation(1, SimpleNamespace(doc_id="d2", text="…", metadata={})).about == ""
