"""Chunks with their embeddings in Chroma: embedded (PersistentClient in the data dir) or a Chroma
server (HttpClient). Telemetry is off either way. One chunk id = ``<doc_id>:<chunk_index>``."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Iterator

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict


@dataclass(frozen=True)
class DocumentSummary:
    doc_id: str
    title: str
    source: str
    file_name: str
    chunks: int
    ingested_at: str
    doc_type: str
    lang: str
    origin: str = ""  # "starter" (the starter knowledge base) or "user"; "" when stored before it was recorded
    translation_of: str = ""  # the file name of the document this one translates (starter documents come in pairs)


# Collection metadata keys. The version changes on every write by any process sharing the index
# (a new random value, so two writers can never produce the same one); readers compare it per query.
VERSION_KEY = "advisor_index_version"
MARKER_PREFIX = "advisor_marker_"
SCAN_PAGE = 5000


def chunk_doc_id(chunk_id: str) -> str:
    """The document a chunk id belongs to (``<doc_id>:<chunk_index>``)."""
    return chunk_id.rsplit(":", 1)[0]


def ids_fingerprint(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:20]


def _client_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class ChromaStore:
    def __init__(self, client: chromadb.ClientAPI, collection: str):
        self.client = client
        self.collection = client.get_or_create_collection(
            collection, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None)
        self.batch_size = max(1, min(2000, client.get_max_batch_size()))

    @classmethod
    def local(cls, path: Path, collection: str) -> "ChromaStore":
        path.mkdir(parents=True, exist_ok=True)
        return cls(chromadb.PersistentClient(path=str(path), settings=_client_settings()), collection)

    @classmethod
    def server(cls, host: str, port: int, collection: str) -> "ChromaStore":
        return cls(chromadb.HttpClient(host=host, port=port, settings=_client_settings()), collection)

    # --- the collection's own metadata: the version, and markers kept with the index
    def _metadata(self) -> dict:
        """As stored now: another process may have changed it since this one opened the collection."""
        return dict(self.client.get_collection(self.collection.name, embedding_function=None).metadata or {})

    def version(self) -> str:
        """Changes whenever any process writes to the index; one small read (see README)."""
        return str(self._metadata().get(VERSION_KEY, ""))

    def _set_metadata(self, **values: str) -> None:
        metadata = self._metadata()
        metadata.update(values)
        metadata[VERSION_KEY] = uuid.uuid4().hex
        self.collection.modify(metadata=metadata)

    def _bump_version(self) -> None:
        self._set_metadata()

    def marker(self, name: str) -> str:
        """A value stored with the index itself (e.g. the starter knowledge's fingerprint), so every
        process and machine using this index sees the same one."""
        return str(self._metadata().get(MARKER_PREFIX + name, ""))

    def set_marker(self, name: str, value: str) -> None:
        self._set_metadata(**{MARKER_PREFIX + name: value})

    # --- writing (each bumps the version once it is done, so a reader that sees the new version
    # also sees the data)
    def add(self, ids: list[str], texts: list[str], embeddings: np.ndarray, metadatas: list[dict]) -> None:
        try:
            for start in range(0, len(ids), self.batch_size):
                end = start + self.batch_size
                self.collection.add(ids=ids[start:end], documents=texts[start:end],
                                    embeddings=np.asarray(embeddings[start:end], dtype=np.float32),
                                    metadatas=metadatas[start:end])
        finally:
            self._bump_version()

    def update_embeddings(self, ids: list[str], embeddings: np.ndarray) -> None:
        try:
            for start in range(0, len(ids), self.batch_size):
                self.collection.update(ids=ids[start:start + self.batch_size],
                                       embeddings=np.asarray(embeddings[start:start + self.batch_size],
                                                             dtype=np.float32))
        finally:
            self._bump_version()

    def chunks_of(self, doc_id: str) -> list[StoredChunk]:
        got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        return [StoredChunk(i, t or "", m or {}) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def delete_doc(self, doc_id: str) -> int:
        ids = self.collection.get(where={"doc_id": doc_id}, include=[])["ids"]
        if not ids:
            return 0
        try:
            for start in range(0, len(ids), self.batch_size):
                self.collection.delete(ids=ids[start:start + self.batch_size])
        finally:
            self._bump_version()
        return len(ids)

    # --- reading
    def count(self) -> int:
        return self.collection.count()

    def has_doc(self, doc_id: str) -> bool:
        return bool(self.collection.get(where={"doc_id": doc_id}, limit=1, include=[])["ids"])

    def doc_ids_for_source(self, source: str) -> set[str]:
        metas = self.collection.get(where={"source": source}, include=["metadatas"])["metadatas"]
        return {m["doc_id"] for m in metas}

    def _all_metadatas(self) -> list[dict]:
        return [m for _, _, m in self.scan(["metadatas"])]

    def documents(self) -> list[DocumentSummary]:
        by_doc: dict[str, list[dict]] = {}
        for meta in self._all_metadatas():
            by_doc.setdefault(meta["doc_id"], []).append(meta)
        rows = []
        for doc_id, metas in by_doc.items():
            m = metas[0]
            rows.append(DocumentSummary(doc_id, m.get("title", ""), m.get("source", ""), m.get("file_name", ""),
                                        len(metas), m.get("ingested_at", ""), m.get("doc_type", ""), m.get("lang", ""),
                                        m.get("origin", ""), m.get("translation_of", "")))
        return sorted(rows, key=lambda r: (r.file_name, r.doc_id))

    def all_chunks(self) -> list[StoredChunk]:
        return [StoredChunk(i, t or "", m or {}) for i, t, m in self.scan(["documents", "metadatas"])]

    def get(self, ids: list[str]) -> list[StoredChunk]:
        if not ids:
            return []
        found = {}
        for start in range(0, len(ids), self.batch_size):  # SQLite limits the variables of one query
            got = self.collection.get(ids=ids[start:start + self.batch_size], include=["documents", "metadatas"])
            found.update({i: StoredChunk(i, t or "", m or {})
                          for i, t, m in zip(got["ids"], got["documents"], got["metadatas"])})
        return [found[i] for i in ids if i in found]

    def embeddings(self, ids: list[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        found = {}
        for start in range(0, len(ids), self.batch_size):
            got = self.collection.get(ids=ids[start:start + self.batch_size], include=["embeddings"])
            found.update({i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])})
        return found

    def query(self, embedding: np.ndarray, k: int, doc_ids: Collection[str] | None = None
              ) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks with their cosine similarity, best first; with ``doc_ids``, only chunks of
        those documents (Chroma filters before ranking, so k of them come back when they exist)."""
        n = self.count()
        if n == 0:
            return []
        where = {"doc_id": {"$in": sorted(doc_ids)}} if doc_ids else None
        got = self.collection.query(query_embeddings=[np.asarray(embedding, dtype=np.float32)], n_results=min(k, n),
                                    where=where, include=["documents", "metadatas", "distances"])
        return [(StoredChunk(i, t or "", m or {}), 1.0 - float(d)) for i, t, m, d in
                zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])]

    def scan(self, include: list[str]) -> Iterator[tuple[str, str | None, dict]]:
        """Every chunk as (id, text or None, metadata), a page at a time: Chroma reads the rows of one
        get in one SQLite query, and beyond ~32k rows that query has too many variables."""
        offset = 0
        while True:
            got = self.collection.get(include=include, limit=SCAN_PAGE, offset=offset)
            ids = got["ids"]
            texts = got.get("documents") or [None] * len(ids)
            metas = got.get("metadatas") or [{}] * len(ids)
            yield from ((i, t, m or {}) for i, t, m in zip(ids, texts, metas))
            if len(ids) < SCAN_PAGE:
                return
            offset += SCAN_PAGE

    def all_ids(self) -> list[str]:
        return [i for i, _, _ in self.scan([])]

    def fingerprint(self) -> str:
        """Changes whenever a chunk is added or removed: keys the lexical index cache."""
        return ids_fingerprint(self.all_ids())
