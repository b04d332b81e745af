"""The chat page's own documents, its handlers called as Gradio calls them (no server, no browser)
over the small real index of tests/app/documents_index.py: a consultant's upload in a client's
workspace is in that workspace's picker and answers only there; deleting the client deletes it; no
other user sees or deletes it; a reopened conversation brings back the documents it was limited to."""

import gradio as gr
import pytest

from app.web.auth import WebAuth
from app.web.ui.workspace import new_conversation_state
from tests.app.documents_index import OLDER, QUESTION, document_services
from tests.app.storage.test_accounts import QUICK_HASH

REPORT = "丁县中小企业数字化转型调研报告\n\n调研显示，2025年丁县中小企业数字化转型市场规模将达到900亿元。\n"


def no_progress(*args, **kwargs):
    return None


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from app.web.ui.chat import build_app

    root = tmp_path_factory.mktemp("my-documents")
    services = document_services(root)
    stores = services.stores
    stores.accounts.hasher = QUICK_HASH
    carol = stores.accounts.add("carol", "carol-password", "consultant")
    stores.accounts.add("bob", "bob-password", "member")
    x, y = stores.clients.create(carol.id, "甲客户"), stores.clients.create(carol.id, "乙客户")
    demo = build_app(services, None, WebAuth(stores, services.settings))
    fns = {f.fn.__name__: f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "")}
    report = root / "丁县报告.txt"
    report.write_text(REPORT, encoding="utf-8")
    return services, fns, x.id, y.id, report


def as_user(name: str) -> gr.Request:
    return gr.Request(username=name)


def chat(fns, user, client_id, documents=()):
    *_, last = fns["chat"](QUESTION, [], [], {}, "", "", None, 0, "", None, list(documents), client_id, as_user(user))
    messages, _, _, answers, _ = last
    return messages[-1]["content"], next(iter(answers.values()))


def picked(update) -> list:
    return [value for _, value in update["choices"]]


def test_a_clients_upload_is_read_in_its_workspace_only_and_goes_with_the_client(page):
    services, fns, x, y, report = page
    lines, own, cleared = fns["upload_own"]([str(report)], x, "zh", no_progress, as_user("carol"))
    assert lines.startswith("added") and cleared is None
    [doc] = picked(own)
    assert doc in picked(fns["picker"]([], x, as_user("carol")))
    assert doc not in picked(fns["picker"]([], y, as_user("carol"))) + picked(fns["picker"]([], None, as_user("bob")))
    assert fns["picker"]([doc], y, as_user("carol"))["value"] == []  # a pick not readable here is dropped

    text, answer = chat(fns, "carol", x, [doc])
    assert "900亿元" in text and [d["doc_id"] for d in answer["documents"]] == [doc]
    _, elsewhere = chat(fns, "carol", y)
    assert doc not in {c["doc_id"] for c in elsewhere["contexts"]}

    status, _ = fns["delete_own"](doc, None, "zh", as_user("bob"))
    assert status == "没有这个文档（可能已被删除）。" and services.store.has_doc(doc)
    fns["delete_client"](x, "zh", as_user("carol"))
    assert not services.store.has_doc(doc)


def test_own_documents_are_deleted_by_their_owner(page):
    services, fns, _, _, report = page
    _, own, _ = fns["upload_own"]([str(report)], None, "en", no_progress, as_user("bob"))
    [doc] = picked(own)
    status, own = fns["delete_own"](doc, None, "en", as_user("bob"))
    assert status == "Deleted: 丁县报告" and picked(own) == [] and not services.store.has_doc(doc)


def test_a_reopened_conversation_brings_back_its_documents(page):
    services, fns, _, _, _ = page
    older = next(d.doc_id for d in services.library.documents() if d.title == OLDER)
    _, answer = chat(fns, "bob", None, [older])
    state, _ = fns["save_turns"]({"1": answer}, new_conversation_state(), None, "", "zh", as_user("bob"), [older])
    *_, title, documents = fns["open"](state["id"], "zh", as_user("bob"))
    assert title == QUESTION and documents == [older]
