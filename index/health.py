"""Opening an index folder or a Chroma server safely: clear errors instead of tracebacks.

Why: an index folder can be damaged (a disk filled up, a sync tool mangled the sqlite file) or be
the wrong folder altogether (``--index ~/Documents``). Chroma then fails deep inside its Rust
bindings with messages that do not say which folder is at fault or what to do. These checks run
before Chroma is touched (cheap: no chromadb import) and turn every failure into one
``IndexOpenError`` that names the folder and the way to rebuild it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

MARKER = "yotassist-index.json"
KNOWN = {"reports", "sources", "chroma", "embed-cache.sqlite", "generation", "server-sources", MARKER,
         "views", "embedding.json",
         "embed-cache.sqlite-journal", "embed-cache.sqlite-wal", "embed-cache.sqlite-shm"}
SQLITE_MAGIC = b"SQLite format 3\x00"


class IndexOpenError(RuntimeError):
    """The index folder or server cannot be used; the message says which and how to recover."""


def rebuild_hint(folder: Path) -> str:
    return (f"rebuild it with `yotassist reindex --index {folder}` (re-creates the search index from the "
            f"stored source files), or move the folder away and run `yotassist ingest` again")


def check_folder(folder: Path) -> None:
    """Refuse a folder that is not ours (unrelated files) or a file; create the marker when new."""
    if folder.exists() and not folder.is_dir():
        raise IndexOpenError(f"index path {folder} is a file, not a folder; pass a folder with --index")
    if not folder.exists():
        return
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    marker = folder / MARKER
    if marker.is_file():
        try:
            json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise IndexOpenError(f"index folder {folder} has a damaged {MARKER}; {rebuild_hint(folder)}") from None
        heal_cache(folder / "embed-cache.sqlite")
        return
    heal_cache(folder / "embed-cache.sqlite")
    foreign = sorted(p.name for p in entries if p.name not in KNOWN)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise IndexOpenError(
            f"{folder} is not a yotassist index folder (it holds unrelated files: {shown}); "
            f"use an empty or new folder with --index, or YOTASSIST_HOME")


def _sqlite_problem(db: Path, full_check_below: int = 64 * 1024 * 1024) -> str | None:
    """None when ``db`` looks like a sound sqlite file, else a short reason."""
    try:
        with open(db, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return exc.strerror or "unreadable"
    if not head:
        return None  # empty file: sqlite treats it as a new database
    if head != SQLITE_MAGIC:
        return "not a database"
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            con.execute("SELECT name FROM sqlite_master").fetchall()
            if db.stat().st_size < full_check_below:
                ok = con.execute("PRAGMA quick_check(1)").fetchone()
                if ok and ok[0] != "ok":
                    return str(ok[0])
        finally:
            con.close()
    except sqlite3.OperationalError:
        return None  # locked or busy (another process is writing): not evidence of damage
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def heal_cache(cache: Path) -> None:
    """The vector cache is only a cache: a damaged one is renamed aside and a new one starts."""
    if cache.exists() and _sqlite_problem(cache):
        cache.replace(cache.with_name(f"{cache.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"))


def write_marker(folder: Path) -> None:
    marker = folder / MARKER
    if not marker.exists():
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"format": 1, "kind": "yotassist index"}) + "\n", encoding="utf-8")


def check_chroma_folder(chroma_dir: Path) -> None:
    """Cheap structural check of an embedded Chroma folder before Chroma opens it."""
    db = chroma_dir / "chroma.sqlite3"
    folder = chroma_dir.parent
    if not db.exists():
        return
    problem = _sqlite_problem(db)
    if problem:
        raise IndexOpenError(f"index folder {folder} is damaged ({db.name}: {problem}); {rebuild_hint(folder)}")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()
    if tables and "collections" not in tables:
        raise IndexOpenError(f"index folder {folder} holds a database that is not a Chroma index; {rebuild_hint(folder)}")


def open_client(folder: Path, url: str | None) -> Any:
    """A Chroma client for the index folder or the server, or ``IndexOpenError``."""
    from index.chroma_store import make_client

    if url:
        try:
            client = make_client(None, url)
            client.heartbeat()
            return client
        except Exception as exc:  # connection refused, bad URL, TLS...
            raise IndexOpenError(f"cannot reach the Chroma server at {url}: {' '.join(str(exc).split())[:200]}") from None
    check_chroma_folder(folder / "chroma")
    try:
        client = make_client(folder / "chroma", None)
        client.list_collections()
        return client
    except Exception as exc:
        raise IndexOpenError(f"index folder {folder} cannot be opened ({' '.join(str(exc).split())[:200]}); "
                             f"{rebuild_hint(folder)}") from None
