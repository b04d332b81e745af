"""Reading order of OCR lines, from boxes laid out as pages have them (no model needed)."""

from ingest.ocr.engine import OcrLine
from ingest.ocr.layout import page_texts

W, H = 1200, 1700  # an A4 page at 144 dpi


def line(left, top, right, text, height=30, confidence=0.99):
    return OcrLine(left, top, right, top + height, text, confidence)


def test_wrapped_lines_join_into_a_paragraph_and_an_indent_starts_the_next():
    lines = [
        line(150, 300, 1050, "中小企业数字化转型要坚持企业主体、政府引导，聚焦关键环节，"),
        line(120, 345, 1050, "推动设备联网和业务系统上云。"),
        line(150, 390, 1050, "地方可以结合实际，组织服务商为企业提供诊断，按照诊断结果"),
        line(120, 435, 600, "分步实施改造。"),
    ]
    (text,) = page_texts([(lines, W, H)])
    assert text.split("\n\n") == [
        "中小企业数字化转型要坚持企业主体、政府引导，聚焦关键环节，推动设备联网和业务系统上云。",
        "地方可以结合实际，组织服务商为企业提供诊断，按照诊断结果分步实施改造。",
    ]


def test_boxes_on_one_visual_line_are_read_left_to_right():
    lines = [line(700, 500, 900, "米质半透明"), line(150, 502, 300, "色泽"), line(150, 300, 1050, "表1感官指标要求如下：")]
    (text,) = page_texts([(lines, W, H)])
    assert text.split("\n\n") == ["表1感官指标要求如下：", "色泽 米质半透明"]


def test_a_heading_with_its_section_number_stays_a_line_of_its_own():
    lines = [line(120, 300, 330, "5.1.1日照"),
             line(150, 345, 1050, "年平均日照时数为2786h，水稻生长季节平均日照时数为1508h。")]
    (text,) = page_texts([(lines, W, H)])
    assert text.split("\n\n") == ["5.1.1 日照", "年平均日照时数为2786h，水稻生长季节平均日照时数为1508h。"]


def test_a_number_inside_a_sentence_is_not_split_from_its_unit():
    (text,) = page_texts([([line(120, 300, 700, "2025年将达到1万亿元。")], W, H)])
    assert text == "2025年将达到1万亿元。"


def test_running_headers_footers_and_page_numbers_are_dropped():
    pages = []
    for number in (2, 3, 4):
        pages.append(([line(150, 60, 500, "GB/T 18824—2008"),
                       line(150, 400, 1050, f"第{number}页正文内容：企业应当建立数据管理制度。"),
                       line(580, 1620, 620, str(number))], W, H))
    texts = page_texts(pages)
    assert texts == [f"第{n}页正文内容：企业应当建立数据管理制度。" for n in (2, 3, 4)]


def test_a_line_near_the_top_of_one_page_only_is_kept():
    (text,) = page_texts([([line(150, 60, 700, "关于开展中小企业数字化转型试点的通知"),
                            line(150, 400, 1050, "各省、自治区、直辖市工业和信息化主管部门：")], W, H)])
    assert text.startswith("关于开展中小企业数字化转型试点的通知")


def test_two_columns_are_read_column_by_column():
    lines = [line(150, 200, 1050, "两栏排版的标题")]
    for i in range(4):
        lines.append(line(100, 300 + 45 * i, 560, f"左栏第{i + 1}行。"))
        lines.append(line(640, 300 + 45 * i, 1100, f"右栏第{i + 1}行。"))
    (text,) = page_texts([(lines, W, H)])
    paragraphs = text.split("\n\n")
    assert paragraphs[0] == "两栏排版的标题"
    assert paragraphs[1:] == [f"左栏第{i}行。" for i in range(1, 5)] + [f"右栏第{i}行。" for i in range(1, 5)]


def test_a_bare_number_in_a_table_near_the_foot_of_the_page_is_not_a_page_number():
    lines = [line(150, 1450, 700, "品尝评分值/分"), line(900, 1450, 960, "75"),
             line(150, 1500, 700, "垩白粒率/%"), line(900, 1500, 960, "30"), line(580, 1620, 610, "2")]
    (text,) = page_texts([(lines, W, H)])
    assert text.split("\n\n") == ["品尝评分值/分 75", "垩白粒率/% 30"]


def test_a_clause_number_is_split_from_its_text_but_a_year_is_not():
    lines = [line(120, 300, 1050, "4.2盘锦大米地理标志产品保护范围面积为4017km²，即：东临辽河，与台安县、海城市相邻，西"),
             line(120, 345, 700, "靠凌海市。"),
             line(120, 420, 700, "2025年将达到1万亿元，2030年将达到3万亿元。")]
    (text,) = page_texts([(lines, W, H)])
    assert text.split("\n\n") == [
        "4.2 盘锦大米地理标志产品保护范围面积为4017km²，即：东临辽河，与台安县、海城市相邻，西靠凌海市。",
        "2025年将达到1万亿元，2030年将达到3万亿元。"]


def test_a_map_scattered_with_single_characters_keeps_only_its_real_labels():
    lines = [line(150, 300, 600, "盘锦大米地理标志产品保护范围图"), line(300, 500, 330, "县"), line(700, 520, 730, "海"),
             line(400, 700, 520, "大洼县"), line(800, 900, 830, "3")]
    (text,) = page_texts([(lines, W, H)])
    assert text.split("\n\n") == ["盘锦大米地理标志产品保护范围图", "大洼县", "3"]
