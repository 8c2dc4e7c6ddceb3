"""The thin adapter between HTTP and the library packages (index, assistant).

Why one module: routes must stay thin and every place where the API depends on another
package's exact call shape lives here, so an interface change is a one-line fix in one file.
Heavy packages (index -> chromadb, torch) are imported inside functions, so importing the app
module stays cheap (``yotassist --help`` imports the CLI, which imports serve, which imports this
only when the command runs).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator

from api.schemas import (
    CellOut,
    KQCount,
    RatingRowOut,
    RatingsOut,
    ReportOut,
    StandardOut,
)
from yotassist.one_line import one_line

if TYPE_CHECKING:  # pragma: no cover
    from assistant.rating import RatingResult
    from ingest.model import KeyQuestion, Report
    from yotassist.settings import Settings


class UploadRejected(Exception):
    """An upload the index would not take; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Unavailable(Exception):
    """A part of the product that is not available in this process (answered with 503)."""


class InputRejected(Exception):
    """The assistant refused the input (its ValueError): answered with 422 and its message."""


class UpstreamFailed(Exception):
    """The configured language-model endpoint failed (answered with 502)."""


def _user_message(exc: BaseException) -> str:
    """The assistant's ValueError text, minus CLI flag names that mean nothing in the web page."""
    text = _one_line(exc)
    return text.replace("bad --kq", "bad key-question values").replace("--kq ", "key-question values ").replace(
        "--standard ", "standard ")


@contextmanager
def assistant_errors() -> Iterator[None]:
    """Translate the assistant's documented failures into API exceptions."""
    try:
        yield
    except ValueError as exc:
        raise InputRejected(_user_message(exc)) from exc
    except Exception as exc:
        if type(exc).__name__ == "LLMError":
            raise UpstreamFailed(f"the language model endpoint failed: {_one_line(exc)}") from exc
        raise


# --------------------------------------------------------------------------------------------
# opening


def open_index(settings: "Settings") -> Any:
    from index.store import Index

    return Index.open(settings)


def make_assistant(index: Any, settings: "Settings") -> Any:
    from assistant.classifiers import warm_in_background
    from assistant.service import Assistant

    assistant = Assistant(index, settings)
    warm_in_background(assistant.lib)  # drafting/check never wait for the classifiers' training
    return assistant


