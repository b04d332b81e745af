"""Many users at once against one server (loopback only): 16 clients, each with its own question,
stream answers from /v1/chat/completions at the same moment. The server answers one at a time,
lets ``max_queue`` wait and turns the rest away with 429 + Retry-After, which the clients honour
(a bounded number of tries). Checks that every answer belongs to its own question, counts errors
other than the deliberate 429s, and reports the wait (until the first streamed chunk, i.e. until
the request had the model) and the total time, p50/p95. Baseline, same run: one answer alone.

    .venv/bin/python -m bench.concurrency [--url http://127.0.0.1:PORT] [--json FILE]

Without --url it starts `advisor serve` on a free loopback port over the usual data dir (run
`advisor setup` first) and stops it after."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field

import httpx

QUESTIONS = [
    "指南从哪几个方面提出了数字化转型路径？", "设备管理场景要达到三级，需要做到什么程度？",
    "What do the Guidelines ask of large enterprises?", "灯塔工厂是什么？",
    "How is Singapore's Smart Industry Readiness Index structured?", "中小企业数字化转型城市试点是什么？",
    "中小企业数字化水平评测指标有哪些维度？", "What is a smart factory?",
    "专精特新中小企业在数字化方面有什么要求？", "工业互联网平台对中小企业有什么帮助？",
    "What are the four levels of the SME digital-level evaluation?", "小微企业数字化转型应该从哪里入手？",
    "质量管理场景的数字化要做什么？", "How does China support SMEs with digital transformation?",
    "能源管理场景要达到二级需要做到什么？", "What does the maturity standard for intelligent manufacturing measure?",
]
MAX_TRIES = 500  # per client: the first request plus retries after a 429 (bounded either way)
MAX_RETRY_WAIT_S = 60.0
CLIENT_DEADLINE_S = 3600.0


@dataclass
class ClientResult:
    question: str
    status: str = "pending"  # answered | error | gave_up
    tries: int = 0
    rate_limited: int = 0  # 429s received (deliberate: the queue was full)
    wait_s: float | None = None  # from the first try until the first streamed chunk
    total_s: float | None = None
    own_answer: bool | None = None  # advisor.question == the question sent
    cited: bool | None = None
    error: str = ""
    retry_after: list[int] = field(default_factory=list)


def stream_one(url: str, result: ClientResult, start_gate: threading.Event) -> None:
    start_gate.wait()
    began = time.monotonic()
    body = {"model": "bench", "stream": True, "messages": [{"role": "user", "content": result.question}]}
    with httpx.Client(timeout=httpx.Timeout(600, connect=10)) as client:
        while result.tries < MAX_TRIES and time.monotonic() - began < CLIENT_DEADLINE_S:
            result.tries += 1
            try:
                with client.stream("POST", f"{url}/v1/chat/completions", json=body) as reply:
                    if reply.status_code == 429:
                        result.rate_limited += 1
                        wait = int(reply.headers.get("Retry-After", "5"))
                        result.retry_after.append(wait)
                        reply.read()
                        time.sleep(min(wait, MAX_RETRY_WAIT_S))
                        continue
                    if reply.status_code != 200:
                        reply.read()
                        result.status, result.error = "error", f"HTTP {reply.status_code}: {reply.text[:200]}"
                        return
                    final = None
                    for line in reply.iter_lines():
                        if not line.startswith("data: "):
                            continue
                        if result.wait_s is None:
                            result.wait_s = time.monotonic() - began
                        if line == "data: [DONE]":
                            break
                        chunk = json.loads(line[6:])
                        if "error" in chunk:
                            result.status, result.error = "error", chunk["error"]["message"]
                            return
                        final = chunk.get("advisor", final)
                    result.total_s = time.monotonic() - began
                    if final is None:
                        result.status, result.error = "error", "the stream ended without the advisor answer"
                        return
                    result.own_answer = final["question"] == result.question
                    result.cited = bool(final["citations"])
                    result.status = "answered"
                    return
            except httpx.HTTPError as exc:
                result.status, result.error = "error", f"{exc.__class__.__name__}: {exc}"
                return
    result.status = "gave_up"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def own_server(timeout_s: float = 600, env: dict | None = None):
    """``advisor serve`` on a free loopback port, ready (/healthz 200): yields its URL and process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "app.cli.main", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env or dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"error: `advisor serve` exited with status {proc.returncode}")
            with contextlib.suppress(httpx.HTTPError, ValueError):
                health = httpx.get(f"{url}/healthz", timeout=2)
                if health.status_code == 200:
                    break
                models = health.json().get("models", {})
                if models.get("state") == "failed":
                    raise SystemExit(f"error: `advisor serve` could not load its models: {models.get('error')}")
            time.sleep(1)
        else:
            raise SystemExit(f"error: the server was not ready in {timeout_s:.0f} s")
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(30)


