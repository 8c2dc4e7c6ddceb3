"""`yotassist parse FILE [--json]`: show what the structure parser reads from one report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from api.cli.app import app, fail


@app.command()
def parse(file: Path = typer.Argument(..., help="Report file: .txt, .md, .pdf or .html"),
          json_out: bool = typer.Option(False, "--json", help="Print the parsed report as JSON.")) -> None:
    """Parse a report into its structure (ratings, key questions, sections) with line provenance."""
    from ingest import load_report
    from ingest.errors import IngestError

    try:
        report = load_report(file)
    except IngestError as exc:
        fail(str(exc))
    except MemoryError:
        fail(f"{file}: not enough memory to parse this file")
    if json_out:
        sys.stdout.write(json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
        return
    _summary(report)


def _summary(report) -> None:
    """A readable rich summary: header facts, standards with key-question figures, sections, warnings."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"[bold]{report.title or report.source}[/bold]")
    facts = [("Source", report.source), ("Service", report.service), ("Published", report.published),
             ("Type", report.report_type), ("Framework", report.framework), ("Overall", report.overall),
             ("Score", f"{report.score}/{report.max_score}" if report.score is not None else None),
             ("Resettlement (4.1)", report.resettlement)]
    for name, value in facts:
        console.print(f"  {name}: {value if value is not None else '-'}")
    if report.standards or report.standard_titles:
        table = Table(title="Standards")
        table.add_column("Std")
        table.add_column("Title")
        table.add_column("Rating")
        table.add_column("Key questions")
        ids = sorted(set(report.standards) | set(report.standard_titles))
        for sid in ids:
            rating = report.standards.get(sid) or (report.resettlement if sid == "4.1" else None)
            kqs = report.key_questions.get(sid, [])
            figures = ", ".join(
                f"{q.yes}/{q.relevant} ({q.percent:g}%)" if q.yes is not None else f"{q.percent:g}%" for q in kqs)
            table.add_row(sid, report.standard_titles.get(sid, ""), rating or "-", figures or "-")
        console.print(table)
    sections = Table(title="Sections")
    for col in ("Id", "Kind", "Lines", "Pages", "Rating in text", "Title"):
        sections.add_column(col)
    for s in report.sections:
        pages = f"{s.page_start}-{s.page_end}" if s.page_start else ""
        sections.add_row(s.id, s.kind, f"{s.line_start}-{s.line_end}", pages, s.rating_in_text or "", s.title[:60])
    console.print(sections)
    if report.recommendations:
        console.print(f"Recommendations: {len(report.recommendations)}")
    if report.warnings:
        console.print("[bold yellow]Warnings[/bold yellow]")
        for w in report.warnings:
            console.print(f"  - {w}", markup=False, highlight=False)
    else:
        console.print("No warnings.")
