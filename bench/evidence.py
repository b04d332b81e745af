"""How soon the key passages are on screen: time from the question to the ``evidence`` event of
the answer step (retrieval, evidence selection and its embeddings; no generation), p50/p95 over the
dev and held-out questions, beside this machine's raw embedding speed measured in the same run.

    python -m bench.evidence [--json FILE]"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from app.answer.advisor import Advisor
from app.services import Services
from app.settings import REPO_ROOT, Settings
from eval.answers_eval import load_items

SETS = [REPO_ROOT.parent / "shared" / "eval" / "policy_questions_dev.jsonl", REPO_ROOT / "eval" / "sets" / "colloquial.jsonl",
        REPO_ROOT / "eval" / "sets" / "traps.jsonl"]


def raw_embedding_chars_per_s(embedder, texts: list[str]) -> float:
    start = time.perf_counter()
    embedder.embed_passages(texts)
    return sum(map(len, texts)) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an index of knowledge/ (default: a fresh one)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    services = Services(Settings(data_dir=args.data_dir or Path(tempfile.mkdtemp(prefix="bench-evidence-"))))
    services.ensure_starter_knowledge()
    # No generator: the evidence event comes before the model is asked anything.
    advisor = Advisor(services.retriever, generator=None, embed_passages=services.embedder.embed_passages,
                      evidence_token_budget=services.settings.context_token_budget)
    questions = [item.turns[-1] for path in SETS if path.exists() for item in load_items(path)]
    advisor.retriever.search("warm up")
    times = []
    for q in questions:
        start = time.perf_counter()
        events = advisor.stream(q)
        for event in events:
            if event.kind == "evidence":
                times.append((time.perf_counter() - start) * 1000)
                break
        events.close()
    sample = [c.text for c in services.store.all_chunks()[:64]]
    speed = raw_embedding_chars_per_s(services.embedder, sample)
    result = {"questions": len(times), "evidence_p50_ms": round(float(np.percentile(times, 50)), 1),
              "evidence_p95_ms": round(float(np.percentile(times, 95)), 1),
              "raw_embedding_chars_per_s": round(speed, 1),
              "p95_in_embedding_seconds_of_text": round(float(np.percentile(times, 95)) / 1000 * speed, 1)}
    print(f"machine: raw embedding {speed:.0f} chars/s (e5-small, this run)")
    print(f"evidence on screen over {len(times)} questions: p50 {result['evidence_p50_ms']:.0f} ms, "
          f"p95 {result['evidence_p95_ms']:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
