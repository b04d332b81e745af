"""kill -9 during ``advisor ingest``, at named stages (parse, embed, store, lexical) and at random
moments, then ingest again: the store opens, ``advisor check`` finds it whole (no duplicate chunks,
no document cut short, lexical index in step) and ``advisor list`` shows every file once, at its
current content."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.chunking import CHUNKING_VERSION
from ingest.crash_hook import ENV as KILL_AT

SENTENCES = [
    "企业应先摸清设备底数，再分批推进设备联网改造。", "关键设备加装数据采集模块，采集开机时间和故障代码。",
    "基于采集的数据统计设备综合效率，并按月复盘。", "中小企业可以先把财务和销售系统迁移到云上。",
    "Small firms should start with one production line and measure the result before scaling up.",
    "质量检验数据要与生产批次关联，做到问题可追溯。", "仓储环节采用条码管理，减少人工盘点的差错。",
]
STAGED = [f"{stage}:{n}" for stage in ("parse", "embed", "store") for n in (1, 2, 3)] + ["lexical:1"]
TIMED_KILLS = 6
FINDINGS = {"old version beside the new": "an older version", "document cut short": "a write cut short",
            "lexical index out of step": "lexical index is out of date"}


class Prewarmed:
    """The prewarmed CLI runner (tests/reliability/prewarmed_cli.py) as a subprocess."""

    def __init__(self, workdir: Path, env: dict):
        self.workdir, self.env, self.calls = workdir, env, 0
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.prewarmed_cli"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def run(self, *commands: list[str], kill_at: str = "", kill_after_s: float | None = None):
        self.calls += 1
        outdir = self.workdir / f"run-{self.calls:03d}"
        env = {KILL_AT: kill_at} if kill_at else {KILL_AT: ""}
        request = {"commands": [list(map(str, c)) for c in commands], "env": env, "outdir": str(outdir),
                   "kill_after_s": kill_after_s}
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        hung = outdir / "hung.txt"
        assert not answer["hung"], f"{commands} hung; its stacks:\n{hung.read_text() if hung.exists() else ''}"
        outputs = []
        for i in range(len(commands)):
            rc_file = outdir / f"{i}.rc"
            out_file = outdir / f"{i}.out"
            outputs.append((int(rc_file.read_text()) if rc_file.exists() else None,
                            out_file.read_text() if out_file.exists() else ""))
        return answer, outputs

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(30)


def write_doc(corpus: Path, n: int, version: int) -> None:
    rng = random.Random(n * 1000 + version)
    body = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(3, 9)))
    (corpus / f"doc-{n:02d}.md").write_text(f"# 文档 {n}\n\n{body}\n\n第 {version} 版。\n", encoding="utf-8")


def expected_documents(corpus: Path) -> dict[str, str]:
    """source -> doc_id for every file now in the corpus."""
    salt = f"chunking {CHUNKING_VERSION}\n".encode()  # a document's id: its bytes and how they are chunked
    return {str(p.resolve()): hashlib.sha256(salt + p.read_bytes()).hexdigest()[:24] for p in sorted(corpus.glob("*.md"))}


def assert_whole(outputs, corpus: Path) -> None:
    (ingest_rc, ingest_out), (check_rc, check_out), (list_rc, list_out) = outputs
    assert ingest_rc == 0, ingest_out
    assert check_rc == 0 and "ok        every document whole" in check_out, check_out
    listed = json.loads(list_out)
    sources = [d["source"] for d in listed]
    assert len(sources) == len(set(sources)), "a source is listed twice"
    assert {d["source"]: d["doc_id"] for d in listed} == expected_documents(corpus)


@pytest.mark.slow
def test_kill_9_during_ingest_then_ingest_again_leaves_a_whole_index(tmp_path):
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    corpus.mkdir()
    for n in range(5):
        write_doc(corpus, n, 0)
    # PyTorch embeds here: the prewarmed runner forks, and an ONNX Runtime session is not for use across fork
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data), "ADVISOR_EMBEDDING_BACKEND": "torch"}
    runner = Prewarmed(tmp_path / "runs", env)
    ingest, check, listing = ["ingest", "--quiet", corpus], ["check"], ["list", "--json"]
    try:
        answer, outputs = runner.run(ingest, check, listing)
        assert_whole(outputs, corpus)
        full_run_s = answer["seconds"]

        rng = random.Random(14)
        plan = [(stage, None) for stage in STAGED * 2] + [("", rng.uniform(0.05, full_run_s)) for _ in range(TIMED_KILLS)]
        killed, left_problems, next_doc = 0, 0, 5
        found = dict.fromkeys(FINDINGS, 0)
        for round_no, (stage, after_s) in enumerate(plan, start=1):
            for n in rng.sample(range(next_doc), 2):  # two files change, one is new: three to ingest
                write_doc(corpus, n, round_no)
            write_doc(corpus, next_doc, round_no)
            next_doc += 1

            answer, _ = runner.run(ingest, kill_at=stage, kill_after_s=after_s)
            if stage:
                assert answer["signal"] == 9, f"round {round_no}: never reached {stage}"
            killed += answer["signal"] == 9

            answer, (first_check, *after) = runner.run(check, ingest, check, listing)
            assert first_check[0] in (0, 1), f"round {round_no}: the store did not open: {first_check[1]}"
            left_problems += first_check[0] == 1
            for finding, words in FINDINGS.items():
                found[finding] += words in first_check[1]
            assert_whole(after, corpus)
    finally:
        runner.close()

    # and once more from a fresh interpreter, as a user runs it
    for args in (check, listing):
        done = subprocess.run([sys.executable, "-m", "app.cli.main", *map(str, args)], env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    assert {d["source"]: d["doc_id"] for d in json.loads(done.stdout)} == expected_documents(corpus)
    assert killed >= 20
    print(f"kill -9 runs: {killed} (of {len(plan)} planned), {left_problems} left something for the next ingest "
          f"to repair ({found}); all {len(plan)} recovered")
