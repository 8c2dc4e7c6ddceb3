"""Helpers every router shares: the per-app backend and the documented error responses."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, UploadFile

from api.backend import Backend
from api.schemas import ErrorOut
from api.uploads import UploadError, check_suffix, read_limited, safe_filename


def get_backend(request: Request) -> Backend:
    """FastAPI dependency: the Backend the lifespan put on app.state."""
    return request.app.state.backend


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the 4xx answers a route can give, all with the ``ErrorOut`` shape."""
    text = {
        400: "Bad request",
        401: "API key missing or wrong",
        404: "No such report",
        413: "Too large",
        415: "Unsupported file type",
        422: "Invalid input (message in detail)",
        502: "The language model endpoint failed",
        503: "Not available in this server",
    }
    return {code: {"model": ErrorOut, "description": text.get(code, "Error")} for code in codes}


def checked_question(text: str, backend: Backend) -> str:
    """The question stripped, or a 422 when it is empty or over the configured length."""
    question = text.strip()
    limit = backend.settings.max_question_chars
    if not question:
        raise HTTPException(422, "the question is empty")
    if len(question) > limit:
        raise HTTPException(422, f"the question is {len(question)} characters long; the limit is {limit}")
    return question


async def read_upload(file: UploadFile, backend: Backend) -> tuple[str, bytes]:
    """A safe stored name and the bytes of an uploaded file, within the size limit (or the
    upload's own 4xx); the file is always closed."""
    try:
        name = safe_filename(file.filename)
        check_suffix(name)
        data = await read_limited(file, backend.settings.max_upload_mb * (1 << 20))
    except UploadError as exc:
        raise HTTPException(exc.status, exc.message) from None
    finally:
        await file.close()
    return name, data
