"""The server's ratings cache stays bounded however many report versions it sees."""

from __future__ import annotations

import shutil
from pathlib import Path

import embed_cache

from api.backend import Backend
from index.store import Index
from yotassist.settings import Settings


def test_two_hundred_versions_leave_the_ratings_cache_bounded(tmp_path: Path, samples_dir: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(samples_dir / "ashbridge-2023.txt", src / "ashbridge-2023.txt")
    embed_cache.seed(tmp_path / "index")
    idx = Index.open(index_dir=tmp_path / "index")
    idx.ingest([src], progress=False)
    backend = Backend(settings=Settings(index=tmp_path / "index", ratings_cache_entries=16), index=idx)
    (summary,) = backend.summaries()
    first = backend.rating_of(summary.source, summary.sha256)
    assert first[1] is not None and first[1].standards
    # every upload or removal of a changed file gives the same source a new content hash
    for generation in range(200):
        report, result = backend.rating_of(summary.source, f"{generation:064x}")
        assert result is not None and result.overall.computed == first[1].overall.computed
    assert len(backend._ratings_cache) == 16
    # the most recently used entry survives, the oldest ones are gone
    assert (summary.source, f"{199:064x}") in backend._ratings_cache
    assert (summary.source, summary.sha256) not in backend._ratings_cache
    assert backend.ratings().rows  # the grid still works through the same cache
    close = getattr(idx, "close", None)
    if callable(close):
        close()
