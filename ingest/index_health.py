"""What a crash can leave in the store, found from the chunks' metadata alone: documents with
fewer or more chunks than were recorded when they were stored (a write cut short), and older
versions of a source next to a newer one (a crash between storing the new version and deleting
the old). Each chunk records its document's ``chunks_total`` when it is stored."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class StoreHealth:
    documents: int = 0
    chunks: int = 0
    incomplete: dict[str, tuple[int, int]] = field(default_factory=dict)  # doc_id -> (held, recorded)
    over_count: dict[str, tuple[int, int]] = field(default_factory=dict)  # more chunks than recorded
    stale_versions: dict[str, str] = field(default_factory=dict)  # old doc_id -> the source's newest doc_id
    duplicate_chunks: int = 0  # chunks held by stale versions: their text is in the index twice
    sources: dict[str, str] = field(default_factory=dict)  # doc_id -> source, for messages

    @property
    def broken(self) -> list[str]:
        """Doc ids to remove to make the store whole again (their files can be ingested again)."""
        return list(self.incomplete) + list(self.over_count) + [d for d in self.stale_versions
                                                                if d not in self.incomplete and d not in self.over_count]

    @property
    def ok(self) -> bool:
        return not self.broken


def _chunk_index(chunk_id: str) -> int | None:
    tail = chunk_id.rpartition(":")[2]
    return int(tail) if tail.isdigit() else None


def inspect_store(store) -> StoreHealth:
    """One pass over every chunk's id and metadata (no texts, no vectors)."""
    by_doc: dict[str, list[tuple[str, dict]]] = {}
    chunks_seen = 0
    for chunk_id, _, meta in store.scan(["metadatas"]):
        chunks_seen += 1
        by_doc.setdefault(meta.get("doc_id") or chunk_id.rpartition(":")[0], []).append((chunk_id, meta))
    health = StoreHealth(documents=len(by_doc), chunks=chunks_seen)
    by_source: dict[str, list[tuple[str, str]]] = {}
    for doc_id, chunks in by_doc.items():
        meta = chunks[0][1]
        health.sources[doc_id] = meta.get("source", "")
        held = len(chunks)
        recorded = meta.get("chunks_total")
        indexes = sorted(i for i in (_chunk_index(c) for c, _ in chunks) if i is not None)
        if recorded is None:  # stored before counts were recorded: only gaps show a cut-short write
            recorded = held if indexes == list(range(held)) else max(indexes, default=-1) + 1
        if held < recorded or indexes != list(range(held)):
            health.incomplete[doc_id] = (held, int(recorded))
        elif held > recorded:
            health.over_count[doc_id] = (held, int(recorded))
        by_source.setdefault(meta.get("source", ""), []).append((meta.get("ingested_at", ""), doc_id))
    for source, versions in by_source.items():
        if len(versions) < 2 or not source:
            continue
        whole = [v for v in sorted(versions) if v[1] not in health.incomplete and v[1] not in health.over_count]
        newest = (whole or sorted(versions))[-1][1]
        for _, doc_id in versions:
            if doc_id != newest:
                health.stale_versions[doc_id] = newest
                health.duplicate_chunks += len(by_doc[doc_id])
    return health


def repair_store(store) -> list[str]:
    """Remove what ``inspect_store`` finds broken; the files of those documents can simply be
    ingested again. Returns the doc ids removed."""
    broken = inspect_store(store).broken
    for doc_id in broken:
        store.delete_doc(doc_id)
    return broken
