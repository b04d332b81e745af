"""Sentence embeddings with sentence-transformers. e5-style models want ``query: `` / ``passage: ``
prefixes; other models take empty prefixes from the settings."""

from __future__ import annotations

import threading

import numpy as np

# On 2 cores, one torch/llama.cpp computation at a time: two at once slow both to a crawl. A plain
# Lock, not an RLock: web servers resume a streaming generator on whichever worker thread is free,
# and the thread that finishes (or cancels) an answer must be able to release it.
COMPUTE_LOCK = threading.Lock()


class Embedder:
    def __init__(self, model_name_or_path: str, query_prefix: str = "query: ", passage_prefix: str = "passage: ",
                 batch_size: int = 16):
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_name_or_path, device="cpu")
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.name = model_name_or_path

    @property
    def dimension(self) -> int:
        return int(self.model.get_sentence_embedding_dimension())

    def _encode(self, texts: list[str], progress=None) -> np.ndarray:
        out = []
        with COMPUTE_LOCK:
            for start in range(0, len(texts), self.batch_size):
                batch = texts[start:start + self.batch_size]
                out.append(self.model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True,
                                             convert_to_numpy=True, show_progress_bar=False))
                if progress is not None:
                    progress(len(batch))
        return np.vstack(out) if out else np.zeros((0, self.dimension), dtype=np.float32)

    def embed_passages(self, texts: list[str], progress=None) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts], progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])
