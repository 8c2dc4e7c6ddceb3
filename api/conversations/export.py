"""A stored conversation as markdown or as a Word document, with every citation listed.

Why both: markdown pastes into notes and tickets; .docx is what inspectors write in. The answer
text keeps its [n] markers and each turn lists its sources (report, section, lines, quote).
"""

from __future__ import annotations

import io
import re
from typing import Any

from api.docx_export import _add_runs, _clean

_MD_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")


def _where(c: dict[str, Any]) -> str:
    lines = f"line {c['line_start']}" if c.get("line_end") in (None, c.get("line_start")) else \
        f"lines {c['line_start']}-{c['line_end']}"
    page = f", page {c['page']}" if c.get("page") else ""
    return f"{c.get('service') or c.get('source')}, {c.get('section', '')} {c.get('title', '')}".strip() + \
        f", {lines}{page} ({c.get('source')})"


def export_filename(conv: dict[str, Any], suffix: str) -> str:
    base = re.sub(r"[^A-Za-z0-9.-]+", "-", conv.get("title") or "conversation").strip("-").lower()[:60]
    return f"conversation-{base or 'untitled'}.{suffix}"


def conversation_markdown(conv: dict[str, Any]) -> str:
    out = [f"# {conv['title']}", "", f"Exported from yotassist; started {conv['created_at']}.", ""]
    for t in conv.get("turns", []):
        out += [f"## Q{t['position']}: {t['question']}", "", t["answer"].strip(), ""]
        if t.get("unsupported"):
            out += ["Not supported by the reports and left out: " + "; ".join(t["unsupported"]), ""]
        if t.get("citations"):
            out += ["Sources:", ""]
            for c in t["citations"]:
                out.append(f"- [{c['n']}] {_where(c)}")
                if c.get("quote"):
                    out.append(f"  > \u201c{c['quote']}\u201d")
            out.append("")
        fb = t.get("feedback")
        if fb:
            out += [f"Feedback: {'helpful' if fb['rating'] == 'up' else 'not helpful'}"
                    + (f": {fb['comment']}" if fb.get("comment") else ""), ""]
    return "\n".join(out).rstrip() + "\n"


def conversation_docx(conv: dict[str, Any]) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(_clean(conv["title"]), level=1)
    for t in conv.get("turns", []):
        doc.add_heading(_clean(f"Q{t['position']}: {t['question']}"), level=2)
        for block in t["answer"].split("\n"):
            line = block.strip()
            if not line or _MD_TABLE_RULE.match(line) and "-" in line:
                continue
            if line.startswith("|"):
                line = " \u00b7 ".join(cell.strip() for cell in line.strip("|").split("|"))
            if re.match(r"^[-*\u2022]\s+", line):
                _add_runs(doc.add_paragraph(style="List Bullet"), re.sub(r"^[-*\u2022]\s+", "", line))
            else:
                _add_runs(doc.add_paragraph(), line.lstrip("#> ").strip())
        if t.get("citations"):
            doc.add_heading("Sources", level=3)
            for c in t["citations"]:
                p = doc.add_paragraph()
                p.add_run(_clean(f"[{c['n']}] {_where(c)}")).bold = True
                if c.get("quote"):
                    q = p.add_run(_clean(f"\n\u201c{c['quote']}\u201d"))
                    q.italic = True
                    q.font.size = Pt(9)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
