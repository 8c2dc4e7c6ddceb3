"""The contents page as a check on the headings found (ingest.structure).

Why: heading detection reads the body line by line, so one wrong turn (a stray "Annex A" label
taken for an annex, a summary sub-heading taken for a standard) can hide every section after it.
Where the report prints a contents page, its entries say which headings exist and in what order:
- each entry is located in the body in contents order (a missed entry does not stop the search
  for the next one);
- a heading the contents does not list that opens an annex before listed body sections, or a
  listed heading found out of the contents' order, is dropped and the headings are found again;
- a listed heading still missing is added at the line located for it.
"""

from __future__ import annotations

from typing import Callable

from ingest.doc import Doc
from ingest.normalise import key
from ingest.structure import CONTENTS_TRAILER_RE, NAMED, Heading, _annex, _domain, _has_content, _std

Entry = tuple[str, str]  # (heading id, kind)


def _classify(doc: Doc, i: int) -> Entry | None:
    if doc.blank[i] or doc.long[i] or not doc.fl[i]:
        return None
    s = _std(doc, i)
    if s:
        return s[0], "standard"
    d = _domain(doc, i)
    if d:
        return f"domain-{d[0]}", "domain"
    a = _annex(doc, i)
    if a:
        return a[0], "annex"
    named = NAMED.get(key(doc.fl[i])) if len(doc.fl[i]) <= 60 else None
    return (named[0], named[1]) if named else None


def _title(doc: Doc, i: int, kind: str) -> str:
    got = _std(doc, i) if kind == "standard" else _domain(doc, i) if kind == "domain" else _annex(doc, i) if kind == "annex" else None
    return str(got[1]) if got else doc.fl[i].rstrip(":. ")


def entries(doc: Doc, region: tuple[int, int]) -> list[Entry]:
    """The contents page's entries as heading ids, in order (page numbers and leaders removed)."""
    out: list[Entry] = []
    for i in range(region[0] + 1, region[1] + 1):
        c = doc.cl[i]
        if not c or doc.blank[i]:
            continue
        text = CONTENTS_TRAILER_RE.sub("", c).replace("\t", " ").strip()
        if not text:
            continue
        e = _classify(Doc.build([text]), 0)
        if e and e not in out:
            out.append(e)
    return out


def locate(doc: Doc, listed: list[Entry], after: int, skip: set[int]) -> dict[str, int]:
    """Body line of each listed entry, searched in contents order from the end of the contents page."""
    found: dict[str, int] = {}
    pos = after
    for eid, _kind in listed:
        for i in range(pos + 1, len(doc)):
            if i in skip:
                continue
            e = _classify(doc, i)
            if e and e[0] == eid and _has_content(doc, i, set()):
                found[eid] = i
                pos = i
                break
    return found


def confirm(doc: Doc, heads: list[Heading], region: tuple[int, int] | None, skip: set[int],
            find: Callable[[frozenset[int]], list[Heading]]) -> list[Heading]:
    """Headings checked against the contents page; ``find(reject)`` re-runs the finder without the
    rejected lines."""
    if region is None:
        return heads
    listed = entries(doc, region)
    if len(listed) < 4:
        return heads
    at = locate(doc, listed, region[1], skip)
    if len(at) < 0.6 * len(listed):
        return heads  # the contents does not describe this body well enough to overrule it
    ids = {eid for eid, _ in listed}
    kind_of = dict(listed)
    reject: set[int] = set()
    for h in heads:
        if h.id not in ids:
            if h.kind == "annex" and any(line > h.line and kind_of[eid] != "annex" for eid, line in at.items()):
                reject.add(h.line)  # an unlisted annex before listed body sections hides them
        elif h.id in at and at[h.id] != h.line and h.kind in ("standard", "domain"):
            reject.add(h.line)  # a listed heading found somewhere other than where the contents puts it
    if reject:
        heads = find(frozenset(reject))
    have = {h.id for h in heads}
    lines = {h.line for h in heads}
    for eid, line in at.items():
        if eid not in have and line not in lines and line not in reject:
            heads.append(Heading(line, eid, _title(doc, line, kind_of[eid]), kind_of[eid]))
    heads.sort(key=lambda h: h.line)
    return heads
