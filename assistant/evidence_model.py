"""A learned score for evidence sentences: logistic regression over the selector's own features.

Why learned: the fused score's weights were set by hand on the development sets and held far
less well on questions nobody tuned on. The development sets label candidates for free (a
candidate is positive when it contains an expected fact), so the weights are fitted instead, with
cross-validation by question (``bench/fit_evidence.py`` refits them and reports the CV figures).
The coefficients are a data file (``assistant/data/evidence_model.toml``): nothing is trained at
run time, and a missing file means the hand-tuned fused score alone.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from assistant.answer_cues import carries
from assistant.tone import dangling, has_figure

MODEL_FILE = Path(__file__).with_name("data") / "evidence_model.toml"

#: Feature names, in the order of ``features``; the data file names its coefficients the same way.
FEATURES = ("lexical", "semantic", "cosine", "cue", "rank", "top_hit", "coverage", "in_hits", "table",
            "figure", "dangling", "length", "fused", "cosine_gap", "coverage_gap")


def features(s: Any, sim_norm: float, lex_top: float, wanted: list, question: str,
             pool: tuple[float, float, float] = (1.0, 1.0, 1.0)) -> list[float]:
    """The selector's view of one candidate sentence (all computed at run time anyway):
    normalised lexical score, pool-normalised and raw cosine, answer-type cue share, retrieval rank
    of its hit, whether it comes from the top three hits / any hit, its share of the question's
    terms, whether it is a table row, carries a figure, leans on the sentence before it, its length;
    and against its pool (``pool`` = best fused score, best cosine, best coverage of the candidates):
    its fused score over the best, and its cosine and coverage gaps to the best (a sentence is
    chosen against the others of its question, not on an absolute scale)."""
    fused_top, sim_top, cov_top = pool
    rank = 1.0 / (1 + s.hit_rank) if s.hit_rank < 50 else 0.0
    return [
        max(0.0, s.lexical) / lex_top, sim_norm, s.similarity, carries(s.text, wanted, question), rank,
        1.0 if s.hit_rank < 3 else 0.0, s.coverage, 1.0 if s.hit_rank < 50 else 0.0,
        1.0 if s.kind == "table" else 0.0, 1.0 if has_figure(s.text) else 0.0, 1.0 if dangling(s.text) else 0.0,
        min(1.0, len(s.text.split()) / 40.0), s.score / (fused_top or 1.0), s.similarity - sim_top,
        s.coverage - cov_top,
    ]


@dataclass(frozen=True)
class EvidenceModel:
    """Logistic regression on standardised features: p = sigmoid(b + sum w_i (x_i - mean_i) / std_i)."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def logit(self, x: Sequence[float]) -> float:
        return self.intercept + sum(w * (v - m) / (sd or 1.0) for w, v, m, sd in zip(self.coef, x, self.mean, self.std))

    def probability(self, x: Sequence[float]) -> float:
        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_FILE)) -> EvidenceModel | None:
    """The fitted model, or None when the file is absent or fitted on other features."""
    p = Path(path)
    if not p.is_file():
        return None
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    names = tuple(data["features"])
    if names != FEATURES:
        return None
    return EvidenceModel(names, tuple(data["mean"]), tuple(data["std"]), tuple(data["coef"]), float(data["intercept"]))
