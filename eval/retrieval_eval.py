"""Retrieval on SQuAD-format data: index the passages (plus distractor articles) in a fresh index
of its own, chunked exactly as the product chunks, ask every question through the product's
retriever, and score a hit when a retrieved chunk comes from the question's own passage and
contains a gold answer. Two baselines run on the same data in the same run: BM25 over jieba tokens
on the product's chunks, and a plain LangChain pipeline (RecursiveCharacterTextSplitter 1000/200
with its default separators, dense retrieval with the same embedding model)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.embedding import Embedder
from ingest.pipeline import IngestPipeline
from retrieval.hybrid import HybridRetriever, RetrievalConfig
from retrieval.lexical import LexicalIndex
from retrieval.vector_store import ChromaStore, StoredChunk

K_MAX = 10


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    passage_id: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Passage:
    id: str
    title: str
    text: str


def load_squad(path: Path) -> tuple[list[Passage], list[Question]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    passages, questions = [], []
    for article in data["data"]:
        for i, para in enumerate(article["paragraphs"]):
            pid = str(para.get("id") or f"{article.get('id', article.get('title', ''))}-{i}")
            passages.append(Passage(pid, article.get("title", ""), para["context"]))
            for qa in para["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a["text"].strip()))
                if answers:
                    questions.append(Question(qa["id"], qa["question"], pid, answers))
    return passages, questions


def load_distractors(path: Path | None) -> list[Passage]:
    if path is None:
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [Passage(f"distractor-{i}", "", line) for i, line in enumerate(lines) if line]


def score_rankings(questions: list[Question], ranked: list[list[StoredChunk]], budget: int) -> tuple[dict, list]:
    """Recall@1/5/10, MRR@10 and Recall@budget, plus a row per question."""
    rows = []
    for q, chunks in zip(questions, ranked):
        rank, budget_hit, used = None, False, 0
        for i, chunk in enumerate(chunks[:K_MAX], start=1):
            if chunk.metadata.get("passage_id") == q.passage_id:
                ends = [chunk.text.find(a) + len(a) for a in q.answers if a in chunk.text]
                if ends:
                    rank = rank or i
                    budget_hit = budget_hit or used + min(ends) <= budget
            used += len(chunk.text)
        rows.append({"id": q.id, "question": q.question, "rank": rank, "hit_within_budget": budget_hit})
    n = max(1, len(rows))
    summary = {f"recall@{k}": sum(1 for r in rows if r["rank"] and r["rank"] <= k) / n for k in (1, 5, 10)}
    summary["mrr@10"] = sum(1 / r["rank"] for r in rows if r["rank"]) / n
    summary[f"recall@{budget}chars"] = sum(r["hit_within_budget"] for r in rows) / n
    return summary, rows


def _store_passages(pipeline: IngestPipeline, passages: list[Passage], progress: Callable[[str], None]) -> int:
    total, batch = 0, []
    for i, p in enumerate(passages, start=1):
        doc = Document(page_content=p.text, metadata={"title": p.title or p.id, "passage_id": p.id})
        batch.append(([doc], hashlib.sha256(f"{p.id}\n{p.text}".encode()).hexdigest()[:24], f"eval:{p.id}"))
        if len(batch) == 32 or i == len(passages):
            total += sum(pipeline.store_documents(batch))
            batch = []
            if i % 320 == 0 or i == len(passages):
                progress(f"  product index: {i}/{len(passages)} passages, {total} chunks")
    return total


def _langchain_baseline(store: ChromaStore, embedder: Embedder, passages: list[Passage],
                        progress: Callable[[str], None]) -> int:
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    texts, metas = [], []
    for p in passages:
        for piece in splitter.split_text(p.text):
            texts.append(piece)
            metas.append({"passage_id": p.id, "doc_id": p.id})
    for start in range(0, len(texts), 512):
        batch = texts[start:start + 512]
        vectors = embedder.embed_passages(batch)
        store.add([f"lc{start + i}" for i in range(len(batch))], batch, vectors, metas[start:start + 512])
        progress(f"  LangChain baseline: {min(start + 512, len(texts))}/{len(texts)} chunks")
    return len(texts)


def run_retrieval_eval(squad: Path, distractors: Path | None, work_dir: Path, embedder: Embedder,
                       chunk_size: int, chunk_overlap: int, config: RetrievalConfig, budget: int = 1500,
                       progress: Callable[[str], None] = print,
                       langchain_baseline: bool = True) -> tuple[dict, list[dict]]:
    """``langchain_baseline=False`` leaves out the one baseline that embeds the corpus a second time
    (for comparing embedding backends on the product's retrieval alone)."""
    passages, questions = load_squad(squad)
    distractor_passages = load_distractors(distractors)
    corpus = passages + distractor_passages
    progress(f"{len(passages)} passages, {len(questions)} questions, {len(distractor_passages)} distractors")
    index_dir = work_dir / "index"
    if index_dir.exists():
        import shutil
        shutil.rmtree(index_dir)  # always a fresh index: never the user's, never a stale one

    started = time.perf_counter()
    store = ChromaStore.local(index_dir / "chroma", "eval_product")
    pipeline = IngestPipeline(store, embedder, chunk_size, chunk_overlap)
    n_chunks = _store_passages(pipeline, corpus, progress)
    product_index_s = time.perf_counter() - started
    retriever = HybridRetriever(store, index_dir / "lexical", embedder.embed_query, config)
    retriever.refresh()

    started = time.perf_counter()
    baseline_store, n_baseline = None, 0
    if langchain_baseline:
        baseline_store = ChromaStore.local(index_dir / "chroma", "eval_langchain")
        n_baseline = _langchain_baseline(baseline_store, embedder, corpus, progress)
    baseline_index_s = time.perf_counter() - started

    progress(f"asking {len(questions)} questions")
    product, bm25, plain = [], [], []
    lexical: LexicalIndex = retriever._lexical
    started = time.perf_counter()
    for q in questions:
        product.append([StoredChunk(s.chunk_id, s.text, s.metadata) for s in retriever.search(q.question).candidates])
    product_query_ms = (time.perf_counter() - started) * 1000 / max(1, len(questions))
    for q in questions:
        bm25.append(store.get([i for i, _ in lexical.search(q.question, K_MAX)]))
        if baseline_store is not None:
            plain.append([c for c, _ in baseline_store.query(embedder.embed_query(q.question), K_MAX)])

    results, rows = {}, []
    systems = [("product", product), ("bm25_jieba", bm25)]
    if baseline_store is not None:
        systems.append(("langchain_dense", plain))
    for name, ranked in systems:
        summary, per_question = score_rankings(questions, ranked, budget)
        results[name] = summary
        for row in per_question:
            rows.append({"system": name, **row})
    summary = {
        "kind": "retrieval", "questions": len(questions), "passages": len(passages),
        "distractors": len(distractor_passages), "budget_chars": budget,
        "product_chunks": n_chunks, "langchain_chunks": n_baseline,
        "chunk_size_tokens": chunk_size, "chunk_overlap_tokens": chunk_overlap,
        "index_seconds": {"product": round(product_index_s, 1), "langchain": round(baseline_index_s, 1)},
        "product_query_ms": round(product_query_ms, 1),
        "systems": results,
        **{f"{metric}": value for metric, value in results["product"].items()},
    }
    return summary, rows
