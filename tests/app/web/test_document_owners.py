"""The documents routes for every user (FastAPI TestClient over the small real index of
tests/app/documents_index.py: fake embedder, scripted generator; sign-in on): a member uploads a
document of their own, lists it, asks about it and deletes it; another member sees none of that,
and naming it is the same 400 as naming nothing; a consultant's upload for a client is read in that
client's workspace only; an admin lists every document with its owners; a stored conversation keeps
its document scope for the follow-ups."""

import pytest
from fastapi.testclient import TestClient

from app.web.server import build_api_app
from tests.app.documents_index import OLDER, QUESTION, document_services
from tests.app.storage.test_accounts import QUICK_HASH
from tests.app.web.signin import bearer

REPORT = ("丙市中小企业数字化转型调研报告\n\n调研显示，2025年丙市中小企业数字化转型市场规模将达到7000亿元。\n\n"
          "丙市企业数字化转型最大的痛点是缺少数据。\n")
CLIENT_REPORT = ("丁县中小企业数字化转型调研报告\n\n调研显示，2025年丁县中小企业数字化转型市场规模将达到900亿元。\n")


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    services = document_services(tmp_path_factory.mktemp("document-owners"))
    stores = services.stores
    stores.accounts.hasher = QUICK_HASH
    roles = {"alice": "member", "bob": "member", "carol": "consultant", "root": "admin"}
    keys = {}
    for name, role in roles.items():
        account = stores.accounts.add(name, f"{name}-password", role)
        keys[name] = bearer(stores.api_keys.create(account.id, "test").key)
    acme = stores.clients.create(stores.accounts.get("carol").id, "ACME")
    app = build_api_app(services)
    app.state.web.loader.state = "ready"
    with TestClient(app) as client:
        yield client, keys, acme, services


def listed(http, key, **params) -> dict:
    reply = http.get("/v1/documents", headers=key, params=params)
    assert reply.status_code == 200, reply.text
    return {d["file_name"]: d for d in reply.json()["documents"]}


def test_a_members_document_is_theirs_alone(web):
    client, keys, _, services = web
    up = client.post("/v1/documents", headers=keys["alice"], files={"file": ("丙市调研报告.txt", REPORT.encode())})
    assert up.status_code == 200, up.text
    assert up.json()["shared"] is False and up.json()["results"][0]["status"] == "added"
    doc = up.json()["results"][0]["doc_id"]

    mine, theirs = listed(client, keys["alice"]), listed(client, keys["bob"])
    assert mine["丙市调研报告.txt"]["shared"] is False and "source" not in mine["丙市调研报告.txt"]
    assert "丙市调研报告.txt" not in theirs and f"{OLDER}.txt" in theirs  # the shared documents: everyone's

    answer = client.post("/v1/ask", headers=keys["alice"], json={"question": QUESTION, "documents": ["丙市调研报告"]})
    assert answer.status_code == 200 and "7000亿元" in answer.json()["answer"]
    for name in ("丙市调研报告", doc):
        hidden = client.post("/v1/ask", headers=keys["bob"], json={"question": QUESTION, "documents": [name]})
        missing = client.post("/v1/ask", headers=keys["bob"], json={"question": QUESTION, "documents": ["戊市报告"]})
        assert hidden.status_code == missing.status_code == 400
        assert hidden.json()["error"]["message"].startswith(f"`documents`: no document matches “{name}”")
        assert "丙市调研报告.txt" not in hidden.json()["error"]["message"]
    chat = client.post("/v1/chat/completions", headers=keys["bob"],
                       json={"messages": [{"role": "user", "content": QUESTION}]})
    assert doc not in {c["doc_id"] for c in chat.json()["advisor"]["contexts"]}

    assert client.delete(f"/v1/documents/{doc}", headers=keys["bob"]).status_code == 404
    assert client.delete(f"/v1/documents/{OLDER}.txt", headers=keys["alice"]).status_code == 404  # shared: not hers
    assert services.store.has_doc(doc)
    gone = client.delete("/v1/documents/丙市调研报告.txt", headers=keys["alice"])
    assert gone.status_code == 200 and gone.json()["removed"] == [doc] and not services.store.has_doc(doc)


def test_a_clients_document_is_read_in_its_workspace_only(web):
    client, keys, acme, _ = web
    up = client.post("/v1/documents", headers=keys["carol"], data={"client": "ACME"},
                     files={"file": ("丁县报告.txt", CLIENT_REPORT.encode())})
    assert up.status_code == 200, up.text
    assert "丁县报告.txt" in listed(client, keys["carol"], client=str(acme.id))
    assert "丁县报告.txt" not in listed(client, keys["carol"])
    body = {"question": QUESTION, "documents": ["丁县报告"]}
    assert "900亿元" in client.post("/v1/ask", headers=keys["carol"], json=dict(body, client="ACME")).json()["answer"]
    assert client.post("/v1/ask", headers=keys["carol"], json=body).status_code == 400  # outside the workspace
    other = client.post("/v1/ask", headers=keys["bob"], json=dict(body, client=acme.id))
    assert other.status_code == 404 and other.json()["error"]["code"] == "no_client"  # carol's client, not bob's
    assert client.post("/v1/documents", headers=keys["bob"], data={"client": "ACME"},
                       files={"file": ("x.txt", CLIENT_REPORT.encode())}).status_code == 404


def test_an_admin_lists_every_document_with_its_owners(web):
    client, keys, _, _ = web
    client.post("/v1/documents", headers=keys["alice"],
                files={"file": ("己镇报告.txt", REPORT.replace("丙市", "己镇").encode())})
    rows = listed(client, keys["root"])
    assert [o["user"] for o in rows["己镇报告.txt"]["owners"]] == ["alice"]
    assert rows[f"{OLDER}.txt"]["owners"] == [] and rows[f"{OLDER}.txt"]["shared"]
    assert rows["己镇报告.txt"]["source"].startswith("upload://user-")
    shared = client.post("/v1/documents", headers=keys["root"],
                         files={"file": ("庚省报告.txt", REPORT.replace("丙市", "庚省").encode())})
    assert shared.json()["shared"] is True and "庚省报告.txt" in listed(client, keys["bob"])


def test_a_stored_conversation_keeps_its_document_scope(web):
    client, keys, _, services = web
    first = client.post("/v1/ask", headers=keys["bob"],
                        json={"question": QUESTION, "documents": [OLDER], "store": True})
    cid = first.json()["conversation_id"]
    older = first.json()["documents"][0]["doc_id"]
    assert client.get(f"/v1/conversations/{cid}", headers=keys["bob"]).json()["documents"] == [older]
    follow_up = client.post("/v1/ask", headers=keys["bob"], json={"question": "痛点是什么？", "conversation_id": cid})
    assert follow_up.status_code == 200 and follow_up.json()["documents"] == [{"doc_id": older, "title": OLDER}]
    everything = client.post("/v1/ask", headers=keys["bob"],
                             json={"question": "痛点是什么？", "conversation_id": cid, "documents": []})
    assert everything.json()["documents"] == []  # an empty list: every document again, and kept so
    assert client.get(f"/v1/conversations/{cid}", headers=keys["bob"]).json()["documents"] == []
