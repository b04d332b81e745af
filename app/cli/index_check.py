"""``advisor check``: does the index agree with itself? The store's documents against the chunk
counts recorded when they were stored, one version per source, and the lexical (BM25) index
against the store's chunks, and the embedding model and backend recorded with the index against the
settings. ``--repair`` removes the broken documents (their files can be ingested again), rebuilds the
lexical index, and re-embeds every chunk when the vectors came from another model or backend (the only
repair that loads the model)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services import embedding_identity
from ingest.index_health import inspect_store, repair_store
from retrieval.lexical import LexicalIndex


@dataclass
class IndexCheck:
    lines: list[str] = field(default_factory=list)
    problems: int = 0
    repaired: int = 0


def _name(health, doc_id: str) -> str:
    return f"{doc_id[:12]} ({health.sources.get(doc_id, '').rpartition('/')[2] or '?'})"


def lexical_in_step(services) -> bool:
    """The saved lexical index was built from exactly the chunks the store holds now."""
    ids = services.store.all_ids()
    saved = LexicalIndex.load(services.settings.lexical_dir, services.store.fingerprint())
    return saved is not None and sorted(saved.ids) == sorted(ids)


def check_index(services, repair: bool = False) -> IndexCheck:
    health = inspect_store(services.store)
    out = IndexCheck()
    out.lines.append(f"store: {health.documents} documents, {health.chunks} chunks")
    for doc_id, (held, recorded) in health.incomplete.items():
        out.lines.append(f"problem   document {_name(health, doc_id)}: {held} of its {recorded} chunks "
                         "(a write cut short)")
    for doc_id, (held, recorded) in health.over_count.items():
        out.lines.append(f"problem   document {_name(health, doc_id)}: {held} chunks, {recorded} recorded")
    for doc_id, newest in health.stale_versions.items():
        out.lines.append(f"problem   document {_name(health, doc_id)}: an older version next to {newest[:12]} "
                         "(its chunks are duplicates)")
    lexical_ok = lexical_in_step(services)
    if not lexical_ok:
        out.lines.append("problem   the lexical index is out of date (built for another set of chunks)")
    embedded_with = services.embedding_mismatch()
    if embedded_with is not None:
        out.lines.append(f"problem   the vectors were embedded with {embedded_with}, the settings say "
                         f"{embedding_identity(services.settings)}")
    out.problems = len(health.broken) + (not lexical_ok) + (embedded_with is not None)
    if health.duplicate_chunks:
        out.lines.append(f"duplicate chunks: {health.duplicate_chunks}")
    if not out.problems:
        out.lines.append("ok        every document whole, one version per source, lexical index in step")
        return out
    if not repair:
        out.lines.append(f"{out.problems} problem(s); `advisor check --repair` removes the broken documents "
                         "(ingest their files again afterwards), rebuilds the lexical index and re-embeds "
                         "vectors of another model")
        return out
    removed = repair_store(services.store)
    if embedded_with is not None:
        out.lines.append(f"repaired  re-embedded {services.reembed_all()} chunks with "
                         f"{embedding_identity(services.settings)}")
    services.retriever.refresh()
    out.repaired = len(removed) + (not lexical_ok) + (embedded_with is not None)
    for doc_id in removed:
        out.lines.append(f"repaired  removed document {_name(health, doc_id)}; ingest its file again to restore it")
    if not lexical_ok:
        out.lines.append("repaired  rebuilt the lexical index")
    return out
