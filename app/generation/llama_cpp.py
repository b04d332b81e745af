"""GGUF models with llama.cpp (llama-cpp-python). The system prompt's KV cache is reused across
questions: llama-cpp-python keeps the longest common token prefix of consecutive prompts. A prompt
without the system prompt (the follow-up rewrite, translations) would evict it, and the next answer
would evaluate the whole system prompt again (~200 tokens, seconds on 2 cores): warm-up saves the
system prompt's state and the next prompt that starts with it restores it (``Llama.load_state``)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ingest.embedding import COMPUTE_LOCK
from app.generation.base import GenerationError
from app.generation.cancel import raise_if_cancelled


def system_of(messages: list[dict[str, str]]) -> str | None:
    """The system message a prompt starts with (None: none), i.e. what its KV cache starts with."""
    return messages[0]["content"] if messages and messages[0].get("role") == "system" else None


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
        # Read, not mapped: llama.cpp copies ~600 MB of the Q4_K weights into its repacked (CPU_REPACK)
        # buffer for faster matrix products, and mapped, their originals would stay resident too
        # (measured: 1.86 GB resident mapped, 1.27 GB read; the same speed).
        self.llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
                         n_batch=512, seed=seed, use_mmap=False, verbose=False)
        self.prefix_state = None  # the KV cache after the warm-up prompt (system prompt first)
        self.prefix_system: str | None = None  # ... and that system prompt
        self.cached_system: str | None = None  # the system message of the prompt in the KV cache now
        self.prefix_restores = 0

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        with COMPUTE_LOCK:
            self._keep_prefix(messages)
            for part in self.llm.create_chat_completion(messages=messages, stream=True, max_tokens=max_tokens,
                                                         temperature=self.temperature, seed=self.seed):
                raise_if_cancelled()  # between tokens: a cancelled answer frees the model at once
                text = part["choices"][0]["delta"].get("content")
                if text:
                    yield text

    def _keep_prefix(self, messages: list[dict[str, str]]) -> None:
        """A prompt with the warmed system prompt after one without it: restore the saved state, so
        llama.cpp evaluates only what follows the system prompt. Only speed depends on this:
        llama-cpp-python still compares the tokens and evaluates whatever differs."""
        system = system_of(messages)
        if self.prefix_state is not None and system == self.prefix_system and self.cached_system != system:
            self.llm.load_state(self.prefix_state)
            self.prefix_restores += 1
        self.cached_system = system

    def warm_up(self, system_prompt: str) -> None:
        for _ in self.stream([{"role": "system", "content": system_prompt}, {"role": "user", "content": "你好"}], 1):
            pass
        with COMPUTE_LOCK:
            state = self.llm.save_state()
        # Logits are only kept for logprobs (logits_all, off here): store one row, not n_tokens ×
        # vocabulary (~130 MB); load_state broadcasts it (into its own scores array, which makes those
        # ~130 MB resident from the first restore on).
        state.scores = state.scores[:1].copy()
        self.prefix_state, self.prefix_system = state, system_prompt
