"""The write side of an ``Index``: ingest, reindex and remove, up to the commit point.

Why its own module: this is the one path that changes an index, and its correctness rests on a
few ordered steps that are easier to check together than spread through the facade
(``index.store``). A new or changed file is parsed, chunked and embedded outside any lock
(``index.pipeline``); then, under the cross-process write lock (``index.writelock``), the
committed record is re-read (another process may have committed the same file), the chunks are
written under a new *version*, and the record is committed by atomic rename (the single commit
point, ``index.records``). Old-version chunks are swept afterwards; a failed write deletes only its
own version's chunks, never the committed version's.

``IngestCommit`` is a mixin of ``index.store.Index``: it uses the facade's settings, folders,
locks, Chroma store, records and embedder, and the view refresh (``persist_view``).
"""

from __future__ import annotations

import hashlib
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from index.model import Chunk
from index.naming import _exact, safe_source_name
from index.results import IngestResult, IngestSummary
from ingest.loaders import SUPPORTED as LOADER_SUFFIXES
from ingest.model import Report

SUPPORTED_EXTS = frozenset(LOADER_SUFFIXES)  # whatever the parser can load, .docx included


def _load_report_from_bytes(data: bytes, filename: str) -> Report:
    """Parser entry point (ingest owns it); imported lazily to keep this module light."""
    import ingest

    return ingest.load_bytes(data, filename)


