"""load -> check -> chunk -> embed -> store, one file at a time, incremental by content hash.

A document's id is the hash of its bytes: an unchanged file is skipped, a changed file (same
source, new hash) gets its new chunks stored first and its old ones deleted after, so a failure at
any point leaves the old version or the new one in the index, never a mix or a half. What a kill
can still leave behind (a write cut short, two versions of one source) is found from the chunks'
metadata and removed by ``repair()``, which every ingest runs first."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Literal

from ingest.chunking import chunk_documents, index_text
from ingest.crash_hook import crash_point
from ingest.embedding import Embedder
from ingest.errors import UnreadableFile
from ingest.file_checks import check_name, check_size, printable_name
from ingest.index_health import repair_store
from ingest.language import detect_language
from ingest.loaders import SUPPORTED_SUFFIXES, load, unsupported
from ingest.refusal_text import SKIPS, refuse
from ingest.text_quality import check_text

Status = Literal["added", "unchanged", "replaced", "refused", "skipped"]


@dataclass
class IngestResult:
    path: Path
    status: Status
    doc_id: str = ""
    chunks: int = 0
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    kind: str = ""  # why it was refused or skipped: a key of REFUSALS or SKIPS

    def line(self) -> str:
        """One plain line for the user (control characters in the name shown escaped)."""
        name = printable_name(self.path.name)
        if self.status in ("refused", "skipped"):
            return f"{self.status:<9} {name}: {self.reason}"
        extra = f" — warning: {'; '.join(self.warnings)}" if self.warnings else ""
        detail = f"{self.chunks} chunks" if self.status != "unchanged" else "already in the index"
        return f"{self.status:<9} {name}: {detail}{extra}"


def document_id(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:24]


def refused(path: Path, exc: UnreadableFile) -> IngestResult:
    return IngestResult(path, "refused", reason=str(exc), kind=exc.kind)


def skipped(path: Path, kind: str) -> IngestResult:
    return IngestResult(path, "skipped", reason=SKIPS[kind], kind=kind)


def _walk(root: Path, found: list[Path], notes: list[IngestResult]) -> None:
    """Supported files under ``root``, hidden entries left out. Linked folders are followed once:
    a link back into a folder already searched (a loop) or a dangling link is skipped with a line."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
        except OSError:  # removed or unreachable since it was listed
            notes.append(skipped(folder, "broken_link"))
            continue
        if (info.st_dev, info.st_ino) in seen:
            notes.append(skipped(folder, "symlink_loop"))
            continue
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            notes.append(refused(folder, refuse("unreadable", detail=exc.strerror or str(exc))))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()  # both follow links
            except OSError:
                is_dir = is_file = False
            if entry.is_symlink() and not (is_dir or is_file):
                notes.append(skipped(path, "broken_link"))
            elif is_dir:
                subfolders.append(path)
            elif is_file and path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
        stack.extend(reversed(subfolders))  # depth first, in name order


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[IngestResult]]:
    """Files to ingest (folders searched recursively for supported types) and the refusals and
    skips for paths that cannot be ingested: missing, unsupported type, looping links."""
    files: list[Path] = []
    notes: list[IngestResult] = []
    for path in paths:
        if path.is_dir():
            _walk(path, files, notes)
        elif path.is_symlink() and not path.exists():
            notes.append(skipped(path, "broken_link"))
        elif not path.exists():
            notes.append(refused(path, refuse("missing")))
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            notes.append(refused(path, unsupported(path)))
        else:
            files.append(path)
    return files, notes


class IngestPipeline:
    def __init__(self, store, embedder: Embedder | Callable[[], Embedder], chunk_size: int, chunk_overlap: int,
                 max_file_mb: int = 50):
        """``embedder``: the model, or a function that loads it when the first file needs embedding
        (a run of unchanged or refused files then loads none)."""
        self.store = store
        self._embedder = embedder
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.max_file_bytes = max_file_mb * 1024 * 1024

    @property
    def embedder(self) -> Embedder:
        if callable(self._embedder) and not isinstance(self._embedder, Embedder):
            self._embedder = self._embedder()
        return self._embedder

    def ingest(self, paths: Iterable[Path], source_names: dict[Path, str] | None = None,
               on_result: Callable[[IngestResult], None] | None = None,
               on_progress: Callable[[int, int], None] | None = None) -> list[IngestResult]:
        """Ingest files and folders. ``source_names`` maps a path to the source key it is stored
        under (uploads keep their original name); by default the resolved path. ``on_progress``
        gets (files done, files total)."""
        self.repair()  # what an earlier run killed half-way left behind
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
            return refused(path, exc)
        except OSError as exc:
            return refused(path, refuse("unreadable", detail=exc.strerror or str(exc)))

    def _ingest_file(self, path: Path, source: str) -> IngestResult:
        check_name(path)
        check_size(path, self.max_file_bytes)  # from the size alone, before a byte is read
        doc_id = document_id(path)
        previous = self.store.doc_ids_for_source(source)
        if doc_id in previous and len(previous) == 1:
            return IngestResult(path, "unchanged", doc_id)
        if self.store.has_doc(doc_id):  # the same bytes under another name: never store twice
            return IngestResult(path, "unchanged", doc_id, warnings=["same content is already in the index "
                                                                     "under another name"])
        pages = load(path, self.max_file_bytes)
        crash_point("parse")
        ocr_layer = any([p.metadata.pop("ocr_layer", None) for p in pages])
        verdict = check_text("\n".join(p.page_content for p in pages), ocr_layer=ocr_layer)
        if not verdict.ok:
            raise UnreadableFile(verdict.reason, verdict.kind)
        warnings = []
        if ocr_layer:
            warnings.append("text comes from an OCR layer over scanned pages; recognition errors are likely")
        chunks = self.store_document(pages, doc_id, source)
        crash_point("store")  # the new version is stored, the old one not yet deleted
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
                "ingested_at": datetime.now(timezone.utc).isoformat(timespec="microseconds"),
            }
            pages[0].metadata.setdefault("lang", detect_language(full_text[:5000]))
            chunks = chunk_documents(pages, self.chunk_size, self.chunk_overlap)
            if not chunks:
                raise refuse("no_chunks")
            file_meta["chunks_total"] = len(chunks)  # lets a check find a write cut short
            metadatas = [dict(file_meta, **{k: v for k, v in c.metadata.items() if v is not None}) for c in chunks]
            for m in metadatas:
                m.setdefault("lang", pages[0].metadata["lang"])
            prepared.append((doc_id, chunks, metadatas))
        texts = [index_text(c.page_content, m) for _, chunks, metas in prepared for c, m in zip(chunks, metas)]
        embeddings = self.embedder.embed_passages(texts)
        crash_point("embed")
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
        """Make the store whole again after a crash: remove documents whose chunk count differs
        from the one recorded when they were stored (a write cut short), and older versions of a
        source that also holds a newer one (a crash between storing the new version and deleting
        the old). Their files can simply be ingested again. Returns the doc ids removed."""
        return repair_store(self.store)