@dataclass
class Backend:
    """Everything a request needs, created once per app by the lifespan.

    ``write_lock`` serialises deletions inside this process; uploads are indexed one at a time by
    the ``jobs`` worker (``api.jobs``), and the index's own cross-process lock guards every commit;
    readers never take either (the index keeps reads consistent while a write is in progress).
    ``_ratings_cache`` holds rated reports by
    (source, content hash) and drops the least recently used beyond
    ``settings.ratings_cache_entries``, so a long-running server that sees many uploads and
    removals does not keep every old version's rating for ever.
    """

    settings: "Settings"
    index: Any
    assistant: Any = None
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    jobs: Any = None  # api.jobs.UploadJobs, made by the lifespan
    _ratings_cache: OrderedDict[tuple[str, str | None], Any] = field(default_factory=OrderedDict)
    _ratings_lock: threading.Lock = field(default_factory=threading.Lock)
    _ask_gate: threading.Semaphore | None = None

    def __post_init__(self) -> None:
        limit = int(getattr(self.settings, "ask_concurrency", 0) or 0)
        self._ask_gate = threading.Semaphore(limit) if limit > 0 else None

    # ---- reports -------------------------------------------------------------------------

    def summaries(self) -> list[ReportOut]:
        return [report_out(s) for s in self.index.reports()]

    def summary(self, source: str) -> ReportOut | None:
        return next((r for r in self.summaries() if r.source == source), None)

    def get_report(self, source: str) -> "Report | None":
        if not source or "/" in source or "\\" in source or "\x00" in source:
            return None
        return self.index.get_report(source)

    def check_upload(self, data: bytes, filename: str, force: bool = False) -> tuple[str, "Report"]:
        """The cheap checks before an upload is queued: it parses, has text, looks like an inspection
        report (unless ``force``) and stays within the chunk limit. (stored name, parsed report), or
        ``UploadRejected(422)`` saying why."""
        from index.chunker import chunk_report
        from index.naming import safe_source_name
        from index.pipeline import check_chunk_count, parse_checked
        from ingest.errors import IngestError

        source = safe_source_name(filename)
        try:
            report = parse_checked(data, source, allow_unstructured=force)
            check_chunk_count(len(chunk_report(report, "check")), self.settings.max_chunks_per_document)
        except (IngestError, ValueError, UnicodeDecodeError) as exc:  # the file, not the server, is at fault
            raise UploadRejected(422, _one_line(exc) or "the file could not be read as a report") from exc
        return source, report

    def ingest(self, data: bytes, filename: str, force: bool = False, progress: Any = None,
               parsed: "Report | None" = None) -> tuple[str, ReportOut, list[str]]:
        """Parse, rate-check and index one uploaded file through the same path as ``yotassist ingest``.

        No in-process lock is held: the index takes its cross-process write lock only to write
        and commit, so searches, deletions and CLI commands are not held up by the embedding."""
        try:
            if self.settings.upload_in_child:
                from api.ingest_child import ingest_bytes_in_child

                result = ingest_bytes_in_child(self.index.settings, self.index.dir, self.index.chroma_url, data, filename,
                                               allow_unstructured=force, progress=progress,
                                               nice=self.settings.upload_job_nice)
            else:
                result = self.index.ingest_bytes(data, filename, allow_unstructured=force, progress=progress, parsed=parsed)
        except Exception as exc:  # IngestError and friends: the file, not the server, is at fault
            from ingest.errors import IngestError

            if isinstance(exc, (IngestError, ValueError, UnicodeDecodeError)):
                raise UploadRejected(422, _one_line(exc) or "the file could not be read as a report") from exc
            raise
        status = str(getattr(result, "status", "added"))
        if status not in ("added", "updated", "unchanged"):
            message = getattr(result, "error", None) or getattr(result, "message", None) or "the file could not be parsed"
            raise UploadRejected(422, _one_line(message))
        source = getattr(result, "source", None) or filename
        summary = self.summary(source)
        if summary is None:  # pragma: no cover - the index said it stored it
            raise UploadRejected(422, "the report was not stored")
        warnings = list(getattr(result, "warnings", None) or [])
        if not warnings:
            report = self.get_report(source)
            warnings = list(report.warnings) if report else []
        return status, summary, warnings

    def remove(self, source: str) -> bool:
        if not source or "/" in source or "\\" in source or "\x00" in source:
            return False
        with self.write_lock:
            return bool(self.index.remove(source))

    # ---- ratings -------------------------------------------------------------------------

    def rating_of(self, source: str, sha: str | None) -> tuple["Report | None", "RatingResult | None"]:
        from assistant.rating import rate_report

        key = (source, sha)
        with self._ratings_lock:
            cached = self._ratings_cache.get(key)
            if cached is not None:
                self._ratings_cache.move_to_end(key)
                return cached
        report = self.get_report(source)
        result = rate_report(report) if report is not None and report.standards else None
        if sha:
            with self._ratings_lock:
                self._ratings_cache[key] = (report, result)
                while len(self._ratings_cache) > self.settings.ratings_cache_entries:
                    self._ratings_cache.popitem(last=False)
        return report, result

    def ratings(self) -> RatingsOut:
        standards = standards_out()
        rows: list[RatingRowOut] = []
        for summary in self.summaries():
            report, result = self.rating_of(summary.source, summary.sha256)
            if report is None:
                continue
            rows.append(rating_row(summary, report, result))
        rows.sort(key=lambda r: ((r.service or r.id).lower(), r.published or ""))
        return RatingsOut(standards=standards, rows=rows)

    # ---- assistant -----------------------------------------------------------------------

    def _assistant(self) -> Any:
        if self.assistant is None:
            raise Unavailable("the assistant is not available in this server")
        return self.assistant

    def _check_mode(self, mode: str | None) -> None:
        if mode == "llm" and not self.settings.llm.base_url:
            raise InputRejected("LLM mode is not available: this server has no language model endpoint configured")

    def ask(self, question: str, history: list[dict[str, str]], mode: str | None = None) -> Any:
        assistant = self._assistant()
        self._check_mode(mode)
        with self._asking(), assistant_errors():
            return assistant.ask(question, history=history or None, mode=mode)

    @contextmanager
    def _asking(self) -> Iterator[None]:
        """At most ``settings.ask_concurrency`` questions composed at once in this process, the
        others waiting their turn in arrival order. Why: composing is Python work serialised by
        the GIL, so 12 questions at once each take 12 times as long (the slow ones far longer),
        and the threads' switching costs CPU too; answered in turn, a question waits for those
        ahead of it and then runs at full speed (``bench/results/load.md``)."""
        if self._ask_gate is None:
            yield
            return
        with self._ask_gate:
            yield

    async def ask_astream(self, question: str, history: list[dict[str, str]], mode: str | None = None
                          ) -> tuple[tuple[str, Any] | None, AsyncIterator[tuple[str, Any]]]:
        """Start an answer stream on the answer chain's ``astream``: (first event, the rest).
        Starting runs the checks and the routing, so bad input is refused (422) before any
        event is sent. No thread is held per open stream, and a client that goes away cancels
        the chain (and with it a model's reply)."""
        assistant = self._assistant()
        self._check_mode(mode)
        events = assistant.aask_stream(question, history or None, mode=mode).__aiter__()
        with assistant_errors():
            first = await anext(events, None)
        return first, _atranslated(events)

    def draft(self, standard: str, kind: str, service: str | None, notes: str | None,
              kq: list[KQCount] | None, mode: str | None = None, framework: str | None = None) -> Any:
        assistant = self._assistant()
        self._check_mode(mode)
        with assistant_errors():
            return assistant.draft(standard, kind, service=service or None, notes=notes or None,
                                   kq=kq_spec(standard, kq) if kq else None, mode=mode, framework=framework)


