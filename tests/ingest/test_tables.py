"""Tables kept as tables: PDF and DOCX tables become Markdown tables whose cells keep their row and
column, and a table stays whole in one chunk with its caption (cut by rows under a repeated header
only when longer than a chunk)."""

import re

import docx
from langchain_core.documents import Document

from ingest.chunking import chunk_documents, unwrap_lines
from ingest.language import estimate_tokens
from ingest.loaders import load
from ingest.pdf_tables import pdf_table_pages
from ingest.tables import markdown_table
from tests.conftest import shared_path

RATINGS_PDF = ("fixtures", "real_pdfs", "盐城高新区投资集团_2023年度第四期超短期融资券募集说明书_p251_tables.pdf")
RICE_STANDARD_PDF = ("fixtures", "real_pdfs", "DB32T1580-2019_地理标志产品_射阳大米.pdf")
BROKER_NOTE_PDF = ("fixtures", "real_pdfs", "德邦证券-高测股份688556-公司点评-20220719.pdf")


def cells(line: str) -> list[str]:
    """The cells of one Markdown table row; an escaped "\\|" stays inside its cell."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def tables_in(text: str) -> list[list[dict[str, str]]]:
    """Every Markdown table of ``text`` as its rows, each a dict keyed by the header row."""
    blocks = re.findall(r"(?m)(?:^\|.*\|$\n?)+", text)
    out = []
    for block in blocks:
        lines = block.strip().split("\n")
        assert re.fullmatch(r"\|( --- \|)+", lines[1]), lines[1]
        header = cells(lines[0])
        rows = [cells(line) for line in lines[2:]]
        assert all(len(r) == len(header) for r in rows), block
        out.append([dict(zip(header, r)) for r in rows])
    return out


def row_where(rows: list[dict[str, str]], column: str, value: str) -> dict[str, str]:
    (row,) = [r for r in rows if r[column] == value]
    return row


# --- markdown_table -------------------------------------------------------------------------

def test_markdown_table_writes_header_separator_and_rows():
    assert markdown_table([["设备", "周期"], ["注塑机", "每班"]]) == \
        "| 设备 | 周期 |\n| --- | --- |\n| 注塑机 | 每班 |"


def test_wrapped_cells_are_joined_without_a_space_in_chinese_and_with_one_in_english():
    table = markdown_table([["主体信用\n评级", "Energy\nuse  per   shift"], ["中诚信国际信\n用评级", "12 kWh\n "]])
    assert tables_in(table) == [[{"主体信用评级": "中诚信国际信用评级", "Energy use per shift": "12 kWh"}]]


def test_none_cells_are_empty_and_empty_rows_and_columns_are_dropped():
    rows = [["指标", None, "", "2023"],
            [None, None, None, None],
            ["营收", None, "", "5.2"],
            ["利润", "", None, None]]
    assert markdown_table(rows) == "| 指标 | 2023 |\n| --- | --- |\n| 营收 | 5.2 |\n| 利润 |  |"


def test_pipe_in_a_cell_is_escaped_and_ragged_rows_are_padded():
    table = markdown_table([["名称", "说明", "备注"], ["A|B", "x"], ["C", "y", "z"]])
    assert tables_in(table) == [[{"名称": r"A\|B", "说明": "x", "备注": ""}, {"名称": "C", "说明": "y", "备注": "z"}]]


def test_fewer_than_two_rows_or_columns_is_no_table():
    assert markdown_table([]) == ""
    assert markdown_table([["只有表头", "一行"]]) == ""
    assert markdown_table([["附 录 A"], ["（规范性附录）"], ["保护范围图"]]) == ""
    assert markdown_table([["a", None], ["", None], ["b", ""]]) == ""  # one column left with text
    assert markdown_table([["标题", "说明"], [None, ""], ["", None]]) == ""  # one row left with text


# --- PDF ------------------------------------------------------------------------------------

def test_credit_rating_page_gives_both_tables_with_cells_in_their_rows_and_columns():
    text = pdf_table_pages(shared_path(*RATINGS_PDF), [1])[1]
    ratings, credit = tables_in(text)
    assert [r["年份"] for r in ratings] == ["2023", "2022", "2021", "2020"]
    assert row_where(ratings, "年份", "2023") == {
        "年份": "2023", "主体信用评级": "AA+", "涵义": "偿还债务的能力很强，受不利经济环境的影响不大，违约风险很低",
        "评级机构": "中诚信国际信用评级有限责任公司、联合资信评估有限公司", "评级展望": "稳定"}
    assert row_where(ratings, "年份", "2021")["评级机构"] == "联合资信评估有限公司"
    assert len(credit) == 11
    assert row_where(credit, "金融机构名称", "渤海银行") == {
        "序号": "9", "金融机构名称": "渤海银行", "授信总额": "98,000.00", "已使用情况": "0.00", "剩余额度": "98,000.00"}
    assert row_where(credit, "金融机构名称", "徽商银行南京中山北路支行")["已使用情况"] == "256,735.30"
    assert row_where(credit, "序号", "11")["金融机构名称"] == "上海银行盐城分行"
    assert row_where(credit, "金融机构名称", "兴业银行盐城分行")["剩余额度"] == "192,000.00"


def test_credit_rating_tables_stand_where_they_are_on_the_page():
    text = pdf_table_pages(shared_path(*RATINGS_PDF), [1])[1]
    lines = text.split("\n")
    first, second = [i for i, line in enumerate(lines) if line.startswith("| ---")]
    assert lines[first - 3:first - 1] == ["表7-1：发行人历史评级情况", ""]  # caption, blank line, header
    assert lines[second - 3] == "单位：万元" and lines[second - 4].startswith("表7-2")
    between = "\n".join(lines[first:second])
    assert "本次发行不引用主体评级，未进行债项评级安排。" in between and "二、授信情况" in between
    assert text.index("第七章 企业资信状况") < text.index("表7-1") and text.rstrip().endswith("251")
    # the cells' text is in the tables only, not again as loose fragments
    assert not re.search(r"(?m)^(中诚信国际信|用评级有限责|稳定|工商银行)", text)


def test_merged_cells_fill_every_row_and_column_they_cover():
    text = pdf_table_pages(shared_path(*RICE_STANDARD_PDF), [5])[5]
    lines = text.split("\n")
    start = lines.index("| 等级 | 等级 | 特级 | 一级 | 二级 |")  # 等级 spans the first two columns
    assert lines[start - 2:start] == ["表1 质量指标", ""]
    rows = [cells(line) for line in lines[start + 2:] if line.startswith("|")]
    assert len(rows) == 13
    grades = {(r[0], r[1]): dict(zip(("特级", "一级", "二级"), r[2:])) for r in rows}
    # 碎米 and 杂质限量 span two rows each: each of those rows keeps its label
    assert grades["碎米", "总量/% ≤"]["二级"] == "7.5"
    assert grades["碎米", "其中：小碎米含量/% ≤"]["特级"] == "0.5"
    assert grades["杂质限量", "其中：无机杂质含量/% ≤"]["一级"] == "0.01"
    # a label spanning two columns, and one value spanning the three grades that holds for each
    assert grades["互混率/% ≤", "互混率/% ≤"] == {"特级": "3.0", "一级": "3.0", "二级": "3.0"}
    assert grades["加工精度", "加工精度"] == {"特级": "精碾", "一级": "精碾", "二级": "适碾"}


def test_layout_frames_and_part_ruled_tables_are_not_taken_for_tables():
    # p. 1-2: the page layout drawn as nested frames; p. 4: a table whose "说明" column has no rules
    # (cut out, its rows would lose their explanations): no ruled table on any page; p. 2 and 3 come
    # back for their figures aligned under years (tests/ingest/test_unruled_tables.py), not as frames
    pages = pdf_table_pages(shared_path(*BROKER_NOTE_PDF), [1, 2, 3, 4])
    assert pages.keys() == {2, 3}
    assert "[Table_Base]" in pages[2] and "| 股票数据 |" not in pages[2]
    # p. 8: a frame around the title of an annex is one column, not a table
    assert pdf_table_pages(shared_path(*RICE_STANDARD_PDF), range(1, 9)).keys() == {5}


def test_damaged_or_missing_pages_give_no_tables_and_no_error(tmp_path):
    good = shared_path(*RATINGS_PDF).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(good[: len(good) // 3])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 50)
    assert pdf_table_pages(garbage, [1]) == {}
    assert pdf_table_pages(cut, [1]) in ({}, pdf_table_pages(shared_path(*RATINGS_PDF), [1]))
    assert pdf_table_pages(shared_path(*RATINGS_PDF), [0, 2, 99]) == {}


# --- DOCX -----------------------------------------------------------------------------------

def test_docx_table_becomes_a_markdown_table_under_its_caption(tmp_path):
    document = docx.Document()
    document.core_properties.title = "设备管理制度"
    document.add_heading("第三章 设备点检", level=1)
    document.add_paragraph("表3 主要设备点检要求")
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate([("设备", "点检周期", "负责人"), ("注塑机", "每班\n（夏季加检）", "张伟"),
                             ("CNC lathe", "weekly", "Li | Wang"), ("空压机", "每月", "王强")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_heading("第四章 记录管理", level=1)
    document.add_paragraph("点检记录保存三年。")
    path = tmp_path / "inspection.docx"
    document.save(path)

    (doc,) = load(path)
    (rows,) = tables_in(doc.page_content)
    assert rows == [{"设备": "注塑机", "点检周期": "每班（夏季加检）", "负责人": "张伟"},
                    {"设备": "CNC lathe", "点检周期": "weekly", "负责人": r"Li \| Wang"},
                    {"设备": "空压机", "点检周期": "每月", "负责人": "王强"}]
    assert "表3 主要设备点检要求\n\n| 设备 | 点检周期 | 负责人 |" in doc.page_content

    chunks = chunk_documents([doc], chunk_size=200, chunk_overlap=40)
    (table_chunk,) = [c for c in chunks if c.metadata.get("table")]
    assert table_chunk.page_content.split("\n")[:2] == ["表3 主要设备点检要求", "| 设备 | 点检周期 | 负责人 |"]
    assert "| 空压机 | 每月 | 王强 |" in table_chunk.page_content
    assert table_chunk.metadata["section"] == "第三章 设备点检"
    assert any(c.page_content == "点检记录保存三年。" and not c.metadata.get("table") for c in chunks)


# --- chunking -------------------------------------------------------------------------------

SMALL_TABLE = "| 指标 | 2023年 |\n| --- | --- |\n| 上云企业 | 1200家 |\n| 平均投入 | 35万元 |"


def test_unwrap_keeps_table_rows_apart_from_the_text_around_them():
    text = "各项指标\n" + SMALL_TABLE + "\n数据来源：调研"
    assert unwrap_lines(text) == text


def test_small_table_is_one_chunk_with_its_caption_and_apart_from_the_prose():
    prose = "调研覆盖了长三角地区的制造企业，样本按行业和规模分层抽取，回收有效问卷三百余份。" * 2
    page = Document(page_content=f"一、调研结果\n{prose}\n表2 主要指标（单位：家、万元）\n\n{SMALL_TABLE}\n\n以上数据均为年末值。",
                    metadata={"title": "调研报告", "page": 3})
    chunks = chunk_documents([page], chunk_size=200, chunk_overlap=40)
    tables = [c for c in chunks if c.metadata.get("table")]
    assert [c.page_content for c in tables] == ["表2 主要指标（单位：家、万元）\n" + SMALL_TABLE]
    assert tables[0].metadata["page"] == 3 and tables[0].metadata["section"] == "一、调研结果"
    others = [c.page_content for c in chunks if not c.metadata.get("table")]
    assert "|" not in "".join(others) and "表2" not in "".join(others)
    assert others[-1] == "以上数据均为年末值。" and prose in others[0]


def test_a_long_table_is_cut_between_rows_under_its_caption_and_header():
    header = "| 序号 | 企业名称 | 所在地区 | 设备联网率 |\n| --- | --- | --- | --- |"
    rows = [f"| {i} | 第{i}号示范工厂有限公司 | 盐城市高新区 | {50 + i % 40}.5% |" for i in range(1, 61)]
    caption = "表5 示范工厂设备联网情况："
    page = Document(page_content="\n".join(["说明文字在表格之前。", caption, header, *rows]), metadata={"title": "t", "page": 1})
    chunks = [c for c in chunk_documents([page], chunk_size=200, chunk_overlap=40) if c.metadata.get("table")]
    assert len(chunks) >= 4
    seen = []
    for chunk in chunks:
        lines = chunk.page_content.split("\n")
        assert lines[:3] == [caption, *header.split("\n")]
        assert estimate_tokens(chunk.page_content) <= 200
        assert all(line in rows for line in lines[3:])  # whole rows only
        seen += lines[3:]
    assert seen == rows  # every row once, in order


def test_a_table_ending_a_page_stays_on_that_page():
    pages = [Document(page_content="各地区的情况如下：\n" + SMALL_TABLE, metadata={"title": "t", "page": 1}),
             Document(page_content="下一页继续说明。", metadata={"title": "t", "page": 2})]
    chunks = chunk_documents(pages, chunk_size=200, chunk_overlap=40)
    assert [(c.metadata["page"], c.metadata.get("table", False)) for c in chunks] == [(1, True), (2, False)]
    assert chunks[0].page_content == "各地区的情况如下：\n" + SMALL_TABLE


def test_pipe_lines_without_a_separator_are_prose():
    page = Document(page_content="| 这不是表格 |\n| 只是竖线 |\n后文。", metadata={"title": "t"})
    chunks = chunk_documents([page], chunk_size=200, chunk_overlap=40)
    assert not any(c.metadata.get("table") for c in chunks)
    assert "| 这不是表格 |" in chunks[0].page_content


# --- HTML -----------------------------------------------------------------------------------

def test_html_table_becomes_a_markdown_table_and_a_layout_table_stays_text(tmp_path):
    from ingest.loaders.html_loader import load as load_html

    page = tmp_path / "credit.html"
    page.write_text("<html><body><h2>表1 银行授信</h2><table>"
                    "<tr><th>金融机构</th><th>授信总额</th><th>剩余额度</th></tr>"
                    "<tr><td>渤海银行</td><td>98,000.00</td><td>98,000.00</td></tr>"
                    "<tr><td colspan='2'>合计</td><td>98,000.00</td></tr></table>"
                    "<table><tr><td><p>布局表格里的一段文字，只有一列。</p></td></tr></table></body></html>",
                    encoding="utf-8")
    text = load_html(page)[0].page_content
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert rows == ["| 金融机构 | 授信总额 | 剩余额度 |", "| --- | --- | --- |", "| 渤海银行 | 98,000.00 | 98,000.00 |",
                    "| 合计 | 合计 | 98,000.00 |"]
    assert text.index("## 表1 银行授信") < text.index("| 金融机构") and "布局表格里的一段文字，只有一列。" in text


def test_a_table_row_unit_carries_the_unit_stated_above_the_table():
    from ingest.text import split_units

    text = ("表7-2：截至2023年3月末发行人授信及使用情况\n单位：万元\n| 序号 | 金融机构名称 | 授信总额 |\n| --- | --- | --- |\n"
            "| 3 | 兴业银行盐城分行 | 302,600.00 |")
    assert split_units(text)[-1] == "序号：3；金融机构名称：兴业银行盐城分行；授信总额：302,600.00（单位：万元）"
    assert split_units("| 设备 | 周期 |\n| --- | --- |\n| 注塑机 | 每班 |") == ["设备：注塑机；周期：每班"]
