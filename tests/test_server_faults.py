"""Server mode when the Chroma server goes away and comes back (a real ``chroma run``, a real
``yotassist serve``, real CLI processes): 503 JSON naming the dependency, one warning line and no
traceback in the log, one error line from the CLI (also mid-ingest), and full recovery once the
server is started again on the same port and folder."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

import embed_cache
from api_support import ROOT, SAMPLES, cli, free_port, server_env, start_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
CHROMA = ROOT / ".venv" / "bin" / "chroma"


def start_chroma(db: Path, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(db), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    stop_chroma(proc)
    pytest.fail(f"chroma did not start: {log.read_text(errors='replace')[-500:]}")


def stop_chroma(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def run_cli(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), cwd=ROOT, env=server_env(home), capture_output=True, text=True, timeout=timeout)


def one_error_line(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "httpx" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_chroma_down_is_503_json_and_everything_recovers(tmp_path: Path, synthetic_dir: Path) -> None:
    if not CHROMA.exists():
        pytest.fail(f"{CHROMA} is missing: the server-mode tests need chromadb's `chroma` command")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    db, chroma_log = tmp_path / "chroma-db", tmp_path / "chroma.log"
    home, index_dir = tmp_path / "home", tmp_path / "home" / "index"
    home.mkdir()
    chroma = start_chroma(db, port, chroma_log)
    server = None
    try:
        embed_cache.seed(index_dir)
        out = run_cli(home, "ingest", str(SAMPLES / "ashbridge-2023.txt"), "--quiet", "--chroma-url", url,
                      "--index", str(index_dir))
        assert out.returncode == 0, out.stdout + out.stderr
        server = start_server(index_dir, home, YOTASSIST_CHROMA_URL=url)
        with httpx.Client(base_url=server.base_url, timeout=60) as c:
            assert c.get("/healthz").json()["reports"] == 1
            question = {"question": "How good was planning in Ashbridge?"}
            assert c.post("/api/ask", json=question).status_code == 200

            stop_chroma(chroma)
            health = c.get("/healthz")
            assert health.status_code == 503 and health.headers["content-type"].startswith("application/json")
            body = health.json()
            assert body["status"] == "down" and body["index"] == "down" and url in body["detail"], body
            for method, path, payload in (("GET", "/api/reports", None), ("GET", "/api/meta", None),
                                          ("POST", "/api/ask", question), ("GET", "/api/ratings", None),
                                          ("GET", "/api/reports/ashbridge-2023.txt", None)):
                r = c.request(method, path, json=payload)
                assert r.status_code == 503, (path, r.status_code, r.text)
                assert "index server" in r.json()["detail"] and "unreachable" in r.json()["detail"], r.text
                assert "content-security-policy" in r.headers
            log = server.log()
            assert "Traceback" not in log, log
            assert sum("unreachable" in line for line in log.splitlines()) == 1, log

            # The CLI: one line when the server is down at the start...
            one_error_line(run_cli(home, "reports", "--chroma-url", url, "--index", str(index_dir)), url)

            # ...and when it goes away in the middle of an ingest (uncached reports: embedding takes a while).
            chroma = start_chroma(db, port, chroma_log)
            fresh = tmp_path / "fresh-index"
            reports = sorted((synthetic_dir / "reports").iterdir())
            ingest = subprocess.Popen(cli("ingest", *map(str, reports), "--quiet", "--chroma-url", url, "--index", str(fresh)),
                                      cwd=ROOT, env=server_env(home), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True)
            deadline = time.time() + 120
            while time.time() < deadline and not (fresh / "embed-cache.sqlite").exists():
                time.sleep(0.1)  # the command has opened the index and is embedding
            time.sleep(1.0)
            stop_chroma(chroma)
            stdout, stderr = ingest.communicate(timeout=600)
            one_error_line(subprocess.CompletedProcess(ingest.args, ingest.returncode, stdout, stderr),
                           "unreachable", url)

            # Chroma comes back on the same port with the same data: the app recovers by itself.
            chroma = start_chroma(db, port, chroma_log)
            deadline = time.time() + 60
            while time.time() < deadline and c.get("/healthz").status_code != 200:
                time.sleep(0.5)
            health = c.get("/healthz")
            assert health.status_code == 200 and health.json()["status"] == "ok", health.text
            assert [r["id"] for r in c.get("/api/reports").json()] == ["ashbridge-2023.txt"]
            answer = c.post("/api/ask", json=question)
            assert answer.status_code == 200 and answer.json()["citations"], answer.text
            assert "answers again" in server.log()
            assert "Traceback" not in server.log()
            out = run_cli(home, "reports", "--json", "--chroma-url", url, "--index", str(index_dir))
            assert out.returncode == 0 and "ashbridge-2023.txt" in out.stdout, out.stderr
    finally:
        if server is not None:
            server.stop()
        stop_chroma(chroma)
        embed_cache.merge(index_dir)
