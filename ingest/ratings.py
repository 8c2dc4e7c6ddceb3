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
from ingest.normalise import LONE_RATING_RE, RATING_RE, key, norm_rating, strip_markers

ROW_RE = re.compile(r"^(?:standard\s+)?([1-4])\s?\.\s?([1-9])\.?(?:\s+|$)(.*)$", re.I)
ROW_RATING_RE = re.compile(
    r"(?:^|\s)[\s'\"‘’“”*]*(Inadequate|Requires[\s\-]+improvement|Good|Outstanding)[\s'\"‘’“”*.☆★]*$", re.I)
OVERALL_RE = re.compile(r"\bover\s?all(?:\s+(?:provider|yot|yos|yjs|service))?\s+rating\b(.*)$", re.I)
SCORE_RE = re.compile(r"\bscore\b\W{0,12}(\d{1,2})\s*(?:/|out\s+of)\s*(\d{1,2})\b", re.I)
FRACTION_RE = re.compile(r"^(\d{1,2})\s*(?:/|out\s+of)\s*(\d{1,2})$", re.I)
SCORE_ALONE_RE = re.compile(r"^(?:total\s+|overall\s+)?score\s*:?$", re.I)
#: "Overall: Good" (a colon instead of the word "rating"; the rating must follow at once)
OVERALL_COLON_RE = re.compile(r"^over\s?all\s*:\s*[\s'\"‘’“”*]*(Inadequate|Requires[\s\-]+improvement|Good|Outstanding)\b", re.I)

#: Rows printed without a standard number: title key -> standard number within its domain
#: ("x" = the domain decides: assessment/planning/implementation repeat in domains 2 and 3).
TITLE_IDS: dict[str, str] = {
    "governance and leadership": "1.1", "staff": "1.2", "partnerships and services": "1.3",
    "information and facilities": "1.4", "assessment": "x.1", "planning": "x.2",
    "implementation and delivery": "x.3", "reviewing": "2.4", "joint working": "3.4",
    "out of court disposal policy and provision": "3.4", "out of court disposals policy and provision": "3.4",
    "oocd policy and provision": "3.4", "policy and provision": "y.4",
    "resettlement policy and provision": "4.1", "resettlement": "4.1",
}
#: the same, keyed without spaces, so a word split by the PDF layer ("provi sion") still matches
TITLE_COMPACT = {k.replace(" ", ""): k for k in TITLE_IDS}
DOMAIN_KEY_RE = re.compile(
    r"^(?:domain (?:one|two|three|four|[1-4]) |[1-4] )?(organisational delivery|court disposals|out of court disposals|resettlement)$")
DOMAIN_IDS = {"organisational delivery": 1, "court disposals": 2, "out of court disposals": 3, "resettlement": 4}


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


def _rating_here_or_next(doc: Doc, rest: str, i: int, lookahead: int) -> tuple[str | None, int]:
    """A rating printed in ``rest`` (the remainder of line i), else alone on the next non-blank line."""
    mr = RATING_RE.search(rest)
    if mr:
        return norm_rating(mr.group(1)), i
    j = doc.next_nonblank(i + 1, lookahead)
    return _rating_at(doc, j) if j is not None else (None, i)


def _row_rating(text: str) -> tuple[str | None, str]:
    m = ROW_RATING_RE.search(text)
    if not m:
        return None, text
    return norm_rating(m.group(1)), text[: m.start()].strip()


def _title_row(doc: Doc, i: int) -> tuple[str, str, str, int] | None:
    """A ratings row printed without a standard number: (title key, printed title, rating, last line).
    The rating is on the same line ("Staff   Good", "Staff | **Good**") or alone on the next one."""
    f = doc.fl[i]
    if not f or len(f) > 100 or not f[0].isalpha():
        return None
    rating, title = _row_rating(f)
    if rating:
        k = TITLE_COMPACT.get(key(title).replace(" ", ""))
        return (k, title, rating, i) if k else None
    k = TITLE_COMPACT.get(key(f).replace(" ", ""))
    if not k:
        return None
    j = doc.next_nonblank(i + 1, 4)
    if j is None:
        return None
    rating, last = _rating_at(doc, j)
    return (k, f.strip(" :"), rating, last) if rating else None


def _domain_of(doc: Doc, i: int) -> int | None:
    f = doc.fl[i]
    if not f or len(f) > 80:
        return None
    m = DOMAIN_KEY_RE.match(key(f))
    return DOMAIN_IDS[m.group(1)] if m else None


def _title_rows(doc: Doc, skip: set[int]) -> list[int]:
    out = []
    for i, f in enumerate(doc.fl):
        if f and i not in skip and len(f) <= 100 and f[0].isalpha() and _title_row(doc, i):
            out.append(i)
    return out


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
    cluster = _cluster(_rated_rows(doc, skip))
    by_title = False
    if not cluster:  # rows without standard numbers ("Governance and leadership   Good")
        cluster = _cluster(_title_rows(doc, skip))
        by_title = bool(cluster)
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
    _parse_window(doc, table, lo, hi, skip, by_title)
    return table


def _cluster(rows: list[int]) -> list[int]:
    """The first cluster of >= 3 rated rows, each within 12 lines of the previous."""
    cluster: list[int] = []
    for i in rows:
        if cluster and i - cluster[-1] > 12:
            if len(cluster) >= 3:
                break
            cluster = []
        cluster.append(i)
    return cluster if len(cluster) >= 3 else []


def _title_id(k: str, domain: int | None, rows: dict[str, str]) -> str | None:
    """The standard id of an unnumbered row, from its title and the domain heading above it (or,
    with no domain heading, the order: the first "Assessment" is 2.1, the second 3.1)."""
    sid = TITLE_IDS[k]
    if sid.startswith("x."):
        d = domain if domain in (2, 3) else (2 if f"2.{sid[2]}" not in rows else 3)
        return f"{d}.{sid[2]}"
    if sid.startswith("y."):
        return "4.1" if domain == 4 else "3.4"
    if sid == "4.1" and k == "resettlement" and domain not in (None, 4):
        return None
    return sid


def _parse_window(doc: Doc, table: RatingsTable, lo: int, hi: int, skip: set[int], by_title: bool = False) -> None:
    consumed: set[int] = set()
    score_line = None
    domain: int | None = None
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
        mc = OVERALL_COLON_RE.match(f) if table.overall is None and not mo else None
        if mc:
            table.overall = norm_rating(mc.group(1))
            consumed.add(i)
        if mo:
            consumed.add(i)
            r, last = _rating_here_or_next(doc, SCORE_RE.sub(" ", mo.group(1)), i, 5)
            if r:
                table.overall = r
                consumed.update(range(i, last + 1))
        # rows without numbers: domain headings give the context
        if by_title and f[0].isalpha():
            tr = _title_row(doc, i)
            if tr:
                k, title, rating, last = tr
                sid = _title_id(k, domain, table.rows)
                if sid and sid not in table.rows:
                    table.rows[sid] = rating
                    table.titles[sid] = " ".join(strip_markers(title).split())
                    table.row_lines[sid] = i
                    consumed.update(range(i, last + 1))
                    i = last + 1
                    continue
            d = _domain_of(doc, i)
            if d:
                domain = d
                consumed.add(i)
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
        table.overall, _ = _rating_here_or_next(doc, SCORE_RE.sub(" ", doc.fl[score_line]), score_line, 4)
    if consumed:
        table.start, table.end = min(consumed), max(consumed)
        table.lines = set(range(table.start, table.end + 1))