class IngestCommit:
    """Ingest, reindex and remove for ``index.store.Index`` (which provides ``settings``, ``dir``,
    ``chroma_url``, ``_lock``, ``store``, ``records``, ``embedder`` and ``persist_view``)."""

    settings: Any
    dir: Path
    chroma_url: str | None
    _lock: Any
    _store: Any
    _embedder: Any

    # --- ingest -------------------------------------------------------------------------------
    @staticmethod
    def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[IngestResult]]:
        files: list[Path] = []
        missing: list[IngestResult] = []
        for p in paths:
            p = Path(p)
            if p.is_dir():
                # Only the files directly inside: a sub-folder may hold sources of the same reports.
                files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUPPORTED_EXTS
                                    and not f.name.startswith(".") and f.name.lower() != "readme.md"))
            elif p.is_file():
                files.append(p)
            else:
                missing.append(IngestResult(source=p.name, status="failed", path=str(p), error=f"no such file or folder: {p}"))
        return files, missing

    def ingest(self, paths: Sequence[Path], progress: bool = True, allow_unstructured: bool = False) -> IngestSummary:
        """Index files and folders; each file is added, updated, unchanged or failed on its own.
        ``allow_unstructured`` (``--force``): take documents with no report structure too."""
        t0 = time.perf_counter()
        files, results = self._expand(paths)
        summary = IngestSummary(results=list(results))
        bar = None
        if progress and files:
            from tqdm import tqdm

            bar = tqdm(total=len(files), unit="file", desc="ingest", leave=False, dynamic_ncols=True)
        before = self._embed_stats()
        for f in files:
            if bar is not None:
                bar.set_postfix_str(f.name[:40])
            try:
                data = f.read_bytes()
            except OSError as exc:
                summary.results.append(IngestResult(source=f.name, status="failed", path=str(f), error=f"cannot read {f}: {exc.strerror}"))
            else:
                res = self._ingest_one(data, f.name, allow_unstructured=allow_unstructured)
                res.path = str(f)
                summary.results.append(res)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        after = self._embed_stats()
        summary.embedded, summary.cached = after[0] - before[0], after[1] - before[1]
        if summary.count("added") or summary.count("updated"):
            self.persist_view()
        summary.seconds = round(time.perf_counter() - t0, 3)
        return summary

    def ingest_bytes(self, data: bytes, filename: str, allow_unstructured: bool = False,
                     progress: Any = None, parsed: Report | None = None) -> IngestResult:
        """The upload path: same steps as ``ingest``; the bytes are kept under sources/.
        ``progress(stage, fraction)`` follows the work (``index.pipeline``); ``parsed``: the report
        the caller already parsed from these bytes (an upload checked before it was queued)."""
        limit = self.settings.max_upload_mb * 1024 * 1024
        if len(data) > limit:
            return IngestResult(source=safe_source_name(filename), status="failed",
                                error=f"file is larger than {self.settings.max_upload_mb} MB")
        return self._ingest_one(data, filename, allow_unstructured=allow_unstructured, progress=progress, parsed=parsed,
                                persist=True)

    def _embed_stats(self) -> tuple[int, int]:
        if self._embedder is None:
            return (0, 0)
        return (self._embedder.stats.misses, self._embedder.stats.hits)

    def _ingest_one(self, data: bytes, filename: str, force: bool = False, name: str | None = None,
                    allow_unstructured: bool = False, progress: Any = None, parsed: Report | None = None,
                    persist: bool = False) -> IngestResult:
        """Parse, chunk and embed outside the write lock; write the chunks and commit inside it.
        ``allow_unstructured``: the user forces a document with no report structure in; ``persist``:
        save the read view before the lock is released (uploads, for other workers)."""
        t0 = time.perf_counter()
        source = safe_source_name(filename)
        name = name or Path(str(filename).replace("\\", "/")).name.strip() or source
        if Path(source).suffix.lower() not in SUPPORTED_EXTS:
            return IngestResult(source=source, status="failed",
                                error=f"unsupported file type {Path(source).suffix or '(none)'}; expected one of {' '.join(sorted(SUPPORTED_EXTS))}")
        sha = hashlib.sha256(data).hexdigest()
        old = self._read_record(source)
        if old and old.get("sha256") == sha and not force:
            return _unchanged(source, old, t0)
        # A forced re-ingest (reindex) writes beside the committed version under fresh ids.
        version = f"{sha[:16]}.{time.time_ns() % 10**10}" if force else sha[:16]
        try:
            report, chunks, vectors = self._prepare(data, source, sha, version, allow_unstructured, progress, parsed)
        except Exception as exc:  # one bad file never stops the others nor leaves half data
            return IngestResult(source=source, status="failed", error=_one_line(exc),
                                seconds=round(time.perf_counter() - t0, 3))
        with self.write_lock.hold(), self._lock:
            result = self._write_and_commit(source, sha, version, data, report, chunks, vectors, force, t0, name)
            if persist and result.status in ("added", "updated"):
                self._after_write()
            return result

    def _after_write(self) -> None:
        """Still under the write lock: persist the read view of the new state, so readers in other
        processes (``yotassist serve --workers N``) load it instead of reading Chroma; with several
        workers, also drop this process's embedded Chroma handle (the next write reopens it and sees
        the other workers' writes; a long-lived handle would not)."""
        self.persist_view()
        if self.settings.workers > 1:
            self._release_store()

    def _release_store(self) -> None:
        if self.chroma_url or self._store is None:
            return
        try:
            from chromadb.api.shared_system_client import SharedSystemClient

            self._store = None
            SharedSystemClient.clear_system_cache()
        except Exception:
            pass

    def _prepare(self, data: bytes, source: str, sha: str, version: str, allow_unstructured: bool = False,
                 progress: Any = None, parsed: Report | None = None) -> tuple[Report, list[Chunk], Any]:
        """Parse, check, chunk and embed (``index.pipeline``): no index writes, so no lock is needed."""
        from index.pipeline import prepare

        return prepare(self, data, source, sha, version, allow_unstructured=allow_unstructured, progress=progress,
                       parsed=parsed)

    @property
    def write_lock(self) -> Any:
        """The index's cross-process write lock (``index.writelock``), one per Index."""
        if getattr(self, "_write_lock", None) is None:
            from index.writelock import LOCK_NAME, WriteLock

            self._write_lock = WriteLock(self.dir / LOCK_NAME, self.settings.write_lock_timeout_s)
        return self._write_lock

    def _write_and_commit(self, source: str, sha: str, version: str, data: bytes, report: Report,
                          chunks: list[Chunk], vectors: Any, force: bool, t0: float, name: str) -> IngestResult:
        """Under the write lock: re-read the committed record (another process may have committed
        the same file meanwhile), write the chunks, commit the record, sweep other versions."""
        old = self._read_record(source)
        if old and old.get("sha256") == sha and not force:
            return _unchanged(source, old, t0)
        written = False
        try:
            self.store.add(chunks, vectors, version)
            written = True
            record = report.model_dump(mode="json")
            record.update(source=source, name=name, sha256=sha, version=version, chunks=len(chunks),
                          indexed_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                          lines=report.lines, line_pages=report.line_pages, year=report.year)
            # Commit point: the report becomes visible (with exactly these chunks) here.
            self.records.commit(source, record, data)
        except Exception as exc:
            if written:
                self._discard_uncommitted(source, version)
            from index.unreachable import IndexUnreachable, describe, unreachable

            if unreachable(exc):  # the server went away: every later file would fail the same way
                raise IndexUnreachable(describe(exc, self.chroma_url)) from None
            return IngestResult(source=source, status="failed", error=_one_line(exc),
                                seconds=round(time.perf_counter() - t0, 3))
        try:
            self.store.delete_source(source, keep_version=version)
        except Exception:
            pass  # invisible leftovers; swept next time
        self._bump_generation()
        return IngestResult(source=source, status="updated" if old else "added", chunks=len(chunks),
                            seconds=round(time.perf_counter() - t0, 3), warnings=list(report.warnings))

    def _discard_uncommitted(self, source: str, version: str) -> None:
        """Delete the chunks of a failed write, unless that version is the committed one."""
        try:
            committed = self._read_record(source)
            if not committed or committed.get("version") != version:
                self.store.delete_version(source, version)
        except Exception:
            pass  # invisible leftovers; swept next time

    # --- reindex / remove -----------------------------------------------------------------------
    def reindex(self, progress: bool = True) -> IngestSummary:
        """Re-parse, re-chunk and re-embed every stored source (after a parser or chunker change).

        The cache keeps unchanged chunk texts from being re-embedded."""
        t0 = time.perf_counter()
        summary = IngestSummary()
        with self.write_lock.hold():
            self._set_aside_damaged()
            for source in sorted(set(self._records()) | set(self.records.sources())):
                data = self.records.source_bytes(source)
                if data is None:
                    summary.results.append(IngestResult(source=source, status="failed", error="stored source file is missing"))
                    continue
                # Accepted once (perhaps forced): only the chunk limit applies again.
                res = self._ingest_one(data, source, force=True, name=(self._read_record(source) or {}).get("name"),
                                       allow_unstructured=True)
                summary.results.append(res)
        self.persist_view()
        summary.seconds = round(time.perf_counter() - t0, 3)
        return summary

    def _set_aside_damaged(self) -> None:
        """Embedded mode: a Chroma folder that cannot be opened is renamed to ``chroma.damaged-<time>``
        so that ``reindex`` can rebuild it from the stored sources."""
        if self.chroma_url:
            return
        from index.health import IndexOpenError

        try:
            _ = self.store
        except IndexOpenError:
            self._store = None
            os.replace(self.dir / "chroma", self.dir / f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}")

    def remove(self, source: str) -> bool:
        """Remove a report and its chunks; False when it is not indexed (ids match exactly)."""
        found = _exact(source)
        if found is None:
            return False
        source = found
        with self.write_lock.hold(), self._lock:
            if not self.records.delete(source):  # the record goes first: invisible from here on
                return False
            self._bump_generation()
            self.store.delete_source(source)
            self._after_write()
            return True



def _unchanged(source: str, record: dict[str, Any], t0: float) -> IngestResult:
    return IngestResult(source=source, status="unchanged", chunks=int(record.get("chunks", 0)),
                        seconds=round(time.perf_counter() - t0, 3))


def _one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or exc.__class__.__name__
    return msg[:300]

