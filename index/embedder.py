"""Sentence-transformers embedder with a content-hash cache, plus a Chroma adapter.

Why a cache: re-ingesting a report whose text did not change (or a changed report whose most
paragraphs did not change) must not pay ~40 ms per chunk again. Vectors are keyed by
sha256(model id + backend + text) in a small sqlite file under the index folder.

Why one model per process: loading the model costs seconds; ``get_encoder`` is cached so the CLI's
``search --queries``, the API and the tests share one instance.

Backend seam: ``register_backend(name, factory)``; "torch" is built in. Other backends (e.g. an
"onnx-int8" module written elsewhere) register themselves under their name; ``_load_backend_module``
imports ``index.embed_<name with - replaced by _>`` on first use so no import wiring is needed here.
"""

from __future__ import annotations

import hashlib
import importlib
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from yotassist.settings import EmbeddingSettings


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray: ...


_BACKENDS: dict[str, Callable[[EmbeddingSettings], Encoder]] = {}
_CACHE_TAGS: dict[str, str] = {}


def register_backend(name: str, factory: Callable[[EmbeddingSettings], Encoder], cache_tag: str | None = None) -> None:
    """Make ``settings.embed.backend == name`` build its encoder with ``factory``.

    ``cache_tag`` (default: the name) goes into the vector-cache key instead of the name: a backend
    whose recipe changes (e.g. a new quantisation) bumps its tag so vectors cached by the old recipe
    are not served as if the new one had made them.
    """
    _BACKENDS[name] = factory
    _CACHE_TAGS[name] = cache_tag or name


def cache_tag(backend: str) -> str:
    """The backend's vector-cache tag (imports the backend module, which is cheap, not its model)."""
    if backend not in _BACKENDS:
        _load_backend_module(backend)
    return _CACHE_TAGS.get(backend, backend)


