"""Helpers for the assistant tests: a real index (real embedder, real Chroma) built once per
module, seeded from the shared test embedding cache (``tests/embed_cache.py``) so each distinct
text is embedded once per clean run and never again after."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import embed_cache

ROOT = Path(__file__).resolve().parents[1]
INJECTION = ROOT / "tests" / "fixtures" / "injection" / "eastmere-2023.txt"


def build_index(index_dir: Path, paths: Sequence[Path]):
    """Ingest ``paths`` into a fresh index folder and return the open Index."""
    from index.store import Index

    embed_cache.seed(index_dir)
    idx = Index.open(index_dir=index_dir)
    summary = idx.ingest(list(paths), progress=False)
    failed = [r for r in summary.results if r.status == "failed"]
    assert not failed, failed
    embed_cache.merge(index_dir)
    return idx


def open_assistant(index_dir: Path):
    """An extractive Assistant over an index folder, warmed (reports, sentence vectors) as a server is."""
    from assistant.service import Assistant
    from index.store import Index

    a = Assistant(Index.open(index_dir=index_dir), mode="extractive")
    a.warm()
    return a
