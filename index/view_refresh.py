"""The read side of an ``Index``: install, build and persist the read view a search runs on.

Why its own module: the view (visible chunks, BM25 postings, dense matrix) is a pure function of
the committed index, labelled with its generation stamp, and the rules for when to rebuild it are
about concurrency: a question never waits for a writer while an older view is installed; with no
view for the current stamp, a reader waits for the write lock and then loads what the writer
persisted (``index.view``), or builds it from Chroma itself (a CLI batch, a crash).

``ViewRefresh`` is a mixin of ``index.store.Index``: it uses the facade's settings, folder, lock,
Chroma store, records and write lock (``index.ingest_commit``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from index.model import Chunk


class ViewRefresh:
    """The read view of ``index.store.Index``: ``_refresh`` before a search, ``persist_view``
    after a change."""

    settings: Any
    dir: Path
    chroma_url: str | None
    _lock: Any
    _corpus: Any
    _generation_seen: Any

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
        # Each assignment is atomic: a concurrent search reads ``_view`` once (chunks, BM25 and
        # services of one view) and uses ``_dense`` only when its corpus is that same one.
        self._view = (corpus, lexical, services)
        self._corpus, self._lexical, self._services = corpus, lexical, services
        self._generation_seen = gen

    def persist_view(self) -> None:
        """Build and persist the read view now (after a change), so the next process starts warm."""
        try:
            self._refresh(wait=True)  # the writer itself: build now, never "someone else is writing"
        except Exception:
            pass  # only a cache: the next reader rebuilds it



def _lexical_text(chunk: Chunk) -> str:
    # The section title and number take part in matching; the service name does not (it would
    # make every chunk of a report match a question that names it: services are filters instead).
    return f"{chunk.section} {chunk.title}\n{chunk.text}"

