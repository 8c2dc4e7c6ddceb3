"""Development questions over generated reports (bench/make_corpus.py knows what each one says).

    .venv/bin/python bench/gen_questions.py [--n 6] [--seed 11] [--out build/i11-synthetic]

Writes the reports under ``<out>/reports`` and ``bench/questions/dev-gen.jsonl``: for each report
the planted facts (asked with the fact's distinctive phrase as expected answer text), its overall
rating and score, two standard ratings and one key-question percentage from ``truth.jsonl``.
Deterministic for a given seed, so the committed question file matches the regenerated reports.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from make_corpus import generate, load_truth  # noqa: E402

# The answer sentence's distinctive part per planted fact (what a reader must be told).
_FACT_PARTS = {
    "programme": r"which offers (.+?) alongside",
    "charity": r"within (\d+ working days)",
    "venue": r"a (.+?) that the",
    "tool": r"deliver the (.+?), which",
    "protocol": r"at least (\d+ days)",
}


def build(n: int, seed: int, out: Path) -> list[dict]:
    generate(n, seed, out)
    qs: list[dict] = []
    for t in load_truth(out):
        svc = t["service"]
        for f in t.get("facts", []):
            m = re.search(_FACT_PARTS.get(f["id"], r"$^"), f["sentence"])
            qs.append({"q": f["question"], "kind": "lookup", "facts": [svc] + ([m.group(1)] if m else []),
                       "sources": [t["source"]]})
        qs.append({"q": f"What was {svc}'s overall rating and score?", "kind": "numeric",
                   "facts": [t["overall"], f"{t['score']}"], "sources": [t["source"]]})
        for sid in ("2.1", "3.4"):
            qs.append({"q": f"How was {svc} rated on {sid} {t['standard_titles'][sid]}?", "kind": "numeric",
                       "facts": [t["standards"][sid]], "sources": [t["source"]]})
        kq = t["key_questions"]["2.2"][0]
        qs.append({"q": f"In {svc}, what share of cases met the key question: {kq['question']}", "kind": "numeric",
                   "facts": [f"{kq['percent']}%"], "sources": [t["source"]]})
    return qs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=6)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "i11-synthetic")
    ap.add_argument("--questions", type=Path, default=ROOT / "bench" / "questions" / "dev-gen.jsonl")
    a = ap.parse_args()
    qs = build(a.n, a.seed, a.out)
    a.questions.write_text("".join(json.dumps(q) + "\n" for q in qs), encoding="utf-8")
    print(f"{len(qs)} questions in {a.questions}; reports in {a.out / 'reports'}")


if __name__ == "__main__":
    main()
