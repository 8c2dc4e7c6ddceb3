"""One writer at a time per index, across processes: an exclusive ``flock`` on a lock file.

Why: the web app and a CLI ``yotassist ingest`` (or two CLI runs) may write the same index folder.
Their commits interleaved used to delete each other's committed chunks. Every write (ingest's
commit, remove, reindex, uploads) now holds this lock; readers never take it (the commit record
makes reads consistent on its own). ``flock`` locks belong to an open file, so they also keep two
threads of one process apart, and the kernel drops them when a process dies (no stale lock after
a crash or SIGKILL). The in-process ``RLock`` makes the lock re-entrant for nested writes
(``reindex`` -> ingest of each source).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from index.health import IndexOpenError

LOCK_NAME = ".write.lock"


class IndexBusy(IndexOpenError):
    """Another process held the index's write lock for longer than the configured wait."""


class WriteLock:
    def __init__(self, lock_path: Path, timeout_s: float) -> None:
        self.path = lock_path
        self.timeout_s = timeout_s
        self._local = threading.RLock()
        self._depth = 0
        self._fh: IO[str] | None = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._local:
            if self._depth == 0:
                self._fh = self._acquire()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fh is not None:
                    fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
                    self._fh.close()
                    self._fh = None

    def _acquire(self) -> IO[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    fh.close()
                    raise IndexBusy(f"the index {self.path.parent} is busy: another process has been writing to it "
                                    f"for more than {self.timeout_s:g} s; try again when it has finished") from None
                time.sleep(0.05)
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        return fh
