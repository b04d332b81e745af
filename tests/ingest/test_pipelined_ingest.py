"""The pipelined ingest (files loaded and chunked in a background thread, chunks of several files
embedded and stored in one batch) on real small documents: the same chunks as files ingested one
at a time, a bad file in the middle refused with its line, progress in characters."""

import shutil
import threading

import numpy as np
import pytest

from app.services import Services
from ingest import pipeline as pipeline_module
from ingest.loaders import load
from tests.conftest import DATA, REPO
from tests.pdf_maker import make_pdf

DOCUMENTS = [DATA / "policy_sample.zh.md", DATA / "sample.html", REPO / "knowledge/lighthouse-factories.zh.md"]


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, path in enumerate(DOCUMENTS):
        shutil.copy(path, folder / f"{i}-{path.name}")
    return folder


def stored(store) -> dict[str, tuple]:
    """chunk id -> (text, metadata without the ingest time, embedding)"""
    got = store.collection.get(include=["documents", "metadatas", "embeddings"])
    return {i: (t, {k: v for k, v in m.items() if k != "ingested_at"}, e)
            for i, t, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])}


def test_batches_across_files_store_the_same_chunks_as_one_file_at_a_time(fresh_services, settings_for, embedder,
                                                                           corpus, monkeypatch):
    one_by_one = Services(settings_for("one-by-one"))
    one_by_one.__dict__["embedder"] = embedder
    files = sorted(corpus.iterdir())
    for path in files:
        (result,) = one_by_one.pipeline.ingest([path])
        assert result.status == "added"

    monkeypatch.setattr(pipeline_module, "BATCH_CHUNKS", 5)  # batches that start and end inside documents
    results = fresh_services.pipeline.ingest([corpus])
    assert [r.path for r in results] == files and {r.status for r in results} == {"added"}

    before, after = stored(one_by_one.store), stored(fresh_services.store)
    assert sorted(after) == sorted(before)
    assert sum(r.chunks for r in results) == len(after) > 2 * len(files)
    ids = sorted(before)
    before_vectors = np.array([before[i][2] for i in ids])
    for chunk_id, (text, metadata, vector) in after.items():
        assert (text, metadata) == before[chunk_id][:2]
        # the same vector up to batching noise (int8 quantization sees the whole batch): closest to its own
        similarity = before_vectors @ vector
        assert ids[int(np.argmax(similarity))] == chunk_id and similarity.max() > 0.98


def test_a_bad_file_in_the_middle_is_refused_and_the_others_are_added(fresh_services, corpus):
    (corpus / "2-cut.pdf").write_bytes(make_pdf(["text " * 40])[:200])  # between 1-… and 2-…
    lines = []
    results = fresh_services.pipeline.ingest([corpus], on_result=lambda r: lines.append(r.line()))
    assert [r.path.name for r in results] == sorted(p.name for p in corpus.iterdir())
    assert [r.status for r in results] == ["added", "added", "refused", "added"]
    assert lines[2].startswith("refused   2-cut.pdf: ") and "PDF" in lines[2]
    assert len(fresh_services.store.documents()) == 3


def test_progress_counts_the_characters_of_every_document(fresh_services, corpus, monkeypatch):
    monkeypatch.setattr(pipeline_module, "BATCH_CHUNKS", 5)
    calls = []
    fresh_services.pipeline.ingest([corpus], on_progress=lambda done, total: calls.append((done, total)))
    chars = sum(len("\n".join(p.page_content for p in load(path))) for path in corpus.iterdir())
    assert calls[-1] == (chars, chars)
    done = [d for d, _ in calls]
    assert len(calls) >= 3 and done == sorted(done)
    assert done[0] == 0 and all(0 <= d <= t for d, t in calls)

    calls.clear()  # nothing to embed: no progress at all
    fresh_services.pipeline.ingest([corpus], on_progress=lambda done, total: calls.append((done, total)))
    assert calls == []


def test_files_load_in_the_background_while_a_batch_embeds(fresh_services, corpus, monkeypatch):
    monkeypatch.setattr(pipeline_module, "BATCH_CHUNKS", 1)  # one document a batch
    pipeline = fresh_services.pipeline
    events = []
    real_load, real_embed = pipeline._load, pipeline.embedder.embed_passages

    def loading(path, *args):
        events.append(("load", path.name, threading.current_thread() is threading.main_thread()))
        return real_load(path, *args)

    def embedding(texts, **kwargs):
        events.append(("embed start",))
        vectors = real_embed(texts, **kwargs)
        events.append(("embed end",))
        return vectors

    monkeypatch.setattr(pipeline, "_load", loading)
    monkeypatch.setattr(pipeline.embedder, "embed_passages", embedding)
    pipeline.ingest([corpus])
    assert not any(e[2] for e in events if e[0] == "load")  # never on the main thread
    # the second file was loading before the first batch's embedding was over
    assert events.index(("embed end",)) > [e[:2] for e in events].index(("load", "1-sample.html"))
