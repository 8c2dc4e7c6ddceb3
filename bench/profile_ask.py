"""Where the time of one question goes: CPU time per ask and per search, and a pyinstrument profile.

Why CPU time: the machine is shared, so wall-clock figures move with other people's work; the
CPU seconds one ask burns in this process are what 25 concurrent clients queue behind (one
uvicorn process serialises Python work on the GIL), and they isolate a code change from the load.

    python bench/profile_ask.py --index build/scale/index-500 --profile   # prints the profile too
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import GENERIC_QUERIES  # noqa: E402

QUESTIONS = GENERIC_QUERIES + [
    "What did inspectors say about the Oakfield programme?",
    "How did other YOTs fare on 3.4 joint working?",
    "What percentage of cases had good planning for safety?",
    "How is the overall rating worked out?",
]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--profile", action="store_true", help="print a pyinstrument profile of the asks")
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args(argv)

    from assistant.service import Assistant
    from index.store import Index
    from yotassist.settings import Settings

    settings = Settings(home=args.index.parent / "home", index=args.index)
    t0 = time.perf_counter()
    idx = Index.open(settings)
    assistant = Assistant(idx, settings)
    assistant.warm()
    assistant.ask(QUESTIONS[0])
    print(f"open + warm + first ask: {time.perf_counter() - t0:.1f} s; {len(idx.reports())} reports; "
          f"load average {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    cpu_ask, cpu_search = [], []
    for _ in range(args.rounds):
        for q in QUESTIONS:
            c0 = time.process_time()
            idx.search(q, k=5)
            cpu_search.append(time.process_time() - c0)
            c0 = time.process_time()
            ans = assistant.ask(q)
            cpu_ask.append(time.process_time() - c0)
            print(f"  {1000 * cpu_ask[-1]:6.0f} ms CPU ask ({ans.kind:<11}) {1000 * cpu_search[-1]:5.0f} ms CPU search  {q[:60]}")
    if profiler is not None:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    cpu_ask.sort()
    cpu_search.sort()
    mid = len(cpu_ask) // 2
    print(f"CPU per ask: median {1000 * cpu_ask[mid]:.0f} ms, max {1000 * cpu_ask[-1]:.0f} ms, "
          f"total {sum(cpu_ask):.2f} s over {len(cpu_ask)}; per search: median {1000 * cpu_search[mid]:.0f} ms, "
          f"max {1000 * cpu_search[-1]:.0f} ms")


if __name__ == "__main__":
    main()
