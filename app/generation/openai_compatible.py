"""Any OpenAI-compatible chat server the user runs (vLLM, Ollama, llama.cpp's server …): streamed
``/chat/completions`` over server-sent events."""

from __future__ import annotations

import json
from typing import Iterator

import httpx

from app.generation.base import GenerationError


class OpenAICompatibleGenerator:
    def __init__(self, base_url: str, model: str, api_key: str = "", temperature: float = 0.0, seed: int = 42,
                 timeout_s: float = 300.0):
        self.name = f"{model} @ {base_url}"
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.temperature = temperature
        self.seed = seed
        self.timeout = httpx.Timeout(timeout_s, connect=10.0)

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        body = {"model": self.model, "messages": messages, "stream": True, "max_tokens": max_tokens,
                "temperature": self.temperature, "seed": self.seed}
        try:
            with httpx.stream("POST", self.url, json=body, headers=self.headers, timeout=self.timeout) as response:
                if response.status_code != 200:
                    response.read()
                    raise GenerationError(f"{self.url} answered HTTP {response.status_code}: {response.text[:200]}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    choices = json.loads(data).get("choices") or [{}]
                    text = (choices[0].get("delta") or {}).get("content")
                    if text:
                        yield text
        except httpx.HTTPError as exc:
            raise GenerationError(f"cannot reach the model server at {self.url}: {exc}") from exc

    def warm_up(self, system_prompt: str) -> None:
        return None
