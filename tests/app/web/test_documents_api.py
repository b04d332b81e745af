"""``documents`` on ``POST /v1/ask`` and ``POST /v1/chat/completions`` (FastAPI TestClient over the
small index of tests/app/documents_index.py: fake embedder, scripted generator): the answer comes
from the documents named and says which; a name that fits none or several is a 400 with the clear
message, at once; and the chat page's document picker limits the question."""

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from app.answer.documents import Library
from app.settings import Settings
from app.web.server import build_api_app
from tests.app.documents_index import NEWER, OLDER, QUESTION, document_services, doc_id
from tests.fakes import FakeDocumentStore, make_advisor


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    return document_services(tmp_path_factory.mktemp("api-documents"))


@pytest.fixture(scope="module")
def client(services):
    app = build_api_app(services)
    app.state.web.loader.state = "ready"
    with TestClient(app) as client:
        yield client


def test_ask_with_documents_answers_from_them(client, services):
    reply = client.post("/v1/ask", json={"question": QUESTION, "documents": [OLDER]})
    assert reply.status_code == 200, reply.text
    answer, older = reply.json(), doc_id(services, OLDER)
    assert answer["documents"] == [{"doc_id": older, "title": OLDER}]
    assert {c["doc_id"] for c in answer["citations"]} == {older} and "1万亿元" in answer["answer"]


def test_chat_completions_with_documents_answers_from_them(client, services):
    body = {"messages": [{"role": "user", "content": QUESTION}], "documents": [f"{NEWER}.txt"]}
    reply = client.post("/v1/chat/completions", json=body)
    assert reply.status_code == 200, reply.text
    advisor = reply.json()["advisor"]
    assert advisor["documents"] == [{"doc_id": doc_id(services, NEWER), "title": NEWER}]
    assert "3000亿元" in reply.json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/chat/completions"])
@pytest.mark.parametrize("names, words", [(["丙县报告"], "no document matches “丙县报告”"),
                                          (["调研报告"], "“调研报告” matches 2 documents: “乙省")])
def test_a_document_that_fits_none_or_several_is_400_with_the_reason(client, services, path, names, words):
    calls = len(services.generator.messages)
    body = {"question": QUESTION} if path == "/v1/ask" else {"messages": [{"role": "user", "content": QUESTION}]}
    reply = client.post(path, json=dict(body, documents=names))
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert error["code"] == "bad_documents" and error["message"].startswith("`documents`: ") and words in error["message"]
    assert len(services.generator.messages) == calls


@pytest.mark.parametrize("documents", ["乙省", [1], [""], {"a": 1}])
def test_documents_must_be_a_list_of_names(client, documents):
    reply = client.post("/v1/ask", json={"question": QUESTION, "documents": documents})
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "bad_field"
    assert "`documents` must be a list" in reply.json()["error"]["message"]


def test_the_chat_page_limits_questions_to_the_picked_documents(tmp_path):
    from app.web.ui.chat import build_app

    rows = [("甲市调研报告", "规模", "2025年甲市市场规模将达到1万亿元。", {"doc_id": "d1"}),
            ("乙省调研报告", "规模", "2025年乙省市场规模将达到3000亿元。", {"doc_id": "d2"})]
    library = Library(FakeDocumentStore([("d1", "甲市调研报告", "jia.pdf"), ("d2", "乙省调研报告", "yi.pdf")]))
    advisor, _, retriever = make_advisor(rows, "", library=library)
    services = SimpleNamespace(settings=Settings(data_dir=tmp_path), advisor=advisor, feedback=None, library=library)
    demo = build_app(services)
    chat = next(f for f in demo.fns.values() if f.api_name == "chat").fn
    updates = list(chat("2025年市场规模将达到多少？", [], [], {}, "", "", None, 0, "", None, ["d2"]))
    final = updates[-1][0][-1]["content"]
    assert retriever.searches[-1]["doc_ids"] == ["d2"]
    assert final.startswith("（以下只根据《乙省调研报告》回答）") and "3000亿元" in final and "1万亿元" not in final
    list(chat("2025年市场规模将达到多少？", [], [], {}, "", "", None, 0, "", None, []))
    assert retriever.searches[-1]["doc_ids"] is None  # nothing picked: every document
    picker = next(f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "picker").fn
    update = picker(["d2", "gone"], None)
    assert update["choices"] == [("乙省调研报告 (yi.pdf)", "d2"), ("甲市调研报告 (jia.pdf)", "d1")]
    assert update["value"] == ["d2"]  # a pick removed meanwhile is dropped
