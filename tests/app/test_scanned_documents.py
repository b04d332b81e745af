"""Documents that were refused before OCR came into ingest, now searchable and answerable: a scanned
standard with no text layer (GB/T 18824), one with a garbled OCR layer (GB/T 19266), one whose fonts
map to glyph names (GM/T 0031); and the credit-rating tables of a bond prospectus. One or two pages
of each (OCR takes seconds a page); the full documents are measured in bench/README.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from retrieval.evidence import evidence_units
from tests.conftest import shared_path
from tests.ingest.ocr_inputs import pdf_pages

PDFS = "fixtures/real_pdfs"
# (file, pages taken, a question about a fact printed on one of them, that page in the excerpt, the fact)
SCANS = [
    ("GBT18824-2008_地理标志产品_盘锦大米_scan_image_only.pdf", [3, 4], "盘锦大米地理标志产品保护范围的面积是多少？", 2,
     "4017km"),
    ("GBT19266-2008_地理标志产品_五常大米_scan+OCR.pdf", [4], "五常大米产区水稻生长季节的日照时数是多少？", 1, "1080h"),
    ("GMT_0031-2014_安全电子签章密码技术规范.pdf", [4, 5], "安全电子签章密码技术规范由哪个标准化技术委员会提出并归口？", 1,
     "密码行业标准化技术委员会"),
]
TABLES = "盐城高新区投资集团_2023年度第四期超短期融资券募集说明书_p251_tables.pdf"


@pytest.fixture(scope="module")
def scanned(settings_for, embedder, tmp_path_factory):
    """Services over an index of the excerpts and the tables page, and each excerpt's doc id."""
    from app.services import Services

    folder = tmp_path_factory.mktemp("scans")
    services = Services(settings_for("scans", knowledge_dir=folder / "none"))
    services.__dict__["embedder"] = embedder
    paths = [pdf_pages(shared_path(PDFS, name), pages, folder / name) for name, pages, *_ in SCANS]
    paths.append(shared_path(PDFS, TABLES))
    results = services.ingest(paths)
    assert [r.status for r in results] == ["added"] * len(paths), [r.line() for r in results]
    return services, {r.path.name: r.doc_id for r in results}


@pytest.mark.parametrize("name, pages, question, page, fact", SCANS, ids=["no-text-layer", "garbled-ocr-layer",
                                                                          "glyph-names"])
def test_a_fact_printed_in_a_scan_is_found_on_its_page(scanned, name, pages, question, page, fact):
    services, doc_ids = scanned
    top = services.retriever.search(question).candidates[:3]
    hits = [s for s in top if s.doc_id == doc_ids[name] and s.metadata.get("page") == page]
    assert hits, [(s.metadata.get("title"), s.metadata.get("page"), s.text[:60]) for s in top]
    assert fact in "".join(hits[0].text.split()) and hits[0].metadata["ocr"] is True


def test_the_source_card_of_scanned_text_says_it_was_read_by_ocr(scanned):
    from app.answer.state import to_context
    from app.web.ui.sources import card_metadata, render_sources

    services, _ = scanned
    sources = services.retriever.search(SCANS[0][2]).candidates[:1]
    for lang, note in (("zh", "文字识别（OCR）读出，置信度 99%"), ("en", "read from a scan by OCR (confidence 99%)")):
        cards = render_sources([to_context(1, s) for s in sources], card_metadata(sources, lang), lang)
        assert 'class="src-tag src-ocr"' in cards and note in cards


def test_a_question_about_one_cell_finds_the_table_with_its_header(scanned):
    services, doc_ids = scanned
    top = services.retriever.search("盐城高新区投资集团在渤海银行的授信剩余额度是多少？").candidates[:3]
    tables = [s for s in top if s.doc_id == doc_ids[TABLES] and s.metadata.get("table")]
    assert tables, [s.text[:80] for s in top]
    header, rule, *rows = [l for l in tables[0].text.splitlines() if l.startswith("|")]
    assert set(rule) <= set("|-: ") and "渤海银行" in "".join(rows)
    assert "剩余" in header or "额度" in header
    # the model is given the row as one unit that names each cell's column
    assert any(u.startswith("序号：9；金融机构名称：渤海银行；") and "剩余额度：98,000.00" in u
               for u in evidence_units(tables[0].text)), evidence_units(tables[0].text)


def ask(services, question: str) -> dict:
    env = dict(os.environ, ADVISOR_DATA_DIR=str(services.settings.data_dir),
               ADVISOR_KNOWLEDGE_DIR=str(services.settings.knowledge_dir))
    done = subprocess.run([sys.executable, "-m", "app.cli.main", "ask", "--json", question], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_advisor_ask_answers_a_table_cell_from_its_row(scanned):
    services, doc_ids = scanned
    answer = ask(services, "盐城高新区投资集团在渤海银行的授信剩余额度是多少？")
    assert not answer["refused"] and "98,000.00" in answer["answer"], answer["answer"]
    assert any(c["doc_id"] == doc_ids[TABLES] for c in answer["citations"])


@pytest.mark.slow
def test_advisor_ask_answers_from_the_scan_and_cites_its_page(scanned):
    services, doc_ids = scanned
    name, _, question, page, fact = SCANS[0]
    answer = ask(services, question)
    assert not answer["refused"], answer["answer"]
    assert "4017" in "".join(answer["answer"].split()).replace(",", ""), answer["answer"]
    cited = [c for c in answer["citations"] if c["doc_id"] == doc_ids[name]]
    assert cited and cited[0]["page"] == page and cited[0]["ocr_confidence"] > 0.9
