from langchain_core.documents import Document

from ingest.chunking import chunk_documents, heading_level, index_text, unwrap_lines
from ingest.language import estimate_tokens
from ingest.loaders import load
from tests.conftest import DATA


def test_heading_patterns():
    assert heading_level("## 第二章 重点任务") == (2, "第二章 重点任务")
    assert heading_level("第三章 保障措施")[0] == 2
    assert heading_level("一、设备联网")[0] == 4
    assert heading_level("（二）数据应用")[0] == 5
    assert heading_level("5.1 自然环境")[0] == 6
    assert heading_level("企业应优先对关键设备加装数据采集模块。") is None
    assert heading_level("一、企业应优先对数控机床、注塑机等关键设备加装数据采集模块，采集开机时间和故障代码等数据") is None


def test_chunks_follow_sections_and_keep_the_path():
    chunks = chunk_documents(load(DATA / "policy_sample.zh.md"), chunk_size=60, chunk_overlap=10)
    sections = [c.metadata["section"] for c in chunks]
    assert "第一章 总体要求" in sections
    assert "第二章 重点任务 > 一、设备联网" in sections
    assert "第二章 重点任务 > 二、数据应用" in sections
    assert all(c.metadata["title"] == "测试政策：中小企业设备上云指引" for c in chunks)
    assert all(c.metadata["doc_type"] == "policy" for c in chunks)
    assert [c.metadata["chunk_index"] for c in chunks] == list(range(len(chunks)))


def test_long_chinese_text_is_cut_at_sentence_ends_only():
    sentences = [f"第{i}句说明企业应当如何推进设备联网和数据采集工作并持续改进{'！' if i % 3 else '。'}" for i in range(40)]
    chunks = chunk_documents([Document(page_content="".join(sentences), metadata={"title": "t"})], 80, 30)
    assert len(chunks) > 5
    for c in chunks:
        assert c.page_content[-1] in "。！", c.page_content
        assert estimate_tokens(c.page_content) <= 80 * 1.3
    # overlap: consecutive chunks share at least one whole sentence
    import re
    last_sentence = re.findall(r"[^。！]+[。！]", chunks[0].page_content)[-1]
    assert last_sentence in chunks[1].page_content


def test_pdf_lines_broken_mid_sentence_are_joined_and_pages_kept():
    pages = [Document(page_content="一、引言\n数字化转型已成为企业生存发展的必\n然选择。企业要明确转型", metadata={"title": "r", "page": 1}),
             Document(page_content="需求。\n二、现状\n多数企业仍然不会转。", metadata={"title": "r", "page": 2})]
    chunks = chunk_documents(pages, 200, 20)
    texts = {c.page_content: c.metadata for c in chunks}
    assert any("必然选择" in t for t in texts)
    # the sentence cut by the page break continues whole on page 2
    carried = [t for t in texts if "企业要明确转型需求。" in t]
    assert carried and texts[carried[0]]["page"] == 2
    assert any(m["section"] == "二、现状" and m["page"] == 2 for m in texts.values())


def test_unwrap_keeps_list_items_apart():
    assert unwrap_lines("要点：\n- 第一点\n- 第二点") == "要点：\n- 第一点\n- 第二点"
    assert unwrap_lines("The plant installed\nsmart meters.") == "The plant installed smart meters."
    # a sidebar's fields each keep their line; a figure after a wrapped line is not a list number
    assert unwrap_lines("所属行业：机械设备\n当前价格(元)：82.42") == "所属行业：机械设备\n当前价格(元)：82.42"
    assert unwrap_lines("预计一期总投资额约\n6.66 亿元；后续项目尚未约定。") == "预计一期总投资额约6.66 亿元；后续项目尚未约定。"
    assert unwrap_lines("1-5 月光伏装机同比\n+24.4%，带动开工率提升") == "1-5 月光伏装机同比+24.4%，带动开工率提升"


def test_index_text_puts_title_and_section_first():
    assert index_text("正文", {"title": "标题", "section": "一、设备"}) == "标题 > 一、设备\n正文"


def test_english_page_ending_with_a_full_stop_stays_on_its_page():
    pages = [Document(page_content="The dashboard tracks energy per shift.", metadata={"title": "d", "page": 1}),
             Document(page_content="Staff review it every Monday.", metadata={"title": "d", "page": 2})]
    chunks = chunk_documents(pages, 200, 20)
    assert [(c.metadata["page"], c.page_content) for c in chunks] == [
        (1, "The dashboard tracks energy per shift."), (2, "Staff review it every Monday.")]


def test_a_short_leftover_folded_back_does_not_repeat_its_overlap():
    """The starter base's lighthouse file: the Foxconn results list stood twice in one chunk (the
    leftover after it, folded back into the chunk, opened with the splitter's overlap)."""
    from pathlib import Path
    from ingest.chunking import without_overlap
    assert without_overlap("甲。\n- 应用了40多个用例；\n- 制造成本降低45%。", "- 应用了40多个用例；\n- 制造成本降低45%。\n\n乙。") == "乙。"
    assert without_overlap("甲乙丙", "丁戊") == "丁戊"
    path = Path(__file__).resolve().parents[2] / "knowledge" / "lighthouse-factories.zh.md"
    for chunk in chunk_documents(load(path), 200, 40):
        lines = [line for line in chunk.page_content.splitlines() if len(line) > 8]
        assert len(lines) == len(set(lines)), chunk.page_content


def test_the_chunking_version_is_part_of_a_documents_id(tmp_path, monkeypatch):
    """A change to the chunking re-chunks what the index holds at the next ingest."""
    import ingest.pipeline
    path = tmp_path / "a.txt"
    path.write_text("同一个文件", encoding="utf-8")
    before = ingest.pipeline.document_id(path)
    monkeypatch.setattr(ingest.pipeline, "CHUNKING_VERSION", ingest.pipeline.CHUNKING_VERSION + 1)
    assert ingest.pipeline.document_id(path) != before
