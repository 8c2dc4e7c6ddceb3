"""The retriever's array shortcuts give the answers of the plain loops they replaced.

Why: ``hybrid_search`` now ranks its pool in numpy and hands ``diversify`` only the prefix of
the ranking it can pick from (``_diversify_prefix``); a prefix that dropped a pickable chunk would
silently change comparative answers at scale. Checked on many random rankings against
``diversify`` over the whole list, and the corpus masks against plain membership tests.
"""

from __future__ import annotations

import random

import numpy as np

from index.model import Chunk
from index.retriever import Corpus, _diversify_prefix, diversify

SECTIONS = ["2.2", "3.4", "executive-summary", "foreword", "contents", "1.1"]


def _corpus(rng: random.Random, n: int) -> Corpus:
    chunks = []
    for i in range(n):
        service = rng.choice(["Ashby", "Brent", "Corve", "Dunmow", None])
        chunks.append(Chunk(id=f"c{i}", text=f"text {i % 37}", source=f"r{rng.randrange(8)}.txt", service=service,
                            section=rng.choice(SECTIONS), title="t", kind=rng.choice(["standard", "domain", "table", "other"]),
                            line_start=i, line_end=i, year=rng.choice([2019, 2021, None])))
    return Corpus(chunks)


def test_diversify_on_the_prefix_equals_diversify_on_everything() -> None:
    rng = random.Random(5)
    for trial in range(300):
        corpus = _corpus(rng, rng.randrange(5, 120))
        ranked = list(range(len(corpus.chunks)))
        rng.shuffle(ranked)
        scores = {i: rng.random() for i in ranked}
        ranked.sort(key=lambda i: -scores[i])
        k = rng.choice([1, 3, 5, 8, 40])
        per = rng.choice([1, 2])
        want = diversify(ranked, corpus, k, per_source=per, min_ratio=0.35, scores=scores)
        order = np.array(ranked)
        keep = _diversify_prefix(corpus.group_codes[order], corpus.is_summary[order], 2 * k)
        got = diversify([ranked[p] for p in keep], corpus, k, per_source=per, min_ratio=0.35, scores=scores)
        assert got == want, (trial, k, per)


def test_corpus_masks_match_membership() -> None:
    corpus = _corpus(random.Random(9), 200)
    for services in (["Ashby"], ["Brent", "Corve"], ["Nowhere"], [None]):
        want = np.array([c.service in services for c in corpus.chunks])
        assert (corpus.service_mask(services) == want).all()
    want = np.array([c.section in ("2.2", "foreword") for c in corpus.chunks])
    assert (corpus.section_mask(["2.2", "foreword"]) == want).all()
    assert (corpus.year_mask([2021]) == np.array([c.year == 2021 for c in corpus.chunks])).all()
    dup = {}
    for i, c in enumerate(corpus.chunks):
        dup.setdefault((c.source, c.text), corpus.dup_codes[i])
        assert dup[(c.source, c.text)] == corpus.dup_codes[i]
    assert len(set(corpus.dup_codes.tolist())) == len(dup)
