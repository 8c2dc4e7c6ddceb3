"""`yotassist rate`."""

from __future__ import annotations

from api.cli.app import app, fail


@app.command()
def rate() -> None:
    """Recompute and check a report's ratings (not implemented yet)."""
    fail("rate is not implemented yet")
