"""Hybrid retrieval at 1k, 10k and 50k chunks, and the cost of adding one document to each.

    python -m bench.retrieval_scale [--sizes 1000,10000,50000] [--queries 40] [--json FILE]

How the stores are built (so that the benchmark runs in minutes on 2 cores):
- texts: real Chinese text, the CRUD news part and the CMRC 2018 trial contexts from ../shared/eval,
  cut at sentence ends into chunks of about 350 characters (the product's chunk size); past the
  number of distinct chunks this gives (~5k), they repeat with a number in front, so the lexical
  index has 50k real documents whose vocabulary and lengths are real;
- vectors: the first ``--embedded`` chunks (default 800) are embedded for real; chunk i gets the
  vector of real chunk i mod 800 plus Gaussian noise (sigma 0.03, renormalised), so the HNSW graph
  holds 50k distinct vectors with the real vectors' distribution. Text and vector of a repeated
  chunk do not match: this measures time, not quality;
- queries: real questions (CMRC trial), embedded for real in each search.

Timed end to end: ``HybridRetriever.search`` (query embedding, Chroma HNSW, BM25 over every segment,
reciprocal rank fusion, fetching the lexical-only hits, packing). Then one real document (an
8-page PDF (a provincial standard) from ../shared/fixtures/real_pdfs) is ingested into each store through the product's
pipeline, and the lexical update (``HybridRetriever.refresh``) is timed against the whole ingest.
Keys: ``p95_ratio_50k_1k``, ``p95_ms_50k``, ``lexical_update_share`` (at the largest size)."""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

import numpy as np

from app.services import Services
from app.settings import REPO_ROOT, Settings

SHARED = REPO_ROOT.parent / "shared"
NEWS = SHARED / "eval" / "crud_news_part_1_1.txt"
CMRC = SHARED / "eval" / "cmrc2018_trial.json"
DOCUMENT = SHARED / "fixtures" / "real_pdfs" / "DB32T1580-2019_地理标志产品_射阳大米.pdf"
CHUNK_CHARS = 350
NOISE = 0.03


def real_chunks() -> list[str]:
    texts = [line for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    data = json.loads(CMRC.read_text(encoding="utf-8"))["data"]
    texts += [p["context"] for d in data for p in d["paragraphs"]]
    chunks = []
    for text in texts:
        current = ""
        for sentence in re.split(r"(?<=[。！？])", text):
            if current and len(current) + len(sentence) > CHUNK_CHARS:
                chunks.append(current)
                current = ""
            current += sentence
        if len(current) >= 40:
            chunks.append(current)
    return chunks


def questions(n: int) -> list[str]:
    data = json.loads(CMRC.read_text(encoding="utf-8"))["data"]
    return [qa["question"] for d in data for p in d["paragraphs"] for qa in p["qas"]][:n]


def build_store(services: Services, size: int, pool: list[str], vectors: np.ndarray, rng) -> dict:
    texts = [pool[i] if i < len(pool) else f"{i // len(pool)}. {pool[i % len(pool)]}" for i in range(size)]
    base = vectors[np.arange(size) % len(vectors)]
    noisy = base + rng.normal(0, NOISE, base.shape).astype(np.float32)
    noisy[:len(vectors)] = vectors[:size]
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    # 20 chunks a document, with the metadata the pipeline writes (the store's health check, run
    # before every ingest, would remove documents without it as cut short)
    ids = [f"bench-doc-{i // 20}:{i % 20}" for i in range(size)]
    metadatas = [{"doc_id": f"bench-doc-{i // 20}", "lang": "zh", "title": "新闻", "source": f"bench/{i // 20}.txt",
                  "file_name": f"{i // 20}.txt", "chunks_total": min(20, size - i // 20 * 20),
                  "ingested_at": "2026-01-01T00:00:00.000000+00:00"} for i in range(size)]
    services.check_embedding()  # records, on the empty store, what its vectors are embedded with
    start = time.perf_counter()
    services.store.add(ids, texts, noisy, metadatas)
    store_s = time.perf_counter() - start
    start = time.perf_counter()
    services.retriever  # the first refresh builds the lexical index from every chunk
    return {"store_write_s": round(store_s, 1), "lexical_build_s": round(time.perf_counter() - start, 1)}


def time_searches(services: Services, queries: list[str]) -> list[float]:
    retriever = services.retriever
    for q in queries[:3]:
        retriever.search(q)  # warm up (model, HNSW pages, caches)
    times = []
    for q in queries:
        start = time.perf_counter()
        retriever.search(q)
        times.append((time.perf_counter() - start) * 1000)
    return times


def add_one_document(services: Services) -> dict:
    start = time.perf_counter()
    results = services.pipeline.ingest([DOCUMENT])
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    services.retriever.refresh()
    lexical_s = time.perf_counter() - start
    added = sum(r.chunks for r in results if r.status == "added")
    return {"document_chunks": added, "ingest_s": round(ingest_s, 2), "lexical_update_s": round(lexical_s, 3),
            "lexical_update_share": round(lexical_s / (ingest_s + lexical_s), 4),
            "segments": len(services.retriever._lexical.segments)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--embedded", type=int, default=800)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    for path in (NEWS, CMRC, DOCUMENT):
        if not path.exists():
            print(f"{path} is not here (../shared holds the benchmark data); nothing to measure")
            return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    pool = real_chunks()
    queries = questions(args.queries)
    rng = np.random.default_rng(0)
    services = Services(Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench-scale-embed-"))))
    embedder = services.embedder
    start = time.perf_counter()
    vectors = embedder.embed_passages(pool[:args.embedded]).astype(np.float32)
    embed_s = time.perf_counter() - start
    chars_per_s = sum(map(len, pool[:args.embedded])) / embed_s
    print(f"machine: raw embedding {chars_per_s:.0f} chars/s ({args.embedded} real chunks, this run); "
          f"{len(pool)} distinct real chunks")

    rows = {}
    for size in sizes:
        services = Services(Settings(data_dir=Path(tempfile.mkdtemp(prefix=f"bench-scale-{size}-"))))
        services.__dict__["embedder"] = embedder
        row = build_store(services, size, pool, vectors, rng)
        times = time_searches(services, queries)
        row.update({"p50_ms": round(float(np.percentile(times, 50)), 1),
                    "p95_ms": round(float(np.percentile(times, 95)), 1)})
        row.update(add_one_document(services))
        rows[size] = row
        print(f"{size:>6} chunks: search p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms | "
              f"add {row['document_chunks']} chunks: ingest {row['ingest_s']:.1f} s, lexical update "
              f"{row['lexical_update_s'] * 1000:.0f} ms ({row['lexical_update_share']:.1%}); "
              f"full lexical build {row['lexical_build_s']:.1f} s")
    small, large = rows[min(sizes)], rows[max(sizes)]
    result = {"sizes": {str(k): v for k, v in rows.items()}, "raw_embedding_chars_per_s": round(chars_per_s, 1),
              "p95_ratio_50k_1k": round(large["p95_ms"] / small["p95_ms"], 3), "p95_ms_50k": large["p95_ms"],
              "lexical_update_share": large["lexical_update_share"]}
    print(f"p95 at {max(sizes)} / p95 at {min(sizes)}: {result['p95_ratio_50k_1k']:.2f}; "
          f"lexical update share at {max(sizes)}: {result['lexical_update_share']:.1%}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
