"""The running Gradio app, asked through gradio_client (as a script would) on the test index."""

import importlib
import os

import pytest

from tests.conftest import running_app


@pytest.fixture(scope="module")
def app_url(kb_env, tmp_path_factory):
    with running_app(kb_env, tmp_path_factory.mktemp("app") / "serve.log") as url:
        yield url


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

    answer = Client(app_url, verbose=False).predict("世界杯冠军是哪个国家？", "", api_name="/ask_json")
    assert answer["refused"] and answer["answer"].startswith("资料中没有提供")
    answer = Client(app_url, verbose=False).predict("今天天气怎么样？", "", api_name="/ask_json")
    assert answer["refused"] and answer["out_of_scope"]


def test_no_analytics_or_telemetry_env(kb_env):
    importlib.import_module("app")  # importing the package sets the variables

    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False" and os.environ["ANONYMIZED_TELEMETRY"] == "False"
