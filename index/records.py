"""Where an index keeps its commit records, source files and change stamp: a folder or a Chroma server.

Why: the commit record (the parsed report, written last) is what makes a report visible, and the
change stamp is how other processes notice a change and rebuild BM25. With an embedded index both
live in the index folder. With a shared Chroma server they must live *in the server*, next to the
chunks, or a second app instance would neither list a report another instance ingested nor know
that its BM25 is stale. Both implementations have the same small interface so ``index.store``
does not care which one it has.

Server layout (collections beside the chunk collection ``<name>``):

* ``<name>.reports``: one item per report, id = source; document = the commit record as JSON
  (parsed report incl. its lines); metadata = the summary fields (service, rating, sha256, version,
  chunk count...), so listing reports never downloads the full records. The item
  ``__generation__`` holds the change stamp (a fresh random token after every commit or removal).
* ``<name>.sources``: id = source; document = the file's bytes, base64; used by ``reindex`` and
  downloads (materialised into ``<index dir>/server-sources/`` on demand).

Commit order is the same as in a folder: source bytes first, then the record (the commit point),
then the stamp. A crash between the steps leaves the old record in force (the new chunks are
invisible because their version is not the committed one) and the next ingest redoes the work.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Protocol

GENERATION_ID = "__generation__"
SUMMARY_FIELDS = ("source", "name", "service", "published", "year", "framework", "report_type", "overall", "score",
                  "max_score", "resettlement", "sha256", "version", "chunks", "indexed_at", "title", "warnings")


def atomic_write(path: Path, data: bytes) -> None:
    """Write-then-rename with fsync: readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class RecordStore(Protocol):
    def read(self, source: str) -> dict[str, Any] | None: ...
    def all(self) -> dict[str, dict[str, Any]]: ...
    def commit(self, source: str, record: dict[str, Any], data: bytes) -> None: ...
    def delete(self, source: str) -> bool: ...
    def source_bytes(self, source: str) -> bytes | None: ...
    def sources(self) -> list[str]: ...
    def source_path(self, source: str) -> Path | None: ...
    def generation(self) -> Any: ...
    def bump(self) -> None: ...


