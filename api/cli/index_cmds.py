"""Index commands: ingest, search, reports, remove, reindex."""

from __future__ import annotations

from api.cli.app import app, fail


@app.command()
def ingest() -> None:
    """Parse and index report files or folders (not implemented yet)."""
    fail("ingest is not implemented yet")
