"""What the LangChain answer chain costs on top of the same steps called directly.

Why: the answer path became one LCEL chain (``assistant.chain``); every step is now a Runnable
run with callbacks. This times, warm, in one process and interleaved so both see the same load:
the steps called directly (refresh, route, compose, gate) against ``chain.invoke`` and
``chain.stream`` on an index of the fictitious samples (``samples/``). The searches are the same
in both (the chain's retrieve step makes them; the composer is answered from its memo).

    python bench/chain_overhead.py --loops 10

Results go to ``bench/results/chain-overhead.md`` with the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "What did inspectors say about Ashbridge's diversion panel with the police?",
    "What was Northwold's overall rating and score?",
    "Compare joint working with the police across the YOTs",
    "How are ratings worked out?",
    "What rating did Fenmarsh get for 2.1 assessment?",
    "What about the education posts in Fenmarsh?",
]


def _p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--loops", type=int, default=10)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "chain-overhead.md")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from assistant.chain.kinds import compose_route
    from assistant.service import Assistant
    from index.store import Index

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        idx = Index.open(index_dir=Path(tmp) / "index")
        samples = sorted(p for p in (ROOT / "samples").iterdir() if p.is_file() and p.name != "README.md"
                         and p.suffix in (".txt", ".md", ".html", ".pdf"))
        idx.ingest(samples, progress=False)
        a = Assistant(idx, mode="extractive")
        a.warm()
        chain = a.chain()

        def direct(q: str) -> None:
            a.lib.refresh(force=True)
            r = a.route(q)
            d = compose_route(r, a.lib, idx)
            a._gate(d.passages, d.trusted).verify(d.text)

        def invoke(q: str) -> None:
            chain.invoke({"question": q})

        def stream(q: str) -> None:
            for _ in chain.stream({"question": q}):
                pass

        ways = {"direct": direct, "chain.invoke": invoke, "chain.stream": stream}
        for q in QUESTIONS:
            for f in ways.values():
                f(q)
        times: dict[str, dict[str, list[float]]] = {w: {q: [] for q in QUESTIONS} for w in ways}
        for _ in range(args.loops):
            for q in QUESTIONS:
                for w, f in ways.items():
                    t = time.perf_counter()
                    f(q)
                    times[w][q].append((time.perf_counter() - t) * 1000)
    load_after = os.getloadavg()
    lines = ["# Answer chain overhead (warm, extractive, samples index)", "",
             f"{args.loops} loops x {len(QUESTIONS)} questions, interleaved; load average "
             f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} CPUs.", "",
             "| way | p50 ms | p90 ms |", "|---|---|---|"]
    for w in ways:
        allv = [x for v in times[w].values() for x in v]
        lines.append(f"| {w} | {statistics.median(allv):.1f} | {_p(allv, 0.9):.1f} |")
    lines += ["", "| question | direct p50 | invoke p50 | stream p50 |", "|---|---|---|---|"]
    for q in QUESTIONS:
        cells = " | ".join(f"{statistics.median(times[w][q]):.1f}" for w in ways)
        lines.append(f"| {q} | {cells} |")
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
