"""Build a sample PDF report from its plain-text source (samples/src/<name>.txt -> samples/<name>.pdf).

Why: the product must ingest PDFs, and the real reports are PDFs, but we may only ship our own
fictitious text. This script lays our text out the way a published report looks (title page,
headings, tab-separated tables drawn as real tables, bullet lists, page numbers) so that the
PDF has a genuine, multi-page text layer for pypdf to extract.

Layout rules for the source text (one paragraph per line, blank lines between blocks):
- the line starting "An inspection of" is the title;
- "Ratings" up to "Recommendations" becomes one ratings table (tab-separated rows, other lines
  span the row as domain headings);
- other runs of tab-separated lines become tables (first row is the header);
- "1. Organisational delivery"-style lines are domain headings, "2.1. Assessment"-style lines are
  standard headings, a fixed set of words are front-matter headings;
- "- " lines are bullets; "Strengths:" / "Areas for improvement:" are bold lead-ins.

Output is byte-for-byte reproducible (reportlab invariant mode), so the committed PDF only
changes when the source does.

Usage: .venv/bin/python samples/src/build_pdf.py [samples/src/fenmarsh-2019.txt ...]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

SRC_DIR = Path(__file__).resolve().parent
OUT_DIR = SRC_DIR.parent

FRONT_HEADINGS = {
    "Introduction",
    "Foreword",
    "Ratings",
    "Recommendations",
    "Background",
    "Contextual facts",
}
MINOR_HEADINGS = {"Ratings explained", "Overall provider rating", "HM Inspectorate of Probation standards"}
DOMAIN_RE = re.compile(r"^\d\. [A-Z]")
STANDARD_RE = re.compile(r"^\d\.\d\. [A-Z]")
ANNEX_RE = re.compile(r"^Annexe? \d")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=13.5)
    return {
        "body": body,
        "title": ParagraphStyle("title", parent=base["Title"], fontName="Helvetica-Bold", fontSize=15, leading=20),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontName="Helvetica-Bold", fontSize=16, spaceBefore=8),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName="Helvetica-Bold", fontSize=13, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName="Helvetica-Bold", fontSize=11),
        "lead": ParagraphStyle("lead", parent=body, fontName="Helvetica-Bold"),
        "bullet": ParagraphStyle("bullet", parent=body, leftIndent=14, firstLineIndent=-8, spaceAfter=2),
        "small": ParagraphStyle("small", parent=body, fontSize=9, textColor=colors.grey),
    }


class LineTable(Flowable):
    """A ruled table whose every row is drawn as ONE text line (textOut + setXPos, no line breaks
    between cells), so pypdf extracts "2.1 Assessment Inadequate" or "Does ...? 56%" on one line,
    as the tab-separated rows of the text corpus look. A long first cell wraps; the other cells
    sit on the wrapped cell's last line."""

    def __init__(self, rows: list[list[str]], widths: list[float], shade: set[int] | None = None,
                 font: str = "Helvetica", size: float = 9, bold: set[int] | None = None) -> None:
        super().__init__()
        self.rows, self.widths, self.font, self.size = rows, widths, font, size
        self.shade, self.bold = shade or set(), bold or set()
        self.leading, self.pad = size * 1.3, 4
        self._wrapped = [
            simpleSplit(r[0], font, size, (widths[0] if len(r) > 1 else sum(widths)) - 2 * self.pad) or [""]
            for r in rows
        ]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.height = sum(len(w) * self.leading + 2 * self.pad for w in self._wrapped)
        return sum(self.widths), self.height

    def draw(self) -> None:
        c, y, total = self.canv, self.height, sum(self.widths)
        for i, (row, first) in enumerate(zip(self.rows, self._wrapped)):
            h = len(first) * self.leading + 2 * self.pad
            if i in self.shade:
                c.setFillColor(colors.HexColor("#e8e8f0"))
                c.rect(0, y - h, total, h, stroke=0, fill=1)
                c.setFillColor(colors.black)
            c.setStrokeColor(colors.grey)
            c.setLineWidth(0.4)
            c.rect(0, y - h, total, h, stroke=1, fill=0)
            x = 0.0
            for w in self.widths[:-1]:
                x += w
                if len(row) > 1:
                    c.line(x, y - h, x, y)
            font = "Helvetica-Bold" if i in self.bold else self.font
            base = y - self.pad - self.size
            for line in first[:-1]:
                t = c.beginText(self.pad, base)
                t.setFont(font, self.size)
                t.textOut(line)
                c.drawText(t)
                base -= self.leading
            t = c.beginText(self.pad, base)
            t.setFont(font, self.size)
            t.textOut(first[-1])
            x = 0.0
            for w, cell in zip(self.widths, row):
                if x:
                    t.setXPos(x + self.pad - t.getX())
                    # A leading space makes the extracted row read "question? 56%" rather than
                    # "question?56%" (pypdf does not always infer a gap from the cursor move).
                    t.textOut(" " + cell)
                x += w
            c.drawText(t)
            y -= h


