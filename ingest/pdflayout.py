"""PDF pages to text lines from word positions (pdfplumber), not from the text stream.

Why: a PDF's text stream prints a footnote mark as a plain number after "?", breaks a bordered
table's cells one per line in narrow columns, interleaves two-column pages, and puts the running
header and page number inside a table broken by a page break. Rebuilding lines from positions:
- bordered tables (ruling lines) become one line per row, cells tab-separated, wrapped cells joined;
- words set smaller than the page's body text and raised are superscripts: printed as Unicode
  superscript digits, which the normaliser drops as footnote marks;
- a page with an empty vertical gutter is read column by column (full-width lines in between);
- small filled shapes just left of a line are drawn bullets and become "• ";
- page furniture is dropped: lines in the top/bottom bands repeated on most pages (digits
  ignored), bare page numbers there, and a table's header row repeated after a page break.
Every remaining line keeps its page. Chosen over pypdf's layout mode by measurement on the
fixtures (bench/results/parsing.md): layout mode keeps columns side by side on one line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from ingest.pdftables import SPILL_PAD, fits, repeated_headers, split_rows, starts_run
from ingest.pdftables import spill as spill_words

SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
#: bare page numbers and footers such as "12", "- 12 -", "Page 12", "Page 12 of 40", "12/40", "12 | Title"
PAGE_NO_RE = re.compile(r"^(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?$", re.I)
#: private-use and symbol-font bullet glyphs (Word's Symbol bullet prints as U+F0B7)
BULLET_CHARS = str.maketrans({"\uf0b7": "•", "\uf0a7": "▪", "\uf076": "•", "\uf0d8": "•", "\u2022": "•"})
#: how far a table's border may run into the gutter of a two-column page and still belong to its
#: column (a table a little wider than its column overflows by its border and cell padding)
OVERHANG = 5.0
BAND = 0.09  # top/bottom share of the page where running headers and footers live


@dataclass
class Unit:
    """One output line on a page: a text line or a table row."""
    text: str
    top: float
    bottom: float
    x0: float
    x1: float
    table: int | None = None  # table id on the page (rows of one table share it)
    row: int = 0
    col: int = 0  # 0 full width, 1 left, 2 right (two-column pages)


@dataclass
class PageOut:
    units: list[Unit] = field(default_factory=list)
    height: float = 0.0


def _is_sup(w: dict, body: float) -> bool:
    t = w["text"]
    return w["size"] <= 0.86 * body and len(t) <= 3 and all(c.isdigit() or c in "*†‡" for c in t)


def _group(words: list[dict], sups: list[dict]) -> list[list[dict]]:
    """Words -> rows of words sharing a baseline; superscripts join the row they are raised above."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["bottom"]):
        for r in rows[-3:]:
            if abs(r[0]["bottom"] - w["bottom"]) <= max(2.0, 0.25 * w["size"]):
                r.append(w)
                break
        else:
            rows.append([w])
    for s in sups:
        best = None
        for r in rows:
            top, bottom = min(x["top"] for x in r), max(x["bottom"] for x in r)
            if top - 3 <= s["bottom"] <= bottom + 1 and top - 6 <= s["top"]:
                d = min(abs(s["x0"] - x["x1"]) for x in r)
                if best is None or d < best[0]:
                    best = (d, r)
        if best:
            best[1].append(dict(s, sup=True))
        else:  # a mark wrapped onto a line of its own is still a mark, never a figure
            rows.append([dict(s, sup=True)])
    for r in rows:
        r.sort(key=lambda w: w["x0"])
    return rows


def _render(r: list[dict], gap_tab: float) -> tuple[float, float, float, float, str]:
    """A row of words -> (top, bottom, x0, x1, text): wide gaps become tabs (cell breaks)."""
    text = ""
    prev = None
    for w in r:
        t = w["text"].translate(BULLET_CHARS)
        if w.get("sup"):
            text += t.translate(SUP)
        elif prev is None:
            text = t
        else:
            wide = w["x0"] - prev["x1"] > gap_tab and not (prev["text"].lower() == "requires" and t.lower().startswith("improvement"))
            text += ("\t" if wide else " ") + t
        prev = w
    return min(w["top"] for w in r), max(w["bottom"] for w in r), r[0]["x0"], r[-1]["x1"], text


def _lines(words: list[dict], sups: list[dict], gap_tab: float) -> list[tuple[float, float, float, float, str]]:
    return [_render(r, gap_tab) for r in _group(words, sups)]


