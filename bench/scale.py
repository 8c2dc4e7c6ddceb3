"""Scale benchmark: ingest 50, 200 and 500 generated reports and measure what a team would feel.

Why: the product must stay usable with every published youth inspection plus a team's drafts
and several people querying at once. Per corpus size this measures ingest throughput (chunks/s,
fast ONNX int8 embedder), index size on disk, peak memory, warm search and ask latency (p50/p95),
retrieval quality on the generator's questions with known answers (recall@5), and 25 concurrent
clients against the real API (uvicorn on loopback), bounded in requests and time.

The index grows in place (50 -> 200 -> 500), so each stage ingests only the new reports.

    python bench/scale.py --sizes 50 200 500 --seed 7          # writes bench/results/scale.md + .png
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
ROOT = Path(__file__).resolve().parents[1]
# one local ONNX export shared by every run (the work folder is wiped per run)
os.environ.setdefault("YOTASSIST_MODELS_DIR", str(ROOT / "data" / "models"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

import make_corpus  # noqa: E402

GENERIC_QUERIES = [
    "how did services do on 2.2 planning",
    "oocd jdm panel decisions and police",
    "CAMHS waiting times for YOT children",
    "staff caseloads and supervision",
    "board attendance by health partners",
    "contingency planning for safety and wellbeing",
    "resettlement accommodation before release",
    "speech and language therapist screening",
    "disproportionality action plan targets",
    "youth conditional caution compliance",
]


class RssSampler:
    """Peak resident memory of this process (and optionally a child) sampled every 0.2 s."""

    def __init__(self, pids: list[int] | None = None) -> None:
        import psutil

        self.procs = [psutil.Process(p) for p in (pids or [os.getpid()])]
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, sum(p.memory_info().rss for p in self.procs))
            except Exception:
                pass
            self._stop.wait(0.2)

    def __enter__(self) -> "RssSampler":
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recall(index, questions: list[dict]) -> tuple[float, float, list[float]]:
    src = sec = 0
    lat = []
    for q in questions:
        t0 = time.perf_counter()
        hits = index.search(q["question"], k=5)
        lat.append((time.perf_counter() - t0) * 1000)
        src += any(h.source == q["source"] for h in hits)
        sec += any(h.source == q["source"] and h.section == q["section"] for h in hits)
    n = max(1, len(questions))
    return 100.0 * src / n, 100.0 * sec / n, lat


def concurrent_load(index_dir: Path, home: Path, clients: int, per_client: int, questions: list[str],
                    time_limit: float, workers: int = 1) -> dict:
    """25 clients at once against `yotassist serve` on loopback: POST /api/ask and GET /api/reports."""
    import httpx

    port = free_port()
    env = dict(os.environ, YOTASSIST_HOME=str(home), YOTASSIST_EMBED_BACKEND="onnx-int8")
    env.pop("YOTASSIST_CHROMA_URL", None)
    log = open(home / f"serve-{port}.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "serve", "--index", str(index_dir),
                             "--port", str(port), "--log-level", "warning", "--workers", str(workers)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    t0 = time.time()
    try:
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.time() - t0 > 300:
                raise RuntimeError(f"API did not start: {(home / f'serve-{port}.log').read_text(errors='replace')[-800:]}")
            time.sleep(0.5)
        startup = time.time() - t0
        results: list[tuple[str, int, float]] = []
        errors: list[str] = []
        lock = threading.Lock()
        barrier = threading.Barrier(clients)
        deadline = time.time() + time_limit

        def client(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, timeout=120) as http:
                barrier.wait()
                for i in range(per_client):
                    if time.time() > deadline:
                        return
                    kind = "reports" if i % 4 == 3 else "ask"
                    t = time.perf_counter()
                    try:
                        if kind == "ask":
                            r = http.post("/api/ask", json={"question": rng.choice(questions)})
                        else:
                            r = http.get("/api/reports")
                        ok = r.status_code == 200
                        code = r.status_code
                    except httpx.HTTPError as exc:
                        ok, code = False, -1
                        with lock:
                            errors.append(f"{kind}: {exc.__class__.__name__}")
                    ms = (time.perf_counter() - t) * 1000
                    with lock:
                        results.append((kind, code, ms))
                        if not ok and code != -1:
                            errors.append(f"{kind}: HTTP {code}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        w0 = time.perf_counter()
        with RssSampler([proc.pid]) as mem:
            for t in threads:
                t.start()
            for t in threads:
                t.join(time_limit + 130)
        wall = time.perf_counter() - w0
        ask = [ms for k, c, ms in results if k == "ask" and c == 200]
        rep = [ms for k, c, ms in results if k == "reports" and c == 200]
        return {"clients": clients, "requests": len(results), "planned": clients * per_client, "errors": len(errors),
                "error_kinds": sorted(set(errors))[:5], "wall_s": wall, "rps": len(results) / wall if wall else 0,
                "ask_p50": pct(ask, 50), "ask_p95": pct(ask, 95), "reports_p50": pct(rep, 50), "reports_p95": pct(rep, 95),
                "server_rss_mb": mem.peak / 1e6, "startup_s": startup}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def open_all(settings):
    from index.store import Index

    idx = Index.open(settings)
    try:
        from assistant.service import Assistant

        return idx, Assistant(idx, settings)
    except ImportError:
        return idx, None


def measure(idx, assistant, row: dict, truths: list[dict], all_q: list[dict], rng: random.Random,
            args: argparse.Namespace, settings):
    """Warm search/ask latency, recall@5 and the concurrent load on the index as it is now; fills
    ``row`` and returns the (re)opened index and assistant."""
    in_index = {t["source"] for t in truths}
    qs = [q for q in all_q if q["source"] in in_index]
    qs = qs if len(qs) <= args.questions else rng.sample(qs, args.questions)
    with RssSampler() as mem:
        t0 = time.perf_counter()
        idx.search("warm up after ingest", k=5)  # first search after a change rebuilds BM25
        row["refresh_s"] = time.perf_counter() - t0
        for q in GENERIC_QUERIES[:3] + [q["question"] for q in qs[:3]]:
            idx.search(q, k=5)
        lat = []
        for _ in range(args.rounds):
            for q in GENERIC_QUERIES + [q["question"] for q in qs[:40]]:
                t0 = time.perf_counter()
                idx.search(q, k=5)
                lat.append((time.perf_counter() - t0) * 1000)
        row.update(search_n=len(lat), search_p50=pct(lat, 50), search_p95=pct(lat, 95))
        r_src, r_sec, qlat = recall(idx, qs)
        row.update(questions=len(qs), recall_report=r_src, recall_section=r_sec,
                   qsearch_p50=pct(qlat, 50), qsearch_p95=pct(qlat, 95))
        if assistant is not None:
            alat = []
            asks = GENERIC_QUERIES[:5] + [q["question"] for q in qs[:15]]
            assistant.ask(asks[0])
            for q in asks:
                t0 = time.perf_counter()
                assistant.ask(q)
                alat.append((time.perf_counter() - t0) * 1000)
            row.update(ask_n=len(alat), ask_p50=pct(alat, 50), ask_p95=pct(alat, 95))
    row["query_peak_rss_mb"] = mem.peak / 1e6
    row["process_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"  search p50 {row['search_p50']:.0f} ms p95 {row['search_p95']:.0f} ms; recall@5 {r_src:.1f}/{r_sec:.1f}; "
          f"ask p50 {row.get('ask_p50', float('nan')):.0f} ms", flush=True)
    if args.clients:
        # Embedded Chroma is single-process: release this process's handle while the API
        # process uses the folder, and open it afresh afterwards.
        from chromadb.api.shared_system_client import SharedSystemClient

        del idx, assistant
        SharedSystemClient.clear_system_cache()
        gc.collect()
        cq = GENERIC_QUERIES + [q["question"] for q in qs[:30]]
        row["load"] = concurrent_load(settings.index, settings.home, args.clients, args.per_client, cq, args.load_time,
                                      args.workers)
        row["load"]["workers"] = args.workers
        idx, assistant = open_all(settings)
        print(f"  load: {row['load']['requests']} requests, {row['load']['errors']} errors, "
              f"ask p95 {row['load']['ask_p95']:.0f} ms", flush=True)
    return idx, assistant


def run(args: argparse.Namespace) -> list[dict]:
    from index.store import Index
    from yotassist.settings import EmbeddingSettings, Settings

    synthetic = args.synthetic
    make_corpus.generate(max(args.sizes), args.seed, synthetic, compact=args.compact)
    truths = make_corpus.load_truth(synthetic)
    all_q = make_corpus.load_questions(synthetic)
    work = args.work
    if work.exists():
        shutil.rmtree(work)
    (work / "home").mkdir(parents=True)
    index_dir = work / "index"
    settings = Settings(home=work / "home", index=index_dir, embed=EmbeddingSettings(backend="onnx-int8"))
    idx, assistant = open_all(settings)
    rows: list[dict] = []
    done = 0
    rng = random.Random(args.seed)
    for size in args.sizes:
        batch = [synthetic / "reports" / t["source"] for t in truths[done:size]]
        print(f"[{time.strftime('%H:%M:%S')}] ingesting {len(batch)} reports (to {size}); loadavg {loadavg()}", flush=True)
        load_before = os.getloadavg()[0]
        with RssSampler() as mem:
            t0 = time.perf_counter()
            summary = idx.ingest(batch, progress=False)
            secs = time.perf_counter() - t0
        assert summary.ok, [r.error for r in summary.results if r.status == "failed"][:3]
        done = size
        chunks_total = sum(r.chunks for r in idx.reports())
        row: dict = {"size": size, "new_reports": len(batch), "new_chunks": summary.chunks, "chunks": chunks_total,
                     "ingest_s": secs, "chunks_per_s": summary.chunks / secs, "embedded": summary.embedded,
                     "cached": summary.cached, "ingest_peak_rss_mb": mem.peak / 1e6,
                     "disk_mb": du(index_dir) / 1e6, "chroma_mb": du(index_dir / "chroma") / 1e6,
                     "load_during_ingest": (load_before + os.getloadavg()[0]) / 2}
        print(f"  {summary.chunks} chunks in {secs:.0f} s = {row['chunks_per_s']:.1f} chunks/s; disk {row['disk_mb']:.0f} MB", flush=True)

        if args.snapshots:
            # A copy of the index at this size, so later runs can re-measure every size with
            # ``--reuse --index-copy`` without ingesting again.
            snap = work / f"index-{size}"
            shutil.rmtree(snap, ignore_errors=True)
            shutil.copytree(index_dir, snap)
        idx, assistant = measure(idx, assistant, row, truths[:size], all_q, rng, args, settings)
        row["loadavg_after"] = loadavg()
        rows.append(row)
        (args.out_dir / "scale.json").write_text(json.dumps(rows, indent=2))
    return rows


def reuse(args: argparse.Namespace) -> list[dict]:
    """Re-measure search, ask and load on the existing index of the last run (no ingest): after a
    speed fix this replaces that size's latency and load figures in ``scale.json``, keeping the
    ingest figures of the run that built the index."""
    from yotassist.settings import EmbeddingSettings, Settings

    rows = json.loads((args.out_dir / "scale.json").read_text())
    settings = Settings(home=args.work / "home", index=args.reuse_index or args.work / "index",
                        embed=EmbeddingSettings(backend="onnx-int8"))
    idx, assistant = open_all(settings)
    size = len(idx.reports())
    row = next((r for r in rows if r["size"] == size), None)
    if row is None:
        raise SystemExit(f"the index at {args.work / 'index'} holds {size} reports; scale.json has no row for that size")
    truths = make_corpus.load_truth(args.synthetic)[:size]
    all_q = make_corpus.load_questions(args.synthetic)
    load_start = loadavg()
    print(f"[{time.strftime('%H:%M:%S')}] re-measuring {size} reports without ingest; loadavg {load_start}", flush=True)
    fresh: dict = {}
    idx, assistant = measure(idx, assistant, fresh, truths, all_q, random.Random(args.seed), args, settings)
    row.update(fresh)
    row["remeasured"] = {"at": time.strftime("%Y-%m-%d %H:%M"), "loadavg_start": load_start, "loadavg_after": loadavg(),
                         "workers": args.workers}
    (args.out_dir / "scale.json").write_text(json.dumps(rows, indent=2))
    return rows


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["size"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    ax.plot(sizes, [r["search_p50"] for r in rows], "o-", label="search p50")
    ax.plot(sizes, [r["search_p95"] for r in rows], "o--", label="search p95")
    if all("ask_p50" in r for r in rows):
        ax.plot(sizes, [r["ask_p50"] for r in rows], "s-", label="ask p50 (extractive)")
        ax.plot(sizes, [r["ask_p95"] for r in rows], "s--", label="ask p95 (extractive)")
    if all("load" in r for r in rows):
        ax.plot(sizes, [r["load"]["ask_p95"] for r in rows], "^:", label="ask p95, 25 concurrent clients")
    ax.axhline(100, color="grey", lw=0.8, ls=":")
    ax.axhline(300, color="grey", lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.set_xlabel("reports in the index")
    ax.set_ylabel("latency (ms, log scale)")
    ax.set_title("yotassist: latency against corpus size (warm, 2 cores)")
    redone = [str(r["size"]) for r in rows if "remeasured" in r]
    if redone:
        ax.text(0.01, 0.01, f"{', '.join(redone)} reports: re-measured after the speed fixes (--reuse)",
                transform=ax.transAxes, fontsize=7, color="dimgrey")
    ax.set_xticks(sizes)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def report(rows: list[dict], args: argparse.Namespace, started: str, load_start: str) -> str:
    def f(v: float, d: int = 0) -> str:
        return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.{d}f}"

    last = rows[-1]
    lines = [
        "# Scale benchmark: 50, 200 and 500 reports",
        "",
        f"Produced by `python bench/scale.py --sizes {' '.join(map(str, args.sizes))} --seed {args.seed}"
        f"{' --compact' if args.compact else ''}` "
        f"(started {started}). Reports are fictitious, generated by `bench/make_corpus.py` (same layout as the real "
        f"ones; {'compact: fewer bullets and sentences, ' if args.compact else ''}~{args.kb:.0f} KB and ~{args.cpr:.0f} chunks per report); the index grows in place, so each stage ingests only the new reports. Embedder: the fast "
        f"ONNX int8 backend (`embed.backend = onnx-int8`, see `bench/results/embedding.md`).",
        "",
        f"Machine: {os.cpu_count()} cores, shared with other jobs: load average at start {load_start}; "
        "per-stage load is in the tables. Figures are noisy when other work runs (up to 2-4x on ingest).",
        "",
        "## Ingest",
        "",
        "| reports | new reports | new chunks | ingest time | chunks/s | total chunks | index on disk | of which Chroma | peak RSS during ingest | load avg during ingest |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['size']} | {r['new_reports']} | {r['new_chunks']} | {f(r['ingest_s'])} s | {f(r['chunks_per_s'], 1)} | "
                     f"{r['chunks']} | {f(r['disk_mb'])} MB | {f(r['chroma_mb'])} MB | {f(r['ingest_peak_rss_mb'])} MB | {f(r['load_during_ingest'], 1)} |")
    lines += [
        "",
        "## Search, ask and retrieval quality (warm, one process)",
        "",
        "| reports | search p50 | search p95 | ask p50 | ask p95 | recall@5 report | recall@5 report+section | questions | BM25 rebuild after change | peak RSS (process) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['size']} | {f(r['search_p50'])} ms | {f(r['search_p95'])} ms | {f(r.get('ask_p50'))} ms | "
                     f"{f(r.get('ask_p95'))} ms | {f(r['recall_report'], 1)} | {f(r['recall_section'], 1)} | {r['questions']} | "
                     f"{f(r['refresh_s'], 1)} s | {f(r['process_peak_rss_mb'])} MB |")
    lines += [
        "",
        f"Search latency: {rows[0]['search_n']} timed `Index.search(k=5)` calls per size ({args.rounds} rounds of 10 generic "
        "queries, several naming abbreviations, plus 40 known-answer questions), after warm-up. Ask: "
        "`assistant.service.Assistant.ask` in extractive mode (no LLM), 20 questions. Recall@5: the share of the "
        "generator's known-answer questions (a uniquely named programme, charity, venue, intervention or protocol "
        "planted in a known section of one report) whose report (and section) is among the top 5 hits, "
        f"up to {args.questions} questions per size.",
    ]
    if all("load" in r for r in rows):
        lines += [
            "",
            f"## Concurrent load: {args.clients} clients against the API on loopback",
            "",
            f"`yotassist serve` (uvicorn, one process) on 127.0.0.1; {args.clients} threads start together (barrier), each sends "
            f"{args.per_client} requests in turn (3 of every 4 `POST /api/ask`, 1 `GET /api/reports`), 120 s timeout per "
            f"request, {args.load_time:.0f} s overall bound.",
            "",
            "| reports | requests (planned) | errors | wall time | requests/s | ask p50 | ask p95 | reports p50 | reports p95 | server peak RSS |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            ld = r["load"]
            lines.append(f"| {r['size']} | {ld['requests']} ({ld['planned']}) | {ld['errors']} | {f(ld['wall_s'])} s | "
                         f"{f(ld['rps'], 1)} | {f(ld['ask_p50'])} ms | {f(ld['ask_p95'])} ms | {f(ld['reports_p50'])} ms | "
                         f"{f(ld['reports_p95'])} ms | {f(ld['server_rss_mb'])} MB |")
    for r in rows:
        if "remeasured" in r:
            m = r["remeasured"]
            lines += ["", f"The {r['size']}-report rows of the search and load tables were re-measured on {m['at']} on the same "
                      f"index (`bench/scale.py --reuse`, no re-ingest) after the speed fixes; load average {m['loadavg_start']} "
                      f"at the start, {m['loadavg_after']} at the end. The ingest row and the other sizes are from the original run."]
    ok_search = last["search_p50"] < 100 and last["search_p95"] < 300
    lines += [
        "",
        "![latency against corpus size](scale_latency.png)",
        "",
        "## Targets (issue 8)",
        "",
        f"- 500 reports ingested: {'yes' if last['size'] >= 500 else 'no'} ({last['chunks']} chunks).",
        f"- Search p50 < 100 ms and p95 < 300 ms at {last['size']} reports, warm: "
        f"{'met' if ok_search else 'NOT met'} ({f(last['search_p50'])} / {f(last['search_p95'])} ms).",
    ]
    if "load" in last:
        lines.append(f"- {args.clients} concurrent clients with no errors: {'met' if last['load']['errors'] == 0 and last['load']['requests'] == last['load']['planned'] else 'NOT met'} "
                     f"({last['load']['errors']} errors in {last['load']['requests']} requests).")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--synthetic", type=Path, default=ROOT / "build" / "synthetic")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "scale")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--questions", type=int, default=300, help="known-answer questions per size (sampled)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--clients", type=int, default=25)
    ap.add_argument("--per-client", type=int, default=4)
    ap.add_argument("--load-time", type=float, default=300.0)
    ap.add_argument("--compact", action="store_true", help="shorter generated reports (fewer chunks per report)")
    ap.add_argument("--snapshots", action="store_true",
                    help="keep a copy of the index at every size (WORK/index-<size>) for later --reuse runs")
    ap.add_argument("--reuse-index", type=Path, default=None,
                    help="with --reuse: the index folder to re-measure (e.g. WORK/index-200 from --snapshots)")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of the server in the load test")
    ap.add_argument("--reuse", action="store_true",
                    help="no ingest: re-measure search/ask/load on the existing index in --work (its size's row in scale.json)")
    args = ap.parse_args(argv)
    args.sizes = sorted(args.sizes)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    started, load_start = time.strftime("%Y-%m-%d %H:%M"), loadavg()
    if args.reuse:
        import re

        # The header keeps describing the run that built the index.
        old = (args.out_dir / "scale.md").read_text(encoding="utf-8") if (args.out_dir / "scale.md").exists() else ""
        m = re.search(r"--sizes ([\d ]+) --seed (\d+)(.*?)` \(started ([^)]+)\)", old)
        if m:
            args.sizes, args.seed = [int(x) for x in m.group(1).split()], int(m.group(2))
            args.compact, started = "--compact" in m.group(3), m.group(4)
        m = re.search(r"load average at start ([\d. /]+);", old)
        load_start = m.group(1) if m else load_start
        rows = reuse(args)
    else:
        rows = run(args)
    files = sorted((args.synthetic / "reports").glob("*.txt"))
    args.kb = sum(p.stat().st_size for p in files) / max(1, len(files)) / 1e3
    args.cpr = rows[-1]["chunks"] / max(1, rows[-1]["size"])
    plot(rows, args.out_dir / "scale_latency.png")
    text = report(rows, args, started, load_start)
    (args.out_dir / "scale.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
