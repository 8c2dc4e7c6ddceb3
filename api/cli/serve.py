"""`yotassist serve`."""

from __future__ import annotations

from api.cli.app import app, fail


@app.command()
def serve() -> None:
    """Start the web app (not implemented yet)."""
    fail("serve is not implemented yet")