def run(url: str, clients: int) -> dict:
    health = httpx.get(f"{url}/healthz", timeout=10).json()
    baseline = ClientResult("What is the 2024 Implementation Guidelines for manufacturing digital transformation?")
    gate = threading.Event()
    gate.set()
    stream_one(url, baseline, gate)  # one answer alone; also warms the prompt cache

    results = [ClientResult(q) for q in (QUESTIONS * (clients // len(QUESTIONS) + 1))[:clients]]
    gate = threading.Event()
    threads = [threading.Thread(target=stream_one, args=(url, r, gate)) for r in results]
    for t in threads:
        t.start()
    began = time.monotonic()
    gate.set()
    for t in threads:
        t.join()
    wall = time.monotonic() - began

    answered = [r for r in results if r.status == "answered"]
    waits = [r.wait_s for r in answered if r.wait_s is not None]
    totals = [r.total_s for r in answered if r.total_s is not None]
    return {
        "url": url, "clients": clients, "max_queue": health["queue"]["max_waiting"], "wall_s": round(wall, 1),
        "answered": len(answered), "errors": sum(r.status == "error" for r in results),
        "gave_up": sum(r.status == "gave_up" for r in results),
        "rate_limited_429": sum(r.rate_limited for r in results),
        "clients_rate_limited": sum(r.rate_limited > 0 for r in results),
        "wrong_answer_owner": sum(r.own_answer is False for r in results),
        "cited": sum(bool(r.cited) for r in answered),
        "wait_s": {"p50": percentile(waits, 0.5), "p95": percentile(waits, 0.95), "max": percentile(waits, 1.0)},
        "total_s": {"p50": percentile(totals, 0.5), "p95": percentile(totals, 0.95)},
        "baseline_single_answer_s": round(baseline.total_s, 2) if baseline.total_s else None,
        "clients_detail": [asdict(r) for r in results],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.concurrency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (loopback); default: start `advisor serve` here")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--json", help="write the full report to this file")
    args = parser.parse_args(argv)
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("--url must be a loopback address (127.0.0.0/8, localhost or [::1])")
    with (contextlib.nullcontext((args.url.rstrip("/"), None)) if args.url else own_server()) as (url, _):
        report = run(url, args.clients)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=2)
    single = report["baseline_single_answer_s"]
    print(f"{report['clients']} clients, max_queue {report['max_queue']}: {report['answered']} answered, "
          f"{report['errors']} errors, {report['gave_up']} gave up, {report['rate_limited_429']} deliberate 429s "
          f"({report['clients_rate_limited']} clients), {report['wrong_answer_owner']} answers for another question")
    print(f"wait until admitted: p50 {report['wait_s']['p50']} s, p95 {report['wait_s']['p95']} s; "
          f"total: p50 {report['total_s']['p50']} s, p95 {report['total_s']['p95']} s; wall {report['wall_s']} s")
    if single:
        print(f"baseline, one answer alone: {single} s; p95 total / baseline: {report['total_s']['p95'] / single:.1f}")
    return 0 if report["errors"] == 0 and report["wrong_answer_owner"] == 0 and report["gave_up"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
