"""`yotassist parse FILE`."""

from __future__ import annotations

from pathlib import Path

import typer

from api.cli.app import app, fail


@app.command()
def parse(file: Path = typer.Argument(..., help="Report file: .txt, .md, .pdf or .html"),
          json_out: bool = typer.Option(False, "--json", help="Print the parsed report as JSON.")) -> None:
    """Parse a report into its structure (ratings, key questions, sections) with line provenance."""
    fail("parse is not implemented yet")
