"""The HTTP API over the shared test index with a fake, slowly streaming generator: the official
openai client, errors (400/401/403/404/413/429/503), documents behind the token, the queue, and a
client that disconnects."""

import json
import threading
import time

import httpx
import pytest

from app.web.server import build_web_app
from ingest.embedding import COMPUTE_LOCK
from tests.conftest import DATA
from tests.app.web.conftest import SlowFakeGenerator, served, wait_ready, web_services

QUESTION = "中小企业数字化转型应该从哪里入手？"


@pytest.fixture(scope="module")
def fake_app(kb_services, embedder):
    settings = kb_services.settings.model_copy(update={"max_queue": 1})
    app = build_web_app(web_services(settings, embedder, SlowFakeGenerator(token_s=0.02)))
    wait_ready(app)
    with served(app) as url:
        yield app, url


def openai_client(url):
    from openai import OpenAI

    return OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=60)


def test_openai_client_non_streaming_carries_the_advisor_answer(fake_app):
    _, url = fake_app
    reply = openai_client(url).chat.completions.create(model="my-model", messages=[
        {"role": "system", "content": "ignored: the advisor has its own"}, {"role": "user", "content": QUESTION}])
    advisor = reply.model_extra["advisor"]
    assert reply.model == "my-model" and reply.choices[0].finish_reason == "stop"
    assert reply.choices[0].message.content == advisor["answer"]
    assert advisor["question"] == QUESTION and advisor["contexts"] and advisor["citations"][0]["n"] == 1


def test_openai_client_streaming_sends_deltas_then_the_advisor_answer(fake_app):
    _, url = fake_app
    chunks = list(openai_client(url).chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": QUESTION}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert len(chunks) >= 3 and chunks[-1].choices[0].finish_reason == "stop"  # role, text…, final
    advisor = chunks[-1].model_extra["advisor"]
    assert text == advisor["answer"] and "[1]" in text
    assert all("advisor" not in (c.model_extra or {}) for c in chunks[:-1])


def test_models_and_health(fake_app):
    _, url = fake_app
    models = httpx.get(f"{url}/v1/models").json()
    assert [m["id"] for m in models["data"]] == ["qwen2.5-coder-1.5b-instruct-q4_k_m"]
    health = httpx.get(f"{url}/healthz")
    body = health.json()
    assert health.status_code == 200 and body["status"] == "ready"
    assert body["store"]["reachable"] and body["store"]["documents"] > 10 and body["models"]["state"] == "ready"


def test_ask_returns_exactly_the_answer_json(fake_app):
    _, url = fake_app
    answer = httpx.post(f"{url}/v1/ask", json={"question": QUESTION, "profile": {"tier": "sme"}}, timeout=60).json()
    assert answer["question"] == QUESTION and answer["profile"]["tier"] == "sme"
    assert set(answer) >= {"answer", "citations", "contexts", "refused", "timings", "citation_checks"}


@pytest.mark.parametrize("path, body, code, words", [
    ("/v1/chat/completions", b"{not json", "bad_json", "not valid JSON"),
    ("/v1/chat/completions", {"messages": []}, "no_messages", "non-empty list"),
    ("/v1/chat/completions", {"messages": [{"role": "assistant", "content": "hi"}]}, "no_user_message", "last message"),
    ("/v1/chat/completions", {"messages": [{"role": "tool", "content": "x"}]}, "unknown_role", "'tool'"),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": QUESTION}], "stream": "yes"}, "bad_field",
     "`stream`"),
    ("/v1/ask", {"question": "  "}, "no_question", "`question`"),
    ("/v1/ask", {"question": QUESTION, "profile": {"tier": "huge"}}, "bad_profile", "tier must be one of"),
    ("/v1/ask", {"question": QUESTION, "history": [{"role": "robot"}]}, "bad_history", "each history item"),
])
def test_bad_requests_get_400_with_the_reason(fake_app, path, body, code, words):
    _, url = fake_app
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    reply = httpx.post(f"{url}{path}", content=content, headers={"Content-Type": "application/json"})
    error = reply.json()["error"]
    assert reply.status_code == 400 and error["code"] == code and words in error["message"]
    assert error["type"] == "invalid_request_error" and "Traceback" not in reply.text


def test_too_large_body_is_413(fake_app):
    _, url = fake_app
    reply = httpx.post(f"{url}/v1/ask", json={"question": "问" * 600_000})
    assert reply.status_code == 413 and reply.json()["error"]["code"] == "body_too_large"


