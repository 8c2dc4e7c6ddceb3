"""Structured facts of a report and the exact source lines that print them (ratings rows, score,
key-question rows, annex rules).

Why: numeric and methodology answers come from structured data, but every figure shown must
still be cited to the line that prints it, so these functions find those lines once per report.
(Split out of ``assistant.library``, which re-exports every name.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.citations import Passage
from assistant.text import comparable, normalise
from ingest.model import KeyQuestion, Report


@dataclass
class Fact:
    """A cited structured fact: the line span that prints it and its text."""

    report: Report
    line_start: int
    line_end: int
    section: str
    title: str

    @property
    def text(self) -> str:
        return normalise(self.report.text_of(self.line_start, self.line_end))

    def passage(self, n: int) -> Passage:
        r = self.report
        return Passage(
            n=n, source=r.source, service=r.service, section=self.section, title=self.title,
            line_start=self.line_start, line_end=self.line_end, page=r.page_of(self.line_start),
            text=self.text, quote=self.text, context=context_of(r, self.section, self.title),
        )


def context_of(report: Report, section: str = "", title: str = "") -> str:
    """Words a citation to this report legitimately supports besides its quote: who and when."""
    bits = [report.service or "", str(report.year or ""), section, title, report.title or ""]
    return " ".join(b for b in bits if b)


def label(report: Report) -> str:
    """'Wigan (2021)': services can have several reports, the year tells them apart."""
    return f"{report.service or report.source} ({report.year})" if report.year else (report.service or report.source)


# ----- finding the lines that print structured facts ----------------------------------------------

def _section_for_line(report: Report, line: int) -> tuple[str, str]:
    best = None
    for s in report.sections:
        if s.line_start <= line <= s.line_end:
            if best is None or (s.line_end - s.line_start) < (best.line_end - best.line_start):
                best = s
    return (best.id, best.title) if best else ("ratings", "Ratings")


def _ratings_zone(report: Report) -> tuple[int, int]:
    sec = report.section("ratings")
    if sec is not None:
        return sec.line_start, min(len(report.lines), sec.line_end + 40)
    return 1, min(len(report.lines), 320)


def standard_rating_fact(report: Report, sid: str) -> Fact | None:
    """The ratings-table row printing a standard's rating, else the rating line in its section."""
    rating = report.standards.get(sid) or (report.resettlement if sid == "4.1" else None)
    if not rating:
        return None
    a, b = _ratings_zone(report)
    pat = re.compile(r"^\s*" + re.escape(sid) + r"(?![\d])")
    for i in range(a, b + 1):
        line = report.lines[i - 1]
        if pat.match(line) and rating.casefold() in comparable(line):
            return Fact(report, i, i, "ratings", "Ratings")
    sec = report.section(sid)
    if sec is not None:
        for i in range(sec.line_start, min(sec.line_end, sec.line_start + 12) + 1):
            if rating.casefold() in comparable(report.lines[i - 1]) and len(report.lines[i - 1]) < 300:
                return Fact(report, i, i, sid, sec.title)
    return None


def score_fact(report: Report) -> Fact | None:
    """The line(s) printing the score, e.g. 'Score 29/36' or 'Score' then '8/36'."""
    if report.score is None or report.max_score is None:
        return None
    a, b = _ratings_zone(report)
    a = 1
    target = f"{report.score}/{report.max_score}"
    for i in range(a, min(b, len(report.lines)) + 1):
        line = comparable(report.lines[i - 1]).replace(" ", "")
        if target in line:
            start = i
            if "score" not in comparable(report.lines[i - 1]):
                for j in range(i - 1, max(0, i - 4), -1):
                    if "score" in comparable(report.lines[j - 1]):
                        start = j
                        break
            return Fact(report, start, i, "ratings", "Ratings")
    return None


