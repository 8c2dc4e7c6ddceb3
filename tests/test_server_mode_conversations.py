"""The shared deployment end to end: one Chroma server, one PostgreSQL, two `yotassist serve`
processes (each with its own local folder). Both list the same reports, and a conversation
started on one continues on the other with a follow-up that needs the stored history."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

import embed_cache
from api_support import ROOT, cli, sample_files, server_env, start_server
from pg_support import pg_server  # noqa: F401  (session fixture)
from test_server_mode import chroma_server  # noqa: F401  (module fixture: a real `chroma run`)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def test_two_servers_one_chroma_one_postgresql(chroma_server: str, pg_server, tmp_path: Path) -> None:
    db = pg_server.create_db("shared_deployment")
    loader = tmp_path / "loader"
    embed_cache.seed(loader / "index")
    proc = subprocess.run(cli("ingest", *[str(p) for p in sample_files()], "--chroma-url", chroma_server,
                              "--index", str(loader / "index"), "--quiet"),
                          cwd=ROOT, env=server_env(loader), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    servers = []
    try:
        def start(name: str):
            home = tmp_path / name
            home.mkdir()
            return start_server(home / "index", home, YOTASSIST_CHROMA_URL=chroma_server, YOTASSIST_DATABASE_URL=db)

        # Both processes start at once (each pays its own imports; two cores, so about one start's
        # wait instead of two). A start that fails still lets the other one be stopped below.
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(start, name) for name in ("a", "b")]
        servers += [f.result() for f in futures if f.exception() is None]
        for f in futures:
            if f.exception() is not None:
                raise f.exception()
        a, b = (httpx.Client(base_url=s.base_url, timeout=120) for s in servers)
        listed = [sorted(r["id"] for r in c.get("/api/reports").json()) for c in (a, b)]
        assert listed[0] == listed[1] == sorted(p.name for p in sample_files())
        conv = a.post("/api/conversations", json={}).json()
        t1 = a.post(f"/api/conversations/{conv['id']}/ask",
                    json={"question": "What are the strengths in planning at Ashbridge?"}).json()["turn"]
        assert t1["citations"]
        t2 = b.post(f"/api/conversations/{conv['id']}/ask", json={"question": "What about staff?"}).json()["turn"]
        cited = {(c["source"], c["section"]) for c in t2["citations"]}
        assert {s for s, _ in cited} == {"ashbridge-2023.txt"} and ("ashbridge-2023.txt", "1.2") in cited, cited
        assert [t["position"] for t in a.get(f"/api/conversations/{conv['id']}").json()["turns"]] == [1, 2]
        a.close()
        b.close()
    finally:
        for s in servers:
            s.stop()
