"""Reports: list, parsed structure, numbered text, upload (multipart, indexed as a background job), delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.backend import Backend, UploadRejected
from api.routes.common import errors, get_backend, read_upload
from api.schemas import DeleteOut, JobOut, LineOut, ReportOut, ReportTextOut, SectionRef, UploadOut
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
    status_code=202,
    response_model=JobOut,
    dependencies=[Depends(require_write_key)],
    responses=errors(401, 413, 415, 422),
)
async def upload_report(
    file: UploadFile = File(..., description="A report as .txt, .md, .pdf, .html or .docx"),
    force: bool = Form(False, description="Index the file even if it does not look like an inspection report."),
    backend: Backend = Depends(get_backend),
) -> JSONResponse:
    """Check one report and queue it for indexing (the same code path as `yotassist ingest`).

    Answered at once: 413/415 for the size and type, 422 when the file does not parse, has no
    report structure (unless `force`) or would make too many chunks. Otherwise `202` with a job:
    poll `GET /api/jobs/{id}` for its stage and progress. When done, the job's `result` says
    `added`, `updated` (a changed file with the same name replaced the old version) or `unchanged`
    (an identical file: nothing changed).
    """
    name, data = await read_upload(file, backend)
    try:
        _, report = await run_in_threadpool(backend.check_upload, data, name, force)
    except UploadRejected as exc:
        raise HTTPException(exc.status, exc.message) from None

    def work(progress: Any) -> UploadOut:
        status, summary, warnings = backend.ingest(data, name, force=force, progress=progress, parsed=report)
        return UploadOut(status=status, report=summary, warnings=warnings)

    job = backend.jobs.submit(name, work)
    return JSONResponse(job.out().model_dump(mode="json"), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


@router.get("/api/jobs/{job_id}", response_model=JobOut, responses=errors(404), tags=["reports"])
def upload_job(job_id: str, backend: Backend = Depends(get_backend)) -> JobOut:
    """An upload's progress: queued, running (stage and share done), then done (with the indexed
    report) or failed (with the status and reason)."""
    job = backend.jobs.describe(job_id)
    if job is None:
        raise HTTPException(404, f"no upload job {job_id[:64]!r} (finished jobs are kept for a while, then forgotten)")
    return job


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
