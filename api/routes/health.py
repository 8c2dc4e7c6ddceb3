"""GET /healthz and GET /api/meta (what the page needs to build its forms)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.backend import Backend, standards_out
from api.routes.common import get_backend
from api.schemas import HealthOut, MetaOut
from api.uploads import ALLOWED_SUFFIXES
from yotassist import __version__

router = APIRouter()


@router.get("/healthz", response_model=HealthOut, tags=["health"])
def healthz(backend: Backend = Depends(get_backend)) -> HealthOut:
    """Liveness plus the number of indexed reports (cheap: reads the report list)."""
    return HealthOut(status="ok", version=__version__, reports=len(backend.index.reports()))


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
