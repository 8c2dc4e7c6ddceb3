"""Report -> chunks that follow the parser's structure.

Why: generic fixed-size splitting mixes the end of one standard with the start of the next, so a
hit cannot be cited to one standard and the embedding blurs two topics. Here a chunk never crosses
a section boundary, key-question tables are chunks of their own, and a chunk's ``text`` is exactly
the source lines ``line_start..line_end`` (so every quote can be checked against ``Report.lines``).
The contextual ``header`` (service, year, standard and rating) is only prepended for embedding.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from index.model import Chunk
from ingest.model import Report, Section

TARGET_WORDS = 150
MAX_WORDS = 220
MIN_WORDS = 60
OVERLAP_MAX_WORDS = 60  # carry the previous paragraph over only when it is short
UNSECTIONED = Section(id="other", title="Other text", kind="other", line_start=1, line_end=1)


@dataclass
class _Segment:
    section: Section
    start: int
    end: int
    is_table: bool = False


def _words(line: str) -> int:
    return len(line.split())


def chunk_id(source: str, version: str, section: str, line_start: int, line_end: int) -> str:
    """Deterministic id: the same report version always yields the same ids.

    The version (a prefix of the file's sha256) is part of the id so that a changed file's new
    chunks can be written beside the old ones and swapped in one step (see ``index.store``).
    """
    raw = f"{source}\x00{version}\x00{section}\x00{line_start}\x00{line_end}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:20]


def _owner_map(report: Report) -> list[Section | None]:
    """For every line, the innermost (shortest) section that contains it."""
    n = len(report.lines)
    owner: list[Section | None] = [None] * (n + 1)
    size = [10**9] * (n + 1)
    for sec in report.sections:
        start, end = max(1, sec.line_start), min(n, sec.line_end)
        span = end - start
        for ln in range(start, end + 1):
            if span < size[ln]:
                owner[ln] = sec
                size[ln] = span
    return owner


def _table_ranges(report: Report) -> dict[str, tuple[int, int]]:
    """Line range of each key-question table, from the rows' source lines."""
    ranges: dict[str, tuple[int, int]] = {}
    for sid, rows in report.key_questions.items():
        lines = [r.line for r in rows if r.line]
        if lines:
            ranges[sid] = (min(lines), max(lines))
    return ranges


def _is_table_heading(line: str) -> bool:
    """A column header or lead-in just above key-question rows ("% 'Yes'", "Relevant cases", "...:")."""
    low = line.strip().lower()
    return bool(low) and _words(low) <= 14 and ("%" in low or "yes" in low or "relevant" in low or low.endswith(":"))


def _segments(report: Report) -> list[_Segment]:
    """Contiguous runs of lines with the same owning section; key-question tables cut out."""
    owner = _owner_map(report)
    n = len(report.lines)
    tables = _table_ranges(report)
    segments: list[_Segment] = []
    ln = 1
    while ln <= n:
        sec = owner[ln]
        end = ln
        while end + 1 <= n and owner[end + 1] is sec:
            end += 1
        section = sec or UNSECTIONED
        table = tables.get(section.id)
        is_table_section = section.kind == "table"
        if table and not is_table_section and ln <= table[0] <= end:
            t0, t1 = table[0], min(table[1], end)
            # Include the table's own heading line(s) just above the first row when short.
            while t0 - 1 >= ln and t0 > table[0] - 3 and _is_table_heading(report.lines[t0 - 2]):
                t0 -= 1
            if t0 > ln:
                segments.append(_Segment(section, ln, t0 - 1))
            segments.append(_Segment(section, t0, t1, is_table=True))
            if t1 < end:
                segments.append(_Segment(section, t1 + 1, end))
        else:
            segments.append(_Segment(section, ln, end, is_table=is_table_section))
        ln = end + 1
    return segments


def _without_flagged(report: Report, segments: list[_Segment]) -> list[_Segment]:
    """Cut planted-instruction lines (``Report.instruction_lines``, see ingest.injection) out of
    every segment, so no chunk, and so no engine's evidence, contains them."""
    flagged = set(report.instruction_lines)
    if not flagged:
        return segments
    out: list[_Segment] = []
    for seg in segments:
        start = seg.start
        for ln in range(seg.start, seg.end + 2):
            if ln > seg.end or ln in flagged:
                if start <= ln - 1:
                    out.append(_Segment(seg.section, start, ln - 1, seg.is_table))
                start = ln + 1
    return out


def _trim(report: Report, start: int, end: int) -> tuple[int, int] | None:
    while start <= end and not report.lines[start - 1].strip():
        start += 1
    while end >= start and not report.lines[end - 1].strip():
        end -= 1
    return (start, end) if start <= end else None


def _good_break(report: Report, ln: int) -> bool:
    """A paragraph end: the line ends a sentence or the next line is blank."""
    line = report.lines[ln - 1].rstrip()
    nxt = report.lines[ln].strip() if ln < len(report.lines) else ""
    return not nxt or line.endswith((".", ":", "?", "!", ";")) or _words(line) > 25


def _split(report: Report, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraph-aligned pieces of ~TARGET_WORDS words, with a short paragraph of overlap."""
    trimmed = _trim(report, start, end)
    if not trimmed:
        return []
    start, end = trimmed
    total = sum(_words(report.lines[i - 1]) for i in range(start, end + 1))
    if total <= MAX_WORDS:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    cur = start
    while cur <= end:
        words = 0
        ln = cur
        last_good = None
        while ln <= end:
            w = _words(report.lines[ln - 1])
            if words + w > MAX_WORDS and last_good is not None:
                ln = last_good  # adding this paragraph would overflow: end at the last good break
                break
            words += w
            if words >= MIN_WORDS and _good_break(report, ln):
                last_good = ln
            if words >= TARGET_WORDS and last_good == ln:
                break
            ln += 1
        stop = min(ln, end)
        remaining = sum(_words(report.lines[i - 1]) for i in range(stop + 1, end + 1))
        if 0 < remaining < MIN_WORDS // 2:
            stop = end  # fold a tiny tail into this piece rather than leaving a scrap
        piece = _trim(report, cur, stop)
        if piece:
            pieces.append(piece)
        if stop >= end:
            break
        # Overlap: start the next piece with the last paragraph of this one when it is short.
        nxt = stop + 1
        last_line = piece[1] if piece else stop
        if piece and last_line > piece[0] and 0 < _words(report.lines[last_line - 1]) <= OVERLAP_MAX_WORDS:
            nxt = last_line
        cur = nxt if nxt > cur else stop + 1
    return pieces


def rating_for(report: Report, section: Section) -> str | None:
    if section.id in report.standards:
        return report.standards[section.id]
    if section.id in {"4.1", "resettlement"} and report.resettlement:
        return report.resettlement
    return section.rating_in_text


def header_for(report: Report, section: Section, rating: str | None, is_table: bool = False) -> str:
    """Short contextual header used only for embedding: who, when, which standard, which rating."""
    parts = []
    who = report.service or report.source
    parts.append(f"{who} ({report.year})" if report.year else who)
    if section.kind == "standard" or re.fullmatch(r"\d\.\d", section.id):
        parts.append(f"Standard {section.id} {section.title}")
    else:
        parts.append(section.title)
    if rating:
        parts.append(f"rated {rating}")
    if is_table:
        parts.append("key questions table")
    return " | ".join(parts)


def chunk_report(report: Report, version: str | None = None) -> list[Chunk]:
    """All chunks of one report, in line order. ``version`` defaults to the report's sha256 prefix."""
    version = version or (report.sha256 or "")[:16]
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for seg in _without_flagged(report, _segments(report)):
        rating = rating_for(report, seg.section)
        pieces = [p for p in [_trim(report, seg.start, seg.end)] if p] if seg.is_table else _split(report, seg.start, seg.end)
        for line_start, line_end in pieces:
            text = report.text_of(line_start, line_end)
            if not re.search(r"[A-Za-z0-9]", text):
                continue
            cid = chunk_id(report.source, version, seg.section.id, line_start, line_end)
            if cid in seen:
                continue
            seen.add(cid)
            chunks.append(Chunk(
                id=cid,
                text=text,
                header=header_for(report, seg.section, rating, seg.is_table),
                source=report.source,
                service=report.service,
                published=report.published,
                year=report.year,
                framework=report.framework,
                section=seg.section.id,
                title=seg.section.title,
                kind="table" if seg.is_table else seg.section.kind,
                rating=rating,
                line_start=line_start,
                line_end=line_end,
                page=report.page_of(line_start),
            ))
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: the header on its own line, then the exact source text."""
    return f"{chunk.header}\n{chunk.text}" if chunk.header else chunk.text
