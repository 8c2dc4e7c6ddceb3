"""Where recall@5 of the planted facts goes at scale: per question type, per retrieval stage.

Why: bench/scale.py showed recall@5 falling from ~98% at 50 generated reports to ~77% at 500. This
reads the persisted read view of a bench/scale.py index (no Chroma, no re-ingest), takes the first
N reports for each size, and ranks every known-answer question with

* BM25 alone, dense alone (exact cosine), their normalised fusion (no boosts, no diversification),
* the product's ``hybrid_search`` (query understanding, boosts, diversification when comparative),

reporting recall@5 (expected report among the top 5) per size and per fact type, and how many
questions the query understanding treats as comparative.

    python bench/scale_recall.py --work build/scale --synthetic build/synthetic --sizes 50 200 500
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("YOTASSIST_MODELS_DIR", str(ROOT / "data" / "models"))

import numpy as np  # noqa: E402

import make_corpus  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "scale")
    ap.add_argument("--synthetic", type=Path, default=ROOT / "build" / "synthetic")
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    ap.add_argument("--questions", type=int, default=0, help="at most this many questions per size (0: all)")
    ap.add_argument("--show", type=int, default=0, help="print this many misses of the product retriever")
    args = ap.parse_args()

    from index.dense import DenseMatrix
    from index.lexical import LexicalIndex
    from index.query import understand
    from index.retriever import rare_limits, Corpus, fuse, hybrid_search
    from index.store import Index, _lexical_text
    from yotassist.settings import EmbeddingSettings, Settings

    settings = Settings(home=args.work / "home", index=args.work / "index", embed=EmbeddingSettings(backend="onnx-int8"))
    idx = Index.open(settings)
    all_chunks = idx.chunks()
    matrix_all = idx._dense[1]
    row_of = {c.id: i for i, c in enumerate(idx._corpus.chunks)}
    truths = make_corpus.load_truth(args.synthetic)
    questions = make_corpus.load_questions(args.synthetic)
    embedder = idx.embedder
    print(f"index: {len(all_chunks)} chunks of {len(idx.reports())} reports; load {os.getloadavg()[0]:.2f}")
    for size in sorted(args.sizes):
        sources = {t["source"] for t in truths[:size]}
        chunks = [c for c in all_chunks if c.source in sources]
        vectors = np.asarray(matrix_all.vectors)[[row_of[c.id] for c in chunks]]
        corpus = Corpus(chunks)
        lexical = LexicalIndex([_lexical_text(c) for c in chunks])
        matrix = DenseMatrix(chunks, vectors)
        services = sorted({c.service for c in chunks if c.service})
        qs = [q for q in questions if q["source"] in sources]
        if args.questions:
            qs = qs[: args.questions]
        hits = collections.defaultdict(lambda: collections.Counter())
        total = collections.Counter()
        comparative = 0
        misses = []
        t0 = time.perf_counter()
        for q in qs:
            plan = understand(q["question"], services)
            comparative += plan.is_comparative
            vec = embedder.embed_query(plan.text)
            sims = matrix.similarities(vec)
            lex = lexical.scores(plan.text)
            kind = q.get("fact", "?")
            total[kind] += 1
            total["all"] += 1

            def ok(ids: list[int]) -> bool:
                return any(chunks[i].source == q["source"] for i in ids[:5])

            ranks = {
                "bm25": [int(i) for i in np.argsort(-lex)[:5]],
                "dense": [int(i) for i in np.argsort(-sims)[:5]],
            }
            dense_top = {int(i): float(sims[i]) for i in np.argsort(-sims)[:settings.candidates]}
            fused = fuse(dense_top, lex, settings.candidates)
            ranks["fusion"] = sorted(fused, key=lambda i: -fused[i])[:5]

            def dense_search(where, n):
                return matrix.search(sims, where, n)

            got = hybrid_search(plan, corpus, lex, dense_search, 5, candidates=settings.candidates,
                                rare_match=lexical.rare_match(plan.text, *rare_limits(lexical.size)))
            product_ok = any(h.source == q["source"] for h in got)
            for name, ids in ranks.items():
                if ok(ids):
                    hits[name][kind] += 1
                    hits[name]["all"] += 1
            if product_ok:
                hits["product"][kind] += 1
                hits["product"]["all"] += 1
            elif len(misses) < args.show:
                misses.append((q["question"], q["source"], plan.is_comparative, [(h.source, h.section, round(h.score, 3)) for h in got]))
        ms = (time.perf_counter() - t0) * 1000 / max(1, len(qs))
        kinds = ["all"] + sorted(k for k in total if k != "all")
        print(f"\n## {size} reports: {len(chunks)} chunks, {len(qs)} questions, {comparative} treated as comparative, "
              f"{ms:.0f} ms/question")
        print("| stage | " + " | ".join(kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        for name in ("bm25", "dense", "fusion", "product"):
            print(f"| {name} | " + " | ".join(f"{100 * hits[name][k] / total[k]:.1f}" for k in kinds) + " |")
        for m in misses:
            print("MISS", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
