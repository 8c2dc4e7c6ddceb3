"""Sentence-level embeddings for evidence selection, with the index's own model and cache.

Why the index's embedder: the query path is already loaded (ONNX int8, no torch) and its
content-hash vector cache (``embed-cache.sqlite`` in the index folder) persists sentence vectors
exactly as it persists chunk vectors, so a sentence is encoded once per index, ever; a warm
answer only reads vectors back (an in-process map avoids even the sqlite read).

Lexical overlap alone picks the sentence that repeats the question's words; the embedding also
finds the one that answers it in other words ("who chairs" -> "the board is chaired by").
"""

from __future__ import annotations

import threading
from typing import Any, Sequence

import numpy as np


class SentenceVectors:
    """Unit vectors for sentence texts and questions, through ``index.embedder`` (a
    ``CachedEmbedder``). ``available`` is False for an index without an embedder (then every
    similarity is 0 and selection falls back to lexical scoring)."""

    def __init__(self, index: Any) -> None:
        self._embedder = getattr(index, "embedder", None)
        self._mem: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        # Texts another thread is encoding right now, and the event it sets when done: after an
        # upload, every question in flight needs the new report's sentences at once, and 20
        # threads each encoding the same 500 sentences stalled the server for 10 s (py-spy).
        self._inflight: dict[str, threading.Event] = {}
        self.encoded = 0  # texts that missed the in-process map (read from sqlite or encoded)

    @property
    def available(self) -> bool:
        return self._embedder is not None and hasattr(self._embedder, "embed_documents")

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit row per text; unseen texts go through the embedder's content-hash cache."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        todo = [t for t in dict.fromkeys(texts) if t not in self._mem]
        if todo:
            done = threading.Event()
            with self._lock:
                mine = [t for t in todo if t not in self._mem and t not in self._inflight]
                waits = {id(e): e for t in todo if (e := self._inflight.get(t)) is not None}
                for t in mine:
                    self._inflight[t] = done
            try:
                if mine:
                    self._encode(mine)
            finally:
                with self._lock:
                    for t in mine:
                        self._inflight.pop(t, None)
                done.set()
            for e in waits.values():
                e.wait()
            missing = [t for t in todo if t not in self._mem]  # the other thread failed: encode them here
            if missing:
                self._encode(missing)
        return np.vstack([self._mem[t] for t in texts])

    def _encode(self, texts: list[str]) -> None:
        """Unit vectors for ``texts`` (through the embedder's cache) into the in-process map."""
        got = np.asarray(self._embedder.embed_documents(texts), dtype=np.float32)
        norms = np.linalg.norm(got, axis=1, keepdims=True)
        with self._lock:
            self._mem.update(zip(texts, got / np.where(norms == 0, 1.0, norms)))
            self.encoded += len(texts)

    def query(self, text: str) -> np.ndarray:
        v = np.asarray(self._embedder.embed_query(text), dtype=np.float32)
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def similarities(self, question: str, texts: Sequence[str]) -> list[float]:
        """Cosine of each text with the question (0.0 each when no embedder is available)."""
        if not self.available or not texts:
            return [0.0] * len(texts)
        try:
            m = self.vectors(list(texts))
            return [float(x) for x in m @ self.query(question)]
        except Exception:  # a broken model must not take the answer down: lexical scoring still works
            return [0.0] * len(texts)

    def warm(self, texts: Sequence[str]) -> None:
        """Encode (or read back) ``texts`` now, so the first questions do not pay for it."""
        if self.available and texts:
            self.vectors(list(texts))
