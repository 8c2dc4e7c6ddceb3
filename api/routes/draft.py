"""POST /api/draft (strengths, improvements or findings with citations) and its .docx download."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import Response

from api.backend import Backend
from api.docx_export import DOCX_MEDIA_TYPE, draft_docx, draft_filename
from api.routes.common import errors, get_backend
from api.schemas import DomainDraftIn, Draft, DraftDocxIn, DraftIn
from assistant.draft_domain import DomainDraft

router = APIRouter(tags=["draft"])


@router.post("/api/draft", response_model=Draft, responses=errors(422, 503))
def draft(body: DraftIn, backend: Backend = Depends(get_backend)) -> Any:
    """Draft a standard's strengths, areas for improvement or findings from the indexed reports."""
    return backend.draft(body.standard, body.kind, body.service, body.notes, body.kq, body.mode, body.framework)


@router.post(
    "/api/draft/docx",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                     "description": "Word document"}, **errors(422)},
)
def draft_download(body: DraftDocxIn, backend: Backend = Depends(get_backend)) -> Response:
    """The draft the page shows (the body of a POST /api/draft answer) as a Word document.

    Every posted citation is re-verified against the indexed source before anything is rendered:
    the body comes from the client, so a quote that is not in the cited lines is refused (422)."""
    from assistant.citations import recheck

    lib = getattr(backend.assistant, "lib", None)
    years: dict[str, int | None] = {}
    if body.citations:
        if lib is None:
            raise HTTPException(422, "citations cannot be verified: this server has no index")
        for c, ok in zip(body.citations, recheck(body.citations, lib.lines_of)):
            if not ok:
                raise HTTPException(422, f"citation [{c.n}] does not match lines {c.line_start}-{c.line_end} "
                                         f"of {c.source}; draft again instead of editing citations")
            r = lib.get(c.source)
            years[c.source] = r.year if r is not None else None
    data = draft_docx(body, years)
    return Response(
        content=data,
        media_type=DOCX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{draft_filename(body)}"'},
    )


@router.post("/api/draft/domain", response_model=DomainDraft, responses=errors(422, 503))
def draft_domain_route(body: DomainDraftIn, backend: Backend = Depends(get_backend)) -> Any:
    """Every case-based standard of a domain from the inspector's figures: findings sections,
    ratings, the domain's points and the overall bands they still allow."""
    from api.backend import assistant_errors
    from assistant.draft_domain import draft_domain

    assistant = backend._assistant()
    with assistant_errors():
        return draft_domain(assistant, body.domain, body.kq, body.service, body.notes, body.framework,
                            body.ratings or None)
