"""Write-endpoint API key and browser security headers.

Why: the app binds to 127.0.0.1 by default, but people may expose it on a team network; then
uploads and deletions must not be open to anyone who can reach the port. Reads stay open so
the page and /docs work without a key. The Content-Security-Policy forbids inline and foreign
scripts, a second line of defence behind the page's textContent-only rendering of report text.
"""

from __future__ import annotations

import secrets

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI's page has one inline bootstrap script; it gets its own, slightly wider policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def require_write_key(request: Request) -> None:
    """FastAPI dependency: 401 unless the configured key is given (no key configured: open)."""
    expected = request.app.state.backend.settings.api_key
    if not expected:
        return
    given = request.headers.get("x-api-key")
    if not given:
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer":
            given = token.strip()
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status_code=401,
            detail="this endpoint needs the API key (header X-API-Key or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, referrer and framing headers to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        csp = DOCS_CSP if path.startswith("/docs") or path.startswith("/redoc") else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in (
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ):
                    if key not in present:
                        headers.append((key, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})


def _host_only(netloc: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '::1'."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].split("]", 1)[0]
    return netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc


def allowed_hosts(bind_host: str, configured: list[str]) -> frozenset[str] | None:
    """Host names this server answers to; None means any (``*`` configured, or bound to every
    interface with nothing configured: then the names it is reached by are unknown)."""
    if "*" in configured:
        return None
    if configured:
        return frozenset(_host_only(h) for h in configured) | LOOPBACK_NAMES
    if bind_host in WILDCARD_BINDS:
        return None
    return LOOPBACK_NAMES | {_host_only(bind_host)}


def cross_site_refusal(method: str, headers: dict[str, str], cors_origins: list[str]) -> str | None:
    """Why a state-changing request from another site is refused, or None when it may go ahead.

    Why: with no API key (the default) a page on any other origin could POST a multipart form
    to ``/api/reports`` (``mode: "no-cors"`` needs no preflight). Browsers say where a request
    comes from in ``Sec-Fetch-Site`` and ``Origin``; tools such as curl send neither and pass."""
    if method not in UNSAFE_METHODS:
        return None
    origin = headers.get("origin")
    allowed = {o.rstrip("/").lower() for o in cors_origins}
    if origin is not None and origin.rstrip("/").lower() in allowed:
        return None
    site = headers.get("sec-fetch-site", "").lower()
    if site in ("cross-site", "same-site"):
        return f"cross-site {method} refused (Sec-Fetch-Site: {site}); allow the origin with YOTASSIST_CORS_ORIGINS"
    if origin is not None:
        from urllib.parse import urlsplit

        parts = urlsplit(origin) if origin != "null" else None
        if parts is None or parts.netloc.lower() != headers.get("host", "").lower():
            return f"cross-origin {method} from {origin[:100]} refused; allow the origin with YOTASSIST_CORS_ORIGINS"
    return None


class SiteGuardMiddleware:
    """Refuses requests for a Host this server does not serve (DNS rebinding: 421) and
    state-changing requests from other sites (403), as JSON."""

    def __init__(self, app: ASGIApp, bind_host: str, hosts: list[str], cors_origins: list[str]) -> None:
        self.app = app
        self.hosts = allowed_hosts(bind_host, hosts)
        self.cors_origins = list(cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal: tuple[int, str] | None = None
        host = _host_only(headers.get("host", ""))
        if self.hosts is not None and host not in self.hosts:
            refusal = (421, f"this server does not answer to host {host[:100]!r}; add it to YOTASSIST_ALLOWED_HOSTS")
        else:
            why = cross_site_refusal(scope.get("method", "GET"), headers, self.cors_origins)
            if why:
                refusal = (403, why)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        from api.errors import json_error

        await json_error(refusal[1], refusal[0])(scope, receive, send)
