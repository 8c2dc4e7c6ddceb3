"""20 concurrent questions while an upload is being indexed: all answered, no errors, and the
index is consistent afterwards (the new report complete, nothing else changed)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from api_support import Server, derived_report, finish_upload

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

QUESTIONS = [
    "What are the strengths in planning at Ashbridge?",
    "How did Northwold do on reviewing?",
    "What was the overall score of each service?",
    "What are the areas for improvement in out-of-court disposal assessment at Fenmarsh?",
    "How did services do on governance and leadership?",
]


async def _run(server: Server) -> tuple[httpx.Response, list[httpx.Response], float, bool]:
    data = derived_report("Concurrentby")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=300) as client:
        # The upload is accepted at once (202) and indexed in the background while the questions run.
        queued = await client.post("/api/reports", files={"file": ("concurrentby-2023.txt", data, "text/plain")})
        assert queued.status_code == 202, queued.text
        job_url = queued.json()["url"]

        async def ask(i: int) -> httpx.Response:
            return await client.post("/api/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})

        t0 = time.monotonic()
        answers = await asyncio.gather(*(ask(i) for i in range(20)))
        elapsed = time.monotonic() - t0
        upload_was_running = (await client.get(job_url)).json()["state"] in ("queued", "running")
    return finish_upload(queued), list(answers), elapsed, upload_was_running


def test_twenty_questions_during_an_upload(client: httpx.Client, live_server: Server) -> None:
    before = {r["id"]: r for r in client.get("/api/reports").json()}
    upload, answers, elapsed, overlapped = asyncio.run(_run(live_server))

    assert upload.status_code == 200, upload.text
    assert upload.json()["status"] == "added"
    assert overlapped, "the questions finished before the upload: the test did not overlap them"
    for r in answers:
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["answer"] and body["citations"], body
    assert elapsed < 240, f"20 concurrent questions took {elapsed:.0f} s"

    after = {r["id"]: r for r in client.get("/api/reports").json()}
    assert set(after) == set(before) | {"concurrentby-2023.txt"}
    assert all(after[k] == v for k, v in before.items())
    new = after["concurrentby-2023.txt"]
    assert new["service"] == "Concurrentby" and new["chunks"] > 10
    assert new["overall"] == "Good" and new["score"] == 26
    grid = {r["id"]: r for r in client.get("/api/ratings").json()["rows"]}
    assert grid["concurrentby-2023.txt"]["cells"]["2.2"]["published"] == "Requires improvement"
    answer = client.post("/api/ask", json={"question": "What are the strengths in planning at Concurrentby?"}).json()
    assert answer["citations"] and all(c["source"] == "concurrentby-2023.txt" for c in answer["citations"]), answer

    assert client.delete("/api/reports/concurrentby-2023.txt").status_code == 200
    assert {r["id"] for r in client.get("/api/reports").json()} == set(before)
