"""`yotassist feedback export`: answers people rated, as JSON lines that can become evaluation questions."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app, fail
from yotassist.one_line import one_line

feedback_app = typer.Typer(help="Feedback given on answers in the web page.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def export(
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
    rating: Optional[str] = typer.Option(None, "--rating", help="Only up or only down."),
    database_url: Optional[str] = typer.Option(None, "--database-url",
                                               help="Conversation database (default: YOTASSIST_DATABASE_URL or "
                                               "the SQLite file in YOTASSIST_HOME)."),
) -> None:
    """One JSON object per rated answer: question, earlier questions, answer, citations, rating, comment."""
    if rating not in (None, "up", "down"):
        fail(f"--rating must be up or down, not {rating!r}")
    from yotassist.settings import Settings

    try:
        settings = Settings(**({"database_url": database_url} if database_url else {}))
    except Exception as exc:
        fail(f"invalid settings: {one_line(exc, 300)}")
    if not settings.database_url and not (Path(settings.home) / "conversations.sqlite").exists():
        fail(f"no conversation database in {settings.home} (nothing has been asked in the web page yet)")
    from sqlalchemy.exc import SQLAlchemyError

    from api.conversations import open_store

    try:
        store = open_store(settings)
        rows = [r for r in store.feedback_rows() if rating is None or r["rating"] == rating]
        store.close()
    except SQLAlchemyError as exc:
        fail(f"cannot read the conversation database: {one_line(exc, 300)}")
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
        print(f"yotassist: {len(rows)} rated answer{'s' if len(rows) != 1 else ''} written to {out}", file=sys.stderr)
