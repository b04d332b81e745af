"""Hybrid search: dense (Chroma) and lexical (BM25) candidates fused by reciprocal rank, nudged
towards the question's language and the enterprise profile's tier, then packed into a context
budget. The best dense similarity and the best BM25 score decide whether the sources cover the
question at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Sequence

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
    # A question the user limited to documents asks what those say, not whether the sources cover the
    # field at all: the floors are lower by this (the answer steps still need a sentence naming its
    # subject). A broker note's "风险提示" sits inside a long first-page chunk: 0.871 for "这份研报提示了哪些风险？".
    scoped_margin: float = 0.03
    profile_boost: float = 0.3
    # Fused-score bonus share for a chunk in the query's language, or of a document with no translation
    # in the index: the preference only chooses between the two languages of one document (the starter
    # documents come in pairs); a user's Chinese report asked about in English competes on its merits.
    same_language_bonus: float = 0.25


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
        self._documents: tuple[str, dict[str, tuple[str, bool]]] | None = None  # version, doc id -> (lang, has twin)

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

    def _languages(self) -> dict[str, tuple[str, bool]]:
        """Each document's language and whether its translation is in the index (a document names
        the file it translates in ``translation_of``; either side of the pair counts), read once per
        version of the index."""
        version = self.store.version()
        if self._documents is None or self._documents[0] != version:
            docs = self.store.documents()
            files = {d.file_name for d in docs}
            translated = {d.translation_of for d in docs if d.translation_of}
            self._documents = (version, {d.doc_id: (d.lang, bool(d.translation_of in files or d.file_name in translated))
                                         for d in docs})
        return self._documents[1]

    def languages_without_twin(self, doc_ids: Collection[str] | None = None) -> set[str]:
        """The languages of the documents (these, or all) that have no translation in the index: a
        question in another language finds them only across languages."""
        docs = self._languages()
        wanted = set(doc_ids) if doc_ids else docs.keys()
        return {lang for doc_id, (lang, twin) in docs.items() if doc_id in wanted and lang and not twin}

    def search(self, query: str, tier: str | None = None, context_k: int | None = None,
               token_budget: int | None = None, doc_ids: Collection[str] | None = None,
               also: Sequence[str] = ()) -> Retrieval:
        """``doc_ids``: search only these documents (None or empty: all). Both sides filter before
        they take their top k, so a scoped search gets as many candidates as an open one; the
        coverage floors then apply to the best of those documents. ``also``: the same question in
        other words (in the language of documents that have no translation): each wording is
        searched on both sides and the lists are fused, each wording ranking the chunks in its own
        language; the question is covered when one wording is, at its own language's floor."""
        cfg = self.config
        self.refresh_if_changed()
        language = detect_language(query)
        twins = self._languages()
        wordings = [query, *[a for a in also if a and a != query]]
        found = [self._search_wording(w, doc_ids) for w in wordings]
        known: dict[str, StoredChunk] = {c.id: c for f in found for c, _ in f.dense}
        lexical_ids = list(dict.fromkeys(i for f in found for i, _ in f.lexical if i not in known))
        known.update({c.id: c for c in self.store.get(lexical_ids)})
        fused = self._fuse(wordings, found, known)
        dense_score: dict[str, float] = {}
        lexical_score: dict[str, float] = {}
        for f in found:
            for c, sim in f.dense:
                dense_score[c.id] = max(sim, dense_score.get(c.id, sim))
            for i, score in f.lexical:
                lexical_score[i] = max(score, lexical_score.get(i, score))
        candidates = []
        for chunk_id, score in fused.items():
            chunk = known.get(chunk_id)
            if chunk is None:  # removed since the lexical index was built
                continue
            bonus = 1.0
            if chunk.metadata.get("lang") == language or not twins.get(chunk.metadata.get("doc_id", ""), ("", True))[1]:
                bonus += cfg.same_language_bonus
            if tier and written_for(chunk.metadata, tier):
                bonus += cfg.profile_boost
            candidates.append(Source(chunk_id, chunk.text, chunk.metadata, score * bonus,
                                     dense_score.get(chunk_id), lexical_score.get(chunk_id)))
        candidates.sort(key=lambda s: -s.score)
        packed = pack_context(candidates, context_k or cfg.context_k, token_budget or cfg.context_token_budget)
        return Retrieval(query, packed, candidates, max(f.best for f in found), max(f.best_lexical for f in found),
                         bool(packed) and any(f.covered for f in found))

    def _fuse(self, wordings: list[str], found: list["_Found"], known: dict[str, StoredChunk]) -> dict[str, float]:
        """Every wording's dense and lexical lists fused, each wording ranking the chunks in its own
        language (and those of a language no wording is in): an English wording's lists over Chinese
        chunks are noise (tables and disclaimers) that would outvote the translation's."""
        langs = [detect_language(w) for w in wordings]
        worded = set(langs) if len(wordings) > 1 else set()

        def own(lang: str, chunk_id: str) -> bool:
            chunk_lang = known[chunk_id].metadata.get("lang") if chunk_id in known else None
            return not worded or chunk_lang not in worded or chunk_lang == lang

        return reciprocal_rank_fusion([[c.id for c, _ in f.dense if own(lang, c.id)] for lang, f in zip(langs, found)] +
                                      [[i for i, _ in f.lexical if own(lang, i)] for lang, f in zip(langs, found)],
                                      k=self.config.rrf_k)

    def _search_wording(self, wording: str, doc_ids: Collection[str] | None) -> "_Found":
        """Dense and lexical candidates for one wording, and whether they cover it: the best
        similarity (language-adjusted) at the floor of the wording's language, or a little under it
        when BM25 confirms."""
        cfg = self.config
        lang = detect_language(wording)
        dense = self.store.query(self.embed_query(wording), cfg.dense_k, doc_ids)
        lexical = self._lexical.search(wording, cfg.lexical_k, doc_ids) if self._lexical else []
        best = max((sim + (cfg.cross_language_offset if lang == "en" and c.metadata.get("lang") == "zh" else 0.0)
                    for c, sim in dense), default=0.0)
        best_lexical = max((score for _, score in lexical), default=0.0)
        floor = (cfg.floor_zh if lang == "zh" else cfg.floor_en) - (cfg.scoped_margin if doc_ids else 0.0)
        covered = best >= floor or (best >= floor - cfg.lexical_margin and best_lexical >= cfg.lexical_floor)
        return _Found(dense, lexical, best, best_lexical, covered)


@dataclass
class _Found:
    """One wording's candidates: (chunk, cosine) and (chunk id, BM25 score), best first."""
    dense: list[tuple[StoredChunk, float]]
    lexical: list[tuple[str, float]]
    best: float
    best_lexical: float
    covered: bool


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
