"""The ratings table: overall rating, score, one row per standard.

Layouts seen in the family: rows as ``1.1<TAB>Title<TAB>Rating``; the rating on the row's next
line (or split as ``Requires`` / ``improvement``); blank lines between rows; the overall rating
on the "Overall rating" line, on the next line, or on the line with the score; the score as
``Score 29/36`` or ``Score`` then ``8/36``; markdown/HTML tables (pipes/tabs); ``**bold**``.
The table is located as the first cluster of rated standard rows, so a contents page or the
annex prompt tables never pass for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.doc import Doc
from ingest.normalise import LONE_RATING_RE, RATING_RE, norm_rating, strip_markers

ROW_RE = re.compile(r"^(?:standard\s+)?([1-4])\s?\.\s?([1-9])\.?(?:\s+|$)(.*)$", re.I)
ROW_RATING_RE = re.compile(
    r"(?:^|\s)[\s'\"‘’“”*]*(Inadequate|Requires[\s\-]+improvement|Good|Outstanding)[\s'\"‘’“”*.☆★]*$", re.I)
OVERALL_RE = re.compile(r"\bover\s?all(?:\s+(?:provider|yot|yos|yjs|service))?\s+rating\b(.*)$", re.I)
SCORE_RE = re.compile(r"\bscore\b\W{0,12}(\d{1,2})\s*(?:/|out\s+of)\s*(\d{1,2})\b", re.I)
FRACTION_RE = re.compile(r"^(\d{1,2})\s*(?:/|out\s+of)\s*(\d{1,2})$", re.I)
SCORE_ALONE_RE = re.compile(r"^(?:total\s+|overall\s+)?score\s*:?$", re.I)


@dataclass
class RatingsTable:
    overall: str | None = None
    score: int | None = None
    max_score: int | None = None
    rows: dict[str, str] = field(default_factory=dict)  # "1.1" -> rating (incl. 4.1)
    titles: dict[str, str] = field(default_factory=dict)
    row_lines: dict[str, int] = field(default_factory=dict)
    start: int | None = None  # 0-based index of the first table line
    end: int | None = None  # 0-based index of the last table line
    lines: set[int] = field(default_factory=set)  # every line consumed by the table
    warnings: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.rows) or self.overall is not None


def _rating_at(doc: Doc, i: int) -> tuple[str | None, int]:
    """A rating printed alone on line i (or split over i and the next line): (rating, last line)."""
    c = doc.fl[i]
    m = LONE_RATING_RE.match(c)
    if m:
        return norm_rating(m.group(1)), i
    if c.strip(" *'\"").lower() == "requires":
        j = doc.next_nonblank(i + 1, 3)
        if j is not None and doc.fl[j].strip(" *.'\"").lower() == "improvement":
            return "Requires improvement", j
    return None, i


def _row_rating(text: str) -> tuple[str | None, str]:
    m = ROW_RATING_RE.search(text)
    if not m:
        return None, text
    return norm_rating(m.group(1)), text[: m.start()].strip()


def _rated_rows(doc: Doc, skip: set[int]) -> list[int]:
    out = []
    for i, f in enumerate(doc.fl):
        if not f or i in skip or len(f) > 160:
            continue
        if f[0] in "1234" and ROW_RE.match(f) and ROW_RATING_RE.search(f):
            out.append(i)
    return out


def find_ratings(doc: Doc, skip: set[int], heading: int | None) -> RatingsTable:
    """Parse the first ratings table (lines in ``skip``, e.g. the contents page, are ignored)."""
    table = RatingsTable()
    rated = _rated_rows(doc, skip)
    # first cluster of >= 3 rated rows, each within 12 lines of the previous
    cluster: list[int] = []
    for i in rated:
        if cluster and i - cluster[-1] > 12:
            if len(cluster) >= 3:
                break
            cluster = []
        cluster.append(i)
    if len(cluster) < 3:
        cluster = []
    overall_idx = None
    if cluster:
        lo = max(0, cluster[0] - 20)
        if heading is not None and heading < cluster[0]:
            lo = max(lo, heading)
        hi = min(len(doc), cluster[-1] + 14)
    else:
        # no rated rows: fall back to an "Overall rating" line (a table of other shape)
        for i, f in enumerate(doc.fl):
            if f and i not in skip and len(f) < 160 and OVERALL_RE.search(f):
                overall_idx = i
                break
        if overall_idx is None:
            return table
        lo, hi = max(0, overall_idx - 10), min(len(doc), overall_idx + 40)
        if heading is not None and heading < overall_idx:
            lo = max(lo, heading)
    _parse_window(doc, table, lo, hi, skip)
    return table


def _parse_window(doc: Doc, table: RatingsTable, lo: int, hi: int, skip: set[int]) -> None:
    consumed: set[int] = set()
    score_line = None
    i = lo
    while i < hi:
        f = doc.fl[i]
        if not f or i in skip or len(f) > 200:
            i += 1
            continue
        # score
        if table.score is None:
            m = SCORE_RE.search(f)
            if m:
                table.score, table.max_score = int(m.group(1)), int(m.group(2))
                score_line = i
                consumed.add(i)
            elif SCORE_ALONE_RE.match(f):
                j = doc.next_nonblank(i + 1, 4)
                if j is not None and FRACTION_RE.match(doc.fl[j]):
                    m = FRACTION_RE.match(doc.fl[j])
                    table.score, table.max_score = int(m.group(1)), int(m.group(2))
                    score_line = j
                    consumed.update({i, j})
            elif table.rows and FRACTION_RE.match(f) and table.score is None:
                m = FRACTION_RE.match(f)
                if int(m.group(2)) in (30, 36):
                    table.score, table.max_score = int(m.group(1)), int(m.group(2))
                    score_line = i
                    consumed.add(i)
        # overall
        mo = OVERALL_RE.search(f) if table.overall is None else None
        if mo:
            consumed.add(i)
            rest = SCORE_RE.sub(" ", mo.group(1))
            mr = RATING_RE.search(rest)
            if mr:
                table.overall = norm_rating(mr.group(1))
            else:
                j = doc.next_nonblank(i + 1, 5)
                if j is not None:
                    r, last = _rating_at(doc, j)
                    if r:
                        table.overall = r
                        consumed.update(range(j, last + 1))
        # standard rows
        m = ROW_RE.match(f) if f[0] in "1234" else None
        if m:
            sid = f"{m.group(1)}.{m.group(2)}"
            body = m.group(3).strip()
            rating, title = _row_rating(body)
            last = i
            if rating is None:
                j = doc.next_nonblank(i + 1, 4)
                if j is not None:
                    rating, last = _rating_at(doc, j)
            if rating and sid not in table.rows and len(title) <= 120:
                table.rows[sid] = rating
                if title:
                    table.titles[sid] = " ".join(strip_markers(title).split())
                table.row_lines[sid] = i
                consumed.update(range(i, last + 1))
                i = last + 1
                continue
        i += 1
    # an overall rating printed on the score line ("Score 29/36 Good") or right after it
    if table.overall is None and score_line is not None:
        rest = SCORE_RE.sub(" ", doc.fl[score_line])
        mr = RATING_RE.search(rest)
        if mr:
            table.overall = norm_rating(mr.group(1))
        else:
            j = doc.next_nonblank(score_line + 1, 4)
            if j is not None:
                r, _ = _rating_at(doc, j)
                if r:
                    table.overall = r
    if consumed:
        table.start, table.end = min(consumed), max(consumed)
        table.lines = set(range(table.start, table.end + 1))
