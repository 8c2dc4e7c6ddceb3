"""Rare-term and phrase boosts: a name whose words recur across many reports still finds its one
chunk (the scale failure of bench/results/scale.md)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from index.lexical import LexicalIndex
from index.model import Chunk
from index.query import understand
from index.retriever import Corpus, hybrid_search, rare_limits
from index.store import _lexical_text

FIRST = ["Alder", "Birch", "Cedar", "Elm", "Hazel", "Juniper", "Larch", "Maple", "Rowan", "Willow"]
SECOND = ["Minds", "Trust", "Outreach", "Network", "Collective", "Project"]


def _chunks() -> list[Chunk]:
    out = []
    for n, (a, b) in enumerate(itertools.product(FIRST, SECOND)):
        text = (f"The service commissions {a} {b} for emotional wellbeing support; children are seen "
                f"within two weeks and the {b.lower()} reports to the management board.")
        out.append(Chunk(id=f"c{n}", text=text, source=f"place{n}-2022.txt", service=f"Place{n}", section="1.3",
                         title="Partnerships and services", kind="standard", line_start=1, line_end=2))
    # Distractors: both words of a name, not as the name ("the Collective group at Larch Lane").
    for n, a in enumerate(FIRST):
        for m, x in enumerate(SECOND):
            text = (f"The service commissions the {x} group based at {a} Lane for emotional wellbeing support "
                    f"and for children waiting for a first appointment.")
            out.append(Chunk(id=f"d{n}-{m}", text=text, source=f"other{n}{m}-2021.txt", service=f"Other{n}{m}",
                             section="1.3", title="Partnerships and services", kind="standard", line_start=1, line_end=2))
    return out


@pytest.fixture(scope="module")
def setup():
    from index.embedder import CachedEmbedder
    from yotassist.settings import EmbeddingSettings

    chunks = _chunks()
    emb = CachedEmbedder(EmbeddingSettings(backend="onnx-int8"), None)
    vectors = emb.embed_documents([f"{c.title}\n{c.text}" for c in chunks])
    return chunks, vectors, LexicalIndex([_lexical_text(c) for c in chunks]), emb


def _search(setup, question: str) -> list[str]:
    chunks, vectors, lexical, emb = setup
    plan = understand(question, [])
    sims = vectors @ emb.embed_query(plan.text)

    def dense(where, n):
        top = np.argsort(-sims)[:n]
        return [(chunks[i].id, float(sims[i])) for i in top]

    # 120 chunks is far below the size where rare_limits() calls a name's word (df 12-20 here) rare;
    # in a 500-report index the same words have df ~13-25 of 19k chunks and are rare.
    assert rare_limits(19147)[0] >= 20
    rare = lexical.rare_match(plan.text, 20)
    return [h.chunk_id for h in hybrid_search(plan, Corpus(chunks), lexical.scores(plan.text), dense, 5, rare_match=rare)]


def test_rare_match_counts_only_rare_known_terms() -> None:
    lex = LexicalIndex(["alder minds panel", "alder trust panel", "birch minds panel", "panel"])
    share = lex.rare_match("alder minds panel zzzunknown", 2)
    assert share is not None
    # alder (df 2) and minds (df 2) are rare, panel (df 4) is not, the unknown word does not count
    assert share.tolist() == [1.0, 0.5, 0.5, 0.0]
    assert lex.rare_match("panel", 2) is None


@pytest.mark.parametrize("name", ["Larch Collective", "Alder Minds", "Willow Project"])
def test_the_chunk_naming_the_exact_name_comes_first(setup, name: str) -> None:
    want = next(c.id for c in setup[0] if name in c.text)
    hits = _search(setup, f"Which youth justice service commissions {name} for emotional wellbeing support?")
    assert hits[0] == want, hits
