"""`yotassist draft-domain`: a whole domain's findings from your figures, with the score arithmetic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app, fail
from api.cli.ask import IndexOpt, _assistant, _read_text


@app.command("draft-domain")
def draft_domain_cmd(
    domain: str = typer.Option(..., "--domain", help="Domain number: 2 (court disposals) or 3 (out-of-court)."),
    kq: list[str] = typer.Option([], "--kq", metavar="STD=VALUES",
                                 help="Figures for every case-based standard of the domain, e.g. --kq 2.1=8/9,7/9,6/9."),
    framework: str = typer.Option("2021", "--framework", help="2018 or 2021."),
    service: Optional[str] = typer.Option(None, "--service", help="The service inspected (need not be indexed)."),
    notes: Optional[Path] = typer.Option(None, "--notes", help="A text file with your notes, one per line."),
    rating: list[str] = typer.Option([], "--rating", metavar="STD=RATING",
                                     help="Ratings of other standards, for the overall band (e.g. --rating 1.1=Good)."),
    json_out: bool = typer.Option(False, "--json", help="Print the draft as JSON."),
    index: Optional[Path] = IndexOpt,
) -> None:
    """Draft every case-based standard of a domain: sections, ratings, points and overall band."""
    from assistant.draft_domain import draft_domain
    from assistant.rating import parse_rating_spec

    notes_text = _read_text(notes, "--notes") if notes is not None else None
    assistant = _assistant(index, "extractive")
    try:
        ratings = dict(parse_rating_spec(s, framework) for s in rating)
        d = draft_domain(assistant, domain.strip(), kq, service, notes_text, framework, ratings)
    except ValueError as exc:
        fail(str(exc))
    if json_out:
        print(json.dumps(d.model_dump(), ensure_ascii=False, indent=2))
        return
    print(d.summary + "\n")
    for s in d.sections:
        print(f"{s.standard} ({s.computed_rating})")
        print(s.paragraph or "")
        for c in s.comparable:
            print(f"  comparable: {c}")
        for c in s.citations:
            print(f"    [{c.n}] {c.service or c.source} - {c.section} {c.title}, lines {c.line_start}-{c.line_end}")
        print()
