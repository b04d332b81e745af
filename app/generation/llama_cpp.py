"""GGUF models with llama.cpp (llama-cpp-python). The system prompt's KV cache is reused across
questions: llama-cpp-python keeps the longest common token prefix of consecutive prompts."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ingest.embedding import COMPUTE_LOCK
from app.generation.base import GenerationError
from app.generation.cancel import raise_if_cancelled


class LlamaCppGenerator:
    def __init__(self, model_path: Path, n_ctx: int = 4096, n_threads: int = 2, temperature: float = 0.0,
                 seed: int = 42):
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise GenerationError("llama-cpp-python is not installed (run scripts/setup.sh)") from exc
        if not Path(model_path).is_file():
            raise GenerationError(f"GGUF model file not found: {model_path}")
        self.name = Path(model_path).name
        self.temperature = temperature
        self.seed = seed
        self.llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
                         n_batch=512, seed=seed, verbose=False)

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        with COMPUTE_LOCK:
            for part in self.llm.create_chat_completion(messages=messages, stream=True, max_tokens=max_tokens,
                                                         temperature=self.temperature, seed=self.seed):
                raise_if_cancelled()  # between tokens: a cancelled answer frees the model at once
                text = part["choices"][0]["delta"].get("content")
                if text:
                    yield text

    def warm_up(self, system_prompt: str) -> None:
        for _ in self.stream([{"role": "system", "content": system_prompt}, {"role": "user", "content": "你好"}], 1):
            pass
