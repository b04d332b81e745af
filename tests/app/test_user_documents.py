"""End to end with the real models: two real PDFs of ../shared ingested beside the starter knowledge
base, in a data dir of their own. A question limited to one of them cites only that document, and an
unscoped "这份报告…" question answers from the one added last. A few minutes on 2 cores (the starter
ingest, the 43-page survey, three answers); skipped when ../shared is not here."""

import pytest

from tests.conftest import shared_path

BROKER_NOTE = "德邦证券-高测股份688556-公司点评-20220719.pdf"
SURVEY = "2025.04.全国中小企业数字化转型调研报告.pdf"


@pytest.fixture(scope="module")
def services(settings_for, embedder):
    from app.services import Services

    pdfs = [shared_path("fixtures", "real_pdfs", name) for name in (BROKER_NOTE, SURVEY)]  # the survey last
    services = Services(settings_for("user-documents"))
    services.__dict__["embedder"] = embedder
    assert services.ensure_starter_knowledge()
    for pdf in pdfs:
        assert [r.status for r in services.ingest([pdf])] == ["added"]
    return services


def doc_id_of(services, file_name: str) -> str:
    return next(d.doc_id for d in services.library.documents() if d.file_name == file_name)


@pytest.mark.slow
def test_a_scoped_question_cites_only_its_document_and_this_report_means_the_last_one(services):
    broker, survey = doc_id_of(services, BROKER_NOTE), doc_id_of(services, SURVEY)
    assert [d.doc_id for d in services.library.documents() if d.user] == [survey, broker]

    scoped = services.advisor.ask("金刚线项目一期计划建设多少产能，总投资额是多少？", documents=[BROKER_NOTE])
    assert scoped.documents == [{"doc_id": broker, "title": scoped.documents[0]["title"]}]
    assert scoped.citations and {c.doc_id for c in scoped.citations} == {broker}, scoped.answer
    assert {c.doc_id for c in scoped.contexts} == {broker}

    other = services.advisor.ask("预计到2025年中小企业数字化转型市场规模是多少？", documents=["全国中小企业数字化转型调研报告"])
    assert other.citations and {c.doc_id for c in other.citations} == {survey}, other.answer

    this_report = services.advisor.ask("这份报告里说，预计到2025年中小企业数字化转型市场规模是多少？")
    assert [d["doc_id"] for d in this_report.documents] == [survey]
    assert this_report.answer.startswith("（以下只根据《")
    assert this_report.citations and {c.doc_id for c in this_report.citations} == {survey}, this_report.answer
