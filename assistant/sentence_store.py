"""Each report's evidence sentences saved in the index folder, so a cold process does not re-cut them.

Why: the library cuts every report into sentences (and their comparable forms, for boilerplate)
before the first answer. A server does it once at start-up, but every CLI question is a new
process: ~0.4 s of CPU at five reports, tens of seconds at a few hundred. The cut depends only
on the report's text (its sha256) and on the code that cuts it, so both name the saved file: a
changed report or a changed splitter never reads an old cut.

The files live under ``<index>/views/sentences/`` (written by whichever process cuts first,
atomically; a read-only index just means no saving). They are pickles: the index folder is the
project's own storage (uploads never write there under a name they choose), and a file that
does not load is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Any

# The modules whose code decides the cut: a change in any of them is a new cut.
_CUT_BY = ("assistant/evidence.py", "assistant/text.py", "assistant/library.py", "ingest/injection.py")


@lru_cache(maxsize=1)
def code_tag() -> str:
    """A short hash of the cutting code (read once per process)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for rel in _CUT_BY:
        try:
            h.update((root / rel).read_bytes())
        except OSError:
            h.update(rel.encode())
    return h.hexdigest()[:12]


class SentenceStore:
    """Saved (sentences, comparable forms) per report version; ``folder`` None disables it."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def _path(self, sha256: str) -> Path | None:
        if self.folder is None or not sha256:
            return None
        return self.folder / f"{sha256[:32]}-{code_tag()}.pkl"

    def load(self, sha256: str) -> tuple[list[Any], list[str]] | None:
        path = self._path(sha256)
        if path is None or not path.is_file():
            return None
        try:
            with path.open("rb") as fh:
                sentences, comps = pickle.load(fh)
        except Exception:  # truncated or from another Python: cut again and rewrite
            return None
        if not isinstance(sentences, list) or not isinstance(comps, list) or len(sentences) != len(comps):
            return None
        return sentences, comps

    def save(self, sha256: str, sentences: list[Any], comps: list[str]) -> None:
        path = self._path(sha256)
        if path is None:
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump((sentences, comps), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            tmp.unlink(missing_ok=True)

    def prune(self, live: set[str]) -> None:
        """Remove saved cuts of report versions no longer in the index, and of older code."""
        if self.folder is None or not self.folder.is_dir():
            return
        keep = {f"{sha[:32]}-{code_tag()}.pkl" for sha in live}
        for p in self.folder.glob("*.pkl"):
            if p.name not in keep:
                p.unlink(missing_ok=True)
