"""`yotassist` command line. Each command lives in its own module and calls one library function."""

from __future__ import annotations

from api.cli.app import app
from api.cli import parse, rate, index_cmds, ask, serve, feedback, check, draft_domain  # noqa: F401  (register commands)


def main() -> None:
    try:
        app()
    except Exception as exc:
        # An index that turns out to be damaged or unreachable mid-command: one line, no traceback.
        # A Chroma server that stops answering mid-command (server mode) is the same: one line.
        import sys

        from index.health import IndexOpenError
        from index.unreachable import describe, unreachable

        if isinstance(exc, IndexOpenError):
            print(f"yotassist: error: {exc}", file=sys.stderr)
        elif unreachable(exc):
            from yotassist.settings import get_settings

            print(f"yotassist: error: {describe(exc, _chroma_url() or get_settings().chroma_url)}", file=sys.stderr)
        else:
            raise
        raise SystemExit(2) from None


def _chroma_url() -> str | None:
    """The --chroma-url given on the command line, if any (for the message)."""
    import sys

    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == "--chroma-url" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--chroma-url="):
            return arg.split("=", 1)[1]
    return None


__all__ = ["app", "main"]
