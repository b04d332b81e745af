"""Is the default embedding path faster than PyTorch fp32, at the same retrieval quality? In one run,
with both loaded and warmed up:

- speed: the product's chunks (chunk_documents + index_text, the settings' chunk size) of real texts,
  CMRC 2018 trial contexts and news articles from ../shared/eval, embedded as passages by PyTorch fp32
  and by the settings' backend (default ``onnx-int8``), in alternating rounds on the same texts:
  chars/s of each and ``speedup_vs_torch``; and one query at a time (the interactive path), median ms;
- quality: ``advisor eval retrieval``'s product retrieval, on the CMRC trial questions with the CI's
  distractors (the first 400 news articles: tests/eval/test_eval_commands.py), once with each backend
  in a fresh index of its own: ``recall_delta`` = the backend's Recall@1500chars and Recall@5 minus
  PyTorch's (goal: no lower than -0.005). The LangChain baseline is left out: it only re-embeds the
  corpus, and the product is what changes.

``--quick`` uses 100 distractors and half the speed texts (about half the time; the quality figure is
then not the CI's). Set ADVISOR_EMBEDDING_BACKEND to measure another backend against PyTorch.

    python -m bench.embedding [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
NEWS = SHARED / "eval/crud_news_part_1_1.txt"
CMRC = SHARED / "eval/cmrc2018_trial.json"
CI_DISTRACTORS = 400  # tests/eval/test_eval_commands.py: DISTRACTORS_IN_CI
QUICK_DISTRACTORS = 100
SPEED_TEXTS = 64  # CMRC contexts and as many news articles (after the distractors); --quick halves it
ROUNDS = 4
QUERIES = 60
GOAL = -0.005


def speed_texts(count: int, chunk_size: int, chunk_overlap: int) -> list[str]:
    """What ingest embeds for real documents: their chunks, each with its title."""
    from langchain_core.documents import Document

    from eval.retrieval_eval import load_squad
    from ingest.chunking import chunk_documents, index_text

    passages, _ = load_squad(CMRC)
    news = [line for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    documents = [Document(p.text, metadata={"title": p.title}) for p in passages[:count]]
    documents += [Document(text) for text in news[CI_DISTRACTORS:CI_DISTRACTORS + count]]
    return [index_text(c.page_content, c.metadata)
            for d in documents for c in chunk_documents([d], chunk_size, chunk_overlap)]


def measure_speed(embedders: dict, texts: list[str], queries: list[str]) -> dict:
    seconds = dict.fromkeys(embedders, 0.0)
    rounds = [texts[i::ROUNDS] for i in range(ROUNDS)]
    for n, part in enumerate(rounds):
        for name in list(embedders)[::1 if n % 2 == 0 else -1]:  # who goes first alternates
            start = time.perf_counter()
            embedders[name].embed_passages(part)
            seconds[name] += time.perf_counter() - start
    chars = sum(len(t) for t in texts)
    out = {}
    for name, embedder in embedders.items():
        times = []
        for q in queries:
            start = time.perf_counter()
            embedder.embed_query(q)
            times.append(time.perf_counter() - start)
        out[name] = {"seconds": round(seconds[name], 1), "chars_per_s": round(chars / seconds[name]),
                     "query_ms": round(statistics.median(times) * 1000, 1)}
    return out


def measure_recall(name: str, embedder, work: Path, distractors: Path, settings) -> dict:
    from eval.retrieval_eval import run_retrieval_eval
    from retrieval.hybrid import RetrievalConfig

    config = RetrievalConfig(**{f: getattr(settings, f) for f in RetrievalConfig.__dataclass_fields__})
    summary, _ = run_retrieval_eval(CMRC, distractors, work / name, embedder, settings.chunk_size,
                                    settings.chunk_overlap, config, budget=1500,
                                    progress=lambda line: print(f"  [{name}] {line.strip()}", file=sys.stderr),
                                    langchain_baseline=False)
    return {**summary["systems"]["product"], "index_seconds": summary["index_seconds"]["product"],
            "chunks": summary["product_chunks"], "distractors": summary["distractors"]}


def measure(work: Path, quick: bool) -> dict:
    from app.services import build_embedder
    from app.settings import Settings
    from eval.retrieval_eval import load_squad

    settings = Settings()
    backend = settings.embedding_backend
    started = time.perf_counter()
    embedders = {"torch": build_embedder(Settings(embedding_backend="torch"))}
    load_s = {"torch": time.perf_counter() - started}
    started = time.perf_counter()
    embedders[backend] = build_embedder(settings)
    load_s[backend] = time.perf_counter() - started
    for embedder in embedders.values():
        embedder.embed_passages(["warm up 预热", "第二句"])

    texts = speed_texts(SPEED_TEXTS // 2 if quick else SPEED_TEXTS, settings.chunk_size, settings.chunk_overlap)
    _, questions = load_squad(CMRC)
    load_before = os.getloadavg()[0]
    print(f"speed: {len(texts)} chunks, {sum(map(len, texts))} chars, {ROUNDS} alternating rounds", file=sys.stderr)
    speed = measure_speed(embedders, texts, [q.question for q in questions[:QUERIES]])

    count = QUICK_DISTRACTORS if quick else CI_DISTRACTORS
    news = NEWS.read_text(encoding="utf-8").splitlines()
    distractors = work / "distractors.txt"
    distractors.write_text("\n".join(news[:count]) + "\n", encoding="utf-8")
    recall = {name: measure_recall(name, embedder, work, distractors, settings) for name, embedder in embedders.items()}

    deltas = {k: round(recall[backend][k] - recall["torch"][k], 4) for k in ("recall@1500chars", "recall@5")}
    return {
        "backend": backend, "quick": quick, "speed_chunks": len(texts), "speed_chars": sum(map(len, texts)),
        "torch_chars_per_s": speed["torch"]["chars_per_s"], "chars_per_s": speed[backend]["chars_per_s"],
        "speedup_vs_torch": round(speed["torch"]["seconds"] / speed[backend]["seconds"], 2),
        "query_ms": {name: s["query_ms"] for name, s in speed.items()},
        "load_s": {name: round(s, 1) for name, s in load_s.items()},
        "recall_delta": deltas, "recall_goal_met": min(deltas.values()) >= GOAL,
        "recall": recall, "questions": len(questions),
        "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.embedding", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_DISTRACTORS} distractors instead of the CI's {CI_DISTRACTORS}, "
                             "half the speed texts")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not NEWS.is_file() or not CMRC.is_file():
        print(f"{NEWS} or {CMRC} is not here; nothing to measure")
        return 0
    from app.models.wheels import ModelSetupError

    try:
        with tempfile.TemporaryDirectory(prefix="bench-embedding-") as work:
            f = measure(Path(work), args.quick)
    except ModelSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    b = f["backend"]
    print(f"speed: {f['speed_chunks']} chunks of CMRC contexts and news ({f['speed_chars']} chars), passages; "
          f"queries one at a time")
    print(f"{'':<12}{'chars/s':>9}{'query ms':>10}{'load s':>8}")
    for name in ("torch", b):
        print(f"{name:<12}{f['torch_chars_per_s'] if name == 'torch' else f['chars_per_s']:>9}"
              f"{f['query_ms'][name]:>10}{f['load_s'][name]:>8}")
    print(f"speedup_vs_torch {f['speedup_vs_torch']:.2f}")
    r = f["recall"]
    print(f"retrieval: {f['questions']} CMRC trial questions, {r['torch']['distractors']} news distractors"
          f"{' (--quick: not the CI set)' if f['quick'] else ' (the CI set)'}, product retrieval")
    metrics = ["recall@1500chars", "recall@1", "recall@5", "recall@10", "mrr@10"]
    print(f"{'':<12}" + "".join(f"{m:>18}" for m in metrics) + f"{'index s':>9}")
    for name in ("torch", b):
        print(f"{name:<12}" + "".join(f"{r[name][m]:>18.4f}" for m in metrics) + f"{r[name]['index_seconds']:>9}")
    print("recall_delta " + ", ".join(f"{k} {v:+.4f}" for k, v in f["recall_delta"].items())
          + f" (goal >= {GOAL}: {'met' if f['recall_goal_met'] else 'NOT met'}); "
          f"1-min load average {f['load_avg_1min'][0]} before, {f['load_avg_1min'][1]} after")
    if args.json:
        args.json.write_text(json.dumps(f, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
