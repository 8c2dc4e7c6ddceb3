"""Assistant commands: ask, draft."""

from __future__ import annotations

from api.cli.app import app, fail


@app.command()
def ask() -> None:
    """Answer a question with verified citations (not implemented yet)."""
    fail("ask is not implemented yet")