async def _atranslated(events: AsyncIterator[tuple[str, Any]]) -> AsyncIterator[tuple[str, Any]]:
    with assistant_errors():
        async for event in events:
            yield event


# --------------------------------------------------------------------------------------------
# conversions


def report_out(summary: Any) -> ReportOut:
    data = summary.model_dump() if hasattr(summary, "model_dump") else dict(summary)
    data = {k: v for k, v in data.items() if k in ReportOut.model_fields}
    data["id"] = data["source"]
    if data.get("published") is not None:
        data["published"] = str(data["published"])
    return ReportOut(**data)


def kq_spec(standard: str, values: list[KQCount]) -> str:
    """API key-question values as the assistant's spec string, e.g. "2.2=5/8,4/7,72%"."""
    parts = [f"{v.yes}/{v.relevant}" if v.yes is not None and v.relevant is not None else f"{v.percent:g}%"
             for v in values]
    return f"{standard}=" + ",".join(parts)


def key_questions(values: list[KQCount]) -> "list[KeyQuestion]":
    """API key-question values as the parser's ``KeyQuestion`` rows (what ``assistant.rating`` takes)."""
    from ingest.model import KeyQuestion

    rows = []
    for i, v in enumerate(values, start=1):
        if v.yes is not None and v.relevant is not None:
            percent = round(100 * v.yes / v.relevant, 1)
            rows.append(KeyQuestion(question=f"Key question {i}", percent=percent, yes=v.yes, relevant=v.relevant))
        else:
            rows.append(KeyQuestion(question=f"Key question {i}", percent=float(v.percent or 0)))
    return rows


def standards_out(framework: str = "2021") -> list[StandardOut]:
    """Columns of the grid: every standard of the newest framework (3.4 titled for both)."""
    from assistant.rating_rules import get_rules

    rules = get_rules(framework)
    out = []
    for s in rules.standards:
        title = s.title
        if s.id == "3.4":
            title = "Joint working / OOCD policy and provision"
        out.append(StandardOut(id=s.id, title=title, label=s.label if s.id != "3.4" else title,
                               kind=s.kind, domain=s.domain))
    return out


def rating_row(summary: ReportOut, report: "Report", result: "RatingResult | None") -> RatingRowOut:
    cells: dict[str, CellOut] = {}
    disagreements = 0
    sids = set(report.standards)
    if result is not None:
        sids |= set(result.standards)
    for sid in sorted(sids):
        res = result.standards.get(sid) if result is not None else None
        published = report.standards.get(sid) or (res.published if res else None)
        computed = res.computed if res else None
        disagree = bool(published and computed and published != computed)
        discretion = bool(res and res.status == "discretion applied")
        disagreements += disagree
        note = None
        if res is not None:
            if res.status == "discretion applied":
                note = f"published {published}, computed {computed}: professional discretion applied"
            elif res.status == "unexplained disagreement":
                note = f"published {published}, computed {computed}: unexplained disagreement"
            elif res.basis is not None:
                note = f"lowest key question {res.basis.percent:g}% ({res.basis.band_range})"
            elif res.qualitative:
                note = "rated qualitatively by inspectors"
        section = report.section(sid)
        cells[sid] = CellOut(
            standard=sid,
            published=published,
            computed=computed,
            disagree=disagree,
            discretion=discretion,
            note=note,
            line_start=section.line_start if section else None,
            line_end=section.line_end if section else None,
        )
    return RatingRowOut(
        id=summary.source,
        service=summary.service or report.service,
        published=summary.published,
        framework=summary.framework,
        overall=report.overall,
        overall_computed=result.overall.computed if result else None,
        score=report.score,
        score_computed=result.score.computed if result else None,
        max_score=report.max_score or (result.score.max if result else None),
        disagreements=disagreements,
        cells=cells,
        report_warnings=list(report.warnings),
    )


def _one_line(value: Any) -> str:
    return one_line(value, 500)
