"""Assistant commands: ask, draft. Each calls one method of ``assistant.service.Assistant``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from api.cli.app import app, fail

IndexOpt = typer.Option(None, "--index", help="Index folder (default: $YOTASSIST_HOME/index).")


def _assistant(index_dir: Optional[Path], mode: Optional[str] = None) -> Any:
    from api.cli.index_cmds import open_index

    if mode not in (None, "extractive", "llm"):
        fail(f"--mode must be extractive or llm, not {mode!r}")
    idx = open_index(index_dir)
    # The model loads (C++, GIL released) while the assistant's Python modules import.
    warm = getattr(getattr(idx, "embedder", None), "load_in_background", None)
    if callable(warm):
        warm()
    from assistant.service import Assistant

    assistant = Assistant(idx, mode=mode)  # type: ignore[arg-type]
    if mode == "llm" and not assistant.settings.llm.base_url:
        fail("--mode llm needs YOTASSIST_LLM_BASE_URL (an OpenAI-compatible endpoint)")
    if not idx.reports():
        fail(f"the index {index_dir or assistant.settings.index_dir} is empty; run `yotassist ingest FILES` first")
    return assistant


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        fail(f"{what} {path} is not a file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{what} {path} is not UTF-8 text")
    except OSError as exc:
        fail(f"cannot read {what} {path}: {exc.strerror or exc}")


def _history(value: Optional[str]) -> list[Any]:
    """Earlier turns (``api.cli.history``): refused with one clear line when unusable."""
    if value is None:
        return []
    from api.cli.history import HistoryError, parse_history

    try:
        return parse_history(value)
    except HistoryError as exc:
        fail(str(exc))


def _print_answer(ans: Any) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    console.print(Markdown(ans.answer))
    if ans.citations:
        console.print("\n[bold]Sources[/bold]")
        for c in ans.citations:
            where = f"lines {c.line_start}-{c.line_end}" if c.line_end != c.line_start else f"line {c.line_start}"
            page = f", p. {c.page}" if c.page else ""
            console.print(f"[{c.n}] {c.service or c.source} - {c.section} {c.title} ({c.source}, {where}{page})",
                          markup=False, highlight=False)
            console.print(f"    \u201c{c.quote}\u201d", markup=False, highlight=False, style="dim")
    if ans.unsupported:
        console.print("\n[yellow]Left out (no supporting passage found):[/yellow]")
        for s in ans.unsupported:
            console.print(f"  - {s}", markup=False, highlight=False)


@app.command()
def ask(
    question: Optional[str] = typer.Argument(None, help="The question, e.g. \"How did other YOTs fare on OOCD joint working?\""),
    json_out: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    index: Optional[Path] = IndexOpt,
    questions: Optional[Path] = typer.Option(None, "--questions", help="File with one question per line (JSON lines out)."),
    history: Optional[str] = typer.Option(
        None, "--history", help="Earlier turns, oldest first: a file or inline JSON list of questions and/or "
        '{"role": "user"|"assistant", "content": ...} turns, or a text file with one question per line.'),
    mode: Optional[str] = typer.Option(None, "--mode", help="extractive (default) or llm (needs YOTASSIST_LLM_BASE_URL)."),
) -> None:
    """Answer a question from the indexed reports; every quote is checked against its source lines."""
    if (question is None) == (questions is None):
        fail("give either a QUESTION or --questions FILE")
    batch: list[str] = []
    if questions is not None:
        batch = [ln.strip() for ln in _read_text(questions, "--questions").splitlines() if ln.strip()]
        if not batch:
            fail(f"--questions {questions} has no questions")
    turns = _history(history)
    assistant = _assistant(index, mode)
    from assistant.llm import LLMError

    def one(q: str) -> Any:
        try:
            return assistant.ask(q, history=turns or None)
        except ValueError as exc:
            fail(str(exc))
        except LLMError as exc:
            fail(str(exc), code=1)

    if questions is not None:
        for q in batch:
            ans = one(q)
            print(json.dumps(_answer_json(ans), ensure_ascii=False), flush=True)
        return
    ans = one(question or "")
    if json_out:
        print(json.dumps(_answer_json(ans), ensure_ascii=False, indent=2))
    else:
        _print_answer(ans)


def _answer_json(ans: Any) -> dict[str, Any]:
    data = ans.model_dump()
    return {k: data[k] for k in ("question", "answer", "citations", "mode", "unsupported", "kind")}


@app.command()
def draft(
    standard: str = typer.Option(..., "--standard", help="Standard id, e.g. 2.2"),
    kind: str = typer.Option(..., "--kind", help="strengths, improvements or findings"),
    service: Optional[str] = typer.Option(None, "--service", help="The service you are drafting for (if indexed)."),
    notes: Optional[Path] = typer.Option(None, "--notes", help="A text file with your own notes (findings)."),
    kq: Optional[str] = typer.Option(None, "--kq", help="Your key-question figures, e.g. \"2.2=5/8,4/7,8/9\"."),
    json_out: bool = typer.Option(False, "--json", help="Print the draft as JSON."),
    index: Optional[Path] = IndexOpt,
    mode: Optional[str] = typer.Option(None, "--mode", help="extractive or llm (needs YOTASSIST_LLM_BASE_URL); "
                                       "default: llm when an endpoint is set."),
    framework: Optional[str] = typer.Option(None, "--framework", help="2018 or 2021: draft for a new inspection "
                                            "(the service need not be indexed) from your figures and notes."),
) -> None:
    """Draft strengths / areas for improvement bullets or a findings paragraph for a standard."""
    notes_text = _read_text(notes, "--notes") if notes is not None else None
    assistant = _assistant(index, mode)
    from assistant.llm import LLMError

    try:
        d = assistant.draft(standard, kind, service=service, notes=notes_text, kq=kq, framework=framework)
    except ValueError as exc:
        fail(str(exc))
    except LLMError as exc:
        fail(str(exc), code=1)
    if json_out:
        print(json.dumps(d.model_dump(), ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console()
    heading = {"strengths": "Strengths", "improvements": "Areas for improvement", "findings": "Findings"}[d.kind]
    console.print(f"[bold]{d.standard} {heading}[/bold]" + (f" - {d.service}" if d.service else ""))
    if d.computed_rating:
        console.print(f"Computed rating from your figures: [bold]{d.computed_rating}[/bold]")
    body = "\n".join(f"- {b}" for b in d.bullets) if d.bullets else (d.paragraph or "")
    if d.bullets and d.paragraph:
        body = d.paragraph + "\n\n" + body  # the lead line ("no bullets of its own ...")
    console.print(Markdown(body))
    if getattr(d, "comparable", None):
        console.print("\n[bold]How comparable inspections put the same findings[/bold]")
        console.print(Markdown("\n".join(f"- {c}" for c in d.comparable)))
    _print_answer_sources(console, d)
    # left_out carries the reasons; unsupported may hold more (the language model's dropped sentences)
    left = [(x.text, f" ({x.service}, {x.section}, line {x.line})" if x.service else "", x.why) for x in d.left_out]
    left += [(u, "", "No cited line supports it.") for u in d.unsupported if u not in {t for t, _, _ in left}]
    if left:
        console.print("\n[yellow]Left out, and why:[/yellow]")
        for text, where, why in left:
            console.print(f"  - {text}{where}\n    {why}", markup=False, highlight=False)
    console.print("\n" + ("Written by the language model, citations checked" if d.mode == "llm"
                          else "Extractive draft: quoted from the reports"), style="dim")


def _print_answer_sources(console: Any, d: Any) -> None:
    if d.citations:
        console.print("\n[bold]Sources[/bold]")
        for c in d.citations:
            console.print(f"[{c.n}] {c.service or c.source} - {c.section} {c.title} ({c.source}, line {c.line_start})",
                          markup=False, highlight=False)
            console.print(f"    \u201c{c.quote}\u201d", markup=False, highlight=False, style="dim")
