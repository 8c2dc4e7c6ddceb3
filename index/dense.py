"""Exact dense search over the visible chunks, in memory (numpy), with Chroma-style filters.

Why: the hybrid retriever asks for dense candidates once per query, and for comparative
questions once more *per report* (so every report gets candidates). Against Chroma that is one
HNSW query per report: ~500 round trips at 500 reports, seconds per question. The visible chunks'
vectors are few (500 reports ~ 20,000 x 384 float32 ~ 30 MB), so an exact matrix product answers
the global query in a few milliseconds and every per-report query from the same product. Chroma
stays the durable store and the source of these vectors; this is a read cache rebuilt with BM25
whenever the index changes (``Index._refresh``).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

FIELDS = ("source", "service", "section", "framework", "kind", "rating", "year")
_BLAS_LIMIT: Any = None


def limit_blas_threads(threads: int) -> None:
    """Cap the BLAS thread pool of this process (``Settings.blas_threads``; 0 leaves it alone).

    Why: one query's matrix-vector product (20,000 x 384 at 500 reports) takes ~5 ms of CPU on one
    thread and ~10 ms on OpenBLAS's two, which spin waiting for each other on a busy 2-core machine;
    a server answers many questions at once, so one thread per product is the faster total."""
    global _BLAS_LIMIT
    if threads <= 0 or _BLAS_LIMIT is not None:
        return
    try:
        from threadpoolctl import threadpool_limits

        _BLAS_LIMIT = threadpool_limits(limits=threads, user_api="blas")
    except Exception:  # pragma: no cover - threadpoolctl missing: keep the library default
        _BLAS_LIMIT = False


class DenseMatrix:
    """Row i is the vector of ``chunks[i]`` (normalised), aligned with the retriever's corpus."""

    def __init__(self, chunks: Sequence[Any], vectors: np.ndarray) -> None:
        self.ids = [c.id for c in chunks]
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.columns = {f: np.array([getattr(c, f, None) for c in chunks], dtype=object) for f in FIELDS}
        self._positions: dict[tuple[str, Any], np.ndarray] = {}
        for f in ("source", "service", "section"):
            groups: dict[Any, list[int]] = {}
            for i, v in enumerate(self.columns[f]):
                groups.setdefault(v, []).append(i)
            for v, rows in groups.items():
                self._positions[(f, v)] = np.array(rows, dtype=np.int64)

    @classmethod
    def load(cls, collection: Any, chunks: Sequence[Any], page: int = 2000) -> "DenseMatrix | None":
        """Fetch the stored vectors of ``chunks`` from a Chroma collection; None if any is missing."""
        if not chunks:
            return cls([], np.zeros((0, 384), dtype=np.float32))
        by_id: dict[str, np.ndarray] = {}
        ids = [c.id for c in chunks]
        for start in range(0, len(ids), page):
            got = collection.get(ids=ids[start : start + page], include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"]):
                by_id[cid] = np.asarray(vec, dtype=np.float32)
        if len(by_id) != len(ids):
            return None
        return cls(chunks, np.vstack([by_id[i] for i in ids]))

    def _rows(self, where: dict | None) -> np.ndarray | None:
        """Row indices matching a Chroma ``where`` filter; None if the filter is not understood."""
        if not where:
            return np.arange(len(self.ids))
        if "$and" in where and len(where) == 1:
            rows: np.ndarray | None = np.arange(len(self.ids))
            for cond in where["$and"]:
                part = self._rows(cond)
                if part is None:
                    return None
                rows = np.intersect1d(rows, part, assume_unique=True)
            return rows
        if len(where) != 1:
            return None
        (field, want), = where.items()
        if field not in self.columns:
            return None
        if isinstance(want, dict):
            if set(want) != {"$in"}:
                return None
            values = list(want["$in"])
        else:
            values = [want]
        parts = []
        for v in values:
            pos = self._positions.get((field, v))
            if pos is None and field not in ("source", "service", "section"):
                pos = np.flatnonzero(self.columns[field] == v)
            if pos is not None and len(pos):
                parts.append(pos)
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of every row to ``query`` (rows and query are normalised)."""
        return self.vectors @ np.asarray(query, dtype=np.float32)

    def search(self, sims: np.ndarray, where: dict | None, n: int) -> list[tuple[str, float]] | None:
        """Best ``n`` (chunk id, cosine) among rows matching ``where``, given ``similarities(query)``
        computed once per question; None means the filter is not understood (ask Chroma instead)."""
        rows = self._rows(where)
        if rows is None:
            return None
        if len(rows) == 0 or n <= 0:
            return []
        sub = sims[rows]
        take = min(n, len(rows))
        top = np.argpartition(-sub, take - 1)[:take] if take < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-sub[top], kind="stable")]
        return [(self.ids[int(rows[i])], float(sub[i])) for i in top]
