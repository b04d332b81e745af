"""Shared fixtures: the real embedding model, a real Chroma index of the starter knowledge base
(built once per run in a temporary folder), the real generator, and ../shared when present."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).parent / "data"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared holds the real PDFs and eval data); skipping")
    return path


@pytest.fixture(scope="session")
def settings_for(tmp_path_factory):
    """Settings with their own data dir; models come from the usual cache (scripts/setup.sh)."""
    from app.settings import Settings

    def make(name: str = "data", **overrides):
        return Settings(data_dir=tmp_path_factory.mktemp(name), **overrides)
    return make


@pytest.fixture(scope="session")
def embedder():
    """The embedding model as the settings name it by default (the ONNX int8 export, built by
    scripts/setup.sh): what the CLI subprocesses of the tests use too."""
    from app.services import build_embedder
    from app.settings import Settings

    return build_embedder(Settings())


@pytest.fixture(scope="session")
def torch_embedder():
    """The same model run by PyTorch fp32 (``embedding_backend="torch"``), to compare against."""
    from app.services import build_embedder
    from app.settings import Settings

    return build_embedder(Settings(embedding_backend="torch"))


@pytest.fixture(scope="session")
def kb_services(settings_for, embedder):
    """Services over a fresh index of knowledge/, shared by the tests that only read it."""
    from app.services import Services

    services = Services(settings_for("kb"))
    services.__dict__["embedder"] = embedder  # the same model; loading it twice costs time only
    results = services.ensure_starter_knowledge()
    assert results and all(r.status == "added" for r in results), [r.line() for r in results]
    return services


@pytest.fixture(scope="session")
def kb_env(kb_services):
    """Environment for running the CLI or the app as a subprocess on the shared test index."""
    env = dict(os.environ, ADVISOR_DATA_DIR=str(kb_services.settings.data_dir))
    return env


@pytest.fixture
def fresh_services(settings_for, embedder):
    """Services over an empty index of their own (for tests that write)."""
    from app.services import Services

    services = Services(settings_for("fresh", knowledge_dir=DATA / "no-such-folder"))
    services.__dict__["embedder"] = embedder
    services.check_embedding()  # records the model with the empty index, for tests that write past Services
    return services


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(env: dict, log_path: Path, timeout_s: int = 180):
    """``advisor serve`` as a user starts it, on a free port; yields its URL, stops it after."""
    import httpx

    port = free_port()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", "serve", "--port", str(port)], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.time() + timeout_s
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"the app exited: {log_path.read_text()[-3000:]}")
                if time.time() > deadline:
                    pytest.fail(f"the app did not start in {timeout_s} s")
                try:
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(1)
            yield url
        finally:
            proc.terminate()
            proc.wait(30)
