"""POST /api/ask and POST /api/ask/stream (server-sent events)."""

from __future__ import annotations

import json
import logging
from typing import Any, AsyncIterator

from fastapi import APIRouter, Depends, Request
from sse_starlette.sse import EventSourceResponse

from api.backend import Backend, InputRejected, UpstreamFailed
from api.routes.common import checked_question, errors, get_backend
from api.schemas import Answer, AskIn

log = logging.getLogger("yotassist.api")
router = APIRouter(tags=["ask"])

STREAM_DOC = """Streams the answer as server-sent events:

- `route`: a JSON string, the kind of question (lookup, comparative, numeric, ...);
- `token`: a JSON string, the next piece of answer text (markdown with `[n]` citation markers);
- `citations`: a JSON list of verified citations;
- `done`: the full answer (same shape as `POST /api/ask`);
- `error`: `{"detail": "..."}` if answering failed part-way.
"""


def _checked(body: AskIn, backend: Backend) -> tuple[str, list[dict[str, str]]]:
    question = checked_question(body.question, backend)
    history = [t.model_dump() for t in body.history]
    return question, history


@router.post("/api/ask", response_model=Answer, responses=errors(422, 502, 503))
def ask(body: AskIn, backend: Backend = Depends(get_backend)) -> Any:
    """Answer a question with verified citations (runs in the threadpool: search is blocking)."""
    question, history = _checked(body, backend)
    return backend.ask(question, history, body.mode)


@router.post(
    "/api/ask/stream",
    response_class=EventSourceResponse,
    description=STREAM_DOC,
    responses={
        200: {"content": {"text/event-stream": {"schema": {}}}, "description": "Event stream (see above)"},
        **errors(422, 503),
    },
)
async def ask_stream(body: AskIn, request: Request, backend: Backend = Depends(get_backend)) -> EventSourceResponse:
    question, history = _checked(body, backend)

    # The answer chain's astream; starting it runs the checks and routing, so bad input is a
    # 422 before any event.
    first, rest = await backend.ask_astream(question, history, body.mode)

    def encode(kind: str, payload: Any) -> dict[str, str] | None:
        if kind == "token":
            return {"event": "token", "data": json.dumps(str(payload))}
        if kind == "citations":
            return {"event": "citations", "data": json.dumps([_dump(c) for c in payload])}
        if kind == "done":
            return {"event": "done", "data": json.dumps(_dump(payload))}
        if kind == "route":
            return {"event": "route", "data": json.dumps(str(payload))}
        return None

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            if first is not None and (event := encode(*first)):
                yield event
            async for kind, payload in rest:
                if event := encode(kind, payload):
                    yield event
        except Exception as exc:  # the stream has started: report the failure as an event
            from index.unreachable import describe, unreachable

            detail = str(exc) if isinstance(exc, (InputRejected, UpstreamFailed)) else f"answering failed ({type(exc).__name__})"
            if unreachable(exc):  # the index server went away mid-answer: one warning, no traceback
                detail = describe(exc, backend.settings.chroma_url)
                request.app.state.index_health.mark_down(detail)
            elif not isinstance(exc, (InputRejected, UpstreamFailed)):
                log.exception("streaming answer failed")
            yield {"event": "error", "data": json.dumps({"detail": detail})}

    return EventSourceResponse(events(), ping=15)


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value
