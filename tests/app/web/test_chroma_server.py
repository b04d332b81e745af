"""Several app processes on one Chroma server: a real `chroma run` and two `advisor serve`
processes sharing one data dir. A document uploaded through one is found, densely and lexically,
and cited through the other at once; a removal through the other is seen by the first."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import DATA, REPO, free_port

CHROMA = Path(sys.executable).parent / "chroma"
TOKEN = "test-token"
QUESTION = "中小企业设备联网时，应优先对哪些关键设备加装数据采集模块？"


def wait_for(url: str, proc: subprocess.Popen, log: Path, timeout_s: float, ok=(200,)) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[:3]} exited: {log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code in ok:
                return
        time.sleep(0.5)
    pytest.fail(f"{url} was not ready in {timeout_s} s: {log.read_text()[-3000:]}")


@contextlib.contextmanager
def process(args: list[str], env: dict, log: Path):
    with open(log, "w") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def two_apps(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chroma-server")
    chroma_port = free_port()
    data = tmp / "data"  # one data dir for both processes: the harder case (shared lexical folder)
    with contextlib.ExitStack() as stack:
        chroma = stack.enter_context(process([str(CHROMA), "run", "--path", str(tmp / "chroma"), "--host", "127.0.0.1",
                                              "--port", str(chroma_port)], dict(os.environ), tmp / "chroma.log"))
        wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat", chroma, tmp / "chroma.log", 60)
        urls = []
        for name in ("a", "b"):
            port = free_port()
            env = dict(os.environ, ADVISOR_VECTOR_STORE="chroma_server", ADVISOR_CHROMA_HOST="127.0.0.1",
                       ADVISOR_CHROMA_PORT=str(chroma_port), ADVISOR_PORT=str(port), ADVISOR_DATA_DIR=str(data),
                       ADVISOR_API_TOKEN=TOKEN)
            log = tmp / f"serve-{name}.log"
            proc = stack.enter_context(process([sys.executable, "-m", "app.cli.main", "serve"], env, log))
            urls.append((f"http://127.0.0.1:{port}", proc, log))
        for url, proc, log in urls:
            wait_for(f"{url}/healthz", proc, log, 300)
        yield [u for u, _, _ in urls], chroma_port


def ask(url: str) -> dict:
    reply = httpx.post(f"{url}/v1/ask", json={"question": QUESTION}, timeout=300)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.slow
def test_a_document_added_through_one_app_is_found_and_cited_through_the_other(two_apps):
    (a, b), _ = two_apps
    assert ask(b)["refused"]  # the index starts empty
    auth = {"Authorization": f"Bearer {TOKEN}"}
    sample = (DATA / "policy_sample.zh.md").read_bytes()
    up = httpx.post(f"{a}/v1/documents", files={"file": ("设备上云指引.md", sample)}, headers=auth, timeout=300)
    assert up.status_code == 200, up.text
    doc_id = up.json()["results"][0]["doc_id"]

    answer = ask(b)
    ours = [c for c in answer["contexts"] if c["doc_id"] == doc_id]
    assert ours and any(c["dense"] is not None and c["lexical"] is not None for c in ours), answer["contexts"]
    assert not answer["refused"] and doc_id in {c["doc_id"] for c in answer["citations"]}
    assert "数控机床" in answer["answer"] or "注塑机" in answer["answer"]
    listed = httpx.get(f"{b}/v1/documents", headers=auth).json()["documents"]
    assert [d["doc_id"] for d in listed] == [doc_id]

    assert httpx.delete(f"{b}/v1/documents/{doc_id}", headers=auth).status_code == 200
    after = ask(a)
    assert after["refused"] and doc_id not in {c["doc_id"] for c in after["contexts"]}


@pytest.mark.slow
def test_the_version_check_on_a_chroma_server_is_cheap(two_apps):
    from retrieval.vector_store import ChromaStore

    _, chroma_port = two_apps
    store = ChromaStore.server("127.0.0.1", chroma_port, "advisor")
    store.version()
    start = time.perf_counter()
    for _ in range(50):
        store.version()
    per_query_ms = (time.perf_counter() - start) * 1000 / 50
    print(f"version check on the Chroma server: {per_query_ms:.2f} ms per query")
    assert per_query_ms < 50
