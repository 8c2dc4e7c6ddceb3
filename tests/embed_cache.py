"""One embedding cache shared by every test that builds an index (within and across sessions).

The index keeps a content-hash vector cache in ``<index>/embed-cache.sqlite`` keyed by
model + backend + text, so a vector computed for one index is valid for any other. Tests seed a
fresh index folder from ``build/test-embed-cache.sqlite`` before ingesting and merge the folder's
cache back afterwards, so a clean CI run embeds each distinct text once (samples, corpus and the
synthetic reports) and later runs embed nothing but queries. Only document vectors are cached:
every query still runs through the real model.

Tests that count embedder calls on a first ingest must not seed (a warm cache would hide them).
"""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / "build" / "test-embed-cache.sqlite"
NAME = "embed-cache.sqlite"
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)"


def seed(index_dir: Path) -> Path:
    """Put a consistent copy of the shared cache into ``index_dir`` (created if needed)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    dst = index_dir / NAME
    if SHARED.is_file() and not dst.exists():
        try:
            # sqlite's backup API, not a file copy: another pytest run may be merging right now.
            with sqlite3.connect(f"file:{SHARED}?mode=ro", uri=True, timeout=30) as src, \
                    sqlite3.connect(str(dst)) as out:
                src.backup(out)
            src.close()
            out.close()
        except sqlite3.Error as exc:  # only a cache: start cold rather than fail the test
            dst.unlink(missing_ok=True)
            warnings.warn(f"shared embedding cache not used: {exc}", stacklevel=2)
    return dst


def merge(index_dir: Path) -> int:
    """Add the vectors ``index_dir`` computed to the shared cache; returns how many were new."""
    src = index_dir / NAME
    if not src.is_file():
        return 0
    SHARED.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = sqlite3.connect(str(SHARED), timeout=60)
        try:
            con.execute(_SCHEMA)
            con.execute("ATTACH DATABASE ? AS src", (str(src),))
            cur = con.execute("INSERT OR IGNORE INTO main.vectors (key, vec) SELECT key, vec FROM src.vectors")
            con.commit()
            return max(cur.rowcount, 0)
        finally:
            con.close()
    except sqlite3.Error as exc:
        warnings.warn(f"could not merge {src} into the shared embedding cache: {exc}", stacklevel=2)
        return 0
