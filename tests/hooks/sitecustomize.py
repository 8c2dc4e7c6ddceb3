"""Test-only hook, loaded by subprocesses whose PYTHONPATH starts with tests/hooks.

Why here and not in the product: the crash and concurrency tests need an ingest to stop between
"chunks written" and "commit". Production code carries no such switch; this module wraps the
commit of the record store from outside when ``YOTASSIST_TEST_PAUSE_BEFORE_COMMIT=<seconds>`` is
set (``YOTASSIST_TEST_PAUSE_AT=<source>`` limits it to one report). It leaves a marker file
``.test-paused-<source>`` in the index folder so a test knows the process is there.
``YOTASSIST_TEST_COMMIT_BARRIER=<epoch seconds>`` makes every commit wait until that moment, so
two processes started together commit at the same instant (the two-writers race).
"""

from __future__ import annotations

import os
import time

_DELAY = os.environ.get("YOTASSIST_TEST_PAUSE_BEFORE_COMMIT")
_BARRIER = os.environ.get("YOTASSIST_TEST_COMMIT_BARRIER")

if _DELAY or _BARRIER:
    import index.records as _records

    _ONLY = os.environ.get("YOTASSIST_TEST_PAUSE_AT")
    _original = _records.FileRecords.commit

    def _paused_commit(self, source, record, data):  # type: ignore[no-untyped-def]
        if _BARRIER:
            time.sleep(max(0.0, float(_BARRIER) - time.time()))
        if _DELAY and (not _ONLY or _ONLY == source):
            (self.dir / f".test-paused-{source}").touch()
            time.sleep(float(_DELAY))
        return _original(self, source, record, data)

    _records.FileRecords.commit = _paused_commit
