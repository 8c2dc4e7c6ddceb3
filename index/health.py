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

from yotassist.one_line import one_line

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


def _set_aside(path: Path) -> None:
    path.replace(path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"))


def check_folder(folder: Path, repair: bool = False) -> None:
    """Refuse a folder that is not ours (unrelated files) or a file; create the marker when new.
    ``repair`` (reindex): a damaged marker in a folder that holds our reports is set aside."""
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
            if not (repair and ((folder / "reports").is_dir() or (folder / "sources").is_dir())):
                raise IndexOpenError(f"index folder {folder} has a damaged {MARKER} (not JSON); "
                                     f"{rebuild_hint(folder)} (reindex writes a new one)") from None
            _set_aside(marker)
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
        return None  # empty file: sqlite treats it as a new database (check_chroma_folder decides)
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


def check_records(folder: Path, repair: bool = False) -> None:
    """A commit record that cannot be read would hide its report silently: say which one, or
    (``repair``) set it aside so reindex rebuilds it from the stored source."""
    reports = folder / "reports"
    if not reports.is_dir():
        return
    damaged = []
    for path in sorted(reports.glob("*.json")):
        try:
            rec = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(rec, dict) or not rec.get("source"):
                raise ValueError("not a record")
        except (OSError, ValueError):
            damaged.append(path)
    if not damaged:
        return
    if repair:
        for path in damaged:
            _set_aside(path)
        return
    names = ", ".join(f"reports/{p.name}" for p in damaged[:3]) + (", ..." if len(damaged) > 3 else "")
    raise IndexOpenError(f"index folder {folder} has {len(damaged)} damaged record file(s) ({names}); "
                         f"{rebuild_hint(folder)} (the reports come back from sources/)")


def check_counts(where: Any, records: dict[str, dict[str, Any]], visible: list[Any]) -> None:
    """Records and Chroma must agree on every report's chunk count; a mismatch (an emptied or
    replaced chroma.sqlite3, a half-restored backup) would otherwise give "no hits" silently."""
    have: dict[str, int] = {}
    for c in visible:
        have[c.source] = have.get(c.source, 0) + 1
    wrong = [(s, int(r.get("chunks") or 0), have.get(s, 0)) for s, r in records.items()
             if int(r.get("chunks") or 0) != have.get(s, 0)]
    if not wrong:
        return
    shown = "; ".join(f"{s}: {want} recorded, {got} in Chroma" for s, want, got in wrong[:3])
    more = f" and {len(wrong) - 3} more" if len(wrong) > 3 else ""
    folder = where if isinstance(where, Path) else Path(".")
    place = f"index folder {where}" if isinstance(where, Path) else f"the Chroma server at {where}"
    raise IndexOpenError(f"{place} is damaged: the search index does not match the reports ({shown}{more}); "
                         f"{rebuild_hint(folder) if isinstance(where, Path) else 'rebuild it with `yotassist reindex`'}")


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
    if not problem and db.stat().st_size == 0 and any((folder / "reports").glob("*.json")):
        problem = "empty (0 bytes) although reports are recorded"
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
            raise IndexOpenError(f"cannot reach the Chroma server at {url}: {one_line(exc, 200)}") from None
    check_chroma_folder(folder / "chroma")
    try:
        client = make_client(folder / "chroma", None)
        client.list_collections()
        return client
    except Exception as exc:
        raise IndexOpenError(f"index folder {folder} cannot be opened ({one_line(exc, 200)}); "
                             f"{rebuild_hint(folder)}") from None
