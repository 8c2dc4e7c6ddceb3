"""`yotassist` command line. Each command lives in its own module and calls one library function."""

from __future__ import annotations

from api.cli.app import app
from api.cli import parse, rate, index_cmds, ask, serve  # noqa: F401  (register commands)


def main() -> None:
    app()


__all__ = ["app", "main"]
