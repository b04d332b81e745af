"""Fakes for the model-backed parts, shared by the fast tests: every step and rule of the product
runs for real (``Advisor``, evidence selection, verification, the prompts …) and only the models
are replaced.

- ``FakeEmbedder``: the embedder's API (``embed_query``, ``embed_queries``, ``embed_passages``,
  ``dimension``, ``name``) with deterministic vectors: character bigrams hashed into 384 dimensions,
  L2-normalised, so texts that share wording are close. Like e5, it gives unrelated texts a high
  cosine too (``floor``), so the product's cosine thresholds keep their meaning.
- ``FixedRetriever``: ``HybridRetriever.search``'s signature and result (``Retrieval``) over a fixed
  list of ``Source`` objects (those of ``doc_ids`` when given), packed as the real retriever packs
  them; records each search.
- ``ScriptedGenerator``: the ``Generator`` protocol; streams a scripted reply in small pieces (one
  piece a token, at most ``max_tokens`` of them) and records the messages it was given.
  ``{doc_id}`` in a reply becomes the number the prompt gave that document, so a reply can cite
  the right source (or, with a doc id the prompt lacks, a wrong one).
- ``FakeDocumentStore``: the index's document list (``documents``, ``version``) for a ``Library``,
  from (doc_id, title, file name) rows; counts its reads.
- ``make_source`` / ``sources_from``: ``Source`` objects from (title, section, text) rows.
- ``make_advisor``: the real ``Advisor`` over these fakes.
- ``make_plan_advisor``: ``make_advisor`` for plan drafts: every section cites both of its two
  sources, except the last (迭代优化, "iterate"), whose retrieval covers nothing: it is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from app.answer.advisor import Advisor
from ingest.language import detect_language
from prompts import format_source
from retrieval.hybrid import Retrieval, RetrievalConfig, Source, pack_context
from retrieval.vector_store import DocumentSummary

Reply = str | Callable[[list[dict[str, str]]], str]
Row = tuple[str, str, str] | tuple[str, str, str, dict]

_WORD_RUN = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic sentence vectors without a model.

    A text's vector is ``sqrt(floor)`` on a dimension all texts share plus ``sqrt(1 - floor)`` times
    the L2-normalised counts of its character bigrams (lower-cased, within runs of word characters;
    a one-character run counts as itself), hashed into the other ``dimension - 1`` dimensions. The
    cosine of two texts is then ``floor + (1 - floor) * cos(bigram counts)``: ``1.0`` for the same
    wording, ``floor`` for texts with no bigram in common. The default floor (0.75) puts unrelated
    texts under the product's quoting threshold (0.8) and close paraphrases over its "strong
    evidence" one (0.86), as e5 does; ``floor=1.0`` makes every text the same vector (every
    sentence as close as can be to every question)."""

    def __init__(self, dimension: int = 384, floor: float = 0.75):
        if dimension < 2 or not 0.0 <= floor <= 1.0:
            raise ValueError("dimension must be at least 2 and floor within 0..1")
        self._dimension = dimension
        self.floor = floor
        self.query_prefix = ""
        self.passage_prefix = ""
        self.batch_size = 16
        self.name = f"fake-bigrams-{dimension}"
        self.calls: list[tuple[str, list[str]]] = []  # (method, texts), in order

    @property
    def dimension(self) -> int:
        return self._dimension

    @staticmethod
    def features(text: str) -> list[str]:
        grams = []
        for run in _WORD_RUN.findall(text.lower()):
            grams += [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
        return grams

    def vector(self, text: str) -> np.ndarray:
        counts = np.zeros(self._dimension, dtype=np.float64)
        for gram in self.features(text):
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
            counts[1 + int.from_bytes(digest, "little") % (self._dimension - 1)] += 1.0
        norm = np.linalg.norm(counts)
        if norm == 0.0:  # nothing to compare: only the shared dimension
            counts[0] = 1.0
            return counts.astype(np.float32)
        counts *= np.sqrt(1.0 - self.floor) / norm
        counts[0] = np.sqrt(self.floor)
        return counts.astype(np.float32)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.vstack([self.vector(t) for t in texts])

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        self.calls.append(("embed_passages", list(texts)))
        out = self._encode(texts)
        if progress is not None and texts:
            progress(len(texts))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        self.calls.append(("embed_query", [text]))
        return self.vector(text)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(("embed_queries", list(texts)))
        return self._encode(texts)

    def similarity(self, a: str, b: str) -> float:
        """The cosine the product would see between two texts."""
        return float(self.vector(a) @ self.vector(b))


def make_source(title: str, section: str, text: str, *, doc_id: str = "", chunk_id: str = "", lang: str = "",
                score: float = 1.0, dense: float | None = 0.9, lexical: float | None = None, **metadata) -> Source:
    """A ``Source`` as the real retriever returns it: the text, its document's title and section (and
    any other metadata: ``applies_to``, ``doc_type``, ``page`` …), its rank score and evidence."""
    meta = {"title": title, "section": section, "doc_id": doc_id or title, "lang": lang or detect_language(text)}
    meta.update(metadata)
    return Source(chunk_id or f"{meta['doc_id']}#0", text, meta, score, dense, lexical)


def sources_from(rows: Iterable[Row], dense: float | None = 0.9, **metadata) -> list[Source]:
    """Sources from ``(title, section, text)`` rows (a fourth item: a dict of metadata for that row),
    best first: doc ids d1, d2 … and chunk ids c0, c1 … unless the row's metadata names them, rank
    scores 1, 1/2, 1/3 …; ``metadata`` goes to every row."""
    out = []
    for i, row in enumerate(rows):
        title, section, text = row[:3]
        extra = {k: v for k, v in dict(metadata, **(row[3] if len(row) > 3 else {})).items()
                 if k not in ("title", "section")}  # the row's own title and section
        extra.setdefault("doc_id", f"d{i + 1}")
        extra.setdefault("chunk_id", f"c{i}")
        extra.setdefault("score", 1.0 / (i + 1))
        extra.setdefault("dense", dense)
        out.append(make_source(title, section, text, **extra))
    return out


class FixedRetriever:
    """``HybridRetriever``'s interface over fixed sources: any query gets ``sources`` (best first),
    packed into ``context_k`` sources and ``token_budget`` tokens by the real ``pack_context``.
    ``covered`` is a bool or a function of the query; ``searches`` records each call's arguments.
    ``untranslated``: the languages of documents with no translation in the index (default none)."""

    def __init__(self, sources: Sequence[Source] = (), covered: bool | Callable[[str], bool] = True,
                 embedder: FakeEmbedder | None = None, best_similarity: float = 0.9, best_lexical: float = 5.0,
                 config: RetrievalConfig | None = None, untranslated: Iterable[str] = ()):
        self.sources = list(sources)
        self.untranslated = set(untranslated)
        self.covered = covered
        self.embedder = embedder or FakeEmbedder()
        self.best_similarity = best_similarity
        self.best_lexical = best_lexical
        self.config = config or RetrievalConfig()
        self.searches: list[dict] = []

    def embed_query(self, text: str) -> np.ndarray:
        return self.embedder.embed_query(text)

    def refresh(self) -> None:
        pass

    def refresh_if_changed(self) -> None:
        pass

    def languages_without_twin(self, doc_ids: Iterable[str] | None = None) -> set[str]:
        return set(self.untranslated)

    def search(self, query: str, tier: str | None = None, context_k: int | None = None,
               token_budget: int | None = None, doc_ids: Iterable[str] | None = None,
               also: Sequence[str] = ()) -> Retrieval:
        self.searches.append({"query": query, "tier": tier, "context_k": context_k, "token_budget": token_budget,
                              "doc_ids": None if doc_ids is None else list(doc_ids), "also": list(also)})
        allowed = set(doc_ids) if doc_ids else None
        # copies: the product may annotate what it gets; the next search starts from the same sources
        candidates = [dataclasses.replace(s, metadata=dict(s.metadata)) for s in self.sources
                      if allowed is None or s.doc_id in allowed]
        packed = pack_context(candidates, context_k or self.config.context_k,
                              token_budget or self.config.context_token_budget)
        covered = self.covered(query) if callable(self.covered) else self.covered
        return Retrieval(query, packed, candidates, self.best_similarity, self.best_lexical,
                         bool(packed) and bool(covered))


class FakeDocumentStore:
    """``ChromaStore.documents`` and ``version`` over fixed rows: (doc_id, title, file_name) plus,
    optionally, a dict of other ``DocumentSummary`` fields (default: a user document, Chinese, added
    in row order). ``reads`` counts the ``documents`` calls."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows = list(rows)
        self.reads = 0

    def version(self) -> str:
        return str(len(self.rows))

    def documents(self) -> list[DocumentSummary]:
        self.reads += 1
        out = []
        for i, (doc_id, title, file_name, *more) in enumerate(self.rows):
            fields = {"source": f"upload://{file_name}", "chunks": 1, "ingested_at": f"2026-12-0{i + 1}T00:00:00",
                      "doc_type": "", "lang": "zh", "origin": "user", **(more[0] if more else {})}
            out.append(DocumentSummary(doc_id, title, file_name=file_name, **fields))
        return out


def source_number(messages: list[dict[str, str]], metadata: dict) -> str | None:
    """The number the prompt gave the source with this metadata (``[n] title (section)``), if any."""
    text = "\n".join(m.get("content", "") for m in messages)
    head = format_source(0, "", metadata).strip()[len("[0] "):]
    title = re.escape(str(metadata.get("title", "")))
    for pattern in (rf"\[(\d+)\] {re.escape(head)}(?=[\s(]|$)", rf"\[(\d+)\] {title}(?=[\s(]|$)"):
        m = re.search(pattern, text)
        if m:
            return m.group(1)
    return None


class ScriptedGenerator:
    """The ``Generator`` protocol without a model. ``replies``: one per call, in order (the last one
    for every later call); each a string or a function of the messages. ``{doc_id}`` (for a doc id of
    ``sources``) becomes the number the prompt gave that source, ``missing`` when it gave none.
    The reply streams in pieces of ``piece_chars`` characters, one piece a token: at most
    ``max_tokens`` pieces, as a real model stops at its limit.
    Records: ``messages`` (each call's messages), ``prompts`` (each call's last message),
    ``max_tokens`` (each call's limit), ``sent`` (the text each call streamed, numbered and cut at
    the limit), ``warmed_up`` (the system prompts of ``warm_up``)."""

    name = "scripted"

    def __init__(self, *replies: Reply, sources: Sequence[Source] = (), piece_chars: int = 3, missing: str = "9"):
        self.replies = list(replies) or [""]
        self.sources = list(sources)
        self.piece_chars = piece_chars
        self.missing = missing
        self.messages: list[list[dict[str, str]]] = []
        self.prompts: list[str] = []
        self.max_tokens: list[int] = []
        self.sent: list[str] = []
        self.warmed_up: list[str] = []

    def reply_for(self, messages: list[dict[str, str]]) -> str:
        reply = self.replies[min(len(self.messages) - 1, len(self.replies) - 1)]
        text = reply(messages) if callable(reply) else reply
        by_doc = {s.doc_id: s.metadata for s in self.sources}

        def number(m: re.Match) -> str:
            if m.group(1) not in by_doc:
                return m.group(0)
            return source_number(messages, by_doc[m.group(1)]) or self.missing

        return re.sub(r"\{([\w.-]+)\}", number, text)

    def stream(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        # recorded at the call, not at the first piece: "the model was not asked" is checkable
        self.messages.append([dict(m) for m in messages])
        self.prompts.append(messages[-1]["content"] if messages else "")
        self.max_tokens.append(max_tokens)
        reply = self.reply_for(messages)
        pieces = [reply[i:i + self.piece_chars] for i in range(0, len(reply), self.piece_chars)][:max(max_tokens, 0)]
        self.sent.append("".join(pieces))
        return (piece for piece in pieces)  # a generator, as the real ones are: it has close()

    def warm_up(self, system_prompt: str) -> None:
        self.warmed_up.append(system_prompt)


def make_advisor(sources: Sequence[Source] | Iterable[Row], *replies: Reply, covered: bool | Callable[[str], bool] = True,
                 embedder: FakeEmbedder | None = None, **advisor_kwargs) -> tuple[Advisor, ScriptedGenerator, FixedRetriever]:
    """The real ``Advisor`` over a ``FixedRetriever`` of ``sources`` (``Source`` objects or rows for
    ``sources_from``), a ``ScriptedGenerator`` of ``replies`` citing them, and a ``FakeEmbedder``."""
    sources = list(sources)
    if sources and not isinstance(sources[0], Source):
        sources = sources_from(sources)
    embedder = embedder or FakeEmbedder()
    retriever = FixedRetriever(sources, covered, embedder)
    generator = ScriptedGenerator(*replies, sources=sources)
    advisor_kwargs.setdefault("embed_passages", embedder.embed_passages)
    return Advisor(retriever, generator, **advisor_kwargs), generator, retriever


PLAN_ROWS = [("制造业企业数字化转型实施指南", "现状评估", "企业应开展数字化转型诊断评估，摸清设备联网和数据采集的现状。"),
             ("中小企业数字化水平评测指标", "设备管理", "中小企业应推动设备联网，实现设备运行数据实时采集。")]
PLAN_REPLY = "企业应先开展诊断评估，摸清设备联网现状[{d1}]。再推动设备联网，做到设备运行数据实时采集[{d2}]。"


def make_plan_advisor() -> tuple[Advisor, ScriptedGenerator, FixedRetriever]:
    """The real ``Advisor`` for plan drafts over ``PLAN_ROWS``: each section's reply cites both
    sources; the "iterate" section's search (its query holds 迭代 / iterat…) covers nothing."""
    return make_advisor(PLAN_ROWS, PLAN_REPLY, covered=lambda query: not re.search("迭代|iterat", query, re.I))
