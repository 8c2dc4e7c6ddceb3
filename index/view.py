"""The read view of an index persisted beside it: visible chunks, their vectors, the BM25 postings.

Why: before this, every process rebuilt the view at its first search: open Chroma (importing
chromadb, ~1.5 s), page every chunk and vector out of it, tokenise every chunk for BM25. At 500
reports that is seconds per CLI question. The view is a pure function of the committed index, so
it is written once (by the process that built it, normally the ingest that changed the index) and
loaded by every later process: vectors and postings as ``.npy`` files memory-mapped read-only,
chunks as one JSON file.

Consistency: the view is labelled with the index's generation stamp (``records.generation()``,
bumped by every commit and removal). A view whose label differs from the current stamp is never
used; the reader then rebuilds from Chroma and writes a fresh one. Writes go to a new folder that
a small pointer file (``views/current.json``, atomic rename) then names, so a reader sees the
old view or the new one, never half of one.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from index.model import Chunk

FOLDER = "views"
POINTER = "current.json"
FORMAT = 1


def _label(generation: Any) -> str:
    return json.dumps(generation, default=str)


def load(index_dir: Path, generation: Any) -> tuple[list[Chunk], np.ndarray, dict[str, np.ndarray]] | None:
    """(chunks, vectors, lexical arrays) of the view labelled ``generation``, or None."""
    root = Path(index_dir) / FOLDER
    try:
        pointer = json.loads((root / POINTER).read_text(encoding="utf-8"))
        if pointer.get("format") != FORMAT or pointer.get("generation") != _label(generation):
            return None
        folder = root / str(pointer["folder"])
        raw = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        chunks = [Chunk.model_construct(**c) for c in raw]
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        lexical = {name: np.load(folder / f"lexical-{name}.npy", mmap_mode="r", allow_pickle=False)
                   for name in ("offsets", "docs", "weights")}
        lexical["terms"] = json.loads((folder / "lexical-terms.json").read_text(encoding="utf-8"))
        meta = json.loads((folder / "lexical-meta.json").read_text(encoding="utf-8"))
        lexical["size"] = meta["size"]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # absent, stale or damaged: the caller rebuilds from Chroma
    if vectors.shape[0] != len(chunks) or lexical["size"] != len(chunks):
        return None
    return chunks, vectors, lexical


def save(index_dir: Path, generation: Any, chunks: Sequence[Chunk], vectors: np.ndarray,
         lexical: dict[str, Any]) -> None:
    """Write a view for ``generation`` and point readers at it; best effort (a read-only index
    folder simply keeps rebuilding in memory)."""
    root = Path(index_dir) / FOLDER
    name = f"v-{uuid.uuid4().hex[:12]}"
    folder = root / name
    try:
        folder.mkdir(parents=True, exist_ok=False)
        (folder / "chunks.json").write_text(json.dumps([c.model_dump(mode="json") for c in chunks],
                                                       ensure_ascii=False), encoding="utf-8")
        np.save(folder / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32))
        for key in ("offsets", "docs", "weights"):
            np.save(folder / f"lexical-{key}.npy", lexical[key])
        (folder / "lexical-terms.json").write_text(json.dumps(lexical["terms"], ensure_ascii=False), encoding="utf-8")
        (folder / "lexical-meta.json").write_text(json.dumps({"size": int(lexical["size"])}), encoding="utf-8")
        from index.records import atomic_write

        atomic_write(root / POINTER, json.dumps({"format": FORMAT, "generation": _label(generation),
                                                 "folder": name}).encode("utf-8"))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _sweep(root, keep=name)


def _sweep(root: Path, keep: str) -> None:
    """Delete older view folders (a reader still mapping one keeps its open files on POSIX)."""
    for old in root.glob("v-*"):
        if old.name != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)

