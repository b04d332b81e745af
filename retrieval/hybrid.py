"""Hybrid search: dense (Chroma) and lexical (BM25) candidates fused by reciprocal rank, nudged
towards the question's language and the enterprise profile's tier, then packed into a context
budget. The best dense similarity and the best BM25 score decide whether the sources cover the
question at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

import numpy as np

from ingest.chunking import index_text
from ingest.language import detect_language, estimate_tokens
from retrieval.fusion import reciprocal_rank_fusion
from retrieval.lexical import LexicalIndex
from retrieval.vector_store import ChromaStore, StoredChunk, ids_fingerprint


@dataclass(frozen=True)
class RetrievalConfig:
    dense_k: int = 20
    lexical_k: int = 20
    rrf_k: int = 60
    context_k: int = 4
    context_token_budget: int = 600
    # Coverage gate, calibrated on the dev questions against off-topic ones (README, "Refusals").
    # e5 gives Chinese queries higher cosines than English ones, and gives an English query about
    # 0.05 less on a Chinese passage than on the same passage in English (the other way round the
    # gap is small): so one floor per query language, applied to the language-adjusted best
    # similarity; a match a little under the floor counts when BM25 confirms it.
    floor_zh: float = 0.885
    floor_en: float = 0.82
    cross_language_offset: float = 0.05
    lexical_floor: float = 3.5
    lexical_margin: float = 0.04
    profile_boost: float = 0.3
    same_language_bonus: float = 0.25  # fused-score bonus share for a chunk in the query's language


@dataclass
class Source:
    """A retrieved chunk with the evidence for its rank."""
    chunk_id: str
    text: str
    metadata: dict
    score: float
    dense: float | None = None
    lexical: float | None = None

    @property
    def doc_id(self) -> str:
        return self.metadata.get("doc_id", "")


@dataclass
class Retrieval:
    query: str
    sources: list[Source]  # packed into the context budget, best first
    candidates: list[Source] = field(default_factory=list)  # every fused candidate, best first
    best_similarity: float = 0.0  # language-adjusted (see RetrievalConfig)
    best_lexical: float = 0.0
    covered: bool = False


def _tiers(metadata: dict) -> set[str]:
    return {t.strip() for t in str(metadata.get("applies_to", "")).split(",") if t.strip()}


def applies_to(metadata: dict, tier: str) -> bool:
    """The document applies to the tier (named, or written for all enterprises)."""
    tiers = _tiers(metadata)
    return tier in tiers or "all" in tiers


def written_for(metadata: dict, tier: str) -> bool:
    """The document names the tier itself: these get the profile boost, documents for all do not."""
    return tier in _tiers(metadata)


class HybridRetriever:
    def __init__(self, store: ChromaStore, lexical_dir: Path, embed_query: Callable[[str], np.ndarray],
                 config: RetrievalConfig):
        self.store = store
        self.lexical_dir = lexical_dir
        self.embed_query = embed_query
        self.config = config
        self._lexical: LexicalIndex | None = None
        self._version: str | None = None  # the store's version the lexical index was checked against

    def refresh(self) -> None:
        """Bring the lexical index in line with the store: the saved one when it was built for the
        store's chunks, else the newest index at hand updated with the chunks added and removed since
        (time in proportion to those, ``LexicalIndex.updated``), saved for the other processes."""
        version = self.store.version()  # before the data: a write after this shows as a newer version
        ids = self.store.all_ids()
        fingerprint = ids_fingerprint(ids)
        if self._lexical is None or self._lexical.fingerprint != fingerprint:
            saved = LexicalIndex.load(self.lexical_dir, reuse=self._lexical)
            index = saved if saved is not None and saved.fingerprint == fingerprint else None
            if index is None:
                base = saved if saved is not None else self._lexical
                if base is None:
                    index = LexicalIndex.build(ids, self._index_texts(ids))
                else:
                    live = set(base.ids)
                    wanted = set(ids)
                    index = base.updated([i for i in ids if i not in live], [i for i in live if i not in wanted],
                                         self._index_texts)
                index.save(self.lexical_dir, fingerprint)
            self._lexical = index
        self._version = version

    def _index_texts(self, ids: list[str]) -> list[str]:
        """What the lexical index holds for each chunk (text with its title and section); a chunk
        removed meanwhile gives an empty text (the next refresh deletes it)."""
        chunks = {c.id: c for c in self.store.get(ids)}
        return [index_text(chunks[i].text, chunks[i].metadata) if i in chunks else "" for i in ids]

    def refresh_if_changed(self) -> None:
        """Once per query: one small read of the store's version. Another process (another app
        server on the same Chroma server) may have added or removed documents; dense search sees
        them at once, and this brings the lexical index along."""
        if self._lexical is None or self.store.version() != self._version:
            self.refresh()

    def search(self, query: str, tier: str | None = None, context_k: int | None = None,
               token_budget: int | None = None, doc_ids: Collection[str] | None = None) -> Retrieval:
        """``doc_ids``: search only these documents (None or empty: all). Both sides filter before
        they take their top k, so a scoped search gets as many candidates as an open one; the
        coverage floors then apply to the best of those documents."""
        cfg = self.config
        self.refresh_if_changed()
        dense = self.store.query(self.embed_query(query), cfg.dense_k, doc_ids)
        lexical = self._lexical.search(query, cfg.lexical_k, doc_ids) if self._lexical else []
        fused = reciprocal_rank_fusion([[c.id for c, _ in dense], [i for i, _ in lexical]], k=cfg.rrf_k)

        known: dict[str, StoredChunk] = {c.id: c for c, _ in dense}
        known.update({c.id: c for c in self.store.get([i for i, _ in lexical if i not in known])})
        dense_score = {c.id: s for c, s in dense}
        lexical_score = dict(lexical)
        language = detect_language(query)
        candidates = []
        for chunk_id, score in fused.items():
            chunk = known.get(chunk_id)
            if chunk is None:  # removed since the lexical index was built
                continue
            bonus = 1.0
            if chunk.metadata.get("lang") == language:
                bonus += cfg.same_language_bonus
            if tier and written_for(chunk.metadata, tier):
                bonus += cfg.profile_boost
            candidates.append(Source(chunk_id, chunk.text, chunk.metadata, score * bonus,
                                     dense_score.get(chunk_id), lexical_score.get(chunk_id)))
        candidates.sort(key=lambda s: -s.score)
        best = max((sim + (cfg.cross_language_offset if language == "en" and c.metadata.get("lang") == "zh" else 0.0)
                    for c, sim in dense), default=0.0)
        best_lexical = max(lexical_score.values(), default=0.0)
        packed = pack_context(candidates, context_k or cfg.context_k, token_budget or cfg.context_token_budget)
        floor = cfg.floor_zh if language == "zh" else cfg.floor_en
        covered = bool(packed) and (best >= floor or
                                    (best >= floor - cfg.lexical_margin and best_lexical >= cfg.lexical_floor))
        return Retrieval(query, packed, candidates, best, best_lexical, covered)


def pack_context(candidates: list[Source], k: int, token_budget: int) -> list[Source]:
    """The best candidates that fit: at most ``k``, at most ``token_budget`` estimated prompt tokens
    in all (the first one always). Prompt processing is the slowest step on a CPU, so the budget
    sets the time to the first answer token."""
    packed, used = [], 0
    for source in candidates:
        if len(packed) >= k:
            break
        cost = estimate_tokens(source.text)
        if packed and used + cost > token_budget:
            continue
        packed.append(source)
        used += cost
    return packed
