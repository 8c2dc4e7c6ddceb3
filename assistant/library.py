"""The assistant's view of the index: parsed reports cached in memory, plus the exact source
lines that hold structured facts (ratings rows, score, key-question rows, annex rules).

Why: numeric and methodology answers come from structured data, but every figure shown must
still be cited to the line that prints it, so this module finds those lines once per report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from assistant.citations import Passage
from assistant.text import comparable, normalise
from ingest.injection import usable_lines
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


class Library:
    """Cached parsed reports of an index (``Index.reports()`` / ``Index.get_report``)."""

    def __init__(self, index: Any) -> None:
        import threading

        self.index = index
        self._reports: dict[str, Report] = {}
        self._sig: tuple | None = None
        # One thread builds the library-wide caches (report list, boilerplate, term statistics)
        # while concurrent first questions wait: at 500 reports building them takes seconds, and
        # 25 API threads each building their own copy at once starved the server.
        self._lock = threading.RLock()

    def refresh(self, force: bool = False) -> None:
        """Re-read the index's report list (at most every couple of seconds unless forced): one
        question touches the library dozens of times, the list changes only on ingest."""
        import time

        now = time.monotonic()
        if not force and self._sig is not None and now - self.__dict__.get("_checked", 0.0) < 2.0:
            return
        with self._lock:
            if not force and self._sig is not None and now - self.__dict__.get("_checked", 0.0) < 2.0:
                return
            self._refresh(now)

    def _refresh(self, now: float) -> None:
        self.__dict__["_checked"] = now
        summaries = self.index.reports()
        sig = tuple(sorted((s.source, s.sha256) for s in summaries))
        if sig == self._sig:
            return
        reports: dict[str, Report] = {}
        for s in summaries:
            old = self._reports.get(s.source)
            if old is not None and old.sha256 == s.sha256:
                reports[s.source] = old
                continue
            r = self.index.get_report(s.source)
            if r is not None:
                reports[s.source] = r
        self._reports = reports
        self._sig = sig

    @property
    def reports(self) -> list[Report]:
        self.refresh()
        return sorted(self._reports.values(), key=lambda r: (r.service or "", r.published or ""))

    def get(self, source: str) -> Report | None:
        self.refresh()
        r = self._reports.get(source)
        if r is None:
            r = self.index.get_report(source)
        return r

    def _raw_sentences(self, source: str) -> list:
        from assistant.evidence import lead_in_of, sentences_from_lines, with_lead_in

        r = self.get(source)
        if r is None:
            return []
        cache = self.__dict__.setdefault("_sentences", {})
        key = (source, r.sha256)
        if key not in cache:
            owner: dict[int, Any] = {}
            for sec in sorted(r.sections, key=lambda s: -(s.line_end - s.line_start)):
                for ln in range(sec.line_start, sec.line_end + 1):
                    owner[ln] = sec  # smaller sections overwrite bigger ones
            out = []
            lead_in = ""  # "The Board should:" over a numbered list: its words count for the items
            for i, line in enumerate(usable_lines(r), 1):
                if not line.strip():
                    continue
                sec = owner.get(i)
                lead_in, item = lead_in_of(line, lead_in)
                out += with_lead_in(sentences_from_lines(
                    [line], i, source=r.source, service=r.service, section=getattr(sec, "id", "front"),
                    title=getattr(sec, "title", ""), page=r.page_of(i), kind=getattr(sec, "kind", None),
                    rating=getattr(sec, "rating_in_text", None), framework=r.framework, published=r.published,
                    hit_rank=99,
                ), lead_in if item else "")
            cache[key] = out
        return cache[key]

    def table_rows(self, source: str) -> list:
        """Label + figure rows of the report's data tables as evidence sentences (fresh copies)."""
        from dataclasses import replace

        from assistant.evidence import table_rows

        r = self.get(source)
        if r is None:
            return []
        cache = self.__dict__.setdefault("_rows", {})
        key = (source, r.sha256)
        if key not in cache:
            def section_of(line: int):
                best = None
                for s in r.sections:
                    if s.line_start <= line <= s.line_end and (best is None or s.line_end - s.line_start < best.line_end - best.line_start):
                        best = s
                return (best.id, best.title, best.kind) if best else ("front", "", None)

            cache[key] = table_rows(usable_lines(r), 1, source=r.source, service=r.service, section_of=section_of,
                                    published=r.published, framework=r.framework, page_of=r.page_of)
        return [replace(s) for s in cache[key]]

    def raw_sentences(self, source: str) -> list:
        """Every sentence of a report, boilerplate included (e.g. an acknowledgements line that two
        reports share word for word because the same inspector led both)."""
        from dataclasses import replace

        return [replace(s) for s in self._raw_sentences(source)]

    def boilerplate(self) -> set[str]:
        """Sentences printed in two or more reports (standard descriptors, footnotes): they say
        nothing about a particular service, so composers skip them."""
        self.refresh()
        cached = self.__dict__.get("_boiler")
        if cached and cached[0] == self._sig:
            return cached[1]
        with self._lock:
            cached = self.__dict__.get("_boiler")
            if cached and cached[0] == self._sig:
                return cached[1]
            return self._build_boilerplate()

    def _build_boilerplate(self) -> set[str]:
        from collections import Counter

        counts: Counter[str] = Counter()
        for r in self._reports.values():
            counts.update({comparable(s.text) for s in self._raw_sentences(r.source)})
        out = {t for t, c in counts.items() if c >= 2}
        self.__dict__["_boiler"] = (self._sig, out)
        return out

    def term_stats(self) -> tuple[dict[str, int], int]:
        """Document frequency of every term over all sentences of all reports, and their number:
        IDF from the whole library, so a term rare among candidates is not over-weighted."""
        self.refresh()
        cached = self.__dict__.get("_df")
        if cached and cached[0] == self._sig:
            return cached[1], cached[2]
        with self._lock:
            cached = self.__dict__.get("_df")
            if cached and cached[0] == self._sig:
                return cached[1], cached[2]
            return self._build_term_stats()

    def _build_term_stats(self) -> tuple[dict[str, int], int]:
        from collections import Counter

        df: Counter[str] = Counter()
        n = 0
        for r in self._reports.values():
            for s in self._raw_sentences(r.source):
                df.update(s.terms)
                n += 1
        self.__dict__["_df"] = (self._sig, dict(df), n)
        return dict(df), n

    def sentences(self, source: str) -> list:
        """Every evidence sentence of a report (boilerplate removed), fresh copies to score."""
        from dataclasses import replace

        boiler = self.boilerplate()
        cache = self.__dict__.setdefault("_kept", {})
        key = (source, self._sig)
        if key not in cache:
            cache[key] = [s for s in self._raw_sentences(source) if comparable(s.text) not in boiler]
        return [replace(s) for s in cache[key]]

    def drop_boilerplate(self, sentences: list) -> list:
        boiler = self.boilerplate()
        return [s for s in sentences if comparable(s.text) not in boiler]

    def lines_of(self, source: str) -> Sequence[str] | None:
        r = self.get(source)
        return usable_lines(r) if r is not None else None

    def page_of(self, source: str, line: int) -> int | None:
        r = self.get(source)
        return r.page_of(line) if r is not None else None

    def services(self) -> list[str]:
        return sorted({r.service for r in self.reports if r.service})

    def for_service(self, service: str, years: Sequence[int] = ()) -> list[Report]:
        """Reports of a service, newest first; rated inspections before screenings."""
        rs = [r for r in self.reports if r.service == service]
        if years:
            rs = [r for r in rs if r.year in years] or rs
        return sorted(rs, key=lambda r: (bool(r.standards), r.published or ""), reverse=True)

    def main_report(self, service: str, years: Sequence[int] = ()) -> Report | None:
        rs = self.for_service(service, years)
        return rs[0] if rs else None


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


def annex_facts(report: Report) -> dict[str, list[Fact]]:
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
