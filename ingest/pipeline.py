"""load -> check -> chunk -> embed -> store, incremental by content hash. A background thread loads,
checks and chunks the next files while the main one embeds chunks of several files in one batch and
stores them in one write.

A document's id is the hash of its bytes: an unchanged file is skipped, a changed file (same
source, new hash) gets its new chunks stored first and its old ones deleted after, so a failure at
any point leaves the old version or the new one in the index, never a mix or a half. What a kill
can still leave behind (a write cut short, two versions of one source) is found from the chunks'
metadata and removed by ``repair()``, which every ingest runs first."""

from __future__ import annotations

import hashlib
import os
from collections import deque
from dataclasses import replace
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Literal

from ingest.chunking import CHUNKING_VERSION, chunk_documents, index_text
from ingest.crash_hook import crash_point
from ingest.embedding import Embedder
from ingest.errors import UnreadableFile
from ingest.file_checks import check_name, check_size, printable_name
from ingest.index_health import repair_store
from ingest.language import detect_language
from ingest.loaders import SUPPORTED_SUFFIXES, load, unsupported
from ingest.ocr import OcrReader
from ingest.refusal_text import SKIPS, refuse
from ingest.text_quality import check_text

Status = Literal["added", "unchanged", "replaced", "refused", "skipped"]
SAME_CONTENT = "same content is already in the index under another name"
# Fields a loader sets per page that belong to that page's chunks only (not to the whole document).
PAGE_FIELDS = ("ocr", "ocr_confidence")
# Where a document came from, stored on its chunks (``origin``): the starter knowledge base, the user
# for everyone (``advisor ingest``, an admin's upload), or one user's own upload ("private": only those
# the application database grants it may read it), so "the report I uploaded" can be told from the
# starter documents.
Origin = Literal["starter", "user", "private"]


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
    """The hash of the file's bytes and of the chunking they are cut by."""
    digest = hashlib.sha256(f"chunking {CHUNKING_VERSION}\n".encode())
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


# Chunks embedded in one call and written to the store in one add: the model's throughput needs
# full batches, and Chroma spends about as long on one add of a few chunks as on one of hundreds.
# A batch of at least MIN_BATCH_CHUNKS goes early when the next file is still loading (the first
# batch, a slow PDF): the model never waits for the loader while it has work.
BATCH_CHUNKS = 256
MIN_BATCH_CHUNKS = 16
# Files loaded and chunked ahead of the embedding, at most (by count and by size on disk): enough to
# fill the next batch while this one embeds (one batch of one-chunk files), little enough to hold in
# memory.
LOOKAHEAD_FILES = 256
LOOKAHEAD_BYTES = 64 * 1024 * 1024


@dataclass
class PreparedDocument:
    """A loaded document cut into chunks, with the text each chunk is embedded from."""
    doc_id: str
    chunks: list
    metadatas: list[dict]
    texts: list[str]
    chars: int  # characters of the document's text
    warnings: list[str] = field(default_factory=list)


@dataclass
class _File:
    """One file of a run, from its checks to its result."""
    path: Path
    source: str
    origin: Origin = "user"
    size: int = 0
    previous: set[str] = field(default_factory=set)  # doc ids stored under its source before this run
    loading: Future | None = None  # -> PreparedDocument | IngestResult (refused)
    prepared: PreparedDocument | None = None
    same_as: "_File | None" = None  # an earlier file of this run with the same content
    result: IngestResult | None = None


@dataclass
class _Progress:
    """Characters embedded and stored, against the characters of every document of the run: those
    loaded so far plus, for the files not loaded yet, their average."""
    callback: Callable[[int, int], None] | None
    files: int
    files_loaded: int = 0
    chars_loaded: int = 0
    done: float = 0.0

    def loaded(self, chars: int) -> None:
        self.files_loaded += 1
        self.chars_loaded += chars

    def advance(self, chars: float) -> None:
        self.done = min(self.done + chars, self.chars_loaded)
        if self.callback:
            unloaded = self.files - self.files_loaded
            self.callback(round(self.done), round(self.chars_loaded + unloaded * self.chars_loaded / self.files_loaded))


