"""The ``Index`` facade: ingest, remove, list, fetch and search reports.

Layout of an index folder::

    reports/<source>.json   parsed Report (+ its loaded lines, chunk count, time): the commit record
    sources/<source>        the ingested file's bytes, as uploaded
    chroma/                 embedded Chroma (absent when a Chroma server is used)
    embed-cache.sqlite      content-hash -> vector cache
    generation              stamp bumped after every change (other processes notice it)

Idempotency and atomic replacement: a file whose sha256 equals the committed report's is skipped
without parsing or loading the model. A new or changed file is parsed, chunked and embedded; its
chunks are written to Chroma under a new *version* (sha256 prefix, part of every chunk id and its
metadata) beside any old ones; then ``reports/<source>.json`` is written by atomic rename. That
rename is the single commit point: search only shows chunks whose version equals the committed
report's, so readers see the old report or the new one, never a mix or half. Old-version chunks
are deleted after the commit; leftovers from a crash are invisible and swept on the next ingest.

One writer at a time (``index.writelock``): parsing and embedding run unlocked, then writing the
chunks, the commit and the sweep run under an exclusive cross-process lock on ``.write.lock``,
after re-reading the committed record (another process may have committed the same file). A
failed write only deletes its own version's chunks, never the committed version's.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from index.model import Chunk, Hit
from index.naming import _exact, safe_source_name
from index.results import IngestResult, IngestSummary, ReportSummary, Status  # noqa: F401  (re-exported)
from ingest.model import Report
from ingest.loaders import SUPPORTED as LOADER_SUFFIXES
from yotassist.settings import Settings, get_settings

SUPPORTED_EXTS = frozenset(LOADER_SUFFIXES)  # whatever the parser can load, .docx included


def _load_report_from_bytes(data: bytes, filename: str) -> Report:
    """Parser entry point (ingest owns it); imported lazily to keep this module light."""
    import ingest

    return ingest.load_bytes(data, filename)


class Index:
    """Reports in, hits out. One instance per index folder per process is the intended use."""

    def __init__(self, settings: Settings, index_dir: Path, chroma_url: str | None) -> None:
        self.settings = settings
        self.dir = Path(index_dir)
        self.chroma_url = chroma_url
        self.reports_dir = self.dir / "reports"
        self.sources_dir = self.dir / "sources"
        for d in (self.reports_dir, self.sources_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._embedder: Any = None
        self._store: Any = None
        self._corpus: Any = None
        self._lexical: Any = None
        self._generation_seen: Any = None
        self._records_store: Any = None

    # --- opening ----------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: Settings | None = None, *, index_dir: Path | None = None,
             chroma_url: str | None = None, repair: bool = False) -> "Index":
        """``repair`` (reindex): a damaged marker or record file is set aside instead of refused."""
        from index.health import check_folder, check_records, write_marker

        settings = settings or get_settings()
        folder = (Path(index_dir) if index_dir else settings.index_dir).expanduser()
        check_folder(folder, repair=repair)  # a foreign or damaged folder: IndexOpenError naming it, before any write
        if not (chroma_url or settings.chroma_url):
            check_records(folder, repair=repair)
        index = cls(settings, folder, chroma_url or settings.chroma_url)
        write_marker(folder)
        from index.dense import limit_blas_threads

        limit_blas_threads(settings.blas_threads)
        return index

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from index.embedder import CachedEmbedder

            self._embedder = CachedEmbedder(self._embedding_settings(), self.dir / "embed-cache.sqlite")
        return self._embedder

    def _embedding_settings(self) -> Any:
        """The embedder this index's vectors were made with (recorded in ``embedding.json`` when the
        index is created; a conflicting explicit setting is refused, see ``index.fingerprint``)."""
        if self.chroma_url:
            return self.settings.embed  # server mode: the fingerprint is not shared through the server (yet)
        from index.fingerprint import resolve

        return resolve(self.dir, self.settings.embed, has_reports=any(self.reports_dir.glob("*.json")))

    @property
    def store(self) -> Any:
        if self._store is None:
            from index.chroma_store import ChromaStore
            from index.health import open_client

            from index.health import IndexOpenError, rebuild_hint

            client = open_client(self.dir, self.chroma_url)
            try:
                self._store = ChromaStore(client, self.settings.collection, self.embedder.chroma())
            except Exception as exc:
                where = f"the Chroma server at {self.chroma_url}" if self.chroma_url else f"index folder {self.dir}"
                raise IndexOpenError(f"{where}: cannot open collection {self.settings.collection!r} "
                                     f"({' '.join(str(exc).split())[:200]}); {rebuild_hint(self.dir)}") from None
        return self._store

    @property
    def records(self) -> Any:
        """Commit records, stored sources and the change stamp: index folder, or the Chroma server
        in server mode (so every app instance sharing the server sees the same reports)."""
        if self._records_store is None:
            from index.records import ChromaRecords, FileRecords

            if self.chroma_url:
                self._records_store = ChromaRecords(self.store.client, self.settings.collection,
                                                    self.embedder.chroma(), self.dir / "server-sources")
            else:
                self._records_store = FileRecords(self.dir)
        return self._records_store

    # --- commit records ---------------------------------------------------------------------
    def _record_path(self, source: str) -> Path:
        return self.reports_dir / f"{source}.json"

    def _read_record(self, source: str) -> dict[str, Any] | None:
        return self.records.read(source)

    def _records(self) -> dict[str, dict[str, Any]]:
        return self.records.all()

    def _bump_generation(self) -> None:
        self.records.bump()

    def _generation(self) -> Any:
        return self.records.generation()

    def generation(self) -> Any:
        """The change stamp: moves on every ingest, update, removal and reindex, by any process
        (readers such as ``assistant.library.Library`` re-read the report list only when it moves)."""
        return self._generation()

    def generation_tag(self) -> str:
        """A short tag of the index's current generation (changes with every ingest or removal),
        stamped on answers and drafts so a result can be traced to the index state it came from."""
        return hashlib.sha256(repr(self._generation()).encode("utf-8")).hexdigest()[:12]

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

    # --- reading --------------------------------------------------------------------------------
    def reports(self) -> list[ReportSummary]:
        out = []
        for source, rec in self._records().items():
            published = rec.get("published")
            year = rec.get("year") or (int(published[:4]) if published and published[:4].isdigit() else None)
            out.append(ReportSummary(
                source=source, service=rec.get("service"), published=published, year=year,
                framework=rec.get("framework"), report_type=rec.get("report_type"), overall=rec.get("overall"),
                score=rec.get("score"), max_score=rec.get("max_score"), resettlement=rec.get("resettlement"),
                sha256=rec.get("sha256"), chunks=int(rec.get("chunks") or 0), name=rec.get("name") or source,
                warnings=list(rec.get("warnings") or []),
            ))
        return sorted(out, key=lambda r: (r.service or r.source, r.published or ""))

    def get_report(self, source: str) -> Report | None:
        exact = _exact(source)
        rec = self._read_record(exact) if exact else None
        if rec is None:
            return None
        report = Report.model_validate(rec)
        report.lines = list(rec.get("lines") or [])
        report.line_pages = rec.get("line_pages")
        return report

    def source_path(self, source: str) -> Path | None:
        exact = _exact(source)
        return self.records.source_path(exact) if exact else None

    def services(self) -> list[str]:
        return sorted({r.service for r in self.reports() if r.service})

    # --- search ---------------------------------------------------------------------------------
    def _refresh(self, wait: bool = False) -> None:
        """Install the current read view (visible chunks, BM25, dense matrix) when the generation
        stamp moved: the persisted one when it matches the stamp (no Chroma, no tokenising), else
        rebuilt from Chroma and persisted for the next process."""
        gen = self._generation()
        if self._corpus is not None and gen == self._generation_seen:
            return
        if self._corpus is not None and not wait:
            # A view is installed: never make a question wait for a writer. Install the persisted
            # view of the new stamp if it exists, else keep answering from the current one while
            # a writer (this process or another) holds the lock; it persists the new view.
            if not self._lock.acquire(blocking=False):
                return
            try:
                if gen == self._generation_seen or self._load_view(gen):
                    return
            finally:
                self._lock.release()
            if self._writer_busy():
                return
        with self._lock:
            if self._corpus is not None and gen == self._generation_seen:
                return  # another thread installed it meanwhile
            if self._load_view(gen):
                return
        # No persisted view for this stamp: a writer (perhaps another process) is likely about to
        # persist it. Wait for the write lock (lock order as writers: write lock, then ours), then
        # load it, or build it from Chroma when the writer did not (a CLI batch, a crash).
        with self._write_lock_if_possible(), self._lock:
            gen = self._generation()
            if self._corpus is not None and gen == self._generation_seen:
                return
            if not self._load_view(gen):
                self._build_view(gen)
                if self.settings.workers > 1:
                    self._release_store()

    def _writer_busy(self) -> bool:
        """True while any writer (a thread of this process or another process) holds the write lock."""
        import fcntl

        from index.writelock import LOCK_NAME

        try:
            with open(self.dir / LOCK_NAME, "a+", encoding="utf-8") as fh:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return True
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
                return False
        except OSError:
            return False

    def _write_lock_if_possible(self) -> Any:
        """The write lock, or nothing when it cannot be taken (a read-only folder, a long writer)."""
        from contextlib import contextmanager

        from index.writelock import IndexBusy

        @contextmanager
        def hold() -> Any:
            try:
                ctx = self.write_lock.hold()
                ctx.__enter__()
            except (OSError, IndexBusy):
                yield
                return
            try:
                yield
            finally:
                ctx.__exit__(None, None, None)

        return hold()

    def _load_view(self, gen: Any) -> bool:
        from index import view
        from index.dense import DenseMatrix
        from index.lexical import LexicalIndex

        got = view.load(self.dir, gen)
        if got is None:
            return False
        chunks, vectors, lexical = got
        self._install_view(gen, chunks, LexicalIndex.from_arrays(lexical), DenseMatrix(chunks, vectors))
        return True

    def _build_view(self, gen: Any) -> None:
        from index import view
        from index.dense import DenseMatrix
        from index.lexical import LexicalIndex

        versions = {s: r.get("version") or (r.get("sha256") or "")[:16] for s, r in self._records().items()}
        visible: list[Chunk] = []
        for chunk, version in self.store.all_records():
            if versions.get(chunk.source) == version:
                visible.append(chunk)
        visible.sort(key=lambda c: (c.source, c.line_start, c.line_end))
        from index.health import check_counts

        check_counts(self.dir if not self.chroma_url else self.chroma_url, self._records(), visible)
        lexical = LexicalIndex([_lexical_text(c) for c in visible])
        # Exact in-memory dense search over the same chunks (None: fall back to Chroma queries).
        try:
            matrix = DenseMatrix.load(self.store.collection, visible)
        except Exception:
            matrix = None
        self._install_view(gen, visible, lexical, matrix)
        if matrix is not None:
            view.save(self.dir, gen, visible, matrix.vectors, lexical.to_arrays())

    def _install_view(self, gen: Any, chunks: list[Chunk], lexical: Any, matrix: Any) -> None:
        from index.retriever import Corpus

        corpus = Corpus(list(chunks))
        services = sorted({c.service for c in corpus.chunks if c.service})
        self._dense = (corpus, matrix)
        # One tuple swap: a concurrent search sees the old view or the new one, never a mix.
        self._view = (corpus, lexical, services)
        self._corpus, self._lexical, self._services = corpus, lexical, services
        self._generation_seen = gen

    def persist_view(self) -> None:
        """Build and persist the read view now (after a change), so the next process starts warm."""
        try:
            self._refresh(wait=True)  # the writer itself: build now, never "someone else is writing"
        except Exception:
            pass  # only a cache: the next reader rebuilds it

    def warm(self) -> None:
        """Load the model, Chroma and BM25 now (servers call this at start-up)."""
        self._refresh()
        self.embedder.embed_query("warm up")

    def search(self, query: str, k: int = 5, *, service: str | None = None, standard: str | None = None,
               diversify: bool | None = None) -> list[Hit]:
        from index.query import understand
        from index.retriever import hybrid_search

        query = (query or "").strip()
        if not query:
            return []
        self._refresh()
        corpus, lexical, services = self._view
        plan = understand(query, services)
        if service:
            service = self.resolve_service(service, services) or service
        vector = self.embedder.embed_query(plan.text)
        dense_corpus, matrix = getattr(self, "_dense", (None, None))
        if dense_corpus is not corpus:
            matrix = None  # built for another view: use Chroma
        sims = self._similarities(matrix, plan.text, vector) if matrix is not None else None

        def dense(where: dict | None, n: int) -> list[tuple[str, float]]:
            if matrix is not None:
                got = matrix.search(sims, where, n)
                if got is not None:
                    return got
            return self.store.query(vector, n, where)

        from index.retriever import rare_limits

        return hybrid_search(plan, corpus, lexical.scores(plan.text), dense, k,
                             candidates=self.settings.candidates, service=service, standard=standard,
                             diversify_results=diversify, rare_match=lexical.rare_match(plan.text, *rare_limits(lexical.size)),
                             dense_sims=sims)

    def _similarities(self, matrix: Any, text: str, vector: Any) -> Any:
        """Cosines of every row to the query, kept for the last few query texts of this view: one
        question searches the same text several times (a comparative answer once per service)."""
        from collections import OrderedDict

        with self._lock:
            if getattr(self, "_sims_matrix", None) is not matrix:
                self._sims_matrix, self._sims = matrix, OrderedDict()
            cache = self._sims
            got = cache.get(text)
            if got is not None:
                cache.move_to_end(text)
                return got
        sims = matrix.similarities(vector)
        sims.setflags(write=False)  # shared between concurrent searches
        with self._lock:
            if self._sims_matrix is matrix:
                cache[text] = sims
                while len(cache) > 32:
                    cache.popitem(last=False)
        return sims

    def resolve_service(self, name: str, services: list[str] | None = None) -> str | None:
        """The indexed service a name or short form ("TH", "kirklees") stands for, or None."""
        from index.query import find_services

        if services is None:
            self._refresh()
            services = self._view[2]
        match = [s for s in services if s.lower() == name.strip().lower()]
        found = match or find_services(name, services)
        return found[0] if found else None

    def chunks(self) -> list[Chunk]:
        self._refresh()
        return list(self._corpus.chunks)

    def as_retriever(self, k: int = 5, **filters: Any) -> Any:
        from index.langchain_retriever import IndexRetriever

        return IndexRetriever(index=self, k=k, **filters)


def _unchanged(source: str, record: dict[str, Any], t0: float) -> IngestResult:
    return IngestResult(source=source, status="unchanged", chunks=int(record.get("chunks", 0)),
                        seconds=round(time.perf_counter() - t0, 3))


def _lexical_text(chunk: Chunk) -> str:
    # The section title and number take part in matching; the service name does not (it would
    # make every chunk of a report match a question that names it: services are filters instead).
    return f"{chunk.section} {chunk.title}\n{chunk.text}"


def _one_line(exc: BaseException) -> str:
    msg = " ".join(str(exc).split()) or exc.__class__.__name__
    return msg[:300]


def iter_sources(paths: Iterable[Path]) -> list[Path]:
    return Index._expand(list(paths))[0]
