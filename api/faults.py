"""The index server going away: 503 JSON for every request that needed it, one warning line.

Why a middleware: the failure can surface in any route (listing reports, a search inside an answer,
an upload's commit) and Starlette's error middleware would answer each with a plain-text 500 and a
traceback in the log. This sits inside the error middleware and turns exactly the transport
failures (``index.unreachable``) into ``503 {"detail": "the index server ... is unreachable"}``;
every other exception passes through untouched. The outage is logged once when it starts and once
when the server answers again, not once per request.
"""

from __future__ import annotations

import logging
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_json_error
from index.unreachable import describe, unreachable

log = logging.getLogger("yotassist.api")
# Routes that always read the index: a success there means the index server answers again.
READS_INDEX = ("/healthz", "/api/reports", "/api/meta", "/api/ratings", "/api/ask")


class IndexHealth:
    """Up/down state of the index server as the app last saw it (for the log, not for decisions)."""

    def __init__(self) -> None:
        self._down: str | None = None
        self._lock = threading.Lock()

    @property
    def down(self) -> str | None:
        return self._down

    def mark_down(self, message: str) -> None:
        with self._lock:
            first, self._down = self._down is None, message
        if first:
            log.warning("%s", message)

    def mark_up(self) -> None:
        with self._lock:
            was, self._down = self._down, None
        if was is not None:
            log.warning("the index server answers again; serving normally")


class IndexFaultMiddleware:
    def __init__(self, app: ASGIApp, health: IndexHealth, url: str | None) -> None:
        self.app = app
        self.health = health
        self.url = url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        status = 0

        async def watch(message: Message) -> None:
            nonlocal started, status
            if message["type"] == "http.response.start":
                started, status = True, int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if not unreachable(exc):
                raise
            message = describe(exc, self.url)
            self.health.mark_down(message)
            if started:  # a stream that had begun: nothing more can be said to this client
                return
            await send_json_error(send, 503, message, [(b"retry-after", b"5")])
            return
        if self.health.down and status < 500 and scope.get("path", "").startswith(READS_INDEX):
            self.health.mark_up()
