"""GET /healthz and GET /api/meta (what the page needs to build its forms)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.backend import Backend, standards_out
from api.routes.common import get_backend
from api.schemas import HealthOut, MetaOut
from api.uploads import ALLOWED_SUFFIXES
from yotassist import __version__

router = APIRouter()


@router.get("/healthz", response_model=HealthOut, tags=["health"],
            responses={503: {"model": HealthOut, "description": "A dependency (the index server) is down"}})
def healthz(request: Request, backend: Backend = Depends(get_backend)) -> Any:
    """Liveness plus the number of indexed reports (cheap: reads the report list); 503 naming the
    dependency when the index (a Chroma server in server mode) does not answer."""
    from index.unreachable import describe, unreachable

    try:
        reports = len(backend.index.reports())
    except Exception as exc:
        if not unreachable(exc):
            raise
        message = describe(exc, backend.settings.chroma_url)
        request.app.state.index_health.mark_down(message)
        down = HealthOut(status="down", version=__version__, index="down", detail=message)
        return JSONResponse(down.model_dump(), status_code=503, headers={"Retry-After": "5"})
    request.app.state.index_health.mark_up()
    return HealthOut(status="ok", version=__version__, reports=reports)


@router.get("/api/meta", response_model=MetaOut, tags=["health"])
def meta(backend: Backend = Depends(get_backend)) -> MetaOut:
    settings = backend.settings
    services = sorted({r.service for r in backend.summaries() if r.service})
    return MetaOut(
        version=__version__,
        standards=standards_out(),
        kinds=["strengths", "improvements", "findings"],
        services=services,
        max_question_chars=settings.max_question_chars,
        max_upload_mb=settings.max_upload_mb,
        upload_suffixes=list(ALLOWED_SUFFIXES),
        auth_required=bool(settings.api_key),
    )
