"""A draft as a Word document (python-docx) that looks like a section of an inspection report.

Why server-side: the page has no framework and no libraries; python-docx is already a
dependency and produces a real .docx that Word and LibreOffice open. The document carries a
title (service and standard), the standard's number and name as the section heading, the
computed rating, the draft under the report's own sub-heading (Strengths / Areas for
improvement / Findings), the inspector's notes marked as theirs, comparable inspections' wording
beside the findings, and every citation as a reader would look it up:
"Kirklees 2021, 2.2 Planning, p. 31 / lines 540-545". Citations are re-verified against the
index by the route before this module renders them.
"""

from __future__ import annotations

import io
import re
from typing import Mapping

from assistant.model import Citation, Draft

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_KIND_TITLES = {"strengths": "Strengths", "improvements": "Areas for improvement", "findings": "Findings"}
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_NOTE = re.compile(r"\((?:inspector's note|your notes)\)")
# XML 1.0 forbids most control characters; python-docx raises on them, so drop them first.
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def standard_name(draft: Draft) -> str:
    """'2.2 Planning': from the framework's rule table, else the cited sections' title."""
    from assistant.rating_rules import get_rules

    try:
        rule = get_rules(draft.framework or "2021").standard(draft.standard)
    except ValueError:  # a posted body with an unknown framework: name it from the citations
        rule = None
    if rule is not None:
        return f"{draft.standard} {rule.title}"
    title = next((c.title for c in draft.citations if c.section == draft.standard and c.title), "")
    return f"{draft.standard} {title}".strip()


def draft_title(draft: Draft) -> str:
    kind = _KIND_TITLES.get(draft.kind, draft.kind.title())
    who = f"{draft.service}: " if draft.service else ""
    return f"{who}{standard_name(draft)} - {kind} (draft)"


def draft_filename(draft: Draft) -> str:
    base = f"draft-{draft.standard}-{draft.kind}" + (f"-{draft.service}" if draft.service else "")
    base = re.sub(r"[^A-Za-z0-9.-]+", "-", base).strip("-").lower()
    return f"{base[:80]}.docx"


def citation_label(c: Citation, years: Mapping[str, int | None] | None = None) -> str:
    """'Kirklees 2021, 2.2 Planning, p. 31 / lines 540-545' (no page for text sources)."""
    year = (years or {}).get(c.source)
    who = " ".join(str(x) for x in (c.service or c.source, year) if x)
    section = c.title if c.section.startswith("domain-") else f"{c.section} {c.title}".strip()
    lines = f"line {c.line_start}" if c.line_start == c.line_end else f"lines {c.line_start}-{c.line_end}"
    where = f"p. {c.page} / {lines}" if c.page else lines
    return f"{who}, {section}, {where}"


def _clean(text: str) -> str:
    # lone surrogates cannot be encoded to XML either
    return _XML_BAD.sub("", text).encode("utf-8", "ignore").decode("utf-8")


def _add_runs(paragraph, text: str) -> None:
    """Markdown **bold** as bold runs; the inspector's-note mark in italics."""
    pos = 0
    tokens = sorted([(m.start(), m.end(), "b", m.group(1)) for m in _BOLD.finditer(text)]
                    + [(m.start(), m.end(), "i", m.group(0)) for m in _NOTE.finditer(text)])
    for start, end, kind, body in tokens:
        if start < pos:
            continue
        if start > pos:
            paragraph.add_run(_clean(text[pos:start]))
        run = paragraph.add_run(_clean(body))
        run.bold = kind == "b"
        run.italic = kind == "i"
        pos = end
    if pos < len(text):
        paragraph.add_run(_clean(text[pos:]))


def draft_docx(draft: Draft, years: Mapping[str, int | None] | None = None) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    title = _clean(draft_title(draft))
    doc.core_properties.title = title
    doc.core_properties.subject = _clean(standard_name(draft))
    doc.add_heading(title, level=0)
    if draft.service:
        doc.add_paragraph(_clean(f"Service: {draft.service}"))
    doc.add_heading(_clean(standard_name(draft)), level=1)
    if draft.computed_rating:
        p = doc.add_paragraph()
        p.add_run(_clean(f"Our rating for {standard_name(draft)[4:].lower() or draft.standard} is: "))
        p.add_run(_clean(draft.computed_rating)).bold = True
        p.add_run(" (computed from the key-question figures given)")
    doc.add_heading(_KIND_TITLES.get(draft.kind, draft.kind.title()), level=2)
    if draft.paragraph:
        for part in draft.paragraph.split("\n"):
            if part.strip():
                _add_runs(doc.add_paragraph(), part.strip())
    for bullet in draft.bullets:
        _add_runs(doc.add_paragraph(style="List Bullet"), bullet.lstrip("-* ").strip())
    if draft.comparable:
        doc.add_heading("How comparable inspections put the same findings", level=2)
        for line in draft.comparable:
            _add_runs(doc.add_paragraph(style="List Bullet"), line.lstrip("-* ").strip())
    if draft.citations:
        doc.add_heading("Sources", level=2)
        for c in draft.citations:
            p = doc.add_paragraph()
            p.add_run(_clean(f"[{c.n}] {citation_label(c, years)}")).bold = True
            if c.quote:
                q = p.add_run(_clean(f"\n\u201c{c.quote}\u201d"))
                q.italic = True
                q.font.size = Pt(9)
    if draft.unsupported:
        doc.add_heading("Not supported by the sources", level=2)
        for u in draft.unsupported:
            doc.add_paragraph(_clean(u), style="List Bullet")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
