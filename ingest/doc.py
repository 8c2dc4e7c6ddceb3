"""The parser's working view of a report: original lines plus cleaned copies for matching.

Built once per parse in a single linear pass. Lines longer than ``MAX_STRUCT_LEN`` are never
cleaned or matched structurally (they are prose or garbage), which keeps every later regex
bounded and a 50 MB file fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.normalise import MAX_STRUCT_LEN, clean, flat, is_rule


@dataclass
class Doc:
    lines: list[str]
    cl: list[str] = field(default_factory=list)  # cleaned (cells tab-separated); "" for blank/too long
    fl: list[str] = field(default_factory=list)  # cleaned, tabs as spaces
    blank: list[bool] = field(default_factory=list)  # blank or a stray rule such as "--"
    long: list[bool] = field(default_factory=list)  # too long for structural matching

    @classmethod
    def build(cls, lines: list[str]) -> "Doc":
        doc = cls(lines=lines)
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
        return doc

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
