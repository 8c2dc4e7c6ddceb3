"""Parse, check, chunk and embed one document, with progress: the unlocked half of an ingest.

Why its own module: this is where a document's cost is decided, before any index write, so the
two guards against expensive documents live here beside the steps they guard:

* a document with no inspection-report structure (``ingest.report_signals``) is refused unless the
  user forces it (``allow_unstructured``), before it is chunked or embedded;
* a document that would become more than ``settings.max_chunks_per_document`` chunks is refused
  before anything is embedded, forced or not (the setting is the knob).

``progress(stage, fraction)`` is called as the work goes (``parsing``, ``chunking``, ``embedding``
with the share of chunks embedded so far); upload jobs show it in the page. The write lock is not
held here: ``index.ingest_commit`` takes it only to write the chunks and commit.
"""

from __future__ import annotations

from typing import Any, Callable

from index.model import Chunk
from ingest.model import Report

Progress = Callable[[str, float], None]


class DocumentRefused(ValueError):
    """A document the index will not take as it is (not a report, too many chunks); a ValueError so
    every caller that reports a bad file reports this one the same way."""


def _noop(stage: str, fraction: float) -> None:
    return None


def parse_checked(data: bytes, source: str, *, allow_unstructured: bool = False) -> Report:
    """Parse ``data`` and refuse it (``ValueError``) when it has no text or, unless allowed, no
    report structure: the cheap checks an upload gets before it is queued."""
    from index.ingest_commit import _load_report_from_bytes
    from ingest.report_signals import refusal

    report = _load_report_from_bytes(data, source)
    if not report.lines:
        raise ValueError("no text found in the file")
    if not allow_unstructured and (why := refusal(report)):
        raise DocumentRefused(why)
    return report


def check_chunk_count(count: int, limit: int) -> None:
    if count > limit:
        raise DocumentRefused(f"the document would make {count} chunks, more than the limit of {limit} per "
                              "document (YOTASSIST_MAX_CHUNKS_PER_DOCUMENT); split it, or raise the limit")


def prepare(index: Any, data: bytes, source: str, sha: str, version: str, *, allow_unstructured: bool = False,
            progress: Progress | None = None, parsed: Report | None = None) -> tuple[Report, list[Chunk], Any]:
    """(report, chunks, vectors) for ``data``; raises on a file that cannot be read or is refused.
    ``parsed``: ``data`` already parsed by the caller (``parse_checked``), not parsed again."""
    from index.chunker import chunk_report, embedding_text

    tell = progress or _noop
    tell("parsing", 0.02)
    report = parsed if parsed is not None else parse_checked(data, source, allow_unstructured=allow_unstructured)
    report.source = source
    report.sha256 = sha
    tell("chunking", 0.08)
    chunks = chunk_report(report, version)
    if not chunks:
        raise ValueError("no indexable text found in the file")
    check_chunk_count(len(chunks), index.settings.max_chunks_per_document)
    total = len(chunks)
    done = 0

    def embedded(n: int) -> None:
        nonlocal done
        done += n
        tell("embedding", 0.1 + 0.8 * min(1.0, done / total))

    tell("embedding", 0.1)
    vectors = index.embedder.embed_documents([embedding_text(c) for c in chunks], progress=embedded)
    tell("writing", 0.92)
    return report, chunks, vectors