def _gutter(rows: list[list[dict]], boxes: list[tuple[float, float, float, float]], width: float,
            height: float) -> float | None:
    """The x of an empty vertical gutter (a two-column page), or None."""
    inner = [r for r in rows if BAND * height < r[0]["top"] < (1 - BAND) * height]
    if len(inner) + len(boxes) < 8:
        return None
    best = None
    for step in range(int(0.3 * width), int(0.7 * width), 2):
        x = float(step)
        crossing = sum(1 for r in inner if any(w["x0"] < x - 1 and w["x1"] > x + 1 for w in r) or
                       (r[0]["x0"] < x < r[-1]["x1"] and not any(
                           a["x1"] <= x <= b["x0"] and b["x0"] - a["x1"] >= 6 for a, b in zip(r, r[1:]))))
        crossing += sum(1 for b in boxes if b[0] < x - OVERHANG and b[2] > x + OVERHANG)
        if best is None or crossing < best[1]:
            best = (x, crossing)
    x, crossing = best
    left = sum(1 for r in inner if r[-1]["x1"] <= x)
    right = sum(1 for r in inner if r[0]["x0"] >= x)
    both = sum(1 for r in inner if r[0]["x0"] < x < r[-1]["x1"])
    if not (crossing <= 0.08 * (len(inner) + len(boxes)) and left + both >= 4 and right + both >= 4):
        return None
    # a right column has a left edge: many right-hand pieces start at the same x just past the gutter
    # (a contents page's right-aligned page numbers or a short line's tab cell do not)
    # (a row whose only word past x straddles it has no start there)
    starts = Counter(round(min(w["x0"] for w in r if w["x0"] >= x)) for r in inner if any(w["x0"] >= x for w in r))
    starts_box = Counter(round(b[0]) for b in boxes if b[0] >= x)
    edge = max(((sum(c for k, c in (starts + starts_box).items() if abs(k - s0) <= 3), s0)
                for s0 in (starts + starts_box)), default=(0, 0))
    texty = sum(1 for r in inner if len([w for w in r if w["x0"] >= x]) >= 3)
    if edge[0] >= max(4, 0.15 * len(inner)) and edge[1] - x <= 40 and texty + len(starts_box) >= 4:
        return x
    return None


class Overlap(Exception):
    """Words printed over each other on one baseline: positions cannot order them; use the stream."""


def _overlapping(words: list[dict]) -> bool:
    rows: dict[int, list[dict]] = {}
    for w in words:
        rows.setdefault(round(w["bottom"]), []).append(w)
    for r in rows.values():
        r.sort(key=lambda w: w["x0"])
        if any(b["x0"] < a["x1"] - 2 for a, b in zip(r, r[1:])):
            return True
    return False


def _page_units(page) -> PageOut:
    words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, x_tolerance=1.5, y_tolerance=2.5,
                               use_text_flow=True)
    out = PageOut(height=float(page.height))
    if not words:
        return out
    if _overlapping(words):
        raise Overlap()
    body = median(w["size"] for w in words for _ in range(max(1, len(w["text"]))))
    gap_tab = max(10.0, 1.1 * body)
    try:
        tables = page.find_tables()
    except Exception:  # a malformed drawing: read the page as plain lines
        tables = []
    taken: set[int] = set()
    boxes = []
    tables = [t for t in tables if fits(t, words)]
    for tid, t in enumerate(tables):
        tx0, ttop, tx1, tbottom = t.bbox
        boxes.append(t.bbox)
        # text starting at the table's right edge above or below it is a neighbouring column
        spills = not any(tx1 - 1 <= w["x0"] <= tx1 + SPILL_PAD and (w["bottom"] < ttop - 2 or w["top"] > tbottom + 2)
                         and starts_run(w, words, gap_tab) for w in words)
        for rn, row in enumerate(t.rows):
            cells = [c for c in row.cells]
            texts = []
            for c in cells:
                if c is None:
                    continue
                cx0, ctop, cx1, cbottom = c
                inside = [k for k, w in enumerate(words) if k not in taken
                          and cx0 - 1 <= (w["x0"] + w["x1"]) / 2 <= cx1 + 1 and ctop - 1 <= (w["top"] + w["bottom"]) / 2 <= cbottom + 1]
                taken.update(inside)
                ws = [words[k] for k in inside]
                sups = [w for w in ws if _is_sup(w, body)]
                plain = [w for w in ws if not _is_sup(w, body)]
                lines = _lines(plain, sups, 1e9)
                texts.append(" ".join(x[4] for x in sorted(lines)))
            rtop = min(c[1] for c in cells if c)
            rbottom = max(c[3] for c in cells if c)
            spill = spill_words(words, taken, rtop, rbottom, tx1, gap_tab) if spills else []
            if spill:
                taken.update(spill)
                ws = [words[k] for k in spill]
                texts.append(" ".join(x[4] for x in sorted(_lines([w for w in ws if not _is_sup(w, body)],
                                                                   [w for w in ws if _is_sup(w, body)], 1e9))))
                boxes[-1] = (boxes[-1][0], boxes[-1][1], max(boxes[-1][2], max(words[k]["x1"] for k in spill)),
                             boxes[-1][3])
            if any(x.strip() for x in texts):
                out.units.append(Unit("\t".join(texts), rtop, rbottom, tx0, max(tx1, boxes[-1][2]), table=tid, row=rn))
    rest = [w for k, w in enumerate(words) if k not in taken]
    sups = [w for w in rest if _is_sup(w, body)]
    plain = [w for w in rest if not _is_sup(w, body)]
    rows = _group(plain, sups)
    gutter = _gutter(rows, boxes, float(page.width), out.height)
    pieces: list[list[dict]] = []
    for r in rows:
        if gutter is not None and not any(w["x0"] < gutter - 1 and w["x1"] > gutter + 1 for w in r):
            left = [w for w in r if w["x1"] <= gutter + 1]
            right = [w for w in r if w["x0"] >= gutter - 1 and w not in left]
            pieces += [p for p in (left, right) if p]
        else:
            pieces.append(r)
    shapes = [o for o in list(page.rects) + list(page.curves)
              if 1.5 <= o["width"] <= 9 and 1.5 <= o["height"] <= 9 and o.get("fill")]
    for piece in pieces:
        top, bottom, x0, x1, text = _render(piece, gap_tab)
        for s in shapes:
            cy = (s["top"] + s["bottom"]) / 2
            if top - 2 <= cy <= bottom + 2 and 0 <= x0 - s["x1"] <= 24:
                text = "• " + text
                x0 = s["x0"]
                break
        out.units.append(Unit(text, top, bottom, x0, x1))
    _columns(out, gutter)
    return out


