"""What the advisor needs from a language model: stream the reply to chat messages."""

from __future__ import annotations

from typing import Iterator, Protocol


class GenerationError(RuntimeError):
    """The model could not answer (not loaded, server unreachable …); the message says why."""


class Generator(Protocol):
    name: str

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        """Yield the reply's text piece by piece. Deterministic at temperature 0."""
        ...

    def warm_up(self, system_prompt: str) -> None:
        """Pay the one-off costs (load, the system prompt's prefix) before the first user waits."""
        ...
