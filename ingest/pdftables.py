"""Tables in a PDF page read from word positions (ingest.pdflayout): which ruled tables to trust,
text spilling past a missing rule, and rows that a page break repeats (the header row) or splits
(a row continued at the top of the next page). Kept apart so pdflayout stays about pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.pdflayout import PageOut, Unit

SPILL_PAD = 8.0  # a cell's left padding, at most, between a missing rule and its text

def fits(table, words: list[dict]) -> bool:
    """Whether the ruled cells match the text: no word is cut by a cell edge (rules drawn only
    between rows, or decoration, can make pdfplumber infer columns that split "Requires improvement")."""
    tx0, ttop, tx1, tbottom = table.bbox
    edges = {round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells}
    edges = {e for e in edges if tx0 + 2 < e < tx1 - 2}
    for w in words:
        if ttop <= (w["top"] + w["bottom"]) / 2 <= tbottom and tx0 <= w["x0"] and w["x1"] <= tx1:
            if any(w["x0"] + 2 < e < w["x1"] - 2 for e in edges):
                return False
    return True


def spill(words: list[dict], taken: set[int], rtop: float, rbottom: float, tx1: float, gap: float) -> list[int]:
    """Words of a table row printed just past the table's last ruled edge: a last column whose
    right rule is missing (clipped at a column edge, or a table ruled only between rows). They
    start within a cell's padding of the edge and run on without a wide gap."""
    band = sorted((k for k, w in enumerate(words) if k not in taken and w["x0"] >= tx1 - 1
                   and rtop - 1 <= (w["top"] + w["bottom"]) / 2 <= rbottom + 1), key=lambda k: words[k]["x0"])
    out: list[int] = []
    edge = tx1
    for k in band:
        w = words[k]
        if w["x0"] - edge > (SPILL_PAD if not out else gap):
            if not out:
                return []
            continue
        out.append(k)
        edge = max(edge, w["x1"])
    return out


def starts_run(w: dict, words: list[dict], gap: float) -> bool:
    """Whether w begins a run of text (no word just before it on its baseline)."""
    return not any(abs(v["bottom"] - w["bottom"]) <= 2 and w["x0"] - gap <= v["x1"] <= w["x0"] + 1 and v is not w
                   for v in words)


def repeated_headers(pages: list[PageOut]) -> None:
    """A table continued after a page (or column) break repeats its header row: drop the repeat."""
    last_header: str | None = None
    for p in pages:
        first_table_done: set[int] = set()
        for u in list(p.units):
            if u.table is None:
                continue
            key = (u.table, u.col)
            if u.row == 0 and u.table not in first_table_done:
                first_table_done.add(u.table)
                if last_header is not None and _norm(u.text) == last_header and _opens_column(p, u):
                    p.units.remove(u)
                    continue
                last_header = _norm(u.text) if _looks_header(u.text) else None
            del key


def _norm(t: str) -> str:
    return " ".join(t.split()).lower()


def _looks_header(t: str) -> bool:
    low = t.lower()
    return "yes" in low or "relevant" in low or "%" in low and not re.search(r"\d", low)


def _opens_column(p: PageOut, u: Unit) -> bool:
    """Whether u is the first line of its page (or column): a table continued from the page before."""
    for v in p.units:
        if v.col == u.col or v.col == 0:
            return v is u
    return True


def split_rows(pages: list[PageOut]) -> None:
    """A table row broken by a page break (Word and LibreOffice allow it) continues at the top of
    the next page as a row whose first cell is empty ("2.3 | Implementation | Requires" then
    " | and delivery | improvement"): join it to the row it continues, cell by cell."""
    for prev, p in zip(pages, pages[1:]):
        if not prev.units or not p.units:
            continue
        last, first = prev.units[-1], p.units[0]
        if last.table is None or first.table is None or first.row != 0:
            continue
        a, b = last.text.split("\t"), first.text.split("\t")
        if len(a) != len(b) or not any(x.strip() for x in b):
            continue
        if b[0].strip():  # only a wrapped first cell ("...of services" / "effectively support ...?")
            if any(x.strip() for x in b[1:]) or not b[0].strip()[:1].islower() or a[0].rstrip()[-1:] in ".?!:":
                continue
        last.text = "\t".join(" ".join(f"{x} {y}".split()) for x, y in zip(a, b))
        p.units.pop(0)