def _columns(out: PageOut, x: float | None) -> None:
    """Order units: one column top to bottom, or for a two-column page each band between
    full-width lines left column first, then right."""
    units = sorted(out.units, key=lambda u: (u.top, u.x0))
    if x is None:
        out.units = units
        return
    ordered: list[Unit] = []
    left: list[Unit] = []
    right: list[Unit] = []

    def flush() -> None:
        ordered.extend(sorted(left, key=lambda u: (u.top, u.x0)))
        ordered.extend(sorted(right, key=lambda u: (u.top, u.x0)))
        left.clear()
        right.clear()

    for u in units:
        slack = OVERHANG if u.table is not None else 1.0
        if u.x1 <= x + slack:
            u.col = 1
            left.append(u)
        elif u.x0 >= x - slack:
            u.col = 2
            right.append(u)
        else:
            flush()
            ordered.append(u)
    flush()
    out.units = ordered


def _furniture(pages: list[PageOut]) -> None:
    """Drop running headers/footers and page numbers in the page bands, in place."""
    n = len(pages)
    seen: Counter[str] = Counter()
    for p in pages:
        keys = {_fkey(u.text) for u in p.units if _in_band(u, p)}
        seen.update(keys)
    repeated = {k for k, c in seen.items() if k and n >= 2 and c >= max(2, 0.5 * n)}
    for p in pages:
        p.units = [u for u in p.units if not (_in_band(u, p) and (
            _fkey(u.text) in repeated or PAGE_NO_RE.match(u.text.replace("\t", " ").strip())))]


def _in_band(u: Unit, p: PageOut) -> bool:
    return u.table is None and (u.bottom < BAND * p.height * 1.25 or u.top > (1 - BAND) * p.height)


def _fkey(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split())).lower()


def _stream_page(data: bytes, index: int, height: float) -> PageOut:
    """A page read from pypdf's text stream (its lines carry no positions, so no furniture bands)."""
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(data), strict=False).pages[index].extract_text() or ""
    out = PageOut(height=height)
    for n, line in enumerate(text.split("\n")):
        out.units.append(Unit(line, height * 0.5, height * 0.5, 0.0, 0.0))
    return out


def pdf_lines(data: bytes, max_pages: int) -> tuple[list[str], list[int], list[str]]:
    """(lines, page of each line, notes). Raises whatever pdfplumber raises on an unreadable file."""
    import io
    import logging

    import pdfplumber

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages: list[PageOut] = []
    notes: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) > max_pages:
            raise ValueError(f"too many pages ({len(pdf.pages)})")
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_page_units(page))
            except Overlap:
                pages.append(_stream_page(data, number - 1, float(page.height)))
            except Exception as exc:  # one bad page must not lose the report
                notes.append(f"Page {number} of the PDF could not be read ({type(exc).__name__}).")
                pages.append(PageOut())
            page.close()
    _furniture(pages)
    repeated_headers(pages)
    split_rows(pages)
    lines: list[str] = []
    line_pages: list[int] = []
    for number, p in enumerate(pages, start=1):
        for u in p.units:
            text = u.text.replace("\x00", "").replace("\n", " ")
            if text.strip():
                lines.append(text)
                line_pages.append(number)
    return lines, line_pages, notes
