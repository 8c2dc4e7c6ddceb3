"""Upload jobs: an accepted upload is indexed in the background while the page shows progress.

Why: chunking, embedding and writing a report takes seconds to minutes; holding the request (and,
before, the write lock) for all of it left the page with an indeterminate spinner and other writers
waiting. ``POST /api/reports`` now checks the file (type, size, that it parses and looks like a
report, its chunk count), answers ``202`` with a job, and one worker thread indexes queued uploads
in order; ``GET /api/jobs/{id}`` reports the stage and the share done, and the result at the end.
One worker: the machine's cores are better spent embedding one document at a time, and uploads of
the same name can then never interleave. The index's cross-process write lock is taken only for the
write and commit (``index.store``), so CLI commands and searches go on meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from api.schemas import JobOut, UploadOut

log = logging.getLogger("yotassist.api")


@dataclass
class Job:
    id: str
    filename: str
    state: str = "queued"  # queued -> running -> done | failed
    stage: str = "queued"
    progress: float = 0.0
    created: float = field(default_factory=time.time)
    finished: float | None = None
    status_code: int | None = None
    error: str | None = None
    result: UploadOut | None = None
    saved: float = 0.0  # monotonic time of the last write of the shared state file

    def out(self) -> JobOut:
        return JobOut(id=self.id, filename=self.filename, state=self.state, stage=self.stage,
                      progress=round(self.progress, 3), status_code=self.status_code, error=self.error,
                      result=self.result, url=f"/api/jobs/{self.id}")


JOB_ID = re.compile(r"[0-9a-f]{32}")
PROGRESS_WRITE_S = 0.5  # a running job's file is rewritten at most this often for progress alone


Work = Callable[[Callable[[str, float], None]], UploadOut]


class UploadJobs:
    """The queue, its one worker thread and the jobs it remembers (the newest ``kept`` finished)."""

    def __init__(self, kept: int, folder: Path | None = None, nice: int = 0) -> None:
        self.kept = kept
        self.folder = folder
        self.nice = nice
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, Work] | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # an unwritable home: jobs stay visible to this worker only
                log.warning("upload jobs folder %s: %s; job states are not shared between workers", folder, exc)
                self.folder = None

    def submit(self, filename: str, work: Work) -> Job:
        job = Job(id=uuid.uuid4().hex, filename=filename)
        with self._lock:
            self._jobs[job.id] = job
            self._forget_old()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="upload-jobs", daemon=True)
                self._worker.start()
        self._save(job)
        self._queue.put((job, work))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def describe(self, job_id: str) -> JobOut | None:
        """A job's state: this worker's own, or the shared file another worker wrote (``None``
        when no worker knows it, or it was forgotten)."""
        job = self.get(job_id)
        if job is not None:
            return job.out()
        if self.folder is None or not JOB_ID.fullmatch(job_id):
            return None
        try:
            return JobOut.model_validate_json((self.folder / f"{job_id}.json").read_bytes())
        except (OSError, ValueError):  # not there, or (never: the write is atomic) unreadable
            return None

    def _save(self, job: Job, force: bool = True) -> None:
        """Write the job's state for the other workers: atomically (a temporary file per process
        and thread, then ``os.replace``), so a reader never sees half a file."""
        if self.folder is None:
            return
        now = time.monotonic()
        if not force and now - job.saved < PROGRESS_WRITE_S:
            return
        job.saved = now
        path = self.folder / f"{job.id}.json"
        tmp = self.folder / f".{job.id}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            tmp.write_text(job.out().model_dump_json(), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("upload job %s: cannot write its state (%s)", job.id, exc)

    def _prune_files(self) -> None:
        """Keep the newest ``kept`` job files (any worker's), as each worker keeps ``kept`` jobs."""
        if self.folder is None:
            return
        try:
            files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        for old in files[: max(0, len(files) - self.kept)]:
            old.unlink(missing_ok=True)

    def close(self) -> None:
        self._queue.put(None)

    def _forget_old(self) -> None:
        finished = [j.id for j in self._jobs.values() if j.finished is not None]
        for job_id in finished[: max(0, len(finished) - self.kept)]:
            del self._jobs[job_id]

    def _run(self) -> None:
        lower_priority(self.nice)
        while True:
            item = self._queue.get()
            if item is None:
                return
            job, work = item
            self._execute(job, work)

    def _execute(self, job: Job, work: Work) -> None:
        from api.backend import UploadRejected
        from index.unreachable import describe, unreachable

        def progress(stage: str, fraction: float) -> None:
            changed = stage != job.stage
            job.stage, job.progress = stage, max(job.progress, min(1.0, fraction))
            self._save(job, force=changed)

        job.state, job.stage = "running", "starting"
        self._save(job)
        try:
            job.result = work(progress)
            job.state, job.stage, job.progress, job.status_code = "done", "done", 1.0, 200
        except UploadRejected as exc:
            job.state, job.status_code, job.error = "failed", exc.status, exc.message
        except Exception as exc:  # never let one upload stop the worker
            job.state = "failed"
            if unreachable(exc):
                job.status_code, job.error = 503, describe(exc, None)
                log.warning("upload %s: %s", job.filename, job.error)
            else:
                job.status_code, job.error = 500, f"indexing failed ({type(exc).__name__}); the server log has the details"
                log.exception("upload job %s failed", job.id)
        finally:
            job.finished = time.time()
            self._save(job)
            self._prune_files()


def lower_priority(nice: int) -> None:
    """Raise this thread's nice value by ``nice`` (Linux: ``setpriority`` on the thread's id
    changes that thread only). Elsewhere, or when not allowed, the thread keeps its priority."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except OSError as exc:
        log.info("upload jobs keep their CPU priority (%s)", exc)
