"""Server mode: telling "the Chroma server is not answering" apart from every other failure.

Why: with a shared Chroma server (``YOTASSIST_CHROMA_URL``) the server can go away while the app or
a CLI command is running. The client then raises ``httpx.ConnectError`` (or a ``ConnectionError``,
or a timeout) from deep inside chromadb, and without this module each request became a 500 with a
traceback in the log. Callers ask ``unreachable(exc)`` and answer with one clear message instead
(the API: 503 JSON; the CLI: one line), and nothing else changes: once the server is back, the
same client reconnects on the next call.
"""

from __future__ import annotations

from typing import Iterator

from yotassist.one_line import one_line


class IndexUnreachable(RuntimeError):
    """The index server (a Chroma server) did not answer; the message names it."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend(x for x in (e.__cause__, e.__context__) if x is not None)
        todo.extend(getattr(e, "exceptions", ()) or ())  # exception groups (anyio task groups)


def unreachable(exc: BaseException) -> bool:
    """True when ``exc`` (or what caused it) says the server could not be reached or dropped the
    connection: a transport error, not an answer the server gave."""
    try:
        import httpx

        transport: tuple[type[BaseException], ...] = (httpx.TransportError,)
    except ImportError:  # pragma: no cover - httpx comes with chromadb
        transport = ()
    for e in _chain(exc):
        if isinstance(e, IndexUnreachable):
            return True
        if transport and isinstance(e, transport):
            return True
        if isinstance(e, (ConnectionError, TimeoutError)):
            return True
        text = str(e).lower()
        if "could not connect to a chroma server" in text or "connection refused" in text:
            return True
    return False


def describe(exc: BaseException, url: str | None) -> str:
    """One line: which server is unreachable and why (the first transport error's own words)."""
    if isinstance(exc, IndexUnreachable):
        return str(exc)
    cause = next((e for e in _chain(exc) if not isinstance(e, IndexUnreachable)), exc)
    why = one_line(cause, 160, type(cause).__name__)
    where = f"the index server (Chroma at {url})" if url else "the index server"
    return f"{where} is unreachable ({why}); start it again, then retry (nothing half-written is visible)"
