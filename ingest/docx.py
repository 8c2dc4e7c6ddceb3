"""Word documents (.docx) to text lines with python-docx, in document order.

One line per paragraph (provenance: the line number is the paragraph's place in the body, table
rows counting one each); Heading styles stay their own line; list paragraphs become "- " or
"n. " bullets (Word draws the glyph or number, it is not in the text); table rows become
tab-separated cells; superscript runs become Unicode superscript digits, which the normaliser
drops as footnote marks.
"""

from __future__ import annotations

import io

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _para_text(p) -> str:
    out = []
    for run in p.runs:
        t = run.text
        if run.font.superscript and t.strip().isdigit():
            t = t.translate(SUP)
        out.append(t)
    return " ".join("".join(out).split())


def docx_lines(data: bytes) -> list[str]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(io.BytesIO(data))
    lines: list[str] = []
    numbers: dict[str, int] = {}
    for el in doc.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(el, doc)
            text = _para_text(p)
            if not text:
                continue
            style = (p.style.name if p.style is not None else "") or ""
            has_num = el.pPr is not None and el.pPr.numPr is not None
            if style.startswith("List Number"):
                numbers[style] = numbers.get(style, 0) + 1
                text = f"{numbers[style]}. {text}"
            elif style.startswith("List") or has_num:
                text = f"- {text}"
            else:
                numbers.clear()
            lines.append(text)
        elif tag == "tbl":
            for row in Table(el, doc).rows:
                cells = []
                seen = set()
                for c in row.cells:
                    if id(c._tc) in seen:  # a merged cell is returned once per grid column
                        continue
                    seen.add(id(c._tc))
                    cells.append(" ".join(_para_text(p) for p in c.paragraphs if _para_text(p)))
                if any(cells):
                    lines.append("\t".join(cells))
    return lines
