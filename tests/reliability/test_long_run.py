"""200 questions in a row through one running ``advisor serve`` (POST /v1/ask): no error, resident
memory and open file descriptors flat after a warm-up. The real embedder, store and retrieval on the
starter index; the generator is the transformers back end on a tiny random Qwen2 model
(tests/tiny_qwen.py), so the run measures the server's own leaks in minutes, not the 1.5B model."""

from __future__ import annotations

import itertools
import json
import os
import statistics
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED, running_app
from tests.tiny_qwen import build_tiny_qwen

pytestmark = pytest.mark.slow
QUESTIONS = 200
BASELINE_AFTER = 20  # the first answers load lazy parts (jieba, caches): growth is measured from here
MAX_RSS_GROWTH = 0.10
FD_SLACK = 5


def mixed_questions() -> list[str]:
    """The dev questions and the held-out sets (a conversation's turns asked one by one)."""
    files = [SHARED / "eval" / "policy_questions_dev.jsonl", *sorted((REPO / "eval" / "sets").glob("*.jsonl"))]
    questions = []
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                questions += [item["question"]] if "question" in item else list(item.get("turns", []))
    if len(questions) < 20:
        pytest.skip("fewer than 20 evaluation questions found (eval/sets, ../shared/eval)")
    return questions


def server_pid(port: int) -> int:
    """The ``advisor serve`` process this test started (running_app yields only its URL)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended while we looked
        if parent == os.getpid() and b"serve" in argv and str(port).encode() in argv:
            return int(entry.name)
    pytest.fail(f"no advisor serve process on port {port}")


def resident_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"/proc/{pid}/status has no VmRSS")


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_until_ready(url: str, timeout_s: float = 300) -> None:
    import httpx

    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if httpx.get(f"{url}healthz", timeout=10).status_code == 200:
            return
        time.sleep(1)
    pytest.fail(f"the models did not load in {timeout_s} s")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """Every character of the starter knowledge and the prompts is a token: the prompts tokenize
    to real lengths, as with the real model."""
    folder = tmp_path_factory.mktemp("tiny-qwen")
    text = "".join(p.read_text(encoding="utf-8") for name in ("knowledge", "prompts")
                   for p in sorted((REPO / name).rglob("*.md")))
    build_tiny_qwen(folder, text, max_positions=16384)
    return folder


def test_two_hundred_questions_through_one_server(kb_env, tiny_model, tmp_path):
    import httpx

    env = dict(kb_env, ADVISOR_GENERATOR="transformers", ADVISOR_GENERATOR_MODEL=str(tiny_model),
               ADVISOR_MAX_NEW_TOKENS="32")
    questions = list(itertools.islice(itertools.cycle(mixed_questions()), QUESTIONS))
    seconds, errors = [], []
    with running_app(env, tmp_path / "serve.log") as url:
        wait_until_ready(url)
        pid = server_pid(int(url.rsplit(":", 1)[1].strip("/")))
        with httpx.Client(timeout=300) as client:
            for i, question in enumerate(questions, start=1):
                started = time.perf_counter()
                try:
                    reply = client.post(f"{url}v1/ask", json={"question": question})
                    body = reply.json()
                    if reply.status_code != 200 or not isinstance(body.get("answer"), str):
                        errors.append(f"#{i} HTTP {reply.status_code}: {str(body)[:300]}")
                except (httpx.HTTPError, ValueError) as exc:
                    errors.append(f"#{i} {type(exc).__name__}: {exc}")
                seconds.append(time.perf_counter() - started)
                if i == BASELINE_AFTER:
                    rss_start, fds_start = resident_kb(pid), open_fds(pid)
        rss_end, fds_end = resident_kb(pid), open_fds(pid)
    growth = (rss_end - rss_start) / rss_start
    ordered = sorted(seconds)
    print(f"\nlong run: {QUESTIONS} questions, {len(errors)} errors; RSS {rss_start / 1024:.0f} -> {rss_end / 1024:.0f} MB "
          f"({growth:+.1%}); fds {fds_start} -> {fds_end}; seconds per question p50 {statistics.median(seconds):.2f} "
          f"p95 {ordered[int(0.95 * len(ordered)) - 1]:.2f}; total {sum(seconds):.0f} s")
    assert not errors, errors[:5]
    assert growth <= MAX_RSS_GROWTH, f"resident memory grew {growth:.1%} after question {BASELINE_AFTER}"
    assert fds_end <= fds_start + FD_SLACK, f"open file descriptors {fds_start} -> {fds_end}"
