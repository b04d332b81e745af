"""The web app served in this test process (uvicorn in a thread, on a free loopback port), over
the shared test index, with the real generator or a fake one that streams slowly."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest

from app.generation.cancel import raise_if_cancelled
from ingest.embedding import COMPUTE_LOCK
from tests.conftest import free_port

FAKE_ANSWER = ["根据", "资料", "，", "企业", "应", "先", "做", "诊断", "评估", "[1]", "。"]


class SlowFakeGenerator:
    """The Generator protocol: holds the compute lock while it streams, checks for cancellation
    between tokens, as the real llama.cpp generator does; ``rounds`` repeats the answer."""

    name = "fake-slow"

    def __init__(self, token_s: float = 0.05, rounds: int = 1):
        self.token_s = token_s
        self.rounds = rounds
        self.calls = 0

    def stream(self, messages, max_tokens):
        self.calls += 1
        with COMPUTE_LOCK:
            for piece in FAKE_ANSWER * self.rounds:
                raise_if_cancelled()
                time.sleep(self.token_s)
                yield piece

    def warm_up(self, system_prompt):
        return None


def web_services(settings, embedder, generator=None):
    from app.services import Services

    services = Services(settings)
    services.__dict__["embedder"] = embedder
    if generator is not None:
        services.__dict__["generator"] = generator
    return services


@contextlib.contextmanager
def served(app, timeout_s: float = 60, port: int | None = None, graceful_s: float | None = None):
    """Serve a FastAPI app on a loopback port (a free one unless given: a restart keeps its port) in a
    thread; yields its base URL. ``graceful_s``: how long stopping waits for open streams."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           timeout_graceful_shutdown=graceful_s))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + timeout_s
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def wait_ready(app, timeout_s: float = 300) -> None:
    loader = app.state.web.loader
    assert loader.done.wait(timeout_s), "the models did not load"
    assert loader.state == "ready", loader.error