def test_unknown_api_route_is_a_json_404(fake_app):
    _, url = fake_app
    reply = httpx.get(f"{url}/v1/nothing-here")
    assert reply.status_code == 404 and reply.json()["error"]["code"] == "not_found"


def test_documents_are_off_without_a_configured_token(fake_app):
    _, url = fake_app
    reply = httpx.get(f"{url}/v1/documents", headers={"Authorization": "Bearer anything"})
    assert reply.status_code == 403 and "ADVISOR_API_TOKEN" in reply.json()["error"]["message"]


def test_full_queue_is_429_with_retry_after_and_a_waiting_client_is_served(fake_app):
    app, url = fake_app
    generator = app.state.web.services.generator
    generator.rounds = 10  # ~2 s per answer
    results = {}

    def ask(name):
        results[name] = httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=120)

    try:
        threads = [threading.Thread(target=ask, args=(n,)) for n in ("first", "second")]
        for t in threads:
            t.start()
            time.sleep(0.5)  # first is answering, second waits (max_queue=1)
        third = httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=10)
        assert third.status_code == 429 and int(third.headers["Retry-After"]) >= 1
        assert third.json()["error"]["type"] == "rate_limit_error"
        for t in threads:
            t.join(120)
    finally:
        generator.rounds = 1
    assert results["first"].status_code == 200 and results["second"].status_code == 200


def test_disconnected_stream_hands_the_model_to_the_next_request_within_a_second(fake_app):
    app, url = fake_app
    generator = app.state.web.services.generator
    admission = app.state.web.admission
    second = {}
    waiter = threading.Thread(target=lambda: second.update(
        reply=httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=120)))
    generator.rounds = 200  # the first answer would run for ~45 s
    try:
        with httpx.Client(timeout=60) as client:
            with client.stream("POST", f"{url}/v1/chat/completions", json={
                    "model": "m", "stream": True, "messages": [{"role": "user", "content": QUESTION}]}) as reply:
                lines = reply.iter_lines()  # kept open: leaving this loop early would close the stream
                assert next(line for line in lines if line.startswith("data: "))  # retrieval done, answering
                deadline = time.monotonic() + 30
                while not COMPUTE_LOCK.locked() and time.monotonic() < deadline:
                    time.sleep(0.02)
                generator.rounds = 1  # for the second request, which now waits its turn
                waiter.start()
                while admission.snapshot()["waiting"] == 0 and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert admission.snapshot() | {"mean_answer_s": 0} == {"active": 1, "waiting": 1, "max_waiting": 1,
                                                                       "mean_answer_s": 0}
                assert COMPUTE_LOCK.locked()
            left = time.monotonic()  # the client hung up in the middle of the answer
        while admission.snapshot()["waiting"] and time.monotonic() - left < 1.0:
            time.sleep(0.01)
        handed_over_s = time.monotonic() - left
        assert handed_over_s < 1.0 and admission.snapshot()["active"] == 1  # the second request has the model
    finally:
        generator.rounds = 1
        waiter.join(120) if waiter.is_alive() else None
    assert second["reply"].status_code == 200 and second["reply"].json()["answer"]


def test_503_while_the_models_load(kb_services, embedder):
    app = build_web_app(web_services(kb_services.settings, embedder, SlowFakeGenerator()), load_models=False)
    with served(app) as url:
        health = httpx.get(f"{url}/healthz")
        chat = httpx.post(f"{url}/v1/chat/completions", json={"messages": [{"role": "user", "content": QUESTION}]})
    assert health.status_code == 503 and health.json()["status"] == "loading"
    assert chat.status_code == 503 and chat.headers["Retry-After"] and chat.json()["error"]["code"] == "loading"


@pytest.fixture
def token_app(settings_for, embedder):
    settings = settings_for("api-docs", knowledge_dir=DATA / "no-such-folder", api_token="s3cret", max_upload_mb=1)
    app = build_web_app(web_services(settings, embedder, SlowFakeGenerator()))
    wait_ready(app)
    with served(app) as url:
        yield app, url


