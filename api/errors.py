"""The API's one error shape, ``{"detail": "..."}`` (``ErrorOut``), built in one place.

Why: error answers come from three levels, FastAPI exception handlers (``api.app``), middlewares
that answer themselves (``api.security`` site guard, ``api.faults`` index outage) and the
outermost wrapper that rewrites the framework's plain-text errors (``api.http_contract``). Each
used to build its own body and headers; one helper keeps the body, its encoding and the
``content-type``/``content-length`` headers the same whichever level answers. The security
headers are added to every answer, these included, by ``api.security.SecurityHeadersMiddleware``
(the outermost layer, ``api.http_contract.wrap_stack``), never here.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from starlette.responses import JSONResponse
from starlette.types import Send


def error_payload(detail: str, **extra: Any) -> dict[str, Any]:
    """``{"detail": detail, **extra}`` (``extra``: e.g. ``errors`` of a validation error)."""
    return {"detail": detail, **extra}


def json_error(detail: str, status: int, headers: Mapping[str, str] | None = None, **extra: Any) -> JSONResponse:
    """The error answer as a response (exception handlers, middlewares that can run one)."""
    return JSONResponse(error_payload(detail, **extra), status_code=status, headers=headers)


def error_bytes(detail: str, **extra: Any) -> bytes:
    """The error body exactly as ``json_error`` encodes it."""
    return JSONResponse(error_payload(detail, **extra)).body


async def send_json_error(send: Send, status: int, detail: str,
                          headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Send the error answer on a raw ASGI channel (a middleware rewriting or replacing an answer
    it has already begun to receive); ``headers``: extra ones, never content-type/-length."""
    body = error_bytes(detail)
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-type", b"content-length")]
    await send({"type": "http.response.start", "status": status,
                "headers": kept + [(b"content-type", b"application/json"),
                                   (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
