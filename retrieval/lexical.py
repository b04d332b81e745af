"""BM25 over jieba tokens (bm25s), saved next to Chroma and rebuilt only when the chunks change."""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from pathlib import Path

import bm25s
import jieba
import numpy as np

jieba.setLogLevel(60)

WORDLIKE = re.compile(r"[0-9a-z\u4e00-\u9fff]")
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 对 为 以 于 等 中 有 也 就 都 而 之 其 这 那 哪 什么 怎么 如何 哪些 多少 吗 呢 吧 啊 "
    "我们 你们 他们 我 你 他 她 它 请 要 会 能 可以 应该 一个 "
    "the a an of to in on for and or is are was were be what which how do does did can could should "
    "with by as at from that this these those it its our we you your they their there about".split())


def tokenize(text: str) -> list[str]:
    """Search tokens: jieba's search mode (words and their sub-words), lower-cased, punctuation and
    stop words dropped."""
    return [t for t in (w.strip() for w in jieba.cut_for_search(text.lower()))
            if t and WORDLIKE.search(t) and t not in STOPWORDS]


class LexicalIndex:
    def __init__(self, ids: list[str], bm25: bm25s.BM25 | None):
        self.ids = ids
        self.bm25 = bm25

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> "LexicalIndex":
        if not ids:
            return cls([], None)
        bm25 = bm25s.BM25()
        bm25.index([tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(list(ids), bm25)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        if self.bm25 is None:
            return []
        vocab = self.bm25.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        k = min(k, len(self.ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # --- persistence, keyed by the store's fingerprint. Several processes may share one data dir:
    # each index lives in a folder named by its fingerprint, written once under a temporary name of
    # this process's own and renamed into place in one step, so a reader never sees half of one.
    def save(self, directory: Path, fingerprint: str) -> None:
        tmp = directory.with_name(f"{directory.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        tmp.mkdir(parents=True)
        try:
            if self.bm25 is not None:
                self.bm25.save(str(tmp), show_progress=False)
            (tmp / "ids.json").write_text(json.dumps({"fingerprint": fingerprint, "ids": self.ids}))
            directory.mkdir(parents=True, exist_ok=True)
            try:
                tmp.rename(directory / fingerprint)
            except OSError:  # another process saved this same index first
                pass
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        for stale in directory.iterdir():  # older indexes (and the single-folder layout before this one)
            if stale.name != fingerprint:
                shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path, fingerprint: str) -> "LexicalIndex | None":
        folder = directory / fingerprint
        try:
            saved = json.loads((folder / "ids.json").read_text())
        except (OSError, ValueError):
            return None
        if saved.get("fingerprint") != fingerprint:
            return None
        if not saved["ids"]:
            return cls([], None)
        try:
            bm25 = bm25s.BM25.load(str(folder), show_progress=False)
        except Exception:  # missing or half-deleted by another process's clean-up: rebuild instead
            return None
        return cls(saved["ids"], bm25)
