"""A draft as a Word document (python-docx), for inspectors who write their reports in Word.

Why server-side: the page has no framework and no libraries; python-docx is already a
dependency and produces a real .docx that Word and LibreOffice open. Citation markers stay in
the text and every citation is listed under "Sources" with its report, section and lines.
"""

from __future__ import annotations

import io
import re

from assistant.model import Draft

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_KIND_TITLES = {"strengths": "Strengths", "improvements": "Areas for improvement", "findings": "Findings"}
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# XML 1.0 forbids most control characters; python-docx raises on them, so drop them first.
_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def draft_title(draft: Draft) -> str:
    kind = _KIND_TITLES.get(draft.kind, draft.kind.title())
    who = f" - {draft.service}" if draft.service else ""
    return f"{draft.standard} {kind}{who}"


def draft_filename(draft: Draft) -> str:
    base = f"draft-{draft.standard}-{draft.kind}" + (f"-{draft.service}" if draft.service else "")
    base = re.sub(r"[^A-Za-z0-9.-]+", "-", base).strip("-").lower()
    return f"{base[:80]}.docx"


def _clean(text: str) -> str:
    return _XML_BAD.sub("", text)


def _add_runs(paragraph, text: str) -> None:
    """Markdown **bold** as bold runs; everything else as plain text."""
    pos = 0
    for m in _BOLD.finditer(text):
        if m.start() > pos:
            paragraph.add_run(_clean(text[pos : m.start()]))
        paragraph.add_run(_clean(m.group(1))).bold = True
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(_clean(text[pos:]))


def draft_docx(draft: Draft) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(_clean(draft_title(draft)), level=1)
    if draft.computed_rating:
        doc.add_paragraph(_clean(f"Computed rating from the key questions given: {draft.computed_rating}"))
    for bullet in draft.bullets:
        _add_runs(doc.add_paragraph(style="List Bullet"), bullet.lstrip("-* ").strip())
    if draft.paragraph:
        for part in draft.paragraph.split("\n\n"):
            if part.strip():
                _add_runs(doc.add_paragraph(), part.strip())
    if draft.citations:
        doc.add_heading("Sources", level=2)
        for c in draft.citations:
            where = f"{c.service or c.source}, {c.section} {c.title}, lines {c.line_start}-{c.line_end}"
            if c.page:
                where += f", page {c.page}"
            p = doc.add_paragraph()
            p.add_run(_clean(f"[{c.n}] {where}")).bold = True
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
