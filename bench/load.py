"""Loopback load test: 25 clients asking for 60 s while two uploads are indexed (issue 15 item 9).

What a team would feel on one shared server: every client sends `POST /api/ask` back to back for
the whole duration (questions drawn from generic and known-answer questions of the generated
corpus), while two new reports are uploaded through `POST /api/reports` (the second after the
first's job finishes, both inside the window; each upload is followed through its
background job, ``GET /api/jobs/{id}``, until done). Reports ask latency p50/p95/p99, errors, throughput,
upload times and the machine's load average before and after, to `bench/results/load.md` and
`load.json`.

The index folder is copied first (uploads must not change a benchmark snapshot). The server is
`yotassist serve` in a subprocess, with `--workers N` when asked.

    python bench/load.py --index build/scale/index-500 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from scale import GENERIC_QUERIES, free_port, loadavg  # noqa: E402


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) if values else float("nan")


def upload_files(synthetic: Path, seed: int, count: int, out: Path) -> list[Path]:
    """``count`` generated reports that no benchmark index holds (numbers past the corpus)."""
    import make_corpus

    gen = make_corpus.Generator(seed + 1000, True)
    files = []
    for i in range(count):
        text, truth = gen.report(900 + i)
        path = out / f"upload-{i}-{truth.source}"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def questions(index_dir: Path, synthetic: Path) -> list[str]:
    indexed = {p.name[:-5] for p in (index_dir / "reports").glob("*.json")}
    known = []
    qfile = synthetic / "questions.jsonl"
    if qfile.exists():
        for line in qfile.read_text(encoding="utf-8").splitlines():
            q = json.loads(line)
            if q["source"] in indexed:
                known.append(q["question"])
    rng = random.Random(7)
    return GENERIC_QUERIES + rng.sample(known, min(40, len(known)))


def follow_upload(http, path: Path, poll_s: float = 0.25, limit_s: float = 900) -> dict:
    """Upload one file and follow its job to the end: ``POST /api/reports`` answers ``202`` with a
    job, indexed in the background; ``GET /api/jobs/{id}`` is polled until it is done or failed.
    The upload's time is from the submit to the job's end (what a user waits for), and a failed
    job, a refused upload or a job that never ends is an error (``code`` other than 200)."""
    import httpx

    t_submit = time.perf_counter()
    try:
        r = http.post("/api/reports", files={"file": (path.name, path.read_bytes(), "text/plain")})
        if r.status_code != 202:
            return {"id": None, "code": r.status_code, "status": f"HTTP {r.status_code}: {r.text[:200]}"}
        job = r.json()
        url = r.headers.get("location") or job["url"]
        t0 = time.perf_counter()
        t_end = t0 + limit_s
        stages: list[list] = [[round(t0 - t_submit, 1), job["stage"]]]
        while job["state"] not in ("done", "failed"):
            if time.perf_counter() > t_end:
                return {"id": None, "code": -1, "status": f"job {job['id']} still {job['state']} after {limit_s:.0f} s"}
            time.sleep(poll_s)
            polled = http.get(url)
            if polled.status_code != 200:
                return {"id": None, "code": polled.status_code,
                        "status": f"job poll HTTP {polled.status_code}: {polled.text[:200]}"}
            job = polled.json()
            if job["stage"] != stages[-1][1]:
                stages.append([round(time.perf_counter() - t_submit, 1), job["stage"]])
    except httpx.HTTPError as exc:
        return {"id": None, "code": -1, "status": exc.__class__.__name__}
    if job["state"] == "failed":
        return {"id": None, "code": job.get("status_code") or 500, "status": f"job failed: {job.get('error')}"}
    result = job.get("result") or {}
    return {"id": (result.get("report") or {}).get("id"), "code": 200, "status": result.get("status"),
            "stages_s": stages}


def start_server(index_dir: Path, home: Path, port: int, workers: int, log_path: Path,
                 extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = dict(os.environ, YOTASSIST_HOME=str(home), **(extra_env or {}))
    env.pop("YOTASSIST_CHROMA_URL", None)
    cmd = [sys.executable, "-c", "from api.cli import main; main()", "serve", "--index", str(index_dir),
           "--port", str(port), "--log-level", "warning"]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)


def wait_ready(base: str, proc: subprocess.Popen, log_path: Path, timeout: float = 600) -> float:
    import httpx

    t0 = time.time()
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return time.time() - t0
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() - t0 > timeout:
            raise RuntimeError(f"API did not start: {log_path.read_text(errors='replace')[-1500:]}")
        time.sleep(0.5)


def run(args: argparse.Namespace) -> dict:
    import httpx

    work = Path(tempfile.mkdtemp(prefix="yotassist-load-", dir=args.tmp))
    index_dir = work / "index"
    shutil.copytree(args.index, index_dir)
    home = work / "home"
    home.mkdir()
    files = upload_files(args.synthetic, args.seed, args.uploads, work)
    qs = questions(index_dir, args.synthetic)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = work / "serve.log"
    server_env = dict(kv.split("=", 1) for kv in args.server_env)
    proc = start_server(index_dir, home, port, args.workers, log_path, server_env)
    try:
        startup = wait_ready(base, proc, log_path)
        # Warm-up questions on separate connections, at once, so every worker gets some (one
        # kept-alive connection reaches one worker only: the other workers' first questions fell
        # inside the window before), and no client pays a first-question cost.
        def warm(q: str) -> None:
            with httpx.Client(base_url=base, timeout=300) as http:
                http.post("/api/ask", json={"question": q})

        for _ in range(2):
            warmers = [threading.Thread(target=warm, args=(q,)) for q in (qs * 4)[: 4 * max(1, args.workers)]]
            for t in warmers:
                t.start()
            for t in warmers:
                t.join()
        load_before = loadavg()
        results: list[tuple[float, float, int]] = []  # (start offset s, ms, status)
        errors: list[str] = []
        uploads: list[dict] = []
        lock = threading.Lock()
        start = threading.Barrier(args.clients + 2)  # clients, the uploader and this thread
        t_start = time.perf_counter()
        deadline_box: list[float] = []

        def client(n: int) -> None:
            rng = random.Random(n)
            with httpx.Client(base_url=base, timeout=120) as http:
                start.wait()
                while time.perf_counter() < deadline_box[0]:
                    t = time.perf_counter()
                    try:
                        code = http.post("/api/ask", json={"question": rng.choice(qs)}).status_code
                    except httpx.HTTPError as exc:
                        code = -1
                        with lock:
                            errors.append(f"ask: {exc.__class__.__name__}")
                    ms = (time.perf_counter() - t) * 1000
                    with lock:
                        results.append((t - t_start, ms, code))
                        if code not in (200, -1):
                            errors.append(f"ask: HTTP {code}")

        def uploader() -> None:
            with httpx.Client(base_url=base, timeout=600) as http:
                start.wait()
                time.sleep(args.upload_delay)
                for f in files:
                    t = time.perf_counter()
                    up = follow_upload(http, f)
                    with lock:
                        uploads.append({"file": f.name, **up, "seconds": round(time.perf_counter() - t, 1),
                                        "started_s": round(t - t_start, 1)})
                        if up["code"] != 200:
                            errors.append(f"upload: {up['status']}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        threads.append(threading.Thread(target=uploader))
        for t in threads:
            t.start()
        t_start = time.perf_counter()
        deadline_box.append(t_start + args.duration)
        start.wait()
        for t in threads:
            t.join(args.duration + 700)
        wall = time.perf_counter() - t_start
        load_after = loadavg()
        ok = [ms for _, ms, c in results if c == 200]
        during = [ms for s, ms, c in results if c == 200 and any(
            u["started_s"] <= s <= u["started_s"] + u["seconds"] for u in uploads)]
        # The index after the run: the uploads are listed and searchable.
        with httpx.Client(base_url=base, timeout=60) as http:
            listed = {r["id"] for r in http.get("/api/reports").json()}
        return {
            "at": time.strftime("%Y-%m-%d %H:%M"), "index": str(args.index), "reports": len(list((args.index / "reports").glob("*.json"))),
            "workers": args.workers, "server_env": server_env, "clients": args.clients, "duration_s": args.duration, "wall_s": round(wall, 1),
            "asks": len(results), "ok": len(ok), "errors": len(errors), "error_kinds": sorted(set(errors))[:6],
            "asks_per_s": round(len(ok) / wall, 2) if wall else 0.0,
            "p50_ms": pct(ok, 50), "p95_ms": pct(ok, 95), "p99_ms": pct(ok, 99), "max_ms": max(ok) if ok else float("nan"),
            "during_uploads": {"asks": len(during), "p50_ms": pct(during, 50), "p95_ms": pct(during, 95), "p99_ms": pct(during, 99)},
            "slowest": [[round(s, 1), round(ms)] for s, ms, c in sorted(results, key=lambda x: -x[1])[:12]],
            "uploads": uploads, "uploads_listed": sum(1 for u in uploads if u["id"] in listed),
            "startup_s": round(startup, 1), "loadavg_before": load_before, "loadavg_after": load_after,
            "cores": os.cpu_count(),
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def env_cell(run: dict) -> str:
    """The server settings a run set (``--server-env``), shown beside the worker count."""
    env = run.get("server_env") or {}
    return (" (" + ", ".join(f"{k.removeprefix('YOTASSIST_')}={v}" for k, v in sorted(env.items())) + ")") if env else ""


def markdown(runs: list[dict]) -> str:
    def f(v: float) -> str:
        return "n/a" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.0f}"

    lines = [
        "# Loopback load test: 25 clients asking while two uploads are indexed",
        "",
        "Produced by `python bench/load.py` (one row per run, newest last). Each of the clients sends "
        "`POST /api/ask` back to back for the duration (extractive mode; generic and known-answer questions of the "
        "generated corpus, drawn at random); one more client uploads two new generated reports one after the other "
        "inside the window (`POST /api/reports` answers 202 with a background job; the upload's time is from the submit "
        "until `GET /api/jobs/{id}` says done, and a failed job counts as an error; rows before 2026-12-02 04:45 "
        "timed the request alone). Server: `yotassist serve` on 127.0.0.1 with the given number of "
        "uvicorn workers over a copy of the benchmark index. Latencies are of successful asks; errors count non-200 "
        "answers and transport failures of asks and uploads.",
        "",
        "The machine has 2 cores shared with other jobs: the load average (1 / 5 / 15 min) before and after each run "
        "is part of the result; with a load well above 2 every figure is inflated by waiting for a core.",
        "",
        "| run at | reports | workers | clients | asks (ok) | errors | asks/s | p50 | p95 | p99 | max | p99 during uploads | uploads (s each) | load before | load after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        ups = ", ".join(f"{u['seconds']:.0f}" + ("" if u["code"] == 200 else f" ({u['status']})") for u in r["uploads"])
        lines.append(
            f"| {r['at']} | {r['reports']} | {r['workers']}{env_cell(r)} | {r['clients']} | {r['asks']} ({r['ok']}) | {r['errors']} | "
            f"{r['asks_per_s']:.1f} | {f(r['p50_ms'])} ms | {f(r['p95_ms'])} ms | {f(r['p99_ms'])} ms | {f(r['max_ms'])} ms | "
            f"{f(r['during_uploads']['p99_ms'])} ms | {ups} | {r['loadavg_before']} | {r['loadavg_after']} |")
    notes = [f"- {r['at']}: {r['note']}" for r in runs if r.get("note")]
    if notes:
        lines += ["", "Notes:", "", *notes]
    last = runs[-1]
    lines += [
        "",
        f"Target (issue 15): p99 under 2 s with 0 errors. Last run: p99 {f(last['p99_ms'])} ms, "
        f"{last['errors']} errors: **{'met' if last['p99_ms'] < 2000 and last['errors'] == 0 else 'NOT met'}** "
        f"(load average {last['loadavg_before']} before, {last['loadavg_after']} after).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True, help="index folder to copy and serve")
    ap.add_argument("--synthetic", type=Path, default=ROOT / "build" / "synthetic")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--clients", type=int, default=25)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--uploads", type=int, default=2)
    ap.add_argument("--upload-delay", type=float, default=5.0, help="seconds into the window before the first upload")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                    help="a setting for the server, e.g. YOTASSIST_ASK_CONCURRENCY=2 (repeatable; recorded with the run)")
    ap.add_argument("--tmp", type=Path, default=None, help="where the index copy goes (default: system temp)")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server log, index copy)")
    ap.add_argument("--append", action="store_true", help="add a row to load.json instead of replacing it")
    ap.add_argument("--note", default="", help="a sentence kept with the run (what changed since the previous one)")
    args = ap.parse_args(argv)
    result = run(args)
    result["note"] = args.note
    print(json.dumps(result, indent=1))
    path = args.out_dir / "load.json"
    runs = json.loads(path.read_text()) if args.append and path.exists() else []
    runs.append(result)
    path.write_text(json.dumps(runs, indent=2))
    (args.out_dir / "load.md").write_text(markdown(runs), encoding="utf-8")


if __name__ == "__main__":
    main()