def test_document_changes_need_the_token_and_change_nothing_without_it(token_app):
    app, url = token_app
    store = app.state.web.services.store
    sample = (DATA / "policy_sample.zh.md").read_bytes()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret"}):
        up = httpx.post(f"{url}/v1/documents", files={"file": ("p.md", sample)}, headers=headers)
        assert up.status_code == 401 and up.headers["WWW-Authenticate"] == "Bearer"
        assert httpx.get(f"{url}/v1/documents", headers=headers).status_code == 401
    assert store.count() == 0

    auth = {"Authorization": "Bearer s3cret"}
    up = httpx.post(f"{url}/v1/documents", files={"file": ("政策样本.md", sample)}, headers=auth, timeout=120)
    assert up.status_code == 200, up.text
    [row] = up.json()["results"]
    assert row["status"] == "added" and row["chunks"] > 0
    listed = httpx.get(f"{url}/v1/documents", headers=auth).json()["documents"]
    assert [d["file_name"] for d in listed] == ["政策样本.md"]

    assert httpx.delete(f"{url}/v1/documents/{row['doc_id']}", headers={}).status_code == 401
    assert store.count() > 0
    gone = httpx.delete(f"{url}/v1/documents/{row['doc_id']}", headers=auth)
    assert gone.status_code == 200 and gone.json()["removed"] == [row["doc_id"]] and store.count() == 0
    assert httpx.delete(f"{url}/v1/documents/{row['doc_id']}", headers=auth).status_code == 404


def test_uploads_are_checked_before_anything_is_ingested(token_app):
    app, url = token_app
    auth = {"Authorization": "Bearer s3cret"}
    big = httpx.post(f"{url}/v1/documents", files={"file": ("big.txt", b"x" * (3 * 1024 * 1024))}, headers=auth)
    assert big.status_code == 413
    wrong = httpx.post(f"{url}/v1/documents", files=[("file", ("ok.md", (DATA / "policy_sample.zh.md").read_bytes())),
                                                     ("file", ("run.exe", b"MZ"))], headers=auth)
    assert wrong.status_code == 400 and "not allowed" in wrong.json()["error"]["message"]
    none = httpx.post(f"{url}/v1/documents", data={"x": "1"}, headers=auth)
    assert none.status_code == 400 and none.json()["error"]["code"] == "no_files"
    assert app.state.web.services.store.count() == 0


def test_wrong_method_is_a_json_405(fake_app):
    _, url = fake_app
    reply = httpx.get(f"{url}/v1/chat/completions")
    assert reply.status_code == 405 and reply.json()["error"]["code"] == "method"


def test_chat_user_waiting_for_the_model_sees_their_place_in_line(fake_app):
    from gradio_client import Client

    app, url = fake_app
    generator = app.state.web.services.generator
    generator.rounds = 10  # ~2 s per answer
    try:
        first = Client(url + "/", verbose=False).submit(QUESTION, [], "", "", None, 0, "", api_name="/chat")
        deadline = time.time() + 30
        while app.state.web.admission.snapshot()["active"] == 0 and time.time() < deadline:
            time.sleep(0.05)
        second = Client(url + "/", verbose=False).submit("设备管理场景要达到三级，需要做到什么程度？", [], "", "", None, 0, "",
                                                         api_name="/chat")
        first.result(timeout=120)
        second.result(timeout=120)
    finally:
        generator.rounds = 1
    shown = [out[0][-1]["content"] for out in second.outputs() if out[0]]
    texts = [s[0]["text"] if isinstance(s, list) else s for s in shown]
    assert "排队中：前面还有 1 位" in texts
    assert "[1]" in texts[-1] or "资料" in texts[-1]  # then the answer itself


def test_a_waiting_stream_is_told_its_place_in_comments(fake_app, monkeypatch):
    import app.web.api as api

    app, url = fake_app
    generator = app.state.web.services.generator
    monkeypatch.setattr(api, "HEARTBEAT_S", 0.2)
    generator.rounds = 10  # ~2 s
    try:
        first = threading.Thread(target=lambda: httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=60))
        first.start()
        deadline = time.time() + 30
        while app.state.web.admission.snapshot()["active"] == 0 and time.time() < deadline:
            time.sleep(0.02)
        with httpx.stream("POST", f"{url}/v1/chat/completions", timeout=60, json={
                "stream": True, "messages": [{"role": "user", "content": QUESTION}]}) as reply:
            lines = [line for line in reply.iter_lines() if line]
        first.join(60)
    finally:
        generator.rounds = 1
    assert lines[0] == ": in queue: 1 ahead" and lines[-1] == "data: [DONE]"