def overall_fact(report: Report) -> Fact | None:
    """The 'Overall rating' row (value on the same line or within a few lines)."""
    if not report.overall:
        return None
    for i in range(1, min(len(report.lines), 400) + 1):
        low = comparable(report.lines[i - 1]).replace("over all", "overall")
        if "overall rating" in low and len(low) < 120:
            if report.overall.casefold() in low:
                return Fact(report, i, i, "ratings", "Ratings")
            for j in range(i + 1, min(len(report.lines), i + 4) + 1):
                if comparable(report.lines[j - 1]) == report.overall.casefold():
                    return Fact(report, i, j, "ratings", "Ratings")
    return None


def kq_fact(report: Report, sid: str, kq: KeyQuestion) -> Fact | None:
    """The key-question row (``KeyQuestion.line`` when the parser filled it)."""
    sec = report.section(sid)
    title = sec.title if sec else sid
    if kq.line and 1 <= kq.line <= len(report.lines):
        return Fact(report, kq.line, kq.line, sid, title)
    if sec is None:
        return None
    head = comparable(kq.question)[:40]
    for i in range(sec.line_start, sec.line_end + 1):
        if comparable(report.lines[i - 1]).startswith(head):
            return Fact(report, i, i, sid, title)
    return None


ANNEX_CUES: dict[str, tuple[str, ...]] = {
    "lowest": ("where the lowest proportion", "aligned to the lowest banding", "driven by the lowest score"),
    "bands": ("reasonable majority: 65-79%", "too few: 50-64%", "minority: <50%", "large majority: 80%+"),
    "discretion": ("within five percentage points", "professional discretion"),
    "qualitative": ("domain one ratings are proposed", "judged using predominantly qualitative evidence"),
    "points": ("scored on a 0-3 scale", "0-3 scale"),
    "overall": ("19-30 = good", "19-30 good", "0-6 inadequate", "0-6 = inadequate", "0 to 36"),
    "limiting": ("limiting judgement",),
    "inconsistent": ("0-30 scale", "each of the ten standards"),
}


_ANNEX_CACHE: Any = None


def annex_facts(report: Report) -> dict[str, list[Fact]]:
    """``_annex_facts`` cached per report version (methodology questions read every report's annex)."""
    global _ANNEX_CACHE
    if _ANNEX_CACHE is None:
        from assistant.sentence_index import BoundedCache

        _ANNEX_CACHE = BoundedCache(2048)
    if not report.sha256:
        return _annex_facts(report)
    return _ANNEX_CACHE.get((report.source, report.sha256, len(report.lines)), lambda: _annex_facts(report))


def _annex_facts(report: Report) -> dict[str, list[Fact]]:
    """For each methodology rule, the annex lines of this report that state it (best first).

    A cue line that stops mid-sentence (PDF page breaks) is extended to the next non-empty
    line; band tables (one band per line) are taken whole."""
    found: dict[str, list[Fact]] = {}
    annex_start = None
    for s in report.sections:
        if s.kind == "annex" or re.search(r"methodolog|inspection data|ratings explained", s.title, re.I):
            annex_start = s.line_start if annex_start is None else min(annex_start, s.line_start)
    if annex_start is None:
        for i, line in enumerate(report.lines, 1):
            if re.match(r"\s*Annex(?:e)?\s*\d", line) and i > 60:
                annex_start = i
                break
    if annex_start is None:
        return found
    n = len(report.lines)
    for key, cues in ANNEX_CUES.items():
        for cue in cues:
            for i in range(annex_start, n + 1):
                low = comparable(report.lines[i - 1])
                if cue not in low or len(low) > 2500:
                    continue
                end = i
                if key in ("bands", "overall") and len(low) < 80:
                    while end + 1 <= n and 0 < len(report.lines[end].strip()) < 80 and end - i < 5:
                        end += 1
                else:
                    j = i
                    while not comparable(report.lines[j - 1]).rstrip().endswith((".", ":", ")")) and j - i < 3 and j < n:
                        j += 1
                        while j < n and not report.lines[j - 1].strip():
                            j += 1
                    end = j
                sid, title = _section_for_line(report, i)
                fact = Fact(report, i, end, sid, title)
                if all((f.line_start, f.line_end) != (i, end) for f in found.get(key, [])):
                    found.setdefault(key, []).append(fact)
    return found
