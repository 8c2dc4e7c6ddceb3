"""Bytes in, ``Report`` out: loaders per format, a line-preserving normaliser, the structure parser.

Knows nothing of Chroma, embeddings or models. Public API:
``load_report(path)``, ``load_bytes(data, filename)``, ``parse_lines(lines, source, line_pages)``
and ``ingest.errors.IngestError`` for input that cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path

from ingest.errors import IngestError
from ingest.model import KeyQuestion, Report, Section
from ingest.parser import parse_lines

__all__ = ["IngestError", "KeyQuestion", "Report", "Section", "load_bytes", "load_report", "parse_lines"]


def load_bytes(data: bytes, filename: str) -> Report:
    """Parse an uploaded file's bytes; ``filename`` picks the loader (content sniffing for PDF/HTML)."""
    from ingest.loaders import load_data

    loaded = load_data(data, filename)
    try:
        report = parse_lines(loaded.lines, Path(filename).name or "upload", loaded.line_pages)
    except RecursionError as exc:  # defensive: the parser is iterative, but never leak a traceback
        raise IngestError("the document is too deeply nested to parse") from exc
    report.sha256 = loaded.sha256
    if loaded.notes:
        report.warnings = loaded.notes + report.warnings
    from ingest.injection import screen_report

    return screen_report(report)


def load_report(path: Path | str) -> Report:
    """Read, load and parse a report file (.txt, .md, .pdf, .html)."""
    from ingest.loaders import read_path

    p = Path(path)
    return load_bytes(read_path(p), p.name)
