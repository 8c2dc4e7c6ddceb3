"""The FastAPI application: routes, the static web page, limits and security headers.

``create_app`` builds an app for given settings (and optionally an already open index, which
tests and ``yotassist serve`` can share). The index and the assistant are opened once, in the
lifespan, because opening loads the embedder; every request then reuses them via
``app.state.backend``. Blocking work (search, embedding, parsing) runs in sync routes or
``run_in_threadpool`` so the event loop keeps serving while an upload is being indexed.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.backend import Backend, InputRejected, Unavailable, UpstreamFailed, make_assistant, open_index
from api.routes import ask, conversations, draft, health, ratings, reports
from api.routes import check as check_route
from api.errors import json_error
from api.http_contract import document_validation_errors, wrap_stack
from api.security import SiteGuardMiddleware
from yotassist import __version__
from yotassist.settings import Settings, get_settings

STATIC_DIR = Path(__file__).parent / "static"
# JSON bodies (questions, drafts, what-ifs) are small; uploads get their own limit.
JSON_BODY_LIMIT = 2 * (1 << 20)
MULTIPART_OVERHEAD = 256 * 1024

DESCRIPTION = """Ask questions about youth justice inspection reports, draft findings and check ratings,
with every claim cited to a report, a section and the exact lines.

Write endpoints (`POST /api/reports`, `DELETE /api/reports/{id}`) need the `X-API-Key` header
when the server was started with `YOTASSIST_API_KEY`.

An upload is checked at once (type, size, that it parses and looks like an inspection report, its
chunk count) and then indexed in the background: `POST /api/reports` answers `202` with a job, and
`GET /api/jobs/{id}` shows its stage and progress, then the indexed report."""


class BrokenInstall(RuntimeError):
    """A part of the product cannot be imported: the server refuses to start."""


def create_app(settings: Settings | None = None, index: Any | None = None) -> FastAPI:
    settings = settings or get_settings()
    # A broken install (a missing module or dependency) must stop the server here, with its cause,
    # rather than serve a page whose every question answers 503.
    try:
        import assistant.service  # noqa: F401
    except ImportError as exc:
        raise BrokenInstall(f"the assistant cannot be imported ({exc}); reinstall with `make install`") from exc
    upload_limit = settings.max_upload_mb * (1 << 20) + MULTIPART_OVERHEAD

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        idx = index if index is not None else await run_in_threadpool(open_index, settings)
        from api.jobs import UploadJobs

        backend = Backend(settings=settings, index=idx, jobs=UploadJobs(
            settings.upload_jobs_kept, folder=Path(settings.home) / "jobs", nice=settings.upload_job_nice))
        backend.assistant = await run_in_threadpool(make_assistant, idx, settings)
        # load the reports and the embedder now, so the first question is as fast as the rest
        warm = getattr(backend.assistant, "warm", None)
        if callable(warm):
            await run_in_threadpool(warm)
        app.state.backend = backend
        # conversations: open the database and run its migrations before serving
        from api.conversations import open_store

        app.state.conversations = await run_in_threadpool(open_store, settings)
        yield
        backend.jobs.close()
        await run_in_threadpool(app.state.conversations.close)
        close = getattr(idx, "close", None)
        if index is None and callable(close):
            await run_in_threadpool(close)

    from fastapi_offline import FastAPIOffline

    app = FastAPIOffline(
        title="yotassist",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        max_body_size=JSON_BODY_LIMIT,
        static_url="/static-docs",
    )
    app.state.settings = settings

    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(draft.router)
    app.include_router(reports.router)
    app.include_router(reports.upload_router, max_body_size=upload_limit)
    app.include_router(ratings.router)
    app.include_router(conversations.router)
    app.include_router(check_route.router, max_body_size=upload_limit)

    _install_error_handlers(app, settings)
    _install_page(app)

    from api.faults import IndexFaultMiddleware, IndexHealth

    app.state.index_health = IndexHealth()
    app.add_middleware(IndexFaultMiddleware, health=app.state.index_health, url=settings.chroma_url)

    app.add_middleware(SiteGuardMiddleware, bind_host=settings.host, hosts=list(settings.allowed_hosts),
                       cors_origins=list(settings.cors_origins))
    if settings.cors_origins:  # closed by default: only configured origins get CORS headers
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        )
    document_validation_errors(app)  # every 422 is documented as the ErrorOut it is
    wrap_stack(app)  # security headers, JSON error bodies and the real Allow header around everything
    return app


def _install_page(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def _install_error_handlers(app: FastAPI, settings: Settings) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()
        ]
        parts = []
        for e in errors[:5]:
            where = ".".join(p for p in e["loc"] if p not in ("body",)) or "body"
            parts.append(f"{where}: {e['msg']}")
        detail = "invalid request: " + "; ".join(parts) if parts else "invalid request"
        return json_error(detail, 422, errors=errors)

    @app.exception_handler(InputRejected)
    async def input_rejected(request: Request, exc: InputRejected) -> JSONResponse:
        return json_error(str(exc), 422)

    @app.exception_handler(UpstreamFailed)
    async def upstream_failed(request: Request, exc: UpstreamFailed) -> JSONResponse:
        return json_error(str(exc), 502)

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable) -> JSONResponse:
        return json_error(str(exc), 503)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 413 and detail == "Content Too Large":
            detail = f"the request is too large (uploads are limited to {settings.max_upload_mb} MB)"
        if exc.status_code == 400:
            # The app raises no 400 itself: these are FastAPI's and Starlette's body parsers (a body that
            # is not valid UTF-8 JSON, a broken multipart form). A validation error like any other:
            # 422, as FastAPI answers JSON syntax errors, not an undocumented 400.
            why = "not valid JSON or not a well-formed form" if detail == "There was an error parsing the body" else detail
            return json_error(f"invalid request: the body could not be parsed ({why.rstrip('.')})", 422, errors=[])
        return json_error(detail, exc.status_code, headers=getattr(exc, "headers", None))


def app_from_environment() -> FastAPI:
    """The app of one ``yotassist serve --workers N`` worker: settings from YOTASSIST_* variables
    (the parent process exported its choices there)."""
    return create_app(Settings())
