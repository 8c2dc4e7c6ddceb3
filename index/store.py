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

Where the code is: this module is the facade (opening, the commit-record accessors, reading and
search); the write side (ingest, reindex, remove, the commit) is ``index.ingest_commit`` and the
read view a search runs on is ``index.view_refresh``, both mixed into ``Index`` so callers and
tests keep one object. Names once defined here are still importable from here.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from index.ingest_commit import SUPPORTED_EXTS, IngestCommit, _load_report_from_bytes  # noqa: F401  (re-exported)
from index.model import Chunk, Hit
from index.naming import _exact
from index.results import IngestResult, IngestSummary, ReportSummary, Status  # noqa: F401  (re-exported)
from index.view_refresh import ViewRefresh, _lexical_text  # noqa: F401  (re-exported)
from ingest.model import Report
from yotassist.one_line import one_line
from yotassist.settings import Settings, get_settings


class Index(IngestCommit, ViewRefresh):
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
        # The similarity cache's own lock: ``_lock`` is held by a writer for the whole write,
        # commit and view rebuild of an upload (seconds), and a search must never wait for that.
        self._sims_lock = threading.Lock()
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
                                     f"({one_line(exc, 200)}); {rebuild_hint(self.dir)}") from None
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

        tuning = self.settings.retrieval
        return hybrid_search(plan, corpus, lexical.scores(plan.text), dense, k,
                             candidates=self.settings.candidates, service=service, standard=standard,
                             diversify_results=diversify,
                             rare_match=lexical.rare_match(plan.text, *rare_limits(lexical.size, tuning)),
                             dense_sims=sims, tuning=tuning)

    def _similarities(self, matrix: Any, text: str, vector: Any) -> Any:
        """Cosines of every row to the query, kept for the last few query texts of this view: one
        question searches the same text several times (a comparative answer once per service)."""
        from collections import OrderedDict

        with self._sims_lock:  # not ``_lock``: a writer holds that for seconds (bench/results/load.md)
            if getattr(self, "_sims_matrix", None) is not matrix:
                self._sims_matrix, self._sims = matrix, OrderedDict()
            cache = self._sims
            got = cache.get(text)
            if got is not None:
                cache.move_to_end(text)
                return got
        sims = matrix.similarities(vector)
        sims.setflags(write=False)  # shared between concurrent searches
        with self._sims_lock:
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

