"""Expensive uploads: documents that are not inspection reports are refused unless forced, chunks
per document are bounded, and uploads are indexed as background jobs with progress (real server,
real embedder, real CLI)."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from api_support import ROOT, Server, cli, derived_report, finish_upload, server_env
from test_report_signals import random_prose

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def post(client: httpx.Client, name: str, data: bytes, **form: str) -> httpx.Response:
    return client.post("/api/reports", files={"file": (name, data, "text/plain")}, data=form or None)


# --------------------------------------------------------------------------------------------
# not a report


def test_random_prose_is_refused_at_once_unless_forced(client: httpx.Client) -> None:
    prose = random_prose(600).encode()
    r = post(client, "minutes-of-the-garden-club.txt", prose)
    assert r.status_code == 422, r.text
    assert "does not look like an inspection report" in r.json()["detail"]
    assert "minutes-of-the-garden-club.txt" not in {x["id"] for x in client.get("/api/reports").json()}

    forced = post(client, "minutes-of-the-garden-club.txt", prose, force="true")
    assert forced.status_code == 202, forced.text
    done = finish_upload(forced)
    assert done.status_code == 200 and done.json()["status"] == "added", done.text
    try:
        assert "minutes-of-the-garden-club.txt" in {x["id"] for x in client.get("/api/reports").json()}
    finally:
        assert client.delete("/api/reports/minutes-of-the-garden-club.txt").status_code == 200


def test_cli_ingest_refuses_prose_unless_forced(tmp_path: Path) -> None:
    prose = tmp_path / "notes-from-a-meeting.txt"
    prose.write_text(random_prose(200), encoding="utf-8")
    args = ["ingest", str(prose), "--index", str(tmp_path / "index")]
    refused = subprocess.run(cli(*args), cwd=ROOT, env=server_env(tmp_path), capture_output=True, text=True, timeout=600)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "does not look like an inspection report" in refused.stdout and "--force" in refused.stdout
    forced = subprocess.run(cli(*args, "--force"), cwd=ROOT, env=server_env(tmp_path), capture_output=True, text=True,
                            timeout=600)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "added" in forced.stdout


# --------------------------------------------------------------------------------------------
# background jobs


def test_upload_is_a_background_job_with_progress(client: httpx.Client, live_server: Server) -> None:
    tag = uuid.uuid4().hex[:6]
    # every prose line carries the tag, so no chunk comes from the embedding cache: real work to watch
    data = derived_report(f"Jobford {tag}")
    other = finish_upload(post(client, f"jobford-other-{tag}.txt", derived_report(f"Otherjob {tag}")))
    assert other.status_code == 200, other.text

    r = post(client, f"jobford-{tag}.txt", data)
    assert r.status_code == 202, r.text
    job = r.json()
    assert r.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
    assert job["state"] in ("queued", "running") and 0 <= job["progress"] < 1
    seen: list[tuple[str, str, float]] = []
    deleted_while_running = None
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job = client.get(job["url"]).json()
        seen.append((job["state"], job["stage"], job["progress"]))
        if job["state"] in ("done", "failed"):
            break
        if job["stage"] == "embedding" and deleted_while_running is None:
            # The index's write lock is not held while the upload is embedded: a removal goes through.
            removed = client.delete(f"/api/reports/jobford-other-{tag}.txt")
            assert removed.status_code == 200, removed.text
            deleted_while_running = client.get(job["url"]).json()["state"]
        time.sleep(0.05)
    assert job["state"] == "done", (job, seen)
    assert job["status_code"] == 200 and job["progress"] == 1.0
    assert job["result"]["status"] == "added" and job["result"]["report"]["id"] == f"jobford-{tag}.txt"
    progress = [p for _, _, p in seen]
    assert progress == sorted(progress), seen  # never goes backwards
    assert any(stage == "embedding" and 0.1 <= p < 0.95 for _, stage, p in seen), seen
    assert deleted_while_running == "running", (deleted_while_running, seen)
    ids = {x["id"] for x in client.get("/api/reports").json()}
    assert f"jobford-{tag}.txt" in ids and f"jobford-other-{tag}.txt" not in ids
    assert client.delete(f"/api/reports/jobford-{tag}.txt").status_code == 200

    missing = client.get("/api/jobs/" + "0" * 32)
    assert missing.status_code == 404 and "no upload job" in missing.json()["detail"]
