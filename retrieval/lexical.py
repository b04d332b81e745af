"""BM25 over jieba tokens (bm25s; ``ingest.text.tokenize``), in segments, saved next to Chroma.

Adding a document builds a small segment of its own chunks and removing one marks its chunks
deleted, so an update costs time in proportion to the document, not to the index. Scores use the
whole index's statistics: each segment's precomputed BM25 weights (idf × term part) are rescaled
per query term from the segment's own IDF to the IDF over all segments, so one segment scores
exactly as bm25s alone, and a new document ranks as it would after a full rebuild (up to the
average chunk length, which stays per segment). Small segments are merged once there are too many,
and the whole index is rebuilt once deleted chunks make up a fifth of it."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection

import bm25s
import numpy as np

from ingest.text import tokenize
from retrieval.vector_store import chunk_doc_id

MAX_SEGMENTS = 6  # beyond this, every segment but the largest is merged into one
REBUILD_DELETED_SHARE = 0.2  # deleted chunks beyond this share of the index: rebuild it whole
STALE_AFTER_S = 60  # an unreferenced segment folder younger than this may be another process's, not yet listed
MANIFEST = "manifest.json"


def _idf(df: np.ndarray | float, n: int) -> np.ndarray | float:
    """bm25s's default ("lucene") IDF."""
    return np.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass
class Segment:
    """An immutable bm25s index over some chunks, saved once in a folder named after it."""
    name: str
    ids: list[str]
    bm25: bm25s.BM25 | None

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "Segment":
        bm25 = None
        if ids:
            bm25 = bm25s.BM25()
            bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(f"seg-{uuid.uuid4().hex[:16]}", list(ids), bm25)

    def df(self, token: str) -> int:
        tid = self.bm25.vocab_dict.get(token) if self.bm25 is not None else None
        if tid is None:
            return 0
        indptr = self.bm25.scores["indptr"]
        return int(indptr[tid + 1] - indptr[tid])

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """BM25 scores of every chunk, each query term's column weighted (tokens repeat as in the query)."""
        total = np.zeros(len(self.ids), dtype=np.float32)
        vocab = self.bm25.vocab_dict
        for token, weight in weights.items():
            tid = vocab.get(token)
            if tid is not None and weight:
                total += weight * self.bm25.get_scores_from_ids([tid])
        return total


