"""Stored conversations: create, list, rename, delete, export; ask inside one; feedback; drafts.

The ask routes are thin wrappers: the history comes from the store and goes to the same
``Backend.ask`` / ``Backend.ask_astream`` as ``/api/ask``; the finished answer is stored as a turn.
A stream the client stops (closes) stores nothing.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, AsyncIterator, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from api.backend import Backend, InputRejected, UpstreamFailed
from api.conversations.db import settings_hash
from api.conversations.export import conversation_docx, conversation_markdown, export_filename
from api.conversations.repository import ConversationStore, NotFound
from api.conversations.schemas import (
    ChatConfigOut,
    ConvAnswerOut,
    ConvAskIn,
    ConversationFull,
    ConversationIn,
    ConversationOut,
    DraftRecordOut,
    DraftStoreIn,
    FeedbackIn,
    FeedbackOut,
    RenameIn,
)
from api.docx_export import DOCX_MEDIA_TYPE
from api.routes.common import checked_question, errors, get_backend
from api.schemas import DeleteOut

log = logging.getLogger("yotassist.api")
router = APIRouter(tags=["conversations"])


def get_store(request: Request) -> ConversationStore:
    store = getattr(request.app.state, "conversations", None)
    if store is None:
        raise HTTPException(503, "the conversation store is not available in this server")
    return store


def _found(fn, *args: Any) -> Any:
    try:
        return fn(*args)
    except NotFound as exc:
        raise HTTPException(404, f"no conversation or answer with id {exc.args[0]!r}") from exc


def _question(body: ConvAskIn, backend: Backend) -> str:
    return checked_question(body.question, backend)


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def _store_answer(store: ConversationStore, backend: Backend, conv_id: str, answer: Any,
                  timings: dict[str, Any]) -> dict[str, Any]:
    a = _dump(answer)
    return store.add_turn(conv_id, question=a["question"], answer=a["answer"], citations=a.get("citations") or [],
                          unsupported=a.get("unsupported") or [], mode=a.get("mode") or "extractive",
                          kind=a.get("kind"), timings=timings, settings_hash=settings_hash(backend.settings))


@router.get("/api/chat/config", response_model=ChatConfigOut)
def chat_config(backend: Backend = Depends(get_backend), store: ConversationStore = Depends(get_store)) -> ChatConfigOut:
    llm = bool(backend.settings.llm.base_url)
    return ChatConfigOut(llm_available=llm, default_mode="llm" if llm else "extractive",
                         history_turns=backend.settings.history_turns, database=store.engine.dialect.name)


@router.post("/api/conversations", response_model=ConversationOut, status_code=201, responses=errors(422, 503))
def create_conversation(body: ConversationIn | None = None, store: ConversationStore = Depends(get_store)) -> Any:
    """Start a conversation (its title defaults to the first question)."""
    return store.create(body.title if body else None)


@router.get("/api/conversations", response_model=list[ConversationOut], responses=errors(503))
def list_conversations(store: ConversationStore = Depends(get_store)) -> Any:
    """Every stored conversation, most recently used first."""
    return store.list()


@router.get("/api/conversations/{conv_id}", response_model=ConversationFull, responses=errors(404, 503))
def get_conversation(conv_id: str, store: ConversationStore = Depends(get_store)) -> Any:
    """One conversation with its turns (answers, citations, feedback)."""
    return _found(store.get, conv_id)


@router.patch("/api/conversations/{conv_id}", response_model=ConversationOut, responses=errors(404, 422, 503))
def rename_conversation(conv_id: str, body: RenameIn, store: ConversationStore = Depends(get_store)) -> Any:
    return _found(store.rename, conv_id, body.title)


@router.delete("/api/conversations/{conv_id}", response_model=DeleteOut, responses=errors(404, 503))
def delete_conversation(conv_id: str, store: ConversationStore = Depends(get_store)) -> Any:
    if not store.delete(conv_id):
        raise HTTPException(404, f"no conversation with id {conv_id!r}")
    return DeleteOut(id=conv_id, removed=True)


@router.get(
    "/api/conversations/{conv_id}/export",
    response_class=Response,
    responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}},
                                 DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                     "description": "The conversation as markdown or Word"}, **errors(404, 503)},
)
def export_conversation(conv_id: str, format: Literal["md", "docx"] = Query("md"),
                        store: ConversationStore = Depends(get_store)) -> Response:
    conv = _found(store.get, conv_id)
    if format == "docx":
        data, media = conversation_docx(conv), DOCX_MEDIA_TYPE
    else:
        data, media = conversation_markdown(conv).encode("utf-8"), "text/markdown; charset=utf-8"
    return Response(content=data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{export_filename(conv, format)}"'})


@router.post("/api/conversations/{conv_id}/ask", response_model=ConvAnswerOut, responses=errors(404, 422, 502, 503))
def ask_in_conversation(conv_id: str, body: ConvAskIn, backend: Backend = Depends(get_backend),
                        store: ConversationStore = Depends(get_store)) -> Any:
    """Answer with the stored conversation as history, and store the answer as the next turn."""
    question = _question(body, backend)
    history = _found(store.history, conv_id, backend.settings.history_turns)
    start = time.perf_counter()
    answer = backend.ask(question, history, body.mode)
    total = round((time.perf_counter() - start) * 1000, 1)
    turn = _found(_store_answer, store, backend, conv_id, answer, {"total_ms": total})
    return {"conversation_id": conv_id, "turn": turn}


@router.post(
    "/api/conversations/{conv_id}/ask/stream",
    response_class=EventSourceResponse,
    description="The events of `POST /api/ask/stream`, then `turn`: the stored turn (with its id, for feedback).",
    responses={200: {"content": {"text/event-stream": {"schema": {}}}, "description": "Event stream"},
               **errors(404, 422, 503)},
)
async def ask_stream_in_conversation(conv_id: str, body: ConvAskIn, backend: Backend = Depends(get_backend),
                                     store: ConversationStore = Depends(get_store)) -> EventSourceResponse:
    question = _question(body, backend)
    history = await run_in_threadpool(_found, store.history, conv_id, backend.settings.history_turns)
    start = time.perf_counter()
    first, rest = await backend.ask_astream(question, history, body.mode)  # the answer chain's astream

    def encode(kind: str, payload: Any) -> dict[str, str] | None:
        if kind in ("token", "route"):
            return {"event": kind, "data": json.dumps(str(payload))}
        if kind == "citations":
            return {"event": "citations", "data": json.dumps([_dump(c) for c in payload])}
        if kind == "done":
            return {"event": "done", "data": json.dumps(_dump(payload))}
        return None

    async def events() -> AsyncIterator[dict[str, str]]:
        first_token_ms = None
        answer = None
        try:
            pending = [first] if first is not None else []
            async for kind, payload in _chain(pending, rest):
                if kind == "token" and first_token_ms is None:
                    first_token_ms = round((time.perf_counter() - start) * 1000, 1)
                if kind == "done":
                    answer = payload
                if event := encode(kind, payload):
                    yield event
            if answer is not None:
                timings = {"first_token_ms": first_token_ms, "total_ms": round((time.perf_counter() - start) * 1000, 1)}
                turn = await run_in_threadpool(_store_answer, store, backend, conv_id, answer, timings)
                yield {"event": "turn", "data": json.dumps(turn)}
        except Exception as exc:  # the stream has started: report the failure as an event
            known = isinstance(exc, (InputRejected, UpstreamFailed, NotFound))
            if not known:
                log.exception("streaming answer in a conversation failed")
            detail = ("the conversation was deleted" if isinstance(exc, NotFound) else str(exc)) if known \
                else f"answering failed ({type(exc).__name__})"
            yield {"event": "error", "data": json.dumps({"detail": detail})}

    return EventSourceResponse(events(), ping=15)


async def _chain(head: list[Any], tail: AsyncIterator[Any]) -> AsyncIterator[Any]:
    for item in head:
        yield item
    async for item in tail:
        yield item


@router.put("/api/turns/{turn_id}/feedback", response_model=FeedbackOut, responses=errors(404, 422, 503))
def put_feedback(body: FeedbackIn, turn_id: int = Path(ge=1, le=2**31 - 1), store: ConversationStore = Depends(get_store)) -> Any:
    """Thumbs up or down on one answer, with an optional comment (sending again replaces it)."""
    comment = (body.comment or "").strip() or None
    return _found(store.set_feedback, turn_id, 1 if body.rating == "up" else -1, comment)


@router.post("/api/drafts", response_model=DraftRecordOut, status_code=201, responses=errors(404, 422, 503))
def create_draft(body: DraftStoreIn, backend: Backend = Depends(get_backend),
                 store: ConversationStore = Depends(get_store)) -> Any:
    """Draft like `POST /api/draft` and keep the draft (and what was asked) in the store."""
    d = backend.draft(body.standard, body.kind, body.service, body.notes, body.kq, body.mode)
    request = body.model_dump(mode="json", exclude={"conversation_id"})
    return _found(store.add_draft, request, _dump(d), settings_hash(backend.settings), body.conversation_id)


@router.get("/api/drafts", response_model=list[DraftRecordOut], responses=errors(503))
def list_drafts(store: ConversationStore = Depends(get_store)) -> Any:
    """The most recent stored drafts, newest first."""
    return store.drafts()
