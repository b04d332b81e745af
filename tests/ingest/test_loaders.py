import io
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from ingest.errors import UnreadableFile
from ingest.loaders import load
from tests.conftest import DATA, shared_path
from tests.pdf_maker import make_pdf

REAL_PDFS = "fixtures/real_pdfs"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_markdown_front_matter_becomes_metadata():
    (doc,) = load(DATA / "policy_sample.zh.md")
    assert doc.metadata["title"] == "测试政策：中小企业设备上云指引"
    assert doc.metadata["doc_type"] == "policy"
    assert doc.metadata["applies_to"] == "sme,micro"
    assert doc.metadata["date"] == "2024-05"
    assert "example.org/test-policy" in doc.metadata["sources_json"]
    assert not doc.page_content.startswith("---")


def test_markdown_with_broken_front_matter_is_refused(tmp_path):
    path = write(tmp_path, "bad.md", "---\ntitle: [unclosed\n---\n# Body\n".encode())
    with pytest.raises(UnreadableFile, match="front matter"):
        load(path)


def test_text_in_gbk_is_decoded(tmp_path):
    text = "数字化转型需要先明确转型需求，再制定转型规划。中小企业应坚持小快轻准。" * 3
    (doc,) = load(write(tmp_path, "gbk.txt", text.encode("gbk")))
    assert "小快轻准" in doc.page_content
    assert doc.metadata["title"] == "gbk"


def test_binary_renamed_txt_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="binary"):
        load(write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4))


def test_html_keeps_headings_and_tables_drops_scripts():
    (doc,) = load(DATA / "sample.html")
    assert doc.metadata["title"] == "Smart Workshop Notes"
    assert "## Energy monitoring" in doc.page_content
    assert "Line A | 420" in doc.page_content
    assert "tracking" not in doc.page_content and "Home | About" not in doc.page_content


def test_docx_headings_and_tables(tmp_path):
    document = docx.Document()
    document.core_properties.title = "设备管理制度"
    document.add_heading("第一章 总则", level=1)
    document.add_paragraph("为规范设备管理，提高设备综合效率，制定本制度。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "设备", "点检周期"
    table.cell(1, 0).text, table.cell(1, 1).text = "注塑机", "每班"
    path = tmp_path / "rules.docx"
    document.save(path)
    (doc,) = load(path)
    assert doc.metadata["title"] == "设备管理制度"
    assert "# 第一章 总则" in doc.page_content
    assert "注塑机 | 每班" in doc.page_content


def test_corrupt_docx_is_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="docx"):
        load(write(tmp_path, "broken.docx", b"PK\x03\x04 this is not really a zip"))


def test_pdf_pages_carry_page_numbers(tmp_path):
    path = write(tmp_path, "two.pdf", make_pdf(["First page about energy meters.", "Second page about spindles."]))
    docs = load(path)
    assert [d.metadata["page"] for d in docs] == [1, 2]
    assert "spindles" in docs[1].page_content


@pytest.mark.parametrize("metadata_title, title", [("2025.04.全国中小企业数字化转型调研报告.pdf", "2025.04.全国中小企业数字化转型调研报告"),
                                                   ("Annual Survey.PDF", "Annual Survey"),
                                                   ("", "调研报告"),  # from the file name, without its suffix
                                                   ("Version 1.2 roadmap", "Version 1.2 roadmap")])
def test_a_title_keeps_no_file_suffix(tmp_path, metadata_title, title):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Survey of small manufacturers and their tools."]))))
    if metadata_title:
        writer.add_metadata({"/Title": metadata_title})
    buf = io.BytesIO()
    writer.write(buf)
    (doc,) = load(write(tmp_path, "调研报告.pdf", buf.getvalue()))
    assert doc.metadata["title"] == title
    (text,) = load(write(tmp_path, "notes.pdf.txt", "设备点检记录要每班填写，异常当班处理。".encode()))
    assert text.metadata["title"] == "notes"  # a file named twice over keeps neither suffix


def test_encrypted_pdf_is_refused(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["secret plans for the plant"]))))
    writer.encrypt(user_password="s3cret", owner_password="owner")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(UnreadableFile, match="encrypted"):
        load(write(tmp_path, "locked.pdf", buf.getvalue()))


def test_truncated_pdf_is_refused(tmp_path):
    data = make_pdf(["some text " * 50])
    with pytest.raises(UnreadableFile, match="the PDF is cut off"):
        load(write(tmp_path, "cut.pdf", data[: len(data) // 3]))


def test_empty_file_and_unknown_type_are_refused(tmp_path):
    with pytest.raises(UnreadableFile, match="empty"):
        load(write(tmp_path, "empty.pdf", b""))
    with pytest.raises(UnreadableFile, match="unsupported"):
        load(write(tmp_path, "sheet.xlsx", b"PK"))


def test_real_pdf_with_text_layer_loads_with_pages():
    folder = shared_path(REAL_PDFS)
    docs = load(folder / "2025.04.全国中小企业数字化转型调研报告.pdf")
    assert len(docs) == 43
    assert "中小企业" in docs[0].page_content


def test_real_image_only_scan_is_refused_with_ocr_hint():
    folder = shared_path(REAL_PDFS)
    with pytest.raises(UnreadableFile, match="no text layer.*OCR"):
        load(folder / "GBT18824-2008_地理标志产品_盘锦大米_scan_image_only.pdf")
