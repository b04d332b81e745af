"""/v1 with accounts (FastAPI TestClient over the fakes, no model): API keys name the caller, the
server's api_token is an admin, ``"store": true`` records the turn under the key's user and
``conversation_id`` continues it; a user reaches only their own conversations (another user's id
is the same 404 as a missing one, for every route), members are refused the admin routes, a
revoked key stops at once, and keys never reach the logs. The isolation tests run on SQLite and on
a real PostgreSQL (``-m postgres``)."""

import json
import logging

import pytest
from fastapi.testclient import TestClient

from tests.app.storage.conftest import backend  # noqa: F401  (a fixture; postgres_server is in tests/conftest.py)
from tests.app.web.signin import FOLLOW_UP, QUESTION, bearer, make_web_app

TOKEN = "server-admin-token-123"


@pytest.fixture
def web(tmp_path):
    web = make_web_app(tmp_path, api_token=TOKEN)
    web.add_users("alice", "bob", "root")
    return web


@pytest.fixture
def client(web):
    with TestClient(web.app) as client:
        yield client


@pytest.fixture
def shared_web(backend, tmp_path):  # noqa: F811
    """The same app with its database on the backend under test (SQLite, or PostgreSQL)."""
    web = make_web_app(tmp_path, api_token=TOKEN, database_url=backend.url)
    web.add_users("alice", "bob", "root")
    yield web
    web.services.database.close()


def ask(client, key, **body):
    reply = client.post("/v1/ask", json={"question": QUESTION, **body}, headers=bearer(key))
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_store_records_the_turn_under_the_keys_user_and_conversation_id_continues_it(client, web):
    key = web.key("alice")
    first = ask(client, key, store=True)
    cid = first["conversation_id"]
    assert first["question"] == QUESTION and "answer" in first
    follow = client.post("/v1/ask", json={"question": FOLLOW_UP, "conversation_id": cid}, headers=bearer(key)).json()
    assert follow["conversation_id"] == cid
    assert QUESTION in web.retriever.searches[-1]["query"]  # the follow-up was searched with the stored context
    listing = client.get("/v1/conversations", headers=bearer(key)).json()
    assert [(c["id"], c["title"]) for c in listing["data"]] == [(cid, QUESTION)]
    assert set(listing["data"][0]) == {"id", "title", "created", "updated"}
    saved = client.get(f"/v1/conversations/{cid}", headers=bearer(key)).json()
    assert [t["question"] for t in saved["turns"]] == [QUESTION, FOLLOW_UP]
    assert saved["turns"][0]["answer"]["answer"] == first["answer"]  # the whole answer JSON is kept
    assert "conversation_id" not in ask(client, key)  # not stored without "store"
    assert len(client.get("/v1/conversations", headers=bearer(key)).json()["data"]) == 1


def test_chat_completions_store_streamed_and_not(client, web):
    key = web.key("alice")
    messages = [{"role": "user", "content": QUESTION}]
    reply = client.post("/v1/chat/completions", json={"messages": messages, "store": True}, headers=bearer(key))
    cid = reply.json()["conversation_id"]
    with client.stream("POST", "/v1/chat/completions", headers=bearer(key),
                       json={"messages": [{"role": "user", "content": FOLLOW_UP}], "stream": True,
                             "conversation_id": cid}) as stream:
        events = [line[6:] for line in stream.iter_lines() if line.startswith("data: ")]
    final = json.loads(events[-2])
    assert events[-1] == "[DONE]" and final["conversation_id"] == cid and final["advisor"]["question"] == FOLLOW_UP
    saved = web.stores.conversations.get(web.stores.accounts.get("alice").id, cid)
    assert [t.question for t in saved.turns] == [QUESTION, FOLLOW_UP]


@pytest.mark.parametrize("body", [{"store": "yes"}, {"conversation_id": "7"}, {"conversation_id": True}])
def test_bad_store_fields_are_400(client, web, body):
    reply = client.post("/v1/ask", json={"question": QUESTION, **body}, headers=bearer(web.key("alice")))
    assert reply.status_code == 400 and reply.json()["error"]["code"] == "bad_field"


def test_another_users_conversation_is_the_same_404_as_a_missing_one_on_every_route(shared_web):
    web = shared_web
    alice, bob = web.key("alice"), web.key("bob")
    with TestClient(web.app) as client:
        cid = ask(client, alice, store=True)["conversation_id"]
        missing = cid + 1000
        prompts = len(web.generator.prompts)
        routes = [("GET", "/v1/conversations/{}", None), ("GET", "/v1/conversations/{}/export?format=docx", None),
                  ("GET", "/v1/conversations/{}/export?format=markdown", None),
                  ("PATCH", "/v1/conversations/{}", {"title": "mine now"}), ("DELETE", "/v1/conversations/{}", None),
                  ("POST", "/v1/ask", {"question": FOLLOW_UP, "conversation_id": "{}"}),
                  ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": FOLLOW_UP}],
                                                    "conversation_id": "{}"})]
        for method, path, body in routes:
            bodies = []
            for target in (cid, missing):
                content = json.loads(json.dumps(body).replace('"{}"', str(target))) if body else None
                reply = client.request(method, path.format(target), json=content, headers=bearer(bob))
                assert reply.status_code == 404, (method, path, reply.text)
                bodies.append(reply.json())
            assert bodies[0] == bodies[1], (method, path)  # nothing tells "someone else's" from "none"
        assert len(web.generator.prompts) == prompts  # no answer was made for bob
        assert client.get("/v1/conversations", headers=bearer(bob)).json()["data"] == []
        saved = client.get(f"/v1/conversations/{cid}", headers=bearer(alice)).json()
        assert saved["title"] == QUESTION and len(saved["turns"]) == 1  # untouched


