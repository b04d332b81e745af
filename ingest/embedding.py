"""Sentence embeddings: a sentence-transformers model run by PyTorch (``Embedder``) or its ONNX
Runtime export (``OnnxEmbedder``, built once by ``advisor setup``; see app/models/onnx_export.py).
e5-style models want ``query: `` / ``passage: `` prefixes; other models take empty prefixes from the
settings. Texts are embedded in batches of similar length (less padding), in the order given."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

# On 2 cores, one torch/llama.cpp computation at a time: two at once slow both to a crawl. A plain
# Lock, not an RLock: web servers resume a streaming generator on whichever worker thread is free,
# and the thread that finishes (or cancels) an answer must be able to release it.
COMPUTE_LOCK = threading.Lock()


class Embedder:
    """PyTorch fp32 through sentence-transformers."""

    def __init__(self, model_name_or_path: str, query_prefix: str = "query: ", passage_prefix: str = "passage: ",
                 batch_size: int = 16):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_name_or_path, device="cpu")
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self._dimension = int(dimension())
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.name = model_name_or_path

    @property
    def dimension(self) -> int:
        return self._dimension

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=False)

    def _encode(self, texts: list[str], progress=None) -> np.ndarray:
        # Batches of neighbours in length order: a batch is padded to its longest text, so mixing a
        # title with a full chunk wastes most of the title's row. The rows go back to the given order.
        order = np.argsort([len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with COMPUTE_LOCK:
            for start in range(0, len(texts), self.batch_size):
                rows = order[start:start + self.batch_size]
                out[rows] = self._embed_batch([texts[i] for i in rows])
                if progress is not None:
                    progress(len(rows))
        return out

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts], progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])


class OnnxEmbedder(Embedder):
    """The same model exported to ONNX (fp32 or int8) and run by ONNX Runtime: one graph from token
    ids to the normalized sentence embedding, with the model's own tokenizer."""

    def __init__(self, export_dir: str | Path, query_prefix: str = "query: ", passage_prefix: str = "passage: ",
                 batch_size: int = 16):
        import onnxruntime
        from tokenizers import Tokenizer  # the model's own fast tokenizer, without importing transformers/torch

        export_dir = Path(export_dir)
        marker = export_dir / "export.json"
        if not marker.is_file():
            raise FileNotFoundError(f"{export_dir} holds no finished ONNX export (no {marker.name})")
        info = json.loads(marker.read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(export_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(info["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=int(info["pad_id"]), pad_token=info["pad_token"])
        self.session = onnxruntime.InferenceSession(str(export_dir / "model.onnx"),
                                                    providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self._dimension = int(info["dimension"])
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.name = f"{info['source']} ({info['backend']})"

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        columns = {"input_ids": [e.ids for e in encodings], "attention_mask": [e.attention_mask for e in encodings],
                   "token_type_ids": [e.type_ids for e in encodings]}
        (vectors,) = self.session.run(None, {name: np.array(columns[name], dtype=np.int64) for name in self.inputs})
        return vectors
