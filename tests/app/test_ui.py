"""The running Gradio app, asked through gradio_client (as a script would) on the test index."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(kb_env, tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("app") / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", str(port)], env=kb_env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app exited: {open(log.name).read()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    else:
        proc.kill()
        pytest.fail("the app did not start in 180 s")
    yield url
    proc.terminate()
    proc.wait(30)


@pytest.mark.slow
def test_chat_answers_with_source_cards(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    messages, sources_html, box = client.predict("设备管理场景要达到三级，需要做到什么程度？", [], "", "", None, 0, "",
                                                 api_name="/chat")
    reply = messages[-1]["content"]
    text = reply[0]["text"] if isinstance(reply, list) else reply
    assert "[1]" in text and ("实时采集" in text or "OEE" in text)
    assert 'class="src-card cited"' in sources_html and "设备管理" in sources_html
    assert box == "" and messages[0]["role"] == "user"


@pytest.mark.slow
def test_follow_up_in_one_session_does_not_leak_into_another(app_url):
    from gradio_client import Client

    first = Client(app_url, verbose=False)
    first.predict("2024年版中小企业数字化水平评测指标有哪些维度？", [], "", "", None, 0, "", api_name="/chat")
    _, sources_a, _ = first.predict("其中数字化基础占多少分？", [], "", "", None, 0, "", api_name="/chat")
    assert "检索内容" in sources_a  # the follow-up was rewritten with this session's history
    other = Client(app_url, verbose=False)
    _, sources_b, _ = other.predict("其中数字化基础占多少分？", [], "", "", None, 0, "", api_name="/chat")
    assert "检索内容" not in sources_b  # a new session has no history to rewrite with


@pytest.mark.slow
def test_ask_json_endpoint_returns_the_answer_shape(app_url):
    from gradio_client import Client

    answer = Client(app_url, verbose=False).predict("今天天气怎么样？", "", api_name="/ask_json")
    assert answer["refused"] and answer["answer"].startswith("资料中没有提供")


def test_no_analytics_or_telemetry_env(kb_env):
    import app  # noqa: F401  (sets the variables)

    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False" and os.environ["ANONYMIZED_TELEMETRY"] == "False"
