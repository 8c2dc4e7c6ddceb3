"""`yotassist rate`: recompute a report's ratings, or rate key-question values typed in (what-if)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from api.cli.app import app, fail


@app.command()
def rate(
    file: Optional[Path] = typer.Argument(None, help="Report file (.txt, .md, .pdf, .html) to check."),
    json_out: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    kq: list[str] = typer.Option(
        [], "--kq", metavar="STD=VALUES",
        help="What-if key-question values, e.g. --kq 2.2=5/8,4/7,8/9 or --kq 3.1=72%,81%,66% (repeatable).",
    ),
    rating: list[str] = typer.Option(
        [], "--rating", metavar="STD=RATING",
        help="What-if rating for a qualitative standard, e.g. --rating 1.1=Good (repeatable).",
    ),
    cases: list[str] = typer.Option(
        [], "--cases", metavar="STD=N",
        help="What-if case count for a standard given as percentages, e.g. --cases 3.1=9.",
    ),
    framework: Optional[str] = typer.Option(
        None, "--framework", help="Framework rules: 2018 or 2021 (default: the report's, or 2021 for --kq)."
    ),
) -> None:
    """Recompute ratings from key questions and compare them with the published ones."""
    from assistant import rating as R
    from assistant.rating_rules import RULES

    if framework is not None and framework not in RULES:
        fail(f"unknown framework {framework!r}; use one of: {', '.join(sorted(RULES))}")
    if file is not None and (kq or rating or cases):
        fail("give either a report FILE or --kq/--rating/--cases values, not both")
    if file is None and not (kq or rating):
        fail("give a report FILE, or key-question values with --kq (e.g. --kq 2.2=5/8,4/7,8/9)")

    if file is not None:
        report = _load(file)
        if not report.standards and not report.key_questions:
            fail(f"{file.name} has no ratings table or key-question tables to check")
        if framework is not None:
            report = report.model_copy(update={"framework": framework})
        result = R.rate_report(report)
    else:
        fw = framework or "2021"
        try:
            kqs = R.parse_kq_specs(kq, fw)
            ratings = dict(R.parse_rating_spec(s, fw) for s in rating)
            counts = dict(_parse_cases(s) for s in cases)
            stray = sorted(set(counts) - set(kqs))
            if stray:
                raise ValueError(f"--cases given for {', '.join(stray)} without --kq values for it")
        except ValueError as exc:
            fail(str(exc))
        result = R.rate(kqs, ratings, fw, cases=counts, source="typed values")
        result.explanation = R.explain(result)

    if json_out:
        print(json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        _print_table(result)


def _parse_cases(spec: str) -> tuple[str, int]:
    sid, sep, n = spec.partition("=")
    if not sep or not n.strip().isdigit() or int(n) < 1:
        raise ValueError(f"bad --cases {spec!r}: expected STANDARD=N with N at least 1, e.g. 3.1=9")
    return sid.strip(), int(n)


def _load(file: Path):
    if not file.exists():
        fail(f"no such file: {file}")
    try:
        from ingest import load_report
        from ingest.errors import IngestError
    except ImportError:
        fail("the report parser (ingest.load_report) is not available")
    try:
        return load_report(file)
    except (IngestError, ValueError, OSError) as exc:
        fail(f"{file.name}: {exc}")


_SHORT = {"unexplained disagreement": "UNEXPLAINED disagreement", "not published": "what-if"}
_ROW_STYLE = {"unexplained disagreement": "bold red", "discretion applied": "yellow"}
_STYLE = {
    "agrees": "green",
    "discretion applied": "yellow",
    "unexplained disagreement": "bold red",
    "qualitative": "dim",
    "not published": "cyan",
    "not computed": "magenta",
}


def _print_table(result) -> None:
    """Published vs computed side by side; disagreements highlighted."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{result.source or 'ratings'} ({result.framework} framework)", pad_edge=False)
    table.add_column("Standard", overflow="fold", ratio=3)
    table.add_column("Published", overflow="fold", ratio=2)
    table.add_column("Computed", overflow="fold", ratio=2)
    table.add_column("Lowest KQ, margin", overflow="fold", ratio=2)
    table.add_column("Status", overflow="fold", ratio=2)
    for s in result.standards.values():
        lowest = ""
        if s.basis is not None:
            lowest = f"{s.basis.percent:g}%"
            if s.basis.yes is not None and s.basis.relevant:
                lowest += f" ({s.basis.yes}/{s.basis.relevant})"
            lowest += f", {s.margin_pp:g} pp"
        status = _SHORT.get(s.status, s.status)
        if s.discretion_eligible and s.status in ("agrees", "not published"):
            status += " (discretion eligible)"
        style = _STYLE.get(s.status, "")
        table.add_row(
            f"{s.id} {s.title}", s.published or "-", s.computed or ("qualitative" if s.qualitative else "-"),
            lowest, f"[{style}]{status}[/]" if style else status,
            style=_ROW_STYLE.get(s.status),
        )
    table.add_section()
    mx = result.score.max
    sc, ov = result.score, result.overall
    table.add_row("Score", _of(sc.published, mx), _of(sc.computed, mx), "", _cmp(sc.published, sc.computed))
    table.add_row("Overall", ov.published or "-", ov.computed or "-", "", _cmp(ov.published, ov.computed))
    console.print(table)
    if result.report_warnings:
        console.print(f"[bold yellow]Working from a report with {len(result.report_warnings)} parser warning(s):[/]")
        for w in result.report_warnings:
            console.print(f"! {w}", markup=False, highlight=False)
    console.print(f"Resettlement: {result.resettlement.note}", highlight=False)
    if result.findings:
        console.print("[bold]Findings[/]")
        for f in result.findings:
            console.print(f"- {f}", markup=False, highlight=False)
    elif any(s.agrees is not None for s in result.standards.values()):
        console.print("[green]No disagreements: every computed rating matches the published one.[/]")
    if result.explanation:
        console.print()
        console.print(result.explanation, markup=False, highlight=False)


def _of(value: int | None, mx: int) -> str:
    return "-" if value is None else f"{value}/{mx}"


def _cmp(published, computed) -> str:
    if published is None or computed is None:
        return ""
    return "[green]agrees[/]" if published == computed else "[bold red]differs[/]"