def test_owner_renames_exports_and_deletes(client, web):
    import io

    import docx

    key = web.key("alice")
    cid = ask(client, key, store=True)["conversation_id"]
    renamed = client.patch(f"/v1/conversations/{cid}", json={"title": "诊断评估"}, headers=bearer(key))
    assert renamed.json()["title"] == "诊断评估"
    assert client.patch(f"/v1/conversations/{cid}", json={"title": " "}, headers=bearer(key)).status_code == 400
    markdown = client.get(f"/v1/conversations/{cid}/export", headers=bearer(key)).text
    assert markdown.startswith("# 诊断评估") and QUESTION in markdown
    word = client.get(f"/v1/conversations/{cid}/export?format=docx", headers=bearer(key))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "诊断评估" in text and QUESTION in text
    assert client.delete(f"/v1/conversations/{cid}", headers=bearer(key)).json() == {"deleted": cid}
    assert client.get(f"/v1/conversations/{cid}", headers=bearer(key)).status_code == 404


def test_members_are_refused_the_admin_routes(client, web):
    member, admin = web.key("alice"), web.key("root")
    for path in ("/v1/feedback", "/v1/feedback?format=eval"):
        assert client.get(path, headers=bearer(member)).status_code == 403, path
    for path in ("/v1/documents", "/v1/feedback", "/v1/feedback?format=eval"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=bearer("ta_not-a-real-key")).status_code == 401, path
    # documents are every user's too (their own; tests/app/web/test_document_owners.py): not an admin route
    assert client.get("/v1/documents", headers=bearer(member)).status_code == 200
    assert client.delete("/v1/documents/some-doc", headers=bearer(member)).status_code == 404
    assert client.get("/v1/feedback", headers=bearer(admin)).status_code == 200
    assert client.get("/v1/feedback?format=eval", headers=bearer(TOKEN)).status_code == 200  # the old token: admin
    assert client.get("/v1/feedback?format=xml", headers=bearer(admin)).status_code == 400


def test_feedback_export_for_the_admin(client, web):
    alice = web.stores.accounts.get("alice")
    answer = ask(client, web.key("alice"))
    web.stores.feedback.add(-1, answer, "wrong figure", user_id=alice.id)
    admin = bearer(web.key("root"))
    csv_text = client.get("/v1/feedback?format=csv", headers=admin).content.decode("utf-8-sig")
    assert "wrong figure" in csv_text and "alice" in csv_text
    questions = [json.loads(line) for line in client.get("/v1/feedback?format=eval", headers=admin).text.splitlines()]
    assert questions[0]["question"] == QUESTION and questions[0]["must_mention"] == []
    assert client.get("/v1/feedback?format=eval&since=2999-01-01", headers=admin).text == ""
    assert client.get("/v1/feedback?since=yesterday", headers=admin).json()["error"]["code"] == "bad_date"


def test_a_revoked_key_stops_at_once(client, web):
    key = web.key("alice")
    assert client.get("/v1/conversations", headers=bearer(key)).status_code == 200
    alice = web.stores.accounts.get("alice")
    web.stores.api_keys.revoke(alice.id, key[:11])
    reply = client.get("/v1/conversations", headers=bearer(key))
    assert reply.status_code == 401 and reply.json()["error"]["code"] == "no_key"
    assert client.post("/v1/ask", json={"question": QUESTION}, headers=bearer(key)).status_code == 401


def test_without_sign_in_the_api_stays_open_and_documents_keep_their_token(tmp_path):
    web = make_web_app(tmp_path)  # no users, no api_token
    with TestClient(web.app) as client:
        assert client.get("/v1/models").status_code == 200
        assert client.get("/v1/models", headers=bearer("anything")).status_code == 200
        off = client.get("/v1/documents", headers=bearer("anything"))
        assert off.status_code == 403 and "ADVISOR_API_TOKEN" in off.json()["error"]["message"]


def test_keys_never_reach_the_logs(client, web, caplog):
    caplog.set_level(logging.DEBUG)
    key = web.key("alice")
    ask(client, key, store=True)
    client.get("/v1/conversations", headers=bearer(key))
    client.get("/v1/documents", headers=bearer(key))
    client.get("/v1/documents", headers=bearer(TOKEN))
    assert key not in caplog.text and TOKEN not in caplog.text
