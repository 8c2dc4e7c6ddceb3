"""Upload jobs seen from every worker, and indexed at a lower CPU priority (api.jobs).

Why: with ``yotassist serve --workers N`` the poll of ``GET /api/jobs/{id}`` may reach a worker
that did not run the job (the load test got 404s); and an upload must not take the cores from
the questions. Two real ``UploadJobs`` over one folder stand for two worker processes.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from api.jobs import UploadJobs
from api.schemas import UploadOut


def _wait(jobs: UploadJobs, job_id: str, timeout: float = 10) -> str:
    end = time.time() + timeout
    while time.time() < end:
        out = jobs.describe(job_id)
        if out is not None and out.state in ("done", "failed"):
            return out.state
        time.sleep(0.02)
    raise AssertionError("job did not finish")


def test_other_worker_sees_progress_and_result(tmp_path: Path) -> None:
    runner, other = UploadJobs(10, folder=tmp_path), UploadJobs(10, folder=tmp_path)
    release = threading.Event()

    def work(progress):  # noqa: ANN001
        progress("embedding", 0.5)
        release.wait(5)
        raise ValueError("not an inspection report")  # an unexpected failure: 500, reason kept

    job = runner.submit("a.txt", work)
    assert other.get(job.id) is None  # not this worker's job ...
    end = time.time() + 5
    while (seen := other.describe(job.id)) is None or seen.stage != "embedding":
        assert time.time() < end, seen
        time.sleep(0.02)
    assert seen.state == "running" and seen.progress == 0.5 and seen.filename == "a.txt"
    release.set()
    assert _wait(other, job.id) == "failed"  # ... yet it answers from the shared state
    final = other.describe(job.id)
    assert final.status_code == 500 and "ValueError" in final.error
    assert not list(tmp_path.glob(".*.tmp"))  # every write was completed and renamed


def test_ids_are_looked_up_exactly(tmp_path: Path) -> None:
    jobs = UploadJobs(10, folder=tmp_path)
    (tmp_path.parent / "secret.json").write_text("{}")
    assert jobs.describe("../secret") is None and jobs.describe("0" * 32) is None


def test_old_job_files_are_pruned(tmp_path: Path) -> None:
    jobs = UploadJobs(2, folder=tmp_path)
    ids = [jobs.submit(f"{i}.txt", lambda p: UploadOut.model_construct()).id for i in range(4)]
    for job_id in ids:
        _wait(jobs, job_id)
    time.sleep(0.1)
    assert len(list(tmp_path.glob("*.json"))) == 2


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="thread priorities are a Linux feature")
def test_worker_thread_runs_at_lower_priority(tmp_path: Path) -> None:
    seen: list[int] = []
    jobs = UploadJobs(10, folder=tmp_path, nice=5)

    def work(progress):  # noqa: ANN001
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return UploadOut.model_construct()

    base = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    _wait(jobs, jobs.submit("a.txt", work).id)
    assert seen == [min(19, base + 5)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == base  # the caller's thread is untouched