def _table(rows: list[list[str]]) -> LineTable:
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    rest = 26 * mm if width > 2 else 30 * mm
    widths = [170 * mm - rest * (width - 1)] + [rest] * (width - 1)
    return LineTable(rows, widths, shade={0}, bold={0})


def _ratings_table(lines: list[str]) -> LineTable:
    rows, spans = [], set()
    for i, line in enumerate(lines):
        parts = line.split("\t")
        if len(parts) == 1:
            spans.add(i)
        rows.append(parts)
    return LineTable(rows, [14 * mm, 100 * mm, 50 * mm], shade=spans, bold=spans)


def build_story(text: str) -> list:
    st = _styles()
    story: list = []
    blocks: list[list[str]] = [[]]
    for raw in text.splitlines():
        line = raw.rstrip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    in_ratings: list[str] | None = None
    bullets: list[str] = []

    def flush_bullets() -> None:
        # The bullet is part of the paragraph text (not a separate glyph) so it survives extraction;
        # a hyphen, because the standard-14 fonts encode U+2022 as a byte pypdf reads back as DEL.
        for b in bullets:
            story.append(Paragraph("- " + escape(b), st["bullet"]))
        if bullets:
            story.append(Spacer(1, 4))
        bullets.clear()

    for block in (b for b in blocks if b):
        head = block[0]
        if in_ratings is not None and head != "Recommendations":
            in_ratings.extend(block)
            continue
        if in_ratings is not None:
            # Ratings block ends: name/fieldwork/score/overall lines first, then the table.
            table_start = next(i for i, l in enumerate(in_ratings) if DOMAIN_RE.match(l))
            for l in in_ratings[:table_start]:
                story.append(Paragraph(escape(l), st["lead"] if l in ("Overall rating",) else st["body"]))
            story.append(Spacer(1, 6))
            story.append(_ratings_table(in_ratings[table_start:]))
            in_ratings = None
        if all("\t" in l for l in block):
            flush_bullets()
            story.append(_table([l.split("\t") for l in block]))
            story.append(Spacer(1, 6))
            continue
        for line in block:
            if line.startswith("- "):
                bullets.append(line[2:])
                continue
            flush_bullets()
            if line.startswith("An inspection of"):
                story += [Spacer(1, 50 * mm), Paragraph(escape(line), st["title"])]
            elif line == "Ratings":
                story += [PageBreak(), Paragraph(line, st["h1"])]
                in_ratings = []
            elif line in FRONT_HEADINGS or ANNEX_RE.match(line):
                if line != "Introduction":
                    story.append(PageBreak())
                story.append(Paragraph(escape(line), st["h1"]))
            elif DOMAIN_RE.match(line) and len(line) < 60:
                story += [PageBreak(), Paragraph(escape(line), st["h1"])]
            elif STANDARD_RE.match(line):
                story.append(Paragraph(escape(line), st["h2"]))
            elif line in MINOR_HEADINGS:
                story.append(Paragraph(escape(line), st["h3"]))
            elif line in ("Strengths:", "Areas for improvement:"):
                story.append(Paragraph(escape(line), st["lead"]))
            elif line.startswith("FICTITIOUS"):
                story.append(Paragraph(escape(line), st["small"]))
            else:
                story.append(Paragraph(escape(line), st["body"]))
        flush_bullets()
        if block[0].startswith("HM Inspectorate of Probation,"):
            story.append(PageBreak())
    flush_bullets()
    return story


def _footer(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback signature
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.drawRightString(A4[0] - 20 * mm, 12 * mm, str(doc.page))
    canvas.restoreState()


class _Doc(SimpleDocTemplate):
    """Draws the page number when a page is finished, so it comes last in the text layer."""

    def afterPage(self) -> None:  # noqa: N802 - reportlab hook name
        _footer(self.canv, self)


def build(src: Path, out: Path | None = None) -> Path:
    out = out or OUT_DIR / (src.stem + ".pdf")
    title = next((l for l in src.read_text(encoding="utf-8").splitlines() if l.startswith("An inspection of")), src.stem)
    doc = _Doc(
        str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=20 * mm, title=title, author="yotassist sample (fictitious)", invariant=1,
    )
    doc.build(build_story(src.read_text(encoding="utf-8")))
    return out


def main(argv: list[str]) -> int:
    sources = [Path(a) for a in argv] or sorted(SRC_DIR.glob("*.txt"))
    for src in sources:
        print(f"{src} -> {build(src)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