class IngestPipeline:
    def __init__(self, store, embedder: Embedder | Callable[[], Embedder], chunk_size: int, chunk_overlap: int,
                 max_file_mb: int = 50, ocr: OcrReader | None = None):
        """``embedder``: the model, or a function that loads it when the first file needs embedding
        (a run of unchanged or refused files then loads none). ``ocr``: reads scanned pages and
        images (None: they are refused)."""
        self.store = store
        self.ocr = ocr
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
               on_progress: Callable[[int, int], None] | None = None,
               on_ocr_progress: Callable[[str, int, int], None] | None = None,
               origin: Origin = "user") -> list[IngestResult]:
        """Ingest files and folders. ``source_names`` maps a path to the source key it is stored
        under (uploads keep their original name); by default the resolved path. ``origin`` is stored
        on the new documents' chunks (a document already in the index keeps its own). Results come in
        file order. ``on_progress`` gets (characters embedded and stored, characters in all) of the
        documents to add; the total is an estimate until the last file is loaded.
        ``on_ocr_progress`` gets (file name, pages read, pages to read) while a file is OCR'd.

        One background thread loads, checks and chunks the next files while this one embeds a
        batch of chunks of several files and stores it (each document whole or not at all)."""
        self.repair()  # what an earlier run killed half-way left behind
        found, results = expand_paths(paths)
        for r in results:
            on_result and on_result(r)
        names = source_names or {}
        waiting = deque(_File(p, names.get(p) or str(p.resolve()), origin) for p in found)
        ahead: deque[_File] = deque()  # checked, and loading in the background when there is work
        batch: list[_File] = []  # loaded, in file order, waiting for the batch to fill
        held: dict[str, _File] = {}  # doc_id -> the file of this run that adds it
        progress = _Progress(on_progress, len(waiting))
        ocr = replace(self.ocr, on_progress=on_ocr_progress) if self.ocr and on_ocr_progress else self.ocr
        loader = ThreadPoolExecutor(1, thread_name_prefix="ingest-load")
        try:
            while waiting or ahead:
                while waiting and (not ahead or (len(ahead) < LOOKAHEAD_FILES
                                                 and sum(f.size for f in ahead) < LOOKAHEAD_BYTES)):
                    ahead.append(self._check(waiting.popleft(), held, loader, ocr))
                file = ahead.popleft()
                if file.loading is not None:
                    loaded = file.loading.result()
                    if isinstance(loaded, PreparedDocument):
                        file.prepared = loaded
                    else:
                        file.result = loaded
                progress.loaded(file.prepared.chars if file.prepared else 0)
                batch.append(file)
                chunks = sum(len(f.prepared.chunks) for f in batch if f.prepared)
                loader_behind = bool(ahead) and ahead[0].loading is not None and not ahead[0].loading.done()
                if (chunks >= BATCH_CHUNKS or not chunks or not (waiting or ahead)
                        or (chunks >= MIN_BATCH_CHUNKS and loader_behind)):
                    for result in self._add_batch(batch, progress):
                        results.append(result)
                        on_result and on_result(result)
                    batch = []
        finally:
            loader.shutdown(cancel_futures=True)
        if progress.chars_loaded:
            progress.advance(0)  # every file is loaded now: the exact total
        return results

    def _check(self, file: _File, held: dict[str, _File], loader: ThreadPoolExecutor,
               ocr: OcrReader | None) -> _File:
        """What can be decided before loading (a bad name or size, content already in the index);
        else the file starts loading in the background."""
        try:
            check_name(file.path)
            check_size(file.path, self.max_file_bytes)  # from the size alone, before a byte is read
            file.size = file.path.stat().st_size
            doc_id = document_id(file.path)
            file.previous = self.store.doc_ids_for_source(file.source)
        except UnreadableFile as exc:
            file.result = refused(file.path, exc)
        except OSError as exc:
            file.result = refused(file.path, refuse("unreadable", detail=exc.strerror or str(exc)))
        else:
            if doc_id in file.previous and len(file.previous) == 1:
                file.result = IngestResult(file.path, "unchanged", doc_id)
            elif doc_id in held:  # listed twice, or a copy: its result follows the first one's
                file.same_as = held[doc_id]
            elif self.store.has_doc(doc_id):  # the same bytes under another name: never store twice
                file.result = IngestResult(file.path, "unchanged", doc_id, warnings=[SAME_CONTENT])
            else:
                held[doc_id] = file
                file.loading = loader.submit(self._load, file.path, doc_id, file.source, ocr, file.origin)
        return file

    def _load(self, path: Path, doc_id: str, source: str, ocr: OcrReader | None,
              origin: Origin = "user") -> PreparedDocument | IngestResult:
        """Load, check and chunk one file (in the background thread): a document to add, or the
        refusal."""
        try:
            pages = load(path, self.max_file_bytes, ocr)
            crash_point("parse")
            ocr_layer = any([p.metadata.pop("ocr_layer", None) for p in pages])
            warnings = [w for p in pages for w in p.metadata.pop("warnings", [])]
            verdict = check_text("\n".join(p.page_content for p in pages), ocr_layer=ocr_layer)
            if not verdict.ok:
                raise UnreadableFile(verdict.reason, verdict.kind)
            document = self.prepare(pages, doc_id, source, origin)
        except UnreadableFile as exc:
            return refused(path, exc)
        except OSError as exc:
            return refused(path, refuse("unreadable", detail=exc.strerror or str(exc)))
        if ocr_layer:
            document.warnings.append("text comes from an OCR layer over scanned pages; recognition errors are likely")
        document.warnings.extend(warnings)
        return document

    def _add_batch(self, batch: list[_File], progress: _Progress) -> list[IngestResult]:
        """Embed and store the batch's documents, then delete the versions they replace; the files'
        results in order."""
        documents = [f.prepared for f in batch if f.prepared]
        if documents:
            self.add_documents(documents, progress.advance)
        for f in batch:
            if f.prepared:
                crash_point("store")  # the new version is stored, the old one not yet deleted
                for old in f.previous - {f.prepared.doc_id}:
                    self.store.delete_doc(old)
                f.result = IngestResult(f.path, "replaced" if f.previous else "added", f.prepared.doc_id,
                                        len(f.prepared.chunks), warnings=f.prepared.warnings)
            elif f.same_as is not None:
                first = f.same_as.result
                if first.status == "refused":
                    f.result = IngestResult(f.path, "refused", reason=first.reason, kind=first.kind)
                else:
                    f.result = IngestResult(f.path, "unchanged", first.doc_id,
                                            warnings=[] if f.source == f.same_as.source else [SAME_CONTENT])
        return [f.result for f in batch]

    def prepare(self, pages: list, doc_id: str, source: str, origin: Origin = "user") -> PreparedDocument:
        """Chunk one loaded document, with the metadata each chunk is stored with."""
        full_text = "\n".join(p.page_content for p in pages)
        file_meta = {
            "doc_id": doc_id, "source": source, "file_name": Path(source).name if "/" in source else source,
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="microseconds"), "origin": origin,
        }
        pages[0].metadata.setdefault("lang", detect_language(full_text[:5000]))
        # page-level fields go to the chunks of their page, never to the whole document
        by_page = {p.metadata.get("page"): {k: p.metadata.pop(k) for k in PAGE_FIELDS if k in p.metadata}
                   for p in pages}
        chunks = chunk_documents(pages, self.chunk_size, self.chunk_overlap)
        if not chunks:
            raise refuse("no_chunks")
        file_meta["chunks_total"] = len(chunks)  # lets a check find a write cut short
        metadatas = [dict(file_meta, **{k: v for k, v in c.metadata.items() if v is not None}) for c in chunks]
        for m in metadatas:
            m.setdefault("lang", pages[0].metadata["lang"])
            m.update(by_page.get(m.get("page"), {}))
        texts = [index_text(c.page_content, m) for c, m in zip(chunks, metadatas)]
        return PreparedDocument(doc_id, chunks, metadatas, texts, len(full_text))

    def add_documents(self, documents: list[PreparedDocument],
                      on_chars: Callable[[float], None] | None = None) -> None:
        """Embed the documents' chunks in one batch and store them in one write; when the write
        fails, every one of them is deleted again (a document is stored whole or not at all; a kill
        half-way is found by ``repair()``). ``on_chars`` gets the document characters embedded as
        the embedding goes on, 0 when it starts (the model is loaded by then)."""
        texts = [t for d in documents for t in d.texts]
        chars_per_text = sum(d.chars for d in documents) / len(texts)
        embedder = self.embedder
        on_chars and on_chars(0)
        embeddings = embedder.embed_passages(texts, progress=on_chars and (lambda n: on_chars(n * chars_per_text)))
        for _ in documents:
            crash_point("embed")  # reached once per document, as before batches
        try:
            self.store.add([f"{d.doc_id}:{i}" for d in documents for i in range(len(d.chunks))],
                           [c.page_content for d in documents for c in d.chunks], embeddings,
                           [m for d in documents for m in d.metadatas])
        except Exception:
            for d in documents:
                self.store.delete_doc(d.doc_id)  # never leave a half-written document behind
            raise

    def store_documents(self, documents: list[tuple[list, str, str]]) -> list[int]:
        """Many loaded documents at once (embedded in one batch, each stored all or nothing): the
        entry point for corpora that are not files, such as the evaluation sets. Returns the chunk
        count of each."""
        prepared = [self.prepare(pages, doc_id, source) for pages, doc_id, source in documents]
        self.add_documents(prepared)
        return [len(d.chunks) for d in prepared]

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
