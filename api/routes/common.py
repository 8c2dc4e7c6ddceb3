"""Helpers every router shares: the per-app backend and the documented error responses."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.backend import Backend
from api.schemas import ErrorOut


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