class TorchEncoder:
    """The reference backend: sentence-transformers on torch, CPU."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(settings.model), device=settings.device)
        self.model_id = f"{Path(str(settings.model)).name}:torch"
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(get_dim() or 384)

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        import torch

        # One short query gains nothing from a second thread, and on a busy 2-core machine the
        # second thread's spin-waiting makes a 30 ms query take 200+ ms: use one thread for it.
        single = len(texts) == 1
        threads = torch.get_num_threads()
        if single and threads > 1:
            torch.set_num_threads(1)
        try:
            vecs = self._encode(texts, batch_size)
        finally:
            if single and threads > 1:
                torch.set_num_threads(threads)
        return vecs

    def _encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        vecs = self.model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True,
                                 show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(vecs, dtype=np.float32)


register_backend("torch", TorchEncoder)


def _load_backend_module(name: str) -> None:
    module = "index.embed_" + name.replace("-", "_")
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise


@lru_cache(maxsize=4)
def _encoder(model: str, backend: str, device: str) -> Encoder:
    settings = EmbeddingSettings(model=model, backend=backend, device=device)  # type: ignore[arg-type]
    if backend not in _BACKENDS:
        _load_backend_module(backend)
    if backend not in _BACKENDS:
        raise ValueError(f"embedding backend {backend!r} is not available (known: {sorted(_BACKENDS)})")
    return _BACKENDS[backend](settings)


_ENCODER_LOCK = threading.Lock()


def get_encoder(settings: EmbeddingSettings) -> Encoder:
    """One encoder per (model, backend, device) per process (locked: a background load and the
    first query may ask at once, and ``lru_cache`` alone would load the model twice)."""
    with _ENCODER_LOCK:
        return _encoder(str(settings.model), settings.backend, settings.device)


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    encoded_batches: int = 0


class VectorCache:
    """sqlite store: key (hex sha256) -> float32 vector bytes. Safe to share between threads."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
            self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
            self._conn.commit()

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        if self._conn is None or not keys:
            return {}
        out: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = list(keys[i : i + 500])
                marks = ",".join("?" * len(part))
                for key, blob in self._conn.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part):
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        if self._conn is None or not items:
            return
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._conn.commit()

    def __len__(self) -> int:
        if self._conn is None:
            return 0
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class CachedEmbedder:
    """Embeds documents through the content-hash cache and queries through a small in-memory LRU.

    The model is loaded lazily: opening an index to list reports or skip unchanged files never
    pays for it.
    """

    def __init__(self, settings: EmbeddingSettings, cache_path: Path | None = None) -> None:
        self.settings = settings
        self.cache = VectorCache(cache_path)
        self.stats = CacheStats()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()
        self._key_prefix = f"{settings.model}\x00{cache_tag(settings.backend)}\x00"

    @property
    def encoder(self) -> Encoder:
        return get_encoder(self.settings)

    def load_in_background(self) -> threading.Thread:
        """Start loading the model on a daemon thread and return at once.

        Why: a cold CLI question spends ~0.4 s creating the ONNX Runtime session, which runs in
        C++ with the GIL released, and ~1 s importing the answer chain (LangChain), which is pure
        Python; on a second core the two overlap. A failure here is left for the first real use
        to raise (with its own clear message). Not a daemon thread: a command that exits early
        (a bad argument found after the index opened) must wait for the session to be made, as
        the interpreter aborting inside ONNX Runtime's C++ kills the process with SIGABRT."""
        def load() -> None:
            try:
                self.encoder
            except Exception:  # noqa: BLE001 - reported by the first query instead
                pass

        t = threading.Thread(target=load, name="yotassist-embedder-load", daemon=False)
        t.start()
        return t

    def _key(self, text: str) -> str:
        return hashlib.sha256((self._key_prefix + text).encode("utf-8")).hexdigest()

    def embed_documents(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Vectors for ``texts`` (cached ones read back, the rest encoded in batches and stored)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        keys = [self._key(t) for t in texts]
        cached = self.cache.get_many(list(dict.fromkeys(keys)))
        todo = [i for i, k in enumerate(keys) if k not in cached]
        self.stats.hits += len(texts) - len(todo)
        self.stats.misses += len(todo)
        new: dict[str, np.ndarray] = {}
        if todo:
            bs = self.settings.batch_size
            uniq: dict[str, str] = {}
            for i in todo:
                uniq.setdefault(keys[i], texts[i])
            # Longest first across the whole set, so every batch holds texts of similar length (less padding).
            ukeys = sorted(uniq, key=lambda k: -len(uniq[k]))
            for start in range(0, len(ukeys), bs * 4):
                part = ukeys[start : start + bs * 4]
                vecs = self.encoder.encode([uniq[k] for k in part], batch_size=bs)
                self.stats.encoded_batches += 1
                batch = dict(zip(part, vecs))
                new.update(batch)
                self.cache.put_many(batch)
                if progress:
                    progress(len(part))
        return np.vstack([cached[k] if k in cached else new[k] for k in keys]).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector, from a 512-entry LRU (thread-safe: a server embeds concurrently)."""
        with self._queries_lock:
            vec = self._queries.get(text)
            if vec is not None:
                self._queries.move_to_end(text)
                return vec
        vec = self.encoder.encode([text], batch_size=1)[0]
        with self._queries_lock:
            self._queries[text] = vec
            while len(self._queries) > 512:
                self._queries.popitem(last=False)
        return vec

    # Adapters ---------------------------------------------------------------------------------
    def chroma(self) -> Any:
        return make_chroma_embedding_function(self)


_CHROMA_EF_CLASS: Any = None


def make_chroma_embedding_function(embedder: CachedEmbedder) -> Any:
    """A Chroma ``EmbeddingFunction`` that delegates to ``embedder`` (registered once by name)."""
    global _CHROMA_EF_CLASS
    if _CHROMA_EF_CLASS is None:
        from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
        from chromadb.utils.embedding_functions import register_embedding_function

        @register_embedding_function
        class YotassistEmbeddingFunction(EmbeddingFunction[Documents]):
            def __init__(self, inner: CachedEmbedder | None = None, model: str | None = None,
                         backend: str = "torch") -> None:
                if inner is None:
                    inner = CachedEmbedder(EmbeddingSettings(model=model, backend=backend)  # type: ignore[arg-type]
                                           if model else EmbeddingSettings())
                self.inner = inner

            def __call__(self, input: Documents) -> Embeddings:
                return list(self.inner.embed_documents(list(input)))

            def embed_query(self, input: Documents) -> Embeddings:
                return [self.inner.embed_query(t) for t in input]

            @staticmethod
            def name() -> str:
                return "yotassist-cached"

            def default_space(self) -> Any:
                return "cosine"

            def get_config(self) -> dict[str, Any]:
                return {"model": str(self.inner.settings.model), "backend": self.inner.settings.backend}

            @staticmethod
            def build_from_config(config: dict[str, Any]) -> "YotassistEmbeddingFunction":
                return YotassistEmbeddingFunction(model=config.get("model"), backend=config.get("backend", "torch"))

        _CHROMA_EF_CLASS = YotassistEmbeddingFunction
    return _CHROMA_EF_CLASS(embedder)
