"""Index commands: ingest, search, reports, remove, reindex.

Each command opens one ``index.store.Index`` (``--index DIR`` or $YOTASSIST_HOME/index) and calls
one of its methods; heavy libraries are imported only inside the commands.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Optional

import typer

from api.cli.app import app, fail

IndexOpt = typer.Option(None, "--index", help="Index folder (default: $YOTASSIST_HOME/index).")
ChromaUrlOpt = typer.Option(None, "--chroma-url", envvar="YOTASSIST_CHROMA_URL",
                            help="Use a shared Chroma server (e.g. http://127.0.0.1:8765) instead of the embedded index.")


def open_index(index_dir: Optional[Path], chroma_url: Optional[str] = None, verify: bool = True,
               repair: bool = False) -> Any:
    """The Index for a command; a bad folder or unreachable server is one clear error line.

    ``verify`` checks the embedded Chroma files up front (cheap); ``reindex`` skips it because
    it rebuilds a damaged Chroma folder instead of refusing it."""
    from index.health import IndexOpenError, check_chroma_folder
    from index.store import Index

    if index_dir is not None and index_dir.exists() and not index_dir.is_dir():
        fail(f"--index {index_dir} is not a folder")
    try:
        idx = Index.open(index_dir=index_dir, chroma_url=chroma_url, repair=repair)
        if idx.chroma_url:
            idx.records  # connect now: an unreachable server is reported here, not mid-command
        elif verify:
            check_chroma_folder(idx.dir / "chroma")
        return idx
    except IndexOpenError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot open index {index_dir or ''}: {exc.strerror or exc}")


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Report files (.txt .md .pdf .html) or folders."),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaUrlOpt,
    json_out: bool = typer.Option(False, "--json", help="Print the per-file results as JSON."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    force: bool = typer.Option(False, "--force", help="Also index documents that do not look like inspection reports "
                               "(no ratings table, key-question table or standard sections)."),
) -> None:
    """Parse and index report files or folders; unchanged files are skipped, changed ones replaced."""
    idx = open_index(index, chroma_url)
    summary = idx.ingest(paths, progress=not quiet and not json_out and sys.stderr.isatty(), allow_unstructured=force)
    if json_out:
        print(json.dumps(summary.model_dump() | {"chunks": summary.chunks}, indent=2))
    else:
        for r in summary.results:
            detail = f"{r.chunks} chunks" if r.status != "failed" else (r.error or "")
            print(f"{r.status:9} {r.source}  {detail}")
        print(f"{len(summary.results)} files: {summary.count('added')} added, {summary.count('updated')} updated, "
              f"{summary.count('unchanged')} unchanged, {summary.count('failed')} failed; "
              f"{summary.chunks} chunks indexed ({summary.embedded} embedded, {summary.cached} from cache) "
              f"in {summary.seconds:.1f} s")
    if summary.results and all(r.status == "failed" for r in summary.results):
        raise typer.Exit(2)
    if not summary.ok:
        raise typer.Exit(1)


def _hit_json(hit: Any) -> dict[str, Any]:
    return {"source": hit.source, "service": hit.service, "section": hit.section, "title": hit.title,
            "line_start": hit.line_start, "line_end": hit.line_end, "page": hit.page,
            "score": round(hit.score, 4), "text": hit.text}


@app.command()
def search(
    query: Optional[str] = typer.Argument(None, help="The question or keywords."),
    k: int = typer.Option(5, "--k", min=1, max=100, help="Number of hits."),
    service: Optional[str] = typer.Option(None, "--service", help="Only this service (name or short form)."),
    standard: Optional[str] = typer.Option(None, "--standard", help="Only this standard, e.g. 3.4."),
    json_out: bool = typer.Option(False, "--json", help="JSON output."),
    queries: Optional[Path] = typer.Option(None, "--queries", help="File with one query per line; JSONL out."),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaUrlOpt,
) -> None:
    """Hybrid search over the indexed reports (dense + BM25, abbreviations and service names understood)."""
    if (query is None) == (queries is None):
        fail("give either a QUERY or --queries FILE")
    if standard is not None and not __import__("re").fullmatch(r"[1-4]\.[1-4]", standard.strip()):
        fail(f"--standard must look like 3.4, not {standard!r}")
    lines: list[str]
    if queries is not None:
        try:
            lines = [q.strip() for q in queries.read_text(encoding="utf-8").splitlines() if q.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read {queries}: {getattr(exc, 'strerror', None) or exc}")
    else:
        lines = [query or ""]
    if any(len(q) > 2000 for q in lines):
        fail("a query is longer than 2000 characters")
    idx = open_index(index, chroma_url)
    warm = getattr(getattr(idx, "embedder", None), "load_in_background", None)
    if callable(warm):
        warm()  # the model loads (GIL released) while the report list and the lexical view are read
    if not idx.reports():
        fail("the index is empty: run `yotassist ingest PATH` first")
    std = standard.strip() if standard else None
    if service is not None and idx.resolve_service(service) is None:
        fail(f"no indexed service matches {service!r} (indexed: {', '.join(idx.services()) or 'none'})")
    for q in lines:
        t0 = time.perf_counter()
        hits = idx.search(q, k=k, service=service, standard=std)
        ms = (time.perf_counter() - t0) * 1000
        if queries is not None or json_out:
            print(json.dumps({"query": q, "hits": [_hit_json(h) for h in hits]}, ensure_ascii=False)
                  if queries is not None else
                  json.dumps({"query": q, "hits": [_hit_json(h) for h in hits]}, ensure_ascii=False, indent=2),
                  flush=True)
            continue
        if not hits:
            print("no hits")
        for n, h in enumerate(hits, 1):
            page = f" p.{h.page}" if h.page else ""
            print(f"[{n}] {h.service or '?'} - {h.section} {h.title}  ({h.source}:{h.line_start}-{h.line_end}{page}, score {h.score:.3f})")
            snippet = " ".join(h.text.split())
            print("    " + (snippet[:300] + ("..." if len(snippet) > 300 else "")))
        print(f"({ms:.0f} ms)", file=sys.stderr)


@app.command()
def reports(
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaUrlOpt,
    json_out: bool = typer.Option(False, "--json", help="JSON output."),
) -> None:
    """List the indexed reports: service, date, framework, overall rating and score."""
    idx = open_index(index, chroma_url)
    rows = idx.reports()
    if json_out:
        print(json.dumps([r.model_dump() for r in rows], indent=2))
        return
    if not rows:
        print("no reports indexed")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} reports in {idx.dir}")
    for col in ("source", "service", "published", "framework", "overall", "score", "chunks"):
        table.add_column(col)
    for r in rows:
        score = f"{r.score}/{r.max_score}" if r.score is not None else ""
        table.add_row(r.source, r.service or "", r.published or "", r.framework or r.report_type or "",
                      r.overall or "", score, str(r.chunks))
    Console().print(table)


@app.command()
def remove(
    source: str = typer.Argument(..., help="The indexed file name, as listed by `yotassist reports`."),
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaUrlOpt,
) -> None:
    """Remove one report and its chunks from the index."""
    idx = open_index(index, chroma_url)
    if not idx.remove(source):
        known = ", ".join(r.source for r in idx.reports()) or "none"
        fail(f"{source} is not indexed (indexed: {known})")
    print(f"removed {source}")


@app.command()
def reindex(
    index: Optional[Path] = IndexOpt,
    chroma_url: Optional[str] = ChromaUrlOpt,
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Re-parse and re-chunk every stored report (after an upgrade); unchanged text is not re-embedded."""
    idx = open_index(index, chroma_url, verify=False, repair=True)
    summary = idx.reindex(progress=not quiet)
    for r in summary.results:
        print(f"{r.status:9} {r.source}  {r.error or str(r.chunks) + ' chunks'}")
    if not summary.ok:
        raise typer.Exit(1)
