"""Tables printed without rules: each figure stays under its column's period, two tables printed
side by side come apart, text beside a table keeps its own line, and prose is left alone."""

import re

from langchain_core.documents import Document

from ingest.chunking import chunk_documents
from ingest.loaders import load
from ingest.text import year_of
from ingest.unruled_tables import page_with_aligned_tables
from tests.conftest import shared_path
from tests.ingest.test_tables import BROKER_NOTE_PDF, row_where, tables_in

CHAR_POINTS = 5.0  # width of one character in the fake pages below


class FakePage:
    """What ``page_with_aligned_tables`` reads of a pdfplumber page: its words with their boxes."""

    def __init__(self, lines: list[tuple[float, list[tuple[float, str]]]]):
        self.words = [{"text": text, "x0": x, "x1": x + CHAR_POINTS * len(text), "top": top, "bottom": top + 9}
                      for top, words in lines for x, text in words]

    def extract_words(self, **_):
        return list(self.words)


def row(top: float, label: str, figures: list[str], label_x: float = 40, first_x: float = 150, step: float = 50):
    return top, [(label_x, label)] + [(first_x + i * step, f) for i, f in enumerate(figures)]


def test_two_tables_side_by_side_come_apart_with_every_figure_under_its_year():
    left = ["2021", "2022E", "2023E"]
    lines = [(10, [(40, "财务报表分析和预测")]),
             (30, [(40, "主要财务指标")] + [(150 + i * 50, y) for i, y in enumerate(left)]
              + [(330, "利润表(百万元)")] + [(440 + i * 50, y) for i, y in enumerate(left)])]
    for n, (a, b) in enumerate([(("P/E", ["82.90", "30.47", "20.02"]), ("营业总收入", ["1,567", "3,684", "5,056"])),
                                (("P/B", ["12.44", "8.50", "5.76"]), ("营业成本", ["1,038", "2,394", "3,236"])),
                                (("P/S", ["8.52", "3.62", "2.64"]), ("毛利率%", ["33.7%", "35.0%", "36.0%"]))]):
        top, words = row(50 + 12 * n, *a)
        _, right = row(top, *b, label_x=330, first_x=440)
        lines.append((top, words + right))
    text = page_with_aligned_tables(FakePage(lines))
    valuation, income = tables_in(text)
    assert row_where(valuation, "主要财务指标", "P/B") == {"主要财务指标": "P/B", "2021": "12.44", "2022E": "8.50",
                                                       "2023E": "5.76"}
    assert row_where(income, "利润表(百万元)", "营业成本")["2022E"] == "2,394"
    assert text.startswith("财务报表分析和预测")
    # the figure's year is its column's, read from the Markdown the chunks will hold
    at = text.index("5.76")
    assert year_of(text, at, at + 4) == "2023"


def test_text_beside_a_table_keeps_its_own_line_and_a_bare_header_takes_the_line_above_as_its_name():
    years = ["2020", "2021", "2022E"]
    lines = [(10, [(200, "主要财务数据及预测")]),
             (30, [(20, "总股本(百万股)："), (120, "227.92")] + [(320 + i * 50, y) for i, y in enumerate(years)]),
             (42, [(20, "52周内股价区间(元)："), (200, "营业收入(百万元)")]
              + [(320 + i * 50, f) for i, f in enumerate(["746", "1,567", "3,684"])]),
             (54, [(20, "21.60-97.40"), (200, "净利润(百万元)")]
              + [(320 + i * 50, f) for i, f in enumerate(["59", "173", "471"])]),
             (66, [(200, "毛利率(%)")] + [(320 + i * 50, f) for i, f in enumerate(["35.3%", "33.7%", "35.0%"])]),
             (80, [(20, "资料来源：公司公告")])]
    text = page_with_aligned_tables(FakePage(lines))
    (table,) = tables_in(text)
    assert row_where(table, "主要财务数据及预测", "营业收入(百万元)")["2022E"] == "3,684"
    assert [r["主要财务数据及预测"] for r in table] == ["营业收入(百万元)", "净利润(百万元)", "毛利率(%)"]
    assert "总股本(百万股)： 227.92" in text.splitlines()
    assert "21.60-97.40" in text and "资料来源：公司公告" in text


