"""The official openai client against the app's /v1 with the real model (served in this process
over the shared test index): a streamed and a non-streamed cited answer, a follow-up answered
from the messages' history, and a real llama.cpp answer cancelled by a client that hangs up."""

import threading
import time

import httpx
import pytest

from app.web.server import build_web_app
from ingest.embedding import COMPUTE_LOCK
from tests.app.web.conftest import served, wait_ready

FIRST = "2024年版中小企业数字化水平评测指标有哪些维度？"
FOLLOW_UP = "其中数字化基础占多少分？"
EQUIPMENT = "设备管理场景要达到三级，需要做到什么程度？"


@pytest.fixture(scope="module")
def real_app(kb_services):
    app = build_web_app(kb_services)
    wait_ready(app)
    with served(app) as url:
        yield app, url


@pytest.fixture(scope="module")
def client(real_app):
    from openai import OpenAI

    return OpenAI(base_url=f"{real_app[1]}/v1", api_key="unused", max_retries=0, timeout=300)


def cited(advisor: dict) -> bool:
    return bool(advisor["citations"]) and not advisor["refused"] and "[1]" in advisor["answer"]


@pytest.mark.slow
def test_streamed_answer_is_the_verified_cited_answer(client):
    stream = client.chat.completions.create(model="advisor", stream=True,
                                            messages=[{"role": "user", "content": EQUIPMENT}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    advisor = chunks[-1].model_extra["advisor"]
    assert text == advisor["answer"] and cited(advisor)
    assert advisor["question"] == EQUIPMENT and advisor["contexts"][0]["n"] == 1


@pytest.mark.slow
def test_non_streamed_answer_and_a_follow_up_from_the_messages(client):
    first = client.chat.completions.create(model="advisor", messages=[{"role": "user", "content": FIRST}])
    assert cited(first.model_extra["advisor"]) and first.choices[0].message.content
    follow = client.chat.completions.create(model="advisor", messages=[
        {"role": "user", "content": FIRST}, {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": FOLLOW_UP}])
    advisor = follow.model_extra["advisor"]
    # Rewritten with the history, as in the chat (a first question is never rewritten).
    assert advisor["question"] == FOLLOW_UP and advisor["search_query"] not in ("", FOLLOW_UP)
    assert cited(advisor)


@pytest.mark.slow
def test_a_client_that_hangs_up_frees_the_real_model_within_a_second(real_app):
    app, url = real_app
    admission = app.state.web.admission
    second = {}
    waiter = threading.Thread(target=lambda: second.update(
        reply=httpx.post(f"{url}/v1/ask", json={"question": "今天天气怎么样？"}, timeout=300)))
    with httpx.Client(timeout=300) as http:
        with http.stream("POST", f"{url}/v1/chat/completions", json={
                "stream": True, "messages": [{"role": "user", "content": EQUIPMENT}]}) as reply:
            assert reply.status_code == 200
            # llama.cpp is writing the answer: the compute lock held longer than an embedding takes
            # (the answer's lead is short: its first words may arrive only as the model finishes, so
            # the hang-up comes while the lock is held, not after the first words)
            deadline, held_since = time.monotonic() + 120, None
            while time.monotonic() < deadline:
                held_since = (held_since or time.monotonic()) if COMPUTE_LOCK.locked() else None
                if held_since and time.monotonic() - held_since > 0.3:
                    break
                time.sleep(0.005)
            assert COMPUTE_LOCK.locked()
            waiter.start()
            deadline = time.monotonic() + 10
            while admission.snapshot()["waiting"] == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert admission.snapshot()["waiting"] == 1
        left = time.monotonic()
    while admission.snapshot()["waiting"] and time.monotonic() - left < 1.0:
        time.sleep(0.01)
    handed_over_s = time.monotonic() - left
    print(f"the next request had the model {handed_over_s:.2f} s after the hang-up")
    assert handed_over_s < 1.0, "the second request did not get the model within a second"
    waiter.join(300)
    assert second["reply"].status_code == 200 and second["reply"].json()["refused"]
