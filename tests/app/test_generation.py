"""The three generator back ends, each against a real model; the model-server one also against a\nserver that is down or never answers."""

import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest

from app.generation.base import GenerationError
from app.generation.openai_compatible import OpenAICompatibleGenerator
from tests.conftest import free_port
from tests.tiny_qwen import build_tiny_qwen

MESSAGES = [{"role": "system", "content": "请简短回答。"}, {"role": "user", "content": "用一句话介绍中国的首都是哪座城市。"}]



@pytest.fixture(scope="module")
def llama(kb_services):
    return kb_services.generator


def test_llama_cpp_streams_and_is_deterministic(llama):
    first = list(llama.stream(MESSAGES, 24))
    second = "".join(llama.stream(MESSAGES, 24))
    assert len(first) > 1 and "".join(first) == second
    assert "北京" in second


@pytest.mark.slow
def test_llama_cpp_keeps_the_system_prompt_cached_across_a_prompt_without_it(llama):
    """The follow-up rewrite sends no system prompt; the next answer still evaluates only what
    follows the system prompt (llama.cpp's own count), exactly as when the previous prompt had it,
    and answers the same. (A cold cache may differ by a token: llama.cpp's sums depend on how the
    prompt is split into batches.)"""
    import llama_cpp
    from prompts import load_prompt

    def answer(messages, max_tokens):
        llama_cpp.llama_perf_context_reset(llama.llm.ctx)
        text = "".join(llama.stream(messages, max_tokens))
        return text, llama_cpp.llama_perf_context(llama.llm.ctx).n_p_eval

    system = load_prompt("system", "zh").text
    llama.warm_up(system)
    question = [{"role": "system", "content": system}, {"role": "user", "content": "灯塔工厂是什么？"}]
    follow_up = [{"role": "system", "content": system}, {"role": "user", "content": "智能制造成熟度有几个等级？"}]
    answer(question, 2)
    after_answer = answer(follow_up, 8)
    answer(question, 2)
    restores = llama.prefix_restores
    answer([{"role": "user", "content": "改写成完整的问题：它有几个等级？"}], 2)
    after_rewrite = answer(follow_up, 8)
    assert llama.prefix_restores == restores + 1
    assert after_rewrite == after_answer
    assert 0 < after_rewrite[1] < 40 < llama.count_tokens(system)
    llama.llm.reset()
    assert answer(follow_up, 1)[1] > llama.count_tokens(system)  # reset: the whole prompt


@pytest.fixture(scope="module")
def model_server(kb_services):
    """llama-cpp-python's own OpenAI-compatible server, on the shipped GGUF, on loopback."""
    from app.services import generator_model_path

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model",
                               str(generator_model_path(kb_services.settings)), "--host", "127.0.0.1",
                               "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
                               "--model_alias", "qwen"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.slow
def test_openai_compatible_server_streamed_and_whole(model_server):
    streamed = list(OpenAICompatibleGenerator(model_server, "qwen").stream(MESSAGES, 24))
    whole = list(OpenAICompatibleGenerator(model_server, "qwen", stream=False).stream(MESSAGES, 24))
    assert len(streamed) > 1 and "北京" in "".join(streamed)
    assert len(whole) == 1 and "北京" in whole[0]


@pytest.mark.slow
def test_the_advisor_answers_through_the_model_server(kb_services, model_server):
    from app.services import Services

    settings = kb_services.settings.model_copy(update={"generator": "openai", "openai_base_url": model_server,
                                                       "openai_model": "qwen"})
    services = Services(settings)
    services.__dict__["embedder"] = kb_services.embedder
    answer = services.advisor.ask("设备管理场景要达到三级，需要做到什么程度？")
    assert answer.citations and not answer.refused and "[1]" in answer.answer


def test_unreachable_server_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}/v1"
    gen = OpenAICompatibleGenerator(url, "none", timeout_s=3)
    with pytest.raises(GenerationError, match=f"the model server at {url} is not reachable: "):
        list(gen.stream(MESSAGES, 4))


@pytest.fixture
def silent_server():
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.parametrize("streaming", [True, False])
def test_a_server_that_does_not_answer_times_out(silent_server, streaming):
    gen = OpenAICompatibleGenerator(silent_server, "none", timeout_s=1, stream=streaming)
    start = time.monotonic()
    with pytest.raises(GenerationError, match=r"did not answer within 1 s \(request_timeout_s\)"):
        list(gen.stream(MESSAGES, 4))
    assert time.monotonic() - start < 5


def test_transformers_backend_on_a_tiny_model(tmp_path):
    """A tiny Qwen2-architecture model with random weights and its own tokenizer, saved as
    safetensors: the transformers back end loads it, applies the chat template and streams."""
    words = build_tiny_qwen(tmp_path, "中国的首都是哪座城市只用一个词回答北京？。")
    from app.generation.transformers_local import TransformersGenerator

    gen = TransformersGenerator(tmp_path)
    first = "".join(gen.stream(MESSAGES, 8))
    assert first == "".join(gen.stream(MESSAGES, 8))
    assert all(ch in "".join(words) for ch in first)


def test_transformers_generation_stops_when_the_reader_stops(tmp_path):
    """Closing the stream early ends generation at the next token and frees the compute lock
    (10,000 tokens would take minutes)."""
    from ingest.embedding import COMPUTE_LOCK
    from tests.tiny_qwen import build_tiny_qwen
    from app.generation.transformers_local import TransformersGenerator

    build_tiny_qwen(tmp_path, "".join(m["content"] for m in MESSAGES) * 4, max_positions=16384)
    gen = TransformersGenerator(tmp_path)
    assert len("".join(gen.stream(MESSAGES, 40))) >= 40  # this model does not stop early by itself
    pieces = gen.stream(MESSAGES, 10_000)
    next(pieces)
    started = time.monotonic()
    pieces.close()
    assert time.monotonic() - started < 1 and not COMPUTE_LOCK.locked()
