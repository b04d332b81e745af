"""Ingest throughput on real Chinese news articles: the product pipeline (structure-aware chunking
in estimated tokens, title and section in the embedded text, Chroma, content hashes) against a plain
LangChain pipeline (RecursiveCharacterTextSplitter 1000/200, same embedding model, same Chroma).
Prints characters per second for both and their ratio."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from langchain_text_splitters import RecursiveCharacterTextSplitter

from app.services import Services
from app.settings import Settings
from retrieval.vector_store import ChromaStore

NEWS = Path(__file__).resolve().parents[1].parent / "shared/eval/crud_news_part_1_1.txt"


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    if not NEWS.is_file():
        print(f"{NEWS} is not here; nothing to measure")
        return 0
    articles = [line for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()][:count]
    chars = sum(len(a) for a in articles)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    for i, text in enumerate(articles):
        (work / f"news-{i:04d}.txt").write_text(text, encoding="utf-8")
    services = Services(Settings(data_dir=work / "data"))
    embedder = services.embedder
    embedder.embed_passages(["warm up"])

    start = time.perf_counter()
    results = services.ingest([work])
    product_s = time.perf_counter() - start
    product_chunks = sum(r.chunks for r in results)

    store = ChromaStore.local(work / "baseline", "baseline")
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    start = time.perf_counter()
    baseline_chunks = 0
    for i, text in enumerate(articles):
        pieces = splitter.split_text(text)
        store.add([f"{i}:{j}" for j in range(len(pieces))], pieces, embedder.embed_passages(pieces),
                  [{"doc_id": str(i)} for _ in pieces])
        baseline_chunks += len(pieces)
    baseline_s = time.perf_counter() - start

    print(f"{len(articles)} articles, {chars} characters")
    print(f"product:  {product_chunks} chunks in {product_s:.1f} s = {chars / product_s:.0f} chars/s")
    print(f"baseline: {baseline_chunks} chunks in {baseline_s:.1f} s = {chars / baseline_s:.0f} chars/s")
    print(f"ratio product/baseline throughput: {(chars / product_s) / (chars / baseline_s):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
