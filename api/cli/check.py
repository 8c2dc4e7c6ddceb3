"""`yotassist check FILE`: check a draft report's ratings, sums, tone, figures and recommendations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app, fail
from api.cli.ask import IndexOpt


@app.command()
def check(
    file: Path = typer.Argument(..., help="Draft report (.txt, .md, .pdf, .html; .docx when the parser takes it)."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    index: Optional[Path] = IndexOpt,
) -> None:
    """Recompute every rating, re-add the score, and flag text, tone, figures and recommendations
    that disagree. The tone and recommendation checks use the index's reports (--index)."""
    from api.cli.rate import _load

    report = _load(file)
    from api.cli.index_cmds import open_index
    from assistant.check import check_with_library
    from assistant.library import Library

    idx = open_index(index)
    lib = Library(idx) if idx.reports() else None
    try:
        result = check_with_library(report, lib)
    except ValueError as exc:
        fail(str(exc))
    if json_out:
        print(json.dumps(result.model_dump(), ensure_ascii=False, indent=2))
        return
    print(f"{report.source}: {report.service or 'service not named'}, {result.framework} framework")
    s = result.score
    if s.get("from_published_standards") is not None:
        print(f"Score re-added from the ratings table: {s['from_published_standards']}/{s['max']} "
              f"({s.get('overall_from_score')}); printed: {s.get('published')}, overall {s.get('overall_published')}")
    for sid, st in result.standards.items():
        if st.get("computed"):
            print(f"  {sid}: table {st.get('published')}, computed {st['computed']} ({st['status']})")
    if result.problems:
        print(f"{len(result.problems)} problem(s):")
        for p in result.problems:
            where = f" (line {p.line})" if p.line else ""
            print(f"  - [{p.kind}] {p.message}{where}")
    else:
        print("No problems found.")
    for n in result.notes:
        print(f"  note: {n}")
