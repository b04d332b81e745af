"""Shared fixtures: the real embedding model, a real Chroma index of the starter knowledge base
(built once per run in a temporary folder), the real generator, and ../shared when present.

Markers (registered in pyproject.toml), added here at collection so that no test has to remember:
- ``models``: the test needs something heavy: the real embedding model, the GGUF generator, an index
  built with them (any fixture in ``MODEL_FIXTURES``, directly or through another fixture), the
  OCR engine, a browser or a bench (``MODEL_NAMES`` in its code, ``HEAVY_TESTS``);
- ``browser`` / ``bench``: which of the heavy kinds, on top of ``models``;
- ``slow``: set by hand on end-to-end checks (real generator, a running app).
The fast lane, ``scripts/test.sh --fast``, is ``-m "not slow and not models"``: the rules and steps
on the fakes of tests/fakes.py, in a few minutes. CI (``scripts/test.sh``) runs everything."""

from __future__ import annotations

import contextlib
import inspect
import os
import shutil
import socket
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DATA = Path(__file__).parent / "data"


# What makes a test heavy, so that it stays out of the fast lane (``-m "not slow and not models"``).
# 1. Fixtures that load a real model or build an index with one: a test using any of them, directly
#    or through another fixture (``kb_services.advisor``, ``fresh_services.pipeline`` …), is ``models``.
MODEL_FIXTURES = {"embedder", "torch_embedder", "kb_services", "kb_env", "fresh_services"}
# 2. Names whose use in a test's code or in the code of one of its fixtures loads a model or a browser.
MODEL_NAMES = {
    "build_tiny_qwen": ("models",),  # tests/tiny_qwen.py: PyTorch and transformers (~10 s to import on 2 cores)
    "OcrEngine": ("models",),  # RapidOCR's ONNX models
    "sync_playwright": ("models", "browser"),  # Debian's chromium driven by Playwright
}
# 3. Tests that reach a model another way (a subprocess, a bench), by tests/-relative node id
#    (a module: all its tests).
HEAVY_TESTS = {
    "bench/test_ocr_bench.py": ("models", "bench"),  # bench/ocr.py: the OCR models on rendered pages
    # the real model files in the cache: the 1.1 GB generator (built by setup.sh unless --skip-generator),
    # the embedding model's wheel
    "app/test_models.py::test_joined_gguf_has_the_official_size_and_marker": ("models",),
    "app/test_models.py::test_container_is_parsed_from_the_wheel": ("models",),
    # advisor ingest in a subprocess: the embedding model, the OCR models, the Chroma index
    "reliability/test_no_network.py::test_ingest_and_the_web_app_start_make_no_outbound_connection": ("models",),
}


def _names_in(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):  # nested functions, lambdas, comprehensions
            names |= _names_in(const)
    return names


def _code_names(item) -> set[str]:
    """Global and attribute names the test function and each of its fixtures' functions use."""
    functions = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for defs in (getattr(info, "name2fixturedefs", None) or {}).values():
        functions += [getattr(d, "func", None) for d in defs]
    names: set[str] = set()
    for function in functions:
        code = getattr(inspect.unwrap(function), "__code__", None) if function is not None else None
        if code is not None:
            names |= _names_in(code)
    return names


def heavy_markers(item) -> set[str]:
    """The markers this test gets from what it uses (empty: it belongs in the fast lane)."""
    markers: set[str] = set()
    if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        markers.add("models")
    for name in MODEL_NAMES.keys() & _code_names(item):
        markers.update(MODEL_NAMES[name])
    try:
        module = Path(str(item.path)).resolve().relative_to(Path(__file__).parent).as_posix()
    except ValueError:
        module = ""
    name = item.name.split("[")[0]
    for key in (module, f"{module}::{name}"):
        markers.update(HEAVY_TESTS.get(key, ()))
    return markers


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in sorted(heavy_markers(item)):
            item.add_marker(getattr(pytest.mark, marker))


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


@pytest.fixture(scope="session")
def postgres_server():
    """A throw-away PostgreSQL server for the session (tests/app/storage/postgres.py): the storage
    tests and the accounts browser test run on it as on SQLite."""
    from tests.app.storage.postgres import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin); "
                    "scripts/install-postgres.sh installs it")
    server = PostgresServer(bin_dir, free_port())
    try:
        yield server.start()
    finally:
        server.stop()


# Debian's Chromium for the browser tests (scripts/install-browser.sh), headless, and without the
# background connections a closed network refuses many at a time.
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

