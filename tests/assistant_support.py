"""Helpers for the assistant tests: a real index (real embedder, real Chroma) built once per
module, seeded from a cross-session embedding cache so only the first run pays for embedding."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "test-embed-cache-corpus.sqlite"
INJECTION = ROOT / "tests" / "fixtures" / "injection" / "eastmere-2023.txt"


def build_index(index_dir: Path, paths: Sequence[Path]):
    """Ingest ``paths`` into a fresh index folder and return the open Index."""
    from index.store import Index

    index_dir.mkdir(parents=True, exist_ok=True)
    cache = index_dir / "embed-cache.sqlite"
    if CACHE.is_file():
        shutil.copyfile(CACHE, cache)
    idx = Index.open(index_dir=index_dir)
    summary = idx.ingest(list(paths), progress=False)
    failed = [r for r in summary.results if r.status == "failed"]
    assert not failed, failed
    if cache.is_file():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = CACHE.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(cache, tmp)
        os.replace(tmp, CACHE)
    return idx
