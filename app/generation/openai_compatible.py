"""Any OpenAI-compatible chat server the user runs (vLLM, Ollama, llama.cpp's server …):
``/chat/completions``, streamed over server-sent events or, for servers that stream badly, one
reply. Every failure becomes a GenerationError that names the server and what went wrong."""

from __future__ import annotations

import json
from typing import Iterator

import httpx

from app.generation.base import GenerationError
from app.generation.cancel import raise_if_cancelled

CONNECT_TIMEOUT_S = 10.0


class OpenAICompatibleGenerator:
    def __init__(self, base_url: str, model: str, api_key: str = "", temperature: float = 0.0, seed: int = 42,
                 timeout_s: float = 300.0, stream: bool = True):
        self.name = f"{model} @ {base_url}"
        self.base_url = base_url.rstrip("/")
        self.url = self.base_url + "/chat/completions"
        self.model = model
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.temperature = temperature
        self.seed = seed
        self.timeout_s = timeout_s
        # The read timeout bounds each wait for the server: the whole reply when not streaming,
        # the gap between two pieces when streaming.
        self.timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
        self.streaming = stream

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        body = {"model": self.model, "messages": messages, "stream": self.streaming, "max_tokens": max_tokens,
                "temperature": self.temperature, "seed": self.seed}
        try:
            if self.streaming:
                yield from self._streamed(body)
            else:
                yield from self._whole(body)
        except httpx.ConnectError as exc:
            raise GenerationError(f"the model server at {self.base_url} is not reachable: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise GenerationError(f"the model server at {self.base_url} did not answer within {self.timeout_s:g} s "
                                  f"(request_timeout_s)") from exc
        except httpx.HTTPError as exc:
            raise GenerationError(f"the model server at {self.base_url} failed: {exc.__class__.__name__}: {exc}") \
                from exc

    def _check(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            response.read()
            raise GenerationError(f"the model server at {self.base_url} answered HTTP {response.status_code}: "
                                  f"{response.text[:200]}")

    def _streamed(self, body: dict) -> Iterator[str]:
        with httpx.stream("POST", self.url, json=body, headers=self.headers, timeout=self.timeout) as response:
            self._check(response)
            for line in response.iter_lines():
                raise_if_cancelled()  # closing the stream tells the server to stop generating
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                choices = self._parse(data).get("choices") or [{}]
                text = (choices[0].get("delta") or {}).get("content")
                if text:
                    yield text

    def _whole(self, body: dict) -> Iterator[str]:
        response = httpx.post(self.url, json=body, headers=self.headers, timeout=self.timeout)
        self._check(response)
        choices = self._parse(response.text).get("choices") or [{}]
        text = (choices[0].get("message") or {}).get("content")
        if text:
            yield text

    def _parse(self, data: str) -> dict:
        try:
            parsed = json.loads(data)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise GenerationError(f"the model server at {self.base_url} sent something that is not OpenAI chat "
                                  f"JSON: {data[:200]!r}")
        if "error" in parsed:
            raise GenerationError(f"the model server at {self.base_url} reported an error: {parsed['error']}")
        return parsed

    def warm_up(self, system_prompt: str) -> None:
        return None
