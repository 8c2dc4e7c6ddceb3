"""Sentence vectors asked for by many questions at once are encoded once.

Why: right after an upload, every question in flight needs the new report's sentence vectors;
each thread encoding all of them itself stalled the server for about 10 s (py-spy during
bench/load.py). Real embedder (the index's ONNX model), real threads.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import embed_cache
from assistant.semantic import SentenceVectors
from index.store import Index

pytestmark = pytest.mark.slow


def test_concurrent_requests_for_the_same_sentences_encode_them_once(tmp_path: Path) -> None:
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    real = idx.embedder
    encoded: list[str] = []
    lock = threading.Lock()

    class Counting:
        def embed_documents(self, texts):
            with lock:
                encoded.extend(texts)
            return real.embed_documents(texts)

        def embed_query(self, text):
            return real.embed_query(text)

    vectors = SentenceVectors(SimpleNamespace(embedder=Counting()))
    texts = [f"The Fallowmere panel reviewed case number {i} with the police and the school." for i in range(120)]
    start = threading.Barrier(8)
    out: list[np.ndarray] = []

    def ask() -> None:
        start.wait()
        m = vectors.vectors(texts)
        with lock:
            out.append(m)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(out) == 8
    assert sorted(encoded) == sorted(texts), f"{len(encoded)} encodings for {len(texts)} texts"
    for m in out:
        assert m.shape == (120, 384) and np.allclose(m, out[0])
        assert np.allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-4)
