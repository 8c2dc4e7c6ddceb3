"""In-memory dense search gives the same answers as brute force, with the filters the retriever uses."""

from __future__ import annotations

import numpy as np

from index.dense import DenseMatrix
from index.model import Chunk


def make(n: int = 60, seed: int = 3) -> tuple[list[Chunk], np.ndarray]:
    rng = np.random.default_rng(seed)
    chunks = [Chunk(id=f"c{i}", text=f"t{i}", source=f"r{i % 6}.txt", service=f"S{i % 3}", section=f"{1 + i % 3}.{1 + i % 4}",
                    title="x", kind="standard", line_start=i, line_end=i) for i in range(n)]
    vecs = rng.normal(size=(n, 8)).astype(np.float32)
    return chunks, vecs / np.linalg.norm(vecs, axis=1, keepdims=True)


def brute(chunks, vecs, q, keep, n):
    sims = vecs @ q
    rows = [i for i, c in enumerate(chunks) if keep(c)]
    rows.sort(key=lambda i: -sims[i])
    return [(chunks[i].id, pytest_round(sims[i])) for i in rows[:n]]


def pytest_round(x: float) -> float:
    return round(float(x), 5)


def test_matches_brute_force_with_filters() -> None:
    chunks, vecs = make()
    m = DenseMatrix(chunks, vecs)
    q = vecs[7] * 0.6 + vecs[11] * 0.4
    q = q / np.linalg.norm(q)
    sims = m.similarities(q)
    cases = [
        (None, lambda c: True),
        ({"source": "r2.txt"}, lambda c: c.source == "r2.txt"),
        ({"service": {"$in": ["S0", "S2"]}}, lambda c: c.service in {"S0", "S2"}),
        ({"$and": [{"service": "S1"}, {"section": "2.2"}]}, lambda c: c.service == "S1" and c.section == "2.2"),
        ({"source": "missing.txt"}, lambda c: False),
    ]
    for where, keep in cases:
        for n in (1, 5, 100):
            got = [(cid, pytest_round(s)) for cid, s in m.search(sims, where, n)]
            assert got == brute(chunks, vecs, q, keep, n), (where, n)


def test_unknown_filters_fall_back_to_chroma() -> None:
    chunks, vecs = make(10)
    m = DenseMatrix(chunks, vecs)
    sims = m.similarities(vecs[0])
    assert m.search(sims, {"line_start": {"$gt": 3}}, 5) is None
    assert m.search(sims, {"$or": [{"source": "r1.txt"}]}, 5) is None
    assert m.search(sims, {"source": {"$nin": ["r1.txt"]}}, 5) is None


def test_empty_matrix() -> None:
    m = DenseMatrix([], np.zeros((0, 384), dtype=np.float32))
    assert m.search(m.similarities(np.ones(384, dtype=np.float32)), None, 5) == []
