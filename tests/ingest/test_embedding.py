"""The embedding backends: the ONNX Runtime int8 export (the default) loads from the model cache with
neither PyTorch nor the network and gives the vectors PyTorch gives; batches are formed in length
order and the rows come back in the order given; the setting picks the backend; a missing or
half-written export is a clear error."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from pydantic import ValidationError

from app.models.onnx_export import MARKER, MODEL_FILE, RECIPE, export_dir, find_onnx_export, source_fingerprint
from app.models.wheels import ModelSetupError
from app.services import embedding_model_path
from app.settings import Settings
from ingest.embedding import Embedder, OnnxEmbedder
from tests.conftest import DATA, REPO
from tests.reliability.test_no_network import attempts, guarded_env

SENTENCES = [
    "《制造业企业数字化转型实施指南》提出分行业、分领域、分环节推进数字化转型。",
    "中小企业数字化水平评测指标将企业数字化水平分为四个等级。",
    "设备管理三级：关键运行参数实时采集，开展故障分析和远程诊断。",
    "China had 79 WEF lighthouse factories by 2025, the most of any country.",
    "Small firms can start with low-cost cloud services for finance and inventory.",
    "今天天气晴朗。",
]


class Recording(Embedder):
    """No model: a text's vector is (its length, its position in the list), and batches are recorded."""

    def __init__(self, texts: list[str], batch_size: int):
        self.texts, self.batches, self.batch_size, self._dimension = texts, [], batch_size, 2
        self.query_prefix = self.passage_prefix = ""

    def _embed_batch(self, texts):
        self.batches.append(texts)
        return np.array([[len(t), self.texts.index(t)] for t in texts], dtype=np.float32)


def test_batches_are_length_sorted_and_rows_keep_the_given_order():
    texts = [f"{'长' * n}{i}" for i, n in enumerate([30, 1, 17, 5, 30, 2, 9, 25, 3, 12, 8])]
    embedder, counted = Recording(texts, batch_size=4), []
    vectors = embedder.embed_passages(texts, progress=counted.append)
    assert vectors[:, 1].tolist() == list(range(len(texts)))  # row i is text i
    lengths = [len(t) for batch in embedder.batches for t in batch]
    assert lengths == sorted(lengths) and [len(b) for b in embedder.batches] == [4, 4, 3]
    assert sum(counted) == len(texts)
    assert embedder.embed_passages([]).shape == (0, 2)


def test_the_default_backend_is_onnx_int8_and_the_setting_switches_it(monkeypatch, embedder, torch_embedder):
    assert Settings().embedding_backend == "onnx-int8" and isinstance(embedder, OnnxEmbedder)
    assert type(torch_embedder) is Embedder
    monkeypatch.setenv("ADVISOR_EMBEDDING_BACKEND", "onnx")
    assert Settings().embedding_backend == "onnx"
    monkeypatch.setenv("ADVISOR_EMBEDDING_BACKEND", "tensorrt")
    with pytest.raises(ValidationError, match="embedding_backend"):
        Settings()


def test_onnx_int8_vectors_match_torch(embedder, torch_embedder):
    onnx, torch = embedder.embed_passages(SENTENCES), torch_embedder.embed_passages(SENTENCES)
    assert onnx.shape == torch.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1, atol=1e-3)
    assert (onnx * torch).sum(axis=1).min() > 0.99
    query = "数字化转型分几个等级？"
    assert embedder.embed_query(query) @ torch_embedder.embed_query(query) > 0.99
    # the same ranking of passages for a query
    assert np.argmax(onnx @ embedder.embed_query(query)) == np.argmax(torch @ torch_embedder.embed_query(query))


def test_a_mixed_batch_gives_each_text_its_own_vector(embedder):
    texts = SENTENCES[::-1]  # long and short mixed: they are embedded in another order
    together = embedder.embed_passages(texts)
    alone = np.vstack([embedder.embed_passages([s]) for s in texts])
    similarity = together @ alone.T
    # int8 activations are quantized per batch, so a batch moves a vector a little (cosine ~0.995),
    # never onto another text's
    assert np.diag(similarity).min() > 0.99 and (similarity.argmax(axis=1) == np.arange(len(texts))).all()


def test_the_onnx_backend_loads_without_torch_or_the_network(tmp_path, embedder):
    log = tmp_path / "net.log"
    code = ("import sys\nfrom app.services import build_embedder\nfrom app.settings import Settings\n"
            "e = build_embedder(Settings())\nv = e.embed_query('数字化转型')\n"
            "print(type(e).__name__, v.shape[0], 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], env=guarded_env(tmp_path, log), cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["OnnxEmbedder", "384", "False"] and attempts(log) == []


def _fake_export(tmp_path, backend="onnx-int8", **changes):
    source = tmp_path / "model"
    source.mkdir(exist_ok=True)
    (source / "config.json").write_text("{}")
    folder = export_dir(str(source), backend, tmp_path / "cache")
    folder.mkdir(parents=True)
    (folder / MODEL_FILE).write_bytes(b"onnx" * 10)
    info = {"recipe": RECIPE, "source_fingerprint": source_fingerprint(str(source)), "bytes": 40} | changes
    (folder / MARKER).write_text(json.dumps(info))
    return str(source), folder


@pytest.mark.parametrize("changes, problem", [
    ({}, None),
    ({"bytes": 41}, "not the size recorded"),
    ({"recipe": RECIPE - 1}, "older recipe"),
    ({"source_fingerprint": "another model"}, "has changed"),
])
def test_an_export_is_used_only_when_whole_and_current(tmp_path, changes, problem):
    source, folder = _fake_export(tmp_path, **changes)
    if problem is None:
        assert find_onnx_export(source, "onnx-int8", tmp_path / "cache") == folder
    else:
        with pytest.raises(ModelSetupError, match=f"{problem}.*advisor setup"):
            find_onnx_export(source, "onnx-int8", tmp_path / "cache")


def test_a_half_written_export_is_not_used(tmp_path):
    source, folder = _fake_export(tmp_path)
    (folder / MARKER).unlink()  # written last: without it the export was never finished
    with pytest.raises(ModelSetupError, match="has not been built.*ADVISOR_EMBEDDING_BACKEND=torch"):
        find_onnx_export(source, "onnx-int8", tmp_path / "cache")
    with pytest.raises(FileNotFoundError, match="no finished ONNX export"):
        OnnxEmbedder(folder)


def test_a_missing_export_is_one_error_line_from_the_cli(tmp_path):
    """The model folder exists but its export was never built in this cache: no traceback, no build."""
    doc = shutil.copy(DATA / "policy_sample.zh.md", tmp_path / "policy.md")
    env = dict(guarded_env(tmp_path, tmp_path / "net.log"), ADVISOR_CACHE_DIR=str(tmp_path / "cache"),
               ADVISOR_EMBEDDING_MODEL=embedding_model_path(Settings()))
    done = subprocess.run([sys.executable, "-m", "app.cli.main", "ingest", "--quiet", str(doc)], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.startswith("error: the onnx-int8 export of the embedding model")
    assert "advisor setup" in done.stderr
    assert not (tmp_path / "cache" / "models").exists()
