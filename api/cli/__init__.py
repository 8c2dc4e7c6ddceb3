"""`yotassist` command line. Each command lives in its own module and calls one library function."""

from __future__ import annotations

from api.cli.app import app
from api.cli import parse, rate, index_cmds, ask, serve, feedback, check, draft_domain  # noqa: F401  (register commands)


def main() -> None:
    try:
        app()
    except Exception as exc:
        # An index that turns out to be damaged or unreachable mid-command: one line, no traceback.
        from index.health import IndexOpenError

        if not isinstance(exc, IndexOpenError):
            raise
        import sys

        print(f"yotassist: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


__all__ = ["app", "main"]
