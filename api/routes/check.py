"""POST /api/check: upload a draft report and get back what does not add up (``assistant.check``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, HTTPException, UploadFile
from starlette.concurrency import run_in_threadpool

from api.backend import Backend
from api.routes.common import errors, get_backend, read_upload
from assistant.check import CheckResult
from yotassist.one_line import one_line

# Its own router so the app gives it the upload body limit; nothing is indexed.
router = APIRouter(tags=["check"])


@router.post("/api/check", response_model=CheckResult, responses=errors(413, 415, 422))
async def check_draft(
    file: UploadFile = File(..., description="A draft report as .txt, .md, .pdf or .html"),
    backend: Backend = Depends(get_backend),
) -> CheckResult:
    """Ratings recomputed from each key-question table, score and overall re-added, ratings in the
    text against the table, tone against rating, missing and impossible figures, recommendations
    with no area for improvement. The draft is parsed, never indexed."""
    name, data = await read_upload(file, backend)
    return await run_in_threadpool(_check, backend, data, name)


def _check(backend: Backend, data: bytes, name: str) -> CheckResult:
    import ingest
    from assistant.check import check_with_library
    from ingest.errors import IngestError

    try:
        report = ingest.load_bytes(data, name)
    except (IngestError, ValueError, UnicodeDecodeError) as exc:
        raise HTTPException(422, one_line(exc, 300, "the file could not be read as a report")) from None
    report.source = name
    lib = getattr(backend.assistant, "lib", None)
    try:
        return check_with_library(report, lib if lib is not None and lib.reports else None)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
