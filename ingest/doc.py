"""The parser's working view of a report: original lines plus cleaned copies for matching.

Built once per parse in a single linear pass. Lines longer than ``MAX_STRUCT_LEN`` are never
cleaned or matched structurally (they are prose or garbage), which keeps every later regex
bounded and a 50 MB file fast.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.normalise import MAX_STRUCT_LEN, clean, flat, is_rule

#: a page number alone on a line: "12", "- 12 -", "Page 12", "Page 12 of 40"
PAGE_NO_RE = re.compile(r"^(?:[-–—]\s*)?(?:(page)\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?(?:\s*[-–—])?$", re.I)
#: running headers/footers name the report or the inspectorate
FURNITURE_WORDS = ("inspection of", "inspectorate", "quality screening", "crown copyright", "joint inspection")
RATING_KEYS = {"inadequate", "requires improvement", "good", "outstanding"}
_EDGE_NO_RE = re.compile(r"^\d{1,3}\s+|\s+\d{1,3}$")


@dataclass
class Doc:
    lines: list[str]
    cl: list[str] = field(default_factory=list)  # cleaned (cells tab-separated); "" for blank/too long
    fl: list[str] = field(default_factory=list)  # cleaned, tabs as spaces
    blank: list[bool] = field(default_factory=list)  # blank or a stray rule such as "--"
    long: list[bool] = field(default_factory=list)  # too long for structural matching
    furniture: set[int] = field(default_factory=set)  # running headers/footers and page numbers (blank for matching)
    pages: list[int] | None = None  # page of each line (PDF), for tables continued across a page break

    @classmethod
    def build(cls, lines: list[str], line_pages: list[int] | None = None) -> "Doc":
        doc = cls(lines=lines, pages=line_pages if line_pages and len(line_pages) == len(lines) else None)
        cl, fl, blank, long_ = doc.cl, doc.fl, doc.blank, doc.long
        for raw in lines:
            if len(raw) > MAX_STRUCT_LEN:
                cl.append("")
                fl.append("")
                blank.append(not raw.strip())
                long_.append(True)
                continue
            c = clean(raw)
            cl.append(c)
            fl.append(flat(c))
            blank.append(not c or is_rule(c))
            long_.append(False)
        doc._mark_furniture(line_pages)
        return doc

    def _mark_furniture(self, line_pages: list[int] | None) -> None:
        """Running headers/footers and page numbers, which a PDF text layer prints at every page
        boundary, become blank for matching (the lines themselves, and their numbers, stay).

        A running line is a short line repeated at least three times that names the report or the
        inspectorate, or that sits next to a page number at least twice. A bare number is a page
        number when it sits next to a running line, or (PDF) opens or closes its page."""
        fl, n = self.fl, len(self.lines)
        counts: Counter[str] = Counter()
        keys: dict[int, str] = {}
        numbers: list[int] = []
        for i in range(n):
            f = fl[i]
            if not f or self.blank[i] or len(f) > 120:
                continue
            if f[0].isdigit() or f[0] in "-–—Pp":
                m = PAGE_NO_RE.match(f)
                if m:
                    numbers.append(i)
                    if m.group(1):  # "Page 12": always furniture
                        self.furniture.add(i)
                    continue
            if len(f) >= 10 and f[-1:] != ".":
                k = (_EDGE_NO_RE.sub("", f) if f[0].isdigit() or f[-1].isdigit() else f).lower()
                keys[i] = k
                counts[k] += 1
        repeated = {k for k, c in counts.items() if c >= 3 and k}
        if not repeated and not numbers:
            return
        number_set = set(numbers)
        near_number: Counter[str] = Counter()
        for i, k in keys.items():
            if k in repeated and (self._neighbour(i, -1) in number_set or self._neighbour(i, 1) in number_set):
                near_number[k] += 1
        # next to a page number at least twice and at most pages apart: a rating or a table header that
        # happens to close a page twice is not furniture (it repeats far more often than that)
        running = {k for k in repeated if any(w in k for w in FURNITURE_WORDS)
                   or near_number[k] >= 2 and 2 * near_number[k] >= counts[k] and k not in RATING_KEYS}
        for i, k in keys.items():
            if k in running:
                self.furniture.add(i)
        for i in numbers:
            if i in self.furniture:
                continue
            if self._neighbour(i, -1) in self.furniture or self._neighbour(i, 1) in self.furniture:
                self.furniture.add(i)
            elif line_pages and i < len(line_pages) and self._page_edge(i, line_pages):
                self.furniture.add(i)
        for i in self.furniture:
            self.cl[i] = self.fl[i] = ""
            self.blank[i] = True

    def _neighbour(self, i: int, step: int) -> int | None:
        """The nearest line before (step -1) or after (step 1) i that is not blank, within 3 lines."""
        j = i + step
        for _ in range(3):
            if not 0 <= j < len(self.lines):
                return None
            if not self.blank[j]:
                return j
            j += step
        return None

    def _page_edge(self, i: int, line_pages: list[int]) -> bool:
        page = line_pages[i]
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(line_pages) and line_pages[j] == page and (self.blank[j] or j in self.furniture):
                j += step
            if not 0 <= j < len(line_pages) or line_pages[j] != page:
                return True
        return False

    def __len__(self) -> int:
        return len(self.lines)

    def next_nonblank(self, i: int, limit: int | None = None) -> int | None:
        """Index of the first non-blank line at or after ``i`` (looking at most ``limit`` lines on)."""
        end = len(self.lines) if limit is None else min(len(self.lines), i + limit)
        while i < end:
            if not self.blank[i]:
                return i
            i += 1
        return None

    def is_prose(self, i: int) -> bool:
        """A sentence-like line (what follows a real heading, never a contents entry)."""
        if self.long[i]:
            return True
        f = self.fl[i]
        return len(f) >= 60 or (len(f) >= 25 and f[-1:] in ".?!:")
