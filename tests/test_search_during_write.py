"""A search never waits for a writer holding the index's lock.

Why: an upload's writer holds ``Index._lock`` through the write, the commit and the read-view
rebuild (seconds to tens of seconds on a busy machine); the search's similarity cache took the
same lock, so every question of that server worker stalled for the whole write (the load
benchmark saw 18-20 s asks). Real index (real parser, embedder, Chroma).
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

import embed_cache
from index.store import Index

pytestmark = pytest.mark.slow


def test_search_goes_on_while_the_index_lock_is_held(tmp_path: Path, samples_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(samples_dir / "ashbridge-2023.txt", src / "ashbridge-2023.txt")
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    assert idx.ingest([src], progress=False).ok
    assert idx.search("planning for safety", k=3)  # the view is installed
    got: list[int] = []
    with idx._lock:  # what a writer holds while it writes, commits and rebuilds the view
        t = threading.Thread(target=lambda: got.append(len(idx.search("health partners at the board", k=3))))
        t.start()
        t.join(10)
        assert not t.is_alive(), "a search waited for the writer's lock"
    assert got and got[0] > 0
