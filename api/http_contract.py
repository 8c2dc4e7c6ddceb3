"""HTTP details the framework gets wrong for this API's contract: plain-text error bodies and the
``Allow`` header.

Why here: FastAPI's app-wide body limit answers ``413 Content Too Large`` as text/plain from a
middleware that sits *outside* every user middleware, so that answer had neither a JSON body nor the
security headers; and Starlette's 405/OPTIONS answer lists only the methods of the first route whose
path matches (``GET`` for ``/api/reports``, which also takes ``POST``). ``wrap_stack`` puts the
two fixes and the security headers around the whole stack, so no answer escapes them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_json_error
from api.security import SecurityHeadersMiddleware

PLAIN_DETAILS = {
    413: "the request body is too large",
    500: "internal error; the server log has the details",
}


def wrap_stack(app: Any) -> None:
    """Wrap ``app``'s built middleware stack: security headers outermost, then JSON error bodies and
    the real ``Allow`` header. (Replacing ``build_middleware_stack`` is the one way to get outside
    FastAPI's own body-limit and error middlewares.)"""
    build = app.build_middleware_stack

    def build_wrapped() -> ASGIApp:
        return SecurityHeadersMiddleware(AllowHeaderMiddleware(JsonErrorBodyMiddleware(build(), app.state), app))

    app.build_middleware_stack = build_wrapped


def document_validation_errors(app: Any) -> None:
    """Make the schema say what a 422 really is. FastAPI documents its own ``HTTPValidationError``
    (``detail`` as a list) on every route that does not declare a 422, but this app answers every
    validation error with ``ErrorOut`` (``detail`` a string, field errors in ``errors``)."""
    from api.schemas import ErrorOut

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
        for item in spec.get("paths", {}).values():
            for operation in item.values():
                answer = operation.get("responses", {}).get("422")
                if not answer:
                    continue
                for media in answer.get("content", {}).values():
                    if media.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                        media["schema"] = {"$ref": "#/components/schemas/ErrorOut"}
        text = json.dumps(spec)
        if "/HTTPValidationError" not in text:
            schemas.pop("HTTPValidationError", None)
            if "/ValidationError" not in json.dumps(spec):
                schemas.pop("ValidationError", None)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi


class JsonErrorBodyMiddleware:
    """Turns a text/plain error answer (4xx/5xx) into ``{"detail": ...}`` JSON, same status."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pending: dict[str, Any] = {}

        async def send_json(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = dict((k.lower(), v) for k, v in message.get("headers", []))
                if status >= 400 and headers.get(b"content-type", b"").startswith(b"text/plain"):
                    pending["start"] = message
                    pending["body"] = b""
                    return
            elif message["type"] == "http.response.body" and "start" in pending:
                pending["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                start = pending.pop("start")
                status = int(start["status"])
                text = pending.pop("body").decode("utf-8", "replace").strip()
                await send_json_error(send, status, self._detail(status, text), start.get("headers", []))
                return
            await send(message)

        await self.app(scope, receive, send_json)

    def _detail(self, status: int, text: str) -> str:
        if status == 413:
            settings = getattr(self.state, "settings", None)
            mb = getattr(settings, "max_upload_mb", None)
            return (f"the request body is too large (JSON bodies are limited to 2 MB, uploads to {mb} MB)"
                    if mb else PLAIN_DETAILS[413])
        return PLAIN_DETAILS.get(status) or text[:300] or "error"


def allowed_methods(app: Any, scope: Scope) -> list[str]:
    """Every method the API documents at this request's path (HEAD with GET, OPTIONS always).

    Read from the OpenAPI schema, the contract itself, rather than from the router's internals."""
    table = getattr(app.state, "_allow_table", None)
    if table is None:
        table = []
        for template, item in app.openapi().get("paths", {}).items():
            pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            table.append((pattern, {m.upper() for m in item}))
        app.state._allow_table = table
    path = scope.get("path", "")
    methods: set[str] = set()
    for pattern, declared in table:
        if pattern.match(path):
            methods |= declared
    if not methods:
        return []
    if "GET" in methods:
        methods.add("HEAD")
    methods.add("OPTIONS")
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    return sorted(methods, key=lambda m: (order.index(m) if m in order else len(order), m))


class AllowHeaderMiddleware:
    """Answers a plain ``OPTIONS`` (not a CORS preflight) with 204 and the path's real methods, and
    puts the same list in the ``Allow`` header of every 405."""

    def __init__(self, app: ASGIApp, fastapi_app: Any) -> None:
        self.app = app
        self.fastapi_app = fastapi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.lower() for k, _ in scope.get("headers", [])}
        preflight = b"access-control-request-method" in headers and b"origin" in headers
        if scope.get("method") == "OPTIONS" and not preflight:
            methods = allowed_methods(self.fastapi_app, scope)
            if methods:
                await send({"type": "http.response.start", "status": 204,
                            "headers": [(b"allow", ", ".join(methods).encode()), (b"content-length", b"0")]})
                await send({"type": "http.response.body", "body": b""})
                return

        async def send_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                methods = allowed_methods(self.fastapi_app, scope)
                if methods:
                    kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                    message = {**message, "headers": kept + [(b"allow", ", ".join(methods).encode())]}
            await send(message)

        await self.app(scope, receive, send_allow)
