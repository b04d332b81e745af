"""The three generator back ends, each against a real model."""

import subprocess
import sys
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
def test_openai_compatible_server(kb_services):
    """llama-cpp-python's own OpenAI-compatible server, on the shipped GGUF, on loopback."""
    from app.services import generator_model_path

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model",
                               str(generator_model_path(kb_services.settings)), "--host", "127.0.0.1",
                               "--port", str(port), "--n_ctx", "1024", "--n_threads", "2",
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
        gen = OpenAICompatibleGenerator(f"http://127.0.0.1:{port}/v1", "qwen")
        pieces = list(gen.stream(MESSAGES, 24))
        assert len(pieces) > 1 and "北京" in "".join(pieces)
    finally:
        server.terminate()
        server.wait(30)


def test_unreachable_server_is_a_clear_error():
    gen = OpenAICompatibleGenerator(f"http://127.0.0.1:{free_port()}/v1", "none", timeout_s=3)
    with pytest.raises(GenerationError, match="cannot reach the model server"):
        list(gen.stream(MESSAGES, 4))


def test_transformers_backend_on_a_tiny_model(tmp_path):
    """A tiny Qwen2-architecture model with random weights and its own tokenizer, saved as
    safetensors: the transformers back end loads it, applies the chat template and streams."""
    words = build_tiny_qwen(tmp_path, "中国的首都是哪座城市只用一个词回答北京？。")
    from app.generation.transformers_local import TransformersGenerator

    gen = TransformersGenerator(tmp_path)
    first = "".join(gen.stream(MESSAGES, 8))
    assert first == "".join(gen.stream(MESSAGES, 8))
    assert all(ch in "".join(words) for ch in first)
