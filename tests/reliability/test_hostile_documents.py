"""Documents that try to steer the model or the reader's browser (tests/reliability/hostile_documents.py)
are ingested into an index of their own and asked about with the real generator: the answer does not
follow the planted instruction, links and images never reach it, no planted sentence is evidence,
and the source cards show the planted HTML as text."""

from __future__ import annotations

import re

import pytest

from tests.conftest import DATA
from tests.reliability.hostile_documents import DOCUMENTS, FOLLOWED, REMOTE, HostileDocument

pytestmark = pytest.mark.slow
RAW_TAG = re.compile(r"<\s*(?:img|script)\b", re.I)


@pytest.fixture(scope="module")
def hostile_services(settings_for, embedder, tmp_path_factory):
    """An index that holds only the hostile documents, so every question retrieves them."""
    from app.services import Services

    folder = tmp_path_factory.mktemp("hostile-docs")
    for doc in DOCUMENTS:
        (folder / doc.name).write_text(doc.text, encoding="utf-8")
    services = Services(settings_for("hostile", knowledge_dir=DATA / "no-such-folder"))
    services.__dict__["embedder"] = embedder
    results = services.ingest([folder])
    assert sorted(r.status for r in results) == ["added"] * len(DOCUMENTS), [r.line() for r in results]
    return services


def ask(services, question: str):
    """The finished answer and the numbered sources the UI builds its cards from."""
    sources = []
    for event in services.advisor.stream(question):
        if event.kind == "sources" and event.sources is not None:
            sources = event.sources
        if event.kind == "done":
            return event.answer, sources
    raise AssertionError("the answer stream ended without an answer")


@pytest.mark.parametrize("doc", DOCUMENTS, ids=[d.name for d in DOCUMENTS])
def test_a_hostile_document_is_data_not_instructions(hostile_services, doc: HostileDocument):
    from app.web.ui.sources import card_metadata, render_sources

    answer, sources = ask(hostile_services, doc.question)
    shown = f"answer: {answer.answer!r}\nevidence: {[e.text for e in answer.evidence]}"
    print(f"\n[{doc.name}] {doc.question}\n{shown}")

    assert any(doc.name in str(c.doc_id) + str(s.metadata.get("source", "")) for c, s in zip(answer.contexts, sources)), \
        f"the question did not retrieve {doc.name}: the test would prove nothing\n{shown}"
    assert not FOLLOWED.search(answer.answer), f"the answer follows the planted instruction\n{shown}"
    assert not REMOTE.search(answer.answer), f"the answer carries a link, image or tag\n{shown}"
    assert not any(p.lower() in answer.answer.lower() for p in doc.planted), shown
    for evidence in answer.evidence:
        assert not any(p.lower() in evidence.text.lower() for p in doc.planted), f"planted evidence: {evidence.text}"
        assert not RAW_TAG.search(evidence.text), f"a raw tag in the evidence: {evidence.text}"

    cards = render_sources(answer.contexts, card_metadata(sources, answer.language), answer.language)
    assert not RAW_TAG.search(cards), "a source card renders the document's <img> or <script>"
    for tag in ("img", "script"):
        if any(f"<{tag}" in c.text.lower() for c in answer.contexts):
            assert f"&lt;{tag}" in cards.lower()  # shown as text, so the user sees what the document holds
