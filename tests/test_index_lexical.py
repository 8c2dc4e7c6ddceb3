"""The vectorised BM25 in ``index.lexical`` scores exactly like rank-bm25's BM25Okapi.

Why: ``LexicalIndex`` precomputes per-term weights instead of calling rank-bm25 per query; this
pins that the speed-up changed no score and no ranking, on the real sample chunks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

import ingest
from index.chunker import chunk_report
from index.lexical import LexicalIndex, tokenize
from index.store import _lexical_text

QUERIES = [
    "planning for safety and wellbeing", "out-of-court disposal joint decision-making panel",
    "resettlement policy and provision", "2.2 planning", "education, training and employment",
    "governance and leadership of the management board", "risk of serious harm reviewing",
    "speech and language therapy", "children looked after", "staff supervision caseloads",
    "victims restorative justice", "the", "zzzz unknownword", "",
]


@pytest.fixture(scope="module")
def texts(samples_dir: Path, corpus_dir: Path) -> list[str]:
    files = [p for p in sorted(samples_dir.iterdir()) if p.suffix in (".txt", ".md", ".html", ".pdf")
             and p.name.lower() != "readme.md"] + sorted(corpus_dir.glob("*.txt"))
    out = [_lexical_text(c) for p in files for c in chunk_report(ingest.load_report(p), "v1")]
    assert len(out) > 100
    return out + ["", "the and of"]  # documents with no tokens take part as placeholders


def test_scores_equal_rank_bm25(texts: list[str]) -> None:
    ours = LexicalIndex(texts)
    reference = BM25Okapi([tokenize(t) or ["\x00"] for t in texts])
    for query in QUERIES:
        got = ours.scores(query)
        want = np.asarray(reference.get_scores(list(dict.fromkeys(tokenize(query)))), dtype=np.float32)
        assert got.shape == (len(texts),)
        assert np.allclose(got, want, atol=1e-6, rtol=0), query
        top_got = np.argsort(-got, kind="stable")[:10]
        top_want = np.argsort(-want, kind="stable")[:10]
        assert list(top_got) == list(top_want), query
    assert ours.scores("planning").max() > 0  # a real query term scores


def test_empty_index() -> None:
    assert LexicalIndex([]).scores("planning").shape == (0,)
    assert LexicalIndex(["alpha beta", "gamma"]).scores("the").tolist() == [0.0, 0.0]
