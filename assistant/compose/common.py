"""Shared pieces of the embedded (no-model) composers: the ``Draft`` they write into, phrase
templates, standard titles, and the domain filter.

Every sentence a composer writes either quotes a report sentence verbatim or states a structured
fact next to a citation of the line that prints it; framing lines come from ``prompts/phrases.md``
and are passed to the gate as trusted. This module imports no composer (and not
``assistant.drafting``), so the drafting code can use ``Draft`` without an import cycle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant import prompts
from assistant.citations import Passage
from assistant.evidence import Sentence
from assistant.library import Fact, Library, context_of, label
from assistant.rating_rules import get_rules
from ingest.model import Report

@dataclass
class Draft:
    """Answer text with ``[n]`` markers, the passages they point to, and trusted framing lines."""

    lines: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    trusted: list[str] = field(default_factory=list)
    _keys: dict[tuple, int] = field(default_factory=dict)

    def cite(self, p: Passage) -> str:
        key = (p.source, p.line_start, p.line_end, p.quote)
        if key not in self._keys:
            p = p.model_copy(update={"n": len(self.passages) + 1})
            self.passages.append(p)
            self._keys[key] = p.n
        return f"[{self._keys[key]}]"

    def cite_sentence(self, s: Sentence, report: Report | None = None) -> str:
        p = s.passage(0)
        if report is not None:
            p.context = context_of(report, s.section, s.title)
        else:
            p.context = " ".join(x for x in (s.service or "", (s.published or "")[:4], s.section, s.title) if x)
        return self.cite(p)

    def cite_fact(self, f: Fact, quote: str | None = None) -> str:
        p = f.passage(0)
        if quote:
            p.quote = quote
            p.text = quote
        return self.cite(p)

    def say(self, line: str, trusted: bool = False) -> None:
        self.lines.append(line)
        if trusted:
            self.trusted.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def phrase(key: str, **values: Any) -> str:
    return prompts.phrases("phrases")[key].format(**values)


def _pct(x: float) -> str:
    return f"{x:g}%" if x != int(x) else f"{int(x)}%"


def _standard_title(report: Report | None, sid: str) -> str:
    if report is not None and report.standard_titles.get(sid):
        return report.standard_titles[sid]
    fw = (report.framework if report is not None else None) or "2021"
    rule = get_rules(fw).standard(sid) or get_rules("2021").standard(sid)
    return rule.title if rule else sid


def _search(index: Any, query: str, k: int, **filters: Any) -> list:
    """Search with the filters as given; never silently retried without them (a named-service
    question answered from another service's report is a wrong answer, not a fallback)."""
    return index.search(query, k=k, **filters)


def _report_of(lib: Library, s: Sentence) -> Report | None:
    return lib.get(s.source)


def _sentence_line(s: Sentence, lib: Library, d: Draft, with_label: bool) -> str:
    r = _report_of(lib, s)
    marker = d.cite_sentence(s, r)
    body = s.text
    if body[-1] in ".!?":
        body = f"{body[:-1]} {marker}{body[-1]}"
    else:
        body = f"{body} {marker}"
    if with_label and r is not None:
        return f"- {label(r)}: {body}"
    return f"- {body}"


NOT_EVIDENCE = frozenset({"methodology", "inspection-data", "acknowledgements", "contents", "cover", "ratings"})
_RATING_WORDS = re.compile(r"\b(outstanding|good|inadequate|requires improvement|rated|rating|ratings|best|worst)\b", re.I)
_OOCD = re.compile(r"out[- ]of[- ]court|diversion|community resolution|caution", re.I)


_COURT = re.compile(r"(?<!of-)(?<!of )\bcourt (?:disposal|order|case|work)s?\b|\bpost-court\b|\bstatutory orders?\b", re.I)


def _same_domain(s: Sentence, std: str | None) -> bool:
    """For a court-disposal standard (2.x), out-of-court sentences from other sections are off topic,
    and court-disposal sentences for an out-of-court standard (3.x)."""
    if not std or s.section == std:
        return True
    if std.startswith("2."):
        return not _OOCD.search(s.text)
    if std.startswith("3."):
        return not (_COURT.search(s.text) and not _OOCD.search(s.text))
    return True

