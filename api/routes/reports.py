"""Reports: list, parsed structure, numbered text, upload (multipart) and delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.backend import Backend, UploadRejected
from api.routes.common import errors, get_backend, read_upload
from api.schemas import DeleteOut, LineOut, ReportOut, ReportTextOut, SectionRef, UploadOut
from api.security import require_write_key
from ingest.model import Report

router = APIRouter(tags=["reports"])
# Separate router so the app can give uploads their own (larger) request-body limit.
upload_router = APIRouter(tags=["reports"])


def _report_or_404(backend: Backend, report_id: str) -> Report:
    report = backend.get_report(report_id)
    if report is None:
        raise HTTPException(404, f"no indexed report called {report_id!r}")
    return report


@router.get("/api/reports", response_model=list[ReportOut])
def list_reports(backend: Backend = Depends(get_backend)) -> list[ReportOut]:
    """Every indexed report with service, date, framework, overall rating and score."""
    return sorted(backend.summaries(), key=lambda r: ((r.service or r.id).lower(), r.published or ""))


@router.get("/api/reports/{report_id}", response_model=Report, responses=errors(404))
def get_report(report_id: str, backend: Backend = Depends(get_backend)) -> Any:
    """The parsed structure: ratings, key questions, sections with line ranges, warnings."""
    return _report_or_404(backend, report_id)


@router.get("/api/reports/{report_id}/text", response_model=ReportTextOut, responses=errors(404, 422))
def report_text(
    report_id: str,
    start: int = Query(1, ge=1, le=10_000_000, description="First line (1-based)"),
    end: int | None = Query(None, ge=1, le=10_000_000, description="Last line (inclusive); default: the end"),
    backend: Backend = Depends(get_backend),
) -> ReportTextOut:
    """The report's text with line numbers, so a citation can open it at the cited lines."""
    report = _report_or_404(backend, report_id)
    count = len(report.lines)
    last = min(end or count, count)
    if end is not None and end < start:
        raise HTTPException(422, f"end ({end}) is before start ({start})")
    lines = [
        LineOut(n=n, text=report.lines[n - 1], page=report.page_of(n))
        for n in range(start, last + 1)
    ]
    return ReportTextOut(
        id=report.source,
        service=report.service,
        title=report.title,
        line_count=count,
        start=start,
        end=last,
        lines=lines,
        sections=[SectionRef(id=s.id, title=s.title, kind=s.kind, line_start=s.line_start, line_end=s.line_end)
                  for s in report.sections],
    )


@upload_router.post(
    "/api/reports",
    response_model=UploadOut,
    dependencies=[Depends(require_write_key)],
    responses=errors(401, 413, 415, 422),
)
async def upload_report(
    file: UploadFile = File(..., description="A report as .txt, .md, .pdf or .html"),
    backend: Backend = Depends(get_backend),
) -> UploadOut:
    """Parse, rate-check and index one report (the same code path as `yotassist ingest`).

    Re-uploading an identical file changes nothing (`unchanged`); a changed file with the same
    name replaces the old version (`updated`); a file that does not parse is refused with 422
    and nothing of it is indexed.
    """
    name, data = await read_upload(file, backend)
    try:
        status, summary, warnings = await run_in_threadpool(backend.ingest, data, name)
    except UploadRejected as exc:
        raise HTTPException(exc.status, exc.message) from None
    return UploadOut(status=status, report=summary, warnings=warnings)


@router.delete(
    "/api/reports/{report_id}",
    response_model=DeleteOut,
    dependencies=[Depends(require_write_key)],
    responses=errors(401, 404),
)
def delete_report(report_id: str, backend: Backend = Depends(get_backend)) -> DeleteOut:
    """Remove a report from the index (its chunks, parsed JSON and stored source)."""
    if not backend.remove(report_id):
        raise HTTPException(404, f"no indexed report called {report_id!r}")
    return DeleteOut(id=report_id, removed=True)
