"""Refit the learned evidence score (assistant/data/evidence_model.toml) on the development sets.

Run from the project root:  .venv/bin/python bench/fit_evidence.py [--sets dev-1,dev-2,dev-3,dev-gen,dev-dial]
[--slice dev-4=:30] [--out assistant/data/evidence_model.toml] [--report bench/results/evidence_model.md]

Why: the development sets label evidence candidates for free. Every question goes through
``Assistant.ask`` with ``assistant.select.RECORDER`` set, which collects each call's candidate
sentences and the feature rows the selector computes (``assistant.evidence_model.features``); a
candidate is positive when it contains one of the question's expected facts (the bench's test:
case-insensitive, whitespace-normalised substring). A logistic regression on standardised features
is cross-validated by question (GroupKFold, so no question is scored by a model that saw it) and
compared with the hand-weighted fused score on the same candidates: ROC AUC, and how often the
top-ranked candidate (and the top three) of a selection call holds a fact. Then it is refitted on
everything and written as coefficients (nothing is trained at run time). The frozen held-out sets are
never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from answers import SETS, load, norm, open_index  # noqa: E402  (same index and fact test as the answer bench)


def collect(sets: list[str], slices: dict[str, str], corpus: Path, gen_reports: Path) -> list[dict[str, Any]]:
    """One record per selection call: group (question id), rows, labels, fused scores."""
    import assistant.select as sel
    from assistant.service import Assistant

    records: list[dict[str, Any]] = []
    by_index: dict[str, Any] = {}
    for name in sets:
        qfile, kind = SETS[name]
        if kind not in by_index:
            idx, _ = open_index(None, corpus if kind == "corpus" else gen_reports)
            a = Assistant(idx, mode="extractive")
            a.warm()
            by_index[kind] = a
        a = by_index[kind]
        qs = load(ROOT / qfile)
        if name in slices:
            lo, _, hi = slices[name].partition(":")
            qs = qs[int(lo) if lo else None:int(hi) if hi else None]
        for i, q in enumerate(qs):
            facts = [norm(f) for f in q.get("facts", [])]
            if not facts or q["kind"] in ("none", "drafting"):
                continue
            got: list[tuple] = []
            sel.RECORDER = lambda question, sents, rows: got.append((list(sents), [list(r) for r in rows]))
            try:
                a.ask(q["q"], history=q.get("history"))
            finally:
                sel.RECORDER = None
            for sents, rows in got:
                labels = [int(any(f in norm(s.text) for f in facts)) for s in sents]
                records.append({"group": f"{name}#{i}", "kind": q["kind"], "rows": rows, "y": labels,
                                "fused": [s.score for s in sents]})
    return records


def topk_rate(records: list[dict], scores: list[np.ndarray], k: int) -> float:
    """Share of selection calls (with at least one positive) whose top-k candidates hold a fact."""
    hit = n = 0
    for r, sc in zip(records, scores):
        if not any(r["y"]):
            continue
        n += 1
        order = np.argsort(-sc, kind="stable")[:k]
        hit += any(r["y"][j] for j in order)
    return hit / max(1, n)


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    from assistant.evidence_model import FEATURES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="dev-1,dev-2,dev-3,dev-gen,dev-dial")
    ap.add_argument("--slice", action="append", default=[], metavar="SET=A:B",
                    help="use only questions A..B-1 of SET (e.g. dev-4=:30: its tuning half)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--gen-reports", type=Path, default=ROOT / "build" / "i11-synthetic" / "reports")
    ap.add_argument("--out", type=Path, default=ROOT / "assistant" / "data" / "evidence_model.toml")
    ap.add_argument("--report", type=Path, default=ROOT / "bench" / "results" / "evidence_model.md")
    ap.add_argument("--dump", type=Path, default=None, help="save the collected candidates (pickle) here")
    ap.add_argument("--load", type=Path, default=None, help="fit on candidates saved by --dump (no collection)")
    ap.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    args = ap.parse_args()
    slices = dict(s.split("=", 1) for s in args.slice)
    sets = [s for s in args.sets.split(",") if s]
    import os

    os.environ["YOTASSIST_EVIDENCE_LEARNED"] = "false"  # collect under the hand-weighted ranking
    import pickle

    if args.load:
        records = pickle.loads(args.load.read_bytes())
    else:
        records = [r for r in collect(sets, slices, args.corpus, args.gen_reports) if r["rows"]]
    if args.dump:
        args.dump.write_bytes(pickle.dumps(records))
    X = np.array([x for r in records for x in r["rows"]], dtype=float)
    y = np.array([v for r in records for v in r["y"]])
    groups = np.array([r["group"] for r in records for _ in r["rows"]])
    call = np.array([i for i, r in enumerate(records) for _ in r["rows"]])
    mean, std = X.mean(axis=0), X.std(axis=0)
    std[std == 0] = 1.0
    Z = (X - mean) / std
    oof = np.zeros(len(y))
    n_groups = len(set(groups))
    for tr, te in GroupKFold(n_splits=min(5, n_groups)).split(Z, y, groups):
        m = LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000).fit(Z[tr], y[tr])
        oof[te] = m.decision_function(Z[te])
    fused = np.array([v for r in records for v in r["fused"]])
    per_call = lambda v: [v[call == i] for i in range(len(records))]  # noqa: E731
    lines = [
        "# Learned evidence score: cross-validated by question", "",
        f"Sets: {', '.join(sets)}{' (slices ' + ', '.join(args.slice) + ')' if args.slice else ''}; "
        f"{len(records)} selection calls from {n_groups} questions, {len(y)} candidates, {int(y.sum())} positive "
        "(candidate contains an expected fact). 5-fold GroupKFold by question; logistic regression, class-balanced, "
        f"C={args.C}, standardised features.", "",
        "| score | ROC AUC | top-1 holds a fact | top-3 holds a fact |", "|---|---|---|---|",
    ]
    for label, v in (("hand-weighted fused (before)", fused), ("learned, out-of-fold", oof)):
        lines.append(f"| {label} | {roc_auc_score(y, v):.3f} | {100 * topk_rate(records, per_call(v), 1):.1f}% | "
                     f"{100 * topk_rate(records, per_call(v), 3):.1f}% |")
    final = LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000).fit(Z, y)
    coef = final.coef_[0]
    lines += ["", "Coefficients (on standardised features, refitted on everything):", "",
              "| feature | coefficient |", "|---|---|"] + [f"| {n} | {c:+.3f} |" for n, c in zip(FEATURES, coef)]
    fmt = lambda xs: "[" + ", ".join(f"{float(v):.6g}" for v in xs) + "]"  # noqa: E731
    args.out.write_text(
        "# Learned evidence score (assistant/evidence_model.py). Written by bench/fit_evidence.py; do not edit by hand.\n"
        f"# Fitted on: {', '.join(sets)} {' '.join(args.slice)}; {n_groups} questions, {len(y)} candidates.\n"
        f"features = [{', '.join(repr(n).replace(chr(39), chr(34)) for n in FEATURES)}]\n"
        f"mean = {fmt(mean)}\nstd = {fmt(std)}\ncoef = {fmt(coef)}\nintercept = {float(final.intercept_[0]):.6g}\n",
        encoding="utf-8")
    args.report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