@dataclass
class LexicalIndex:
    segments: list[Segment] = field(default_factory=list)
    deleted: frozenset[str] = frozenset()
    fingerprint: str = ""

    def __post_init__(self):
        # per segment, which of its chunks are deleted (only segments that have any)
        self._deleted_mask = {seg.name: np.fromiter((i in self.deleted for i in seg.ids), bool, len(seg.ids))
                              for seg in self.segments if self.deleted and not self.deleted.isdisjoint(seg.ids)}

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "LexicalIndex":
        return cls([Segment.build(ids, texts)] if ids else [])

    @property
    def ids(self) -> list[str]:
        return [i for seg in self.segments for i in seg.ids if i not in self.deleted]

    @property
    def size(self) -> int:
        return sum(len(seg.ids) for seg in self.segments)

    def updated(self, added: list[str], removed: list[str],
                texts_of: Callable[[list[str]], list[str]]) -> "LexicalIndex":
        """A new index with ``added`` chunks in a segment of their own and ``removed`` ones deleted;
        ``texts_of`` gives the index texts of chunks (for a merge or a rebuild). This index is left
        as it is, so searches running in other threads never see half an update."""
        deleted = set(self.deleted) | set(removed)
        segments = list(self.segments)
        if added:
            segments.append(Segment.build(added, texts_of(added)))
        total = sum(len(seg.ids) for seg in segments)
        if total and len(deleted) > REBUILD_DELETED_SHARE * total:
            live = [i for seg in segments for i in seg.ids if i not in deleted]
            return LexicalIndex.build(live, texts_of(live))
        if len(segments) > MAX_SEGMENTS:
            largest = max(segments, key=lambda seg: len(seg.ids))
            small = [i for seg in segments if seg is not largest for i in seg.ids if i not in deleted]
            deleted -= {i for seg in segments if seg is not largest for i in seg.ids}
            segments = [largest] + ([Segment.build(small, texts_of(small))] if small else [])
        deleted &= {i for seg in segments for i in seg.ids}
        return LexicalIndex(segments, frozenset(deleted))

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[tuple[str, float]]:
        """The ``k`` best chunks (id, BM25 score); with ``doc_ids``, the ``k`` best of those documents'
        chunks (the others score 0 before the top k are taken)."""
        tokens = tokenize(query)
        if not self.segments or not tokens or k <= 0:
            return []
        allowed = frozenset(doc_ids) if doc_ids else None
        n = self.size
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        df = {t: sum(seg.df(t) for seg in self.segments) for t in counts}
        found = []
        for seg in self.segments:
            if seg.bm25 is None:
                continue
            # the segment's weights carry its own IDF: rescale each term to the IDF over all segments
            weights = {t: c * float(_idf(df[t], n) / _idf(seg.df(t), len(seg.ids)))
                       for t, c in counts.items() if df[t] and seg.df(t)}
            if not weights:
                continue
            scores = seg.scores(weights)
            if seg.name in self._deleted_mask:
                scores[self._deleted_mask[seg.name]] = 0.0
            if allowed is not None:
                scores[~np.fromiter((chunk_doc_id(i) in allowed for i in seg.ids), bool, len(seg.ids))] = 0.0
            top = min(k, len(seg.ids))
            best = np.argpartition(-scores, top - 1)[:top]
            found += [(seg.ids[i], float(scores[i])) for i in best if scores[i] > 0]
        found.sort(key=lambda pair: -pair[1])
        return found[:k]

    # --- persistence. Several processes may share one data dir: segments are written once, under a
    # temporary name of this process's own, and renamed into place; the manifest that lists them is
    # replaced in one step, so a reader never sees half of an index.
    def save(self, directory: Path, fingerprint: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for seg in self.segments:
            if (directory / seg.name).is_dir():
                continue
            tmp = directory / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            tmp.mkdir()
            try:
                if seg.bm25 is not None:
                    seg.bm25.save(str(tmp), show_progress=False)
                (tmp / "ids.json").write_text(json.dumps(seg.ids))
                tmp.rename(directory / seg.name)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        manifest = {"fingerprint": fingerprint, "segments": [seg.name for seg in self.segments],
                    "deleted": sorted(self.deleted)}
        tmp_manifest = directory / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
        tmp_manifest.write_text(json.dumps(manifest))
        os.replace(tmp_manifest, directory / MANIFEST)
        self.fingerprint = fingerprint
        self._clean(directory, set(manifest["segments"]))

    @staticmethod
    def _clean(directory: Path, listed: set[str]) -> None:
        now = time.time()
        for entry in directory.iterdir():
            if entry.name == MANIFEST or entry.name in listed:
                continue
            try:
                young = now - entry.stat().st_mtime < STALE_AFTER_S
            except OSError:
                continue
            if young and (entry.name.startswith("seg-") or entry.name.startswith(".tmp-")):
                continue  # perhaps another process's, about to be listed
            shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path, fingerprint: str | None = None,
             reuse: "LexicalIndex | None" = None) -> "LexicalIndex | None":
        """The saved index (only if it was built for ``fingerprint``, when given); segments that
        ``reuse`` already holds are not read again. None when there is none or it cannot be read."""
        try:
            manifest = json.loads((directory / MANIFEST).read_text())
            names, deleted = list(manifest["segments"]), frozenset(manifest["deleted"])
            saved_for = str(manifest["fingerprint"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if fingerprint is not None and saved_for != fingerprint:
            return None
        have = {seg.name: seg for seg in (reuse.segments if reuse else [])}
        segments = []
        for name in names:
            if name in have:
                segments.append(have[name])
                continue
            folder = directory / name
            try:
                ids = json.loads((folder / "ids.json").read_text())
                bm25 = bm25s.BM25.load(str(folder), show_progress=False) if ids else None
            except Exception:  # missing or half-deleted by another process's clean-up: rebuild instead
                return None
            segments.append(Segment(name, ids, bm25))
        return cls(segments, deleted, saved_for)
