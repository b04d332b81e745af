"""load -> check -> chunk -> embed -> store, one file at a time, incremental by content hash.

A document's id is the hash of its bytes: an unchanged file is skipped, a changed file (same
source, new hash) gets its new chunks stored first and its old ones deleted after, so a failure at
any point leaves the old version or the new one in the index, never a mix or a half."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Literal

from ingest.chunking import chunk_documents, index_text
from ingest.embedding import Embedder
from ingest.errors import UnreadableFile
from ingest.language import detect_language
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.text_quality import check_text

Status = Literal["added", "unchanged", "replaced", "refused"]


@dataclass
class IngestResult:
    path: Path
    status: Status
    doc_id: str = ""
    chunks: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One plain line for the user."""
        name = self.path.name
        if self.status == "refused":
            return f"refused   {name}: {self.reason}"
        extra = f" — warning: {'; '.join(self.warnings)}" if self.warnings else ""
        detail = f"{self.chunks} chunks" if self.status != "unchanged" else "already in the index"
        return f"{self.status:<9} {name}: {detail}{extra}"


def document_id(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:24]


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[IngestResult]]:
    """Files to ingest (folders searched recursively for supported types) and refusals for paths
    that do not exist or have an unsupported type."""
    files, refused = [], []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif not path.exists():
            refused.append(IngestResult(path, "refused", reason="no such file or folder"))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            refused.append(IngestResult(path, "refused", reason=f"unsupported file type {path.suffix or '(none)'}; "
                                                                 f"supported: {', '.join(SUPPORTED_SUFFIXES)}"))
        else:
            files.append(path)
    return files, refused


class IngestPipeline:
    def __init__(self, store, embedder: Embedder, chunk_size: int, chunk_overlap: int):
        self.store = store
        self.embedder = embedder
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap

    def ingest(self, paths: Iterable[Path], source_names: dict[Path, str] | None = None,
               on_result: Callable[[IngestResult], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> list[IngestResult]:
        """Ingest files and folders. ``source_names`` maps a path to the source key it is stored
        under (uploads keep their original name); by default the resolved path. ``on_progress``
        gets (files done, files total)."""
        files, results = expand_paths(paths)
        for r in results:
            on_result and on_result(r)
        for done, path in enumerate(files, start=1):
            source = (source_names or {}).get(path) or str(path.resolve())
            result = self.ingest_file(path, source)
            results.append(result)
            on_result and on_result(result)
            on_progress and on_progress(done, len(files))
        return results

    def ingest_file(self, path: Path, source: str) -> IngestResult:
        try:
            return self._ingest_file(path, source)
        except UnreadableFile as exc:
            return IngestResult(path, "refused", reason=str(exc))
        except OSError as exc:
            return IngestResult(path, "refused", reason=f"cannot read the file ({exc.strerror or exc})")

    def _ingest_file(self, path: Path, source: str) -> IngestResult:
        doc_id = document_id(path)
        previous = self.store.doc_ids_for_source(source)
        if doc_id in previous and len(previous) == 1:
            return IngestResult(path, "unchanged", doc_id)
        if self.store.has_doc(doc_id):  # the same bytes under another name: never store twice
            return IngestResult(path, "unchanged", doc_id, warnings=["same content is already in the index "
                                                                     "under another name"])
        pages = load(path)
        full_text = "\n".join(p.page_content for p in pages)
        verdict = check_text(full_text)
        if not verdict.ok:
            raise UnreadableFile(verdict.reason)
        warnings = []
        if any([p.metadata.pop("ocr_layer", None) for p in pages]):
            warnings.append("text comes from an OCR layer over scanned pages; recognition errors are likely")
        chunks = self.store_document(pages, doc_id, source)
        for old in previous - {doc_id}:
            self.store.delete_doc(old)
        return IngestResult(path, "replaced" if previous else "added", doc_id, chunks, warnings=warnings)

    def store_document(self, pages: list, doc_id: str, source: str) -> int:
        """Chunk, embed and store one loaded document (all its chunks or none); returns the chunk
        count."""
        return self.store_documents([(pages, doc_id, source)])[0]

    def store_documents(self, documents: list[tuple[list, str, str]]) -> list[int]:
        """Many loaded documents at once (embedded in shared batches, stored one document at a
        time, each all or nothing): the entry point for corpora that are not files, such as the
        evaluation sets. Returns the chunk count of each."""
        prepared = []
        for pages, doc_id, source in documents:
            full_text = "\n".join(p.page_content for p in pages)
            file_meta = {
                "doc_id": doc_id, "source": source, "file_name": Path(source).name if "/" in source else source,
                "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
            pages[0].metadata.setdefault("lang", detect_language(full_text[:5000]))
            chunks = chunk_documents(pages, self.chunk_size, self.chunk_overlap)
            if not chunks:
                raise UnreadableFile("no text left after chunking")
            metadatas = [dict(file_meta, **{k: v for k, v in c.metadata.items() if v is not None}) for c in chunks]
            for m in metadatas:
                m.setdefault("lang", pages[0].metadata["lang"])
            prepared.append((doc_id, chunks, metadatas))
        texts = [index_text(c.page_content, m) for _, chunks, metas in prepared for c, m in zip(chunks, metas)]
        embeddings = self.embedder.embed_passages(texts)
        start = 0
        for doc_id, chunks, metadatas in prepared:
            vectors = embeddings[start:start + len(chunks)]
            start += len(chunks)
            ids = [f"{doc_id}:{i}" for i in range(len(chunks))]
            try:
                self.store.add(ids, [c.page_content for c in chunks], vectors, metadatas)
            except Exception:
                self.store.delete_doc(doc_id)  # never leave a half-written document behind
                raise
        return [len(chunks) for _, chunks, _ in prepared]

    def remove(self, doc: str) -> list[str]:
        """Delete a document by id, id prefix, file name or source; returns the doc ids removed."""
        matches = [d for d in self.store.documents()
                   if doc in (d.doc_id, d.file_name, d.source) or (len(doc) >= 6 and d.doc_id.startswith(doc))]
        for d in matches:
            self.store.delete_doc(d.doc_id)
        return [d.doc_id for d in matches]

    def reembed_all(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Embed every stored chunk again with the current model (after changing the embedding
        model, or to repair an index); the chunks and their ids stay. Returns the chunk count."""
        docs = self.store.documents()
        total = 0
        for done, doc in enumerate(docs, start=1):
            chunks = self.store.chunks_of(doc.doc_id)
            vectors = self.embedder.embed_passages([index_text(c.text, c.metadata) for c in chunks])
            self.store.update_embeddings([c.id for c in chunks], vectors)
            total += len(chunks)
            on_progress and on_progress(done, len(docs))
        return total

    def repair(self) -> list[str]:
        """After a crash between storing a new version and deleting the old one, a source can hold
        two documents: keep the newest. Returns the doc ids removed."""
        by_source: dict[str, list] = {}
        for d in self.store.documents():
            by_source.setdefault(d.source, []).append(d)
        removed = []
        for docs in by_source.values():
            for stale in sorted(docs, key=lambda d: d.ingested_at)[:-1]:
                self.store.delete_doc(stale.doc_id)
                removed.append(stale.doc_id)
        return removed