def test_prose_and_a_table_of_two_rows_leave_the_page_to_the_plain_text():
    prose = [(10 + 12 * i, [(40, "公司在山西长治金刚线生产厂区采购电力的平均单价较低，"), (400, "2020")]) for i in range(5)]
    assert page_with_aligned_tables(FakePage(prose)) is None
    small = [(10, [(40, "沪深300对比"), (150, "1M"), (200, "2M"), (250, "3M")]),
             row(22, "绝对涨幅(%)", ["7.18", "32.88", "80.86"]), row(34, "相对涨幅(%)", ["8.10", "25.93", "78.39"])]
    assert page_with_aligned_tables(FakePage(small)) is None


def test_a_group_label_is_a_row_and_a_second_header_starts_a_new_table():
    lines = [(10, [(40, "主要财务指标"), (150, "2021"), (200, "2022E")]),
             (22, [(40, "每股指标(元)")]),
             row(34, "每股收益", ["1.07", "2.91"]), row(46, "每股净资产", ["7.13", "10.43"]),
             row(58, "每股股利", ["0.11", "0.11"]),
             (70, [(40, "现金流量表(百万元)"), (150, "2021"), (200, "2022E")]),
             row(82, "净利润", ["173", "471"]), row(94, "投资", ["229", "0"]), row(106, "其他", ["6", "9"])]
    first, second = tables_in(page_with_aligned_tables(FakePage(lines)))
    # the group's label is said with each of its rows (it names their unit), not as an empty row
    assert [r["主要财务指标"] for r in first] == ["每股指标(元)：每股收益", "每股指标(元)：每股净资产", "每股指标(元)：每股股利"]
    assert row_where(second, "现金流量表(百万元)", "净利润") == {"现金流量表(百万元)": "净利润", "2021": "173",
                                                          "2022E": "471"}


def test_the_broker_notes_valuation_table_keeps_each_ratio_under_its_year():
    pages = load(shared_path(*BROKER_NOTE_PDF))
    page3 = next(p.page_content for p in pages if p.metadata["page"] == 3)
    tables = tables_in(page3)
    valuation = next(t for t in tables if "主要财务指标" in t[0])
    assert row_where(valuation, "主要财务指标", "价值评估(倍)：P/B") == {
        "主要财务指标": "价值评估(倍)：P/B", "2021": "12.44", "2022E": "8.50", "2023E": "5.76", "2024E": "4.08"}
    income = next(t for t in tables if "利润表(百万元)" in t[0])
    assert row_where(income, "利润表(百万元)", "营业总收入")["2022E"] == "3,684"
    page2 = next(p.page_content for p in pages if p.metadata["page"] == 2)
    (forecast,) = tables_in(page2)
    assert row_where(forecast, "主要财务数据及预测", "营业收入(百万元)")["2022E"] == "3,684"
    # page 1 (a sidebar beside the body) keeps the plain text, and a sentence wrapped before a
    # figure ("约\n6.66 亿元") is one sentence again in its chunk, not a list item "6."
    chunks = chunk_documents(pages, 350, 50)
    assert any(re.search(r"预计一期总投资额约\s*6\.66 亿元", c.page_content) for c in chunks)
    assert not any(c.metadata.get("section", "").startswith("1.《") for c in chunks)


def test_a_numbered_line_with_a_bracket_left_open_is_a_wrapped_item_not_a_heading():
    pages = [Document(page_content="相关研究\n1.《高测股份（688556）：光伏金刚线\n及硅片切割代工业务推动公司业绩》，2022.4.29\n"
                                   "1. 总体要求\n坚持企业主体。", metadata={"page": 1})]
    sections = {c.metadata["section"] for c in chunk_documents(pages, 350, 0)}
    assert sections == {"", "1. 总体要求"}