class FileRecords:
    """``reports/<source>.json``, ``sources/<source>`` and ``generation`` in the index folder."""

    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.reports_dir = folder / "reports"
        self.sources_dir = folder / "sources"
        # file name -> ((mtime_ns, size, inode), summary): a record (with the report's lines, ~100 KB of
        # JSON) is parsed once, not on every listing; listing 500 reports is then a few stats.
        self._summaries: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def _path(self, source: str) -> Path:
        return self.reports_dir / f"{source}.json"

    def read(self, source: str) -> dict[str, Any] | None:
        try:
            return json.loads(self._path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def all(self) -> dict[str, dict[str, Any]]:
        """Summary fields of every committed report (see ``SUMMARY_FIELDS``), cached per file."""
        out: dict[str, dict[str, Any]] = {}
        seen: set[str] = set()
        for path in sorted(self.reports_dir.glob("*.json")):
            try:
                st = path.stat()
            except OSError:
                continue
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            seen.add(path.name)
            cached = self._summaries.get(path.name)
            if cached is None or cached[0] != stamp:
                try:
                    rec = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                summary = {k: rec.get(k) for k in SUMMARY_FIELDS}
                summary["source"] = rec.get("source") or path.name[:-5]
                cached = (stamp, summary)
                with self._lock:
                    self._summaries[path.name] = cached
            out[cached[1]["source"]] = dict(cached[1])
        with self._lock:
            for gone in set(self._summaries) - seen:
                self._summaries.pop(gone, None)
        return out

    def commit(self, source: str, record: dict[str, Any], data: bytes) -> None:
        # Unique per process and thread: two writers never share (and so never steal) a temp name.
        incoming = self.sources_dir / f".{source}.{os.getpid()}.{threading.get_ident()}.incoming"
        atomic_write(incoming, data)
        atomic_write(self._path(source), json.dumps(record, ensure_ascii=False).encode("utf-8"))  # commit point
        os.replace(incoming, self.sources_dir / source)

    def delete(self, source: str) -> bool:
        path = self._path(source)
        if not path.exists():
            return False
        path.unlink()  # invisible from here on
        (self.sources_dir / source).unlink(missing_ok=True)
        return True

    def source_bytes(self, source: str) -> bytes | None:
        path = self.sources_dir / source
        return path.read_bytes() if path.is_file() else None

    def sources(self) -> list[str]:
        """Every stored source file (also those whose record was lost: reindex restores them)."""
        if not self.sources_dir.is_dir():
            return []
        return sorted(p.name for p in self.sources_dir.iterdir() if p.is_file() and not p.name.startswith("."))

    def source_path(self, source: str) -> Path | None:
        path = self.sources_dir / source
        return path if path.is_file() else None

    def generation(self) -> Any:
        try:
            st = (self.dir / "generation").stat()
            return (st.st_mtime_ns, st.st_size)
        except OSError:
            return (0, 0)

    def bump(self) -> None:
        atomic_write(self.dir / "generation", f"{time.time_ns()} {uuid.uuid4().hex}".encode())


def _scalar_meta(record: dict[str, Any]) -> dict[str, Any]:
    meta = {k: record[k] for k in SUMMARY_FIELDS if isinstance(record.get(k), (str, int, float, bool))}
    if record.get("warnings"):  # metadata holds scalars only: the parser's warnings as JSON text
        meta["warnings_json"] = json.dumps(list(record["warnings"]), ensure_ascii=False)
    return meta


class ChromaRecords:
    """The same records kept in two small collections of a (shared) Chroma server."""

    def __init__(self, client: Any, name: str, embedding_function: Any, cache_dir: Path) -> None:
        # The vectors of these items are a constant placeholder: nothing ever queries them by
        # similarity, but Chroma needs one per item (and an explicit embedding function).
        self.report_col = client.get_or_create_collection(f"{name}.reports", embedding_function=embedding_function)
        self.source_col = client.get_or_create_collection(f"{name}.sources", embedding_function=embedding_function)
        self.cache_dir = cache_dir

    @staticmethod
    def _vec() -> list[list[float]]:
        return [[1.0]]

    def read(self, source: str) -> dict[str, Any] | None:
        got = self.report_col.get(ids=[source], include=["documents"])
        if not got["ids"]:
            return None
        try:
            return json.loads(got["documents"][0] or "")
        except ValueError:
            return None

    def all(self) -> dict[str, dict[str, Any]]:
        """Summary fields of every report (metadata only: cheap even with hundreds of reports)."""
        out: dict[str, dict[str, Any]] = {}
        total = self.report_col.count()
        for offset in range(0, total, 1000):
            got = self.report_col.get(include=["metadatas"], limit=1000, offset=offset)
            for rid, meta in zip(got["ids"], got["metadatas"]):
                if rid != GENERATION_ID:
                    meta = dict(meta or {})
                    warnings = json.loads(meta.pop("warnings_json", None) or "[]")
                    out[rid] = dict(meta, source=rid, warnings=warnings)
        return dict(sorted(out.items()))

    def commit(self, source: str, record: dict[str, Any], data: bytes) -> None:
        sha = str(record.get("sha256") or "")
        self.source_col.upsert(ids=[source], documents=[base64.b64encode(data).decode("ascii")],
                            metadatas=[{"sha256": sha, "bytes": len(data)}], embeddings=self._vec())
        self.report_col.upsert(ids=[source], documents=[json.dumps(record, ensure_ascii=False)],
                            metadatas=[_scalar_meta(record)], embeddings=self._vec())  # commit point

    def delete(self, source: str) -> bool:
        if not self.report_col.get(ids=[source], include=[])["ids"]:
            return False
        self.report_col.delete(ids=[source])  # invisible from here on
        self.source_col.delete(ids=[source])
        (self.cache_dir / source).unlink(missing_ok=True)
        return True

    def source_bytes(self, source: str) -> bytes | None:
        got = self.source_col.get(ids=[source], include=["documents"])
        if not got["ids"]:
            return None
        return base64.b64decode(got["documents"][0] or "")

    def sources(self) -> list[str]:
        out: list[str] = []
        total = self.source_col.count()
        for offset in range(0, total, 1000):
            out += self.source_col.get(include=[], limit=1000, offset=offset)["ids"]
        return sorted(out)

    def source_path(self, source: str) -> Path | None:
        """A local copy of the stored file (downloads and viewers want a path)."""
        data = self.source_bytes(source)
        if data is None:
            return None
        path = self.cache_dir / source
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data)
        return path

    def generation(self) -> Any:
        got = self.report_col.get(ids=[GENERATION_ID], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def bump(self) -> None:
        self.report_col.upsert(ids=[GENERATION_ID], documents=[f"{time.time_ns()} {uuid.uuid4().hex}"],
                            metadatas=[{"kind": "generation"}], embeddings=self._vec())
