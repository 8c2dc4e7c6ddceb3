"""The typer application every command module registers on; kept import-light so `--help` is fast."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

app = typer.Typer(
    name="yotassist",
    help="Query, check and draft youth justice inspection reports, with every claim cited.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr and a non-zero exit: the CLI never shows a traceback for bad input."""
    print(f"yotassist: error: {message}", file=sys.stderr)
    raise typer.Exit(code)
