"""Routing by example: the kind of the example questions nearest to a question, by embedding.

Why: cue-word rules only know the words someone thought of ("score" sent a question about a
children's survey to the ratings table). Example questions per kind live in a data file
(``assistant/data/route_examples.toml``); a question is compared with all of them using the
index's own query embedder (the ONNX int8 path, no torch), and each kind scores the mean of its
``k`` best similarities. The router combines this vote with its explicit rules and falls back to
a lookup when the vote is not confident (``settings.route``). Example vectors go through the
embedder's content-hash cache and are kept in memory per embedder, so only the question is
encoded per call.
"""

from __future__ import annotations

import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

EXAMPLES_FILE = Path(__file__).with_name("data") / "route_examples.toml"
_lock = threading.Lock()
_cache: dict[tuple[int, str, float], tuple[list[str], np.ndarray]] = {}


@dataclass(frozen=True)
class Vote:
    """The nearest kind, its score, and the runner-up's (for the margin)."""

    kind: str
    score: float
    second_kind: str
    second: float
    scores: dict[str, float]

    @property
    def margin(self) -> float:
        return self.score - self.second


def load_examples(path: Path = EXAMPLES_FILE) -> dict[str, list[str]]:
    """{kind: [example questions]} from the TOML file; raises ValueError on a malformed file."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for kind, table in data.items():
        ex = table.get("examples") if isinstance(table, dict) else None
        if not isinstance(ex, list) or not all(isinstance(x, str) and x.strip() for x in ex):
            raise ValueError(f"{path}: [{kind}] needs a non-empty list of example strings")
        out[kind] = [x.strip() for x in ex]
    return out


def _unit(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.where(n == 0, 1, n)


def _vectors(embedder: Any, path: Path) -> tuple[list[str], np.ndarray]:
    key = (id(embedder), str(path), path.stat().st_mtime)
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    examples = load_examples(path)
    kinds = [k for k, xs in examples.items() for _ in xs]
    texts = [x for xs in examples.values() for x in xs]
    vecs = _unit(np.asarray(embedder.embed_documents(texts), dtype=np.float32))
    with _lock:
        _cache[key] = (kinds, vecs)
    return kinds, vecs


def vote(question: str, embedder: Any, k: int = 3, path: Path = EXAMPLES_FILE) -> Vote | None:
    """The nearest-examples vote for ``question``; None when no embedder is available."""
    if embedder is None:
        return None
    kinds, vecs = _vectors(embedder, path)
    q = _unit(np.asarray(embedder.embed_query(question), dtype=np.float32))
    sims = vecs @ q
    scores: dict[str, float] = {}
    for kind in dict.fromkeys(kinds):
        mine = np.sort(sims[[i for i, x in enumerate(kinds) if x == kind]])[::-1][:k]
        scores[kind] = float(mine.mean())
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (k1, s1), (k2, s2) = ranked[0], ranked[1] if len(ranked) > 1 else ("", 0.0)
    return Vote(kind=k1, score=s1, second_kind=k2, second=s2, scores=scores)
