"""Headings to sections: which lines open a section, of what kind, with what id.

Rules that make this robust across the family rather than fitted to five files:
- A contents page (heading "Contents") is one section; its entries, whether or not they carry
  page numbers or dot leaders, are recognised because they repeat headings found later.
- A standard heading (``2.1. Assessment``, ``2.1 Assessment``, ``Standard 2.1: Assessment``) opens
  a section only when real content follows it, in increasing standard order, once per id; two
  headings for the same id separated by blank lines only (``4.1. Resettlement`` then
  ``4.1. Resettlement policy and provision``) are one heading.
- A domain heading (``Domain one: ...`` or ``1. Organisational delivery``) opens a section only
  when the next standard heading belongs to it, so numbered sub-headings in an executive
  summary and the ratings table's group rows are left alone.
- After the first annex heading, only further annex headings open sections: the annex prompt
  tables' ``2.1. Assessment (court disposals)`` lines are not standards.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ingest.doc import Doc
from ingest.normalise import key, strip_bullet

STD_RE = re.compile(r"^(?:standard\s+)?([1-4])\s?\.\s?([1-9])\.?\s*[:\-–—]?\s+([A-Za-z][^\t]{1,90}?)\s*[.:]?$", re.I)
DOMAIN_WORD = {"one": 1, "two": 2, "three": 3, "four": 4, "1": 1, "2": 2, "3": 3, "4": 4}
DOMAIN_RE = re.compile(r"^domain\s+(one|two|three|four|[1-4])\b\s*[:.\-–—]?\s*(.{0,80}?)\s*[.:]?$", re.I)
DOMAIN_NUM_RE = re.compile(
    r"^([1-4])\s?\.?\s+((?:organisational delivery|court disposals|out[\s-]of[\s-]court disposals|resettlement)"
    r"\b.{0,40}?)\s*[.:]?$", re.I)
#: a domain named without a number ("Organisational delivery", "Out-of-court disposals")
DOMAIN_BARE = {"organisational delivery": 1, "court disposals": 2, "out of court disposals": 3,
               "out of court disposal": 3, "resettlement": 4}
ANNEX_RE = re.compile(r"^(?:annexe?|appendix)\s*(\d{1,2}|[a-z]|[ivx]{1,4})?\b\s*[:.\-–—]?\s*(.{0,80}?)\s*[.:]?$", re.I)
CONTENTS_TRAILER_RE = re.compile(r"(?:\s*\.{3,}\s*\d{0,3}|\t\s*\d{1,3}|\s+\d{1,3})\s*$")
NUMBERED_RE = re.compile(r"^(\d{1,2})\s?\.\s+([A-Z][^.\t]{2,70})$")

# heading key -> (id, kind, where): where = "front" (before standards), "body" (before annexes), "any"
NAMED: dict[str, tuple[str, str, str]] = {
    "contents": ("contents", "front", "front"),
    "table of contents": ("contents", "front", "front"),
    "acknowledgements": ("acknowledgements", "front", "front"),
    "acknowledgments": ("acknowledgements", "front", "front"),
    "foreword": ("foreword", "front", "front"),
    "introduction": ("introduction", "front", "front"),
    "ratings": ("ratings", "front", "front"),
    "ratings table": ("ratings", "front", "front"),
    "our ratings": ("ratings", "front", "front"),
    "overall ratings": ("ratings", "front", "front"),
    "executive summary": ("executive-summary", "front", "front"),
    "overall findings": ("overall-findings", "front", "front"),
    "summary": ("summary", "front", "front"),
    "summary of findings": ("summary", "front", "front"),
    "key findings": ("key-findings", "front", "front"),
    "main findings": ("key-findings", "front", "front"),
    "summary of ratings": ("ratings", "front", "front"),
    "involvement of children and their parents or carers": ("involvement-of-children", "other", "body"),
    "involvement of children and young people and their parents or carers": ("involvement-of-children", "other", "body"),
    "involvement of children and young people": ("involvement-of-children", "other", "body"),
    "involvement of children": ("involvement-of-children", "other", "body"),
    "children and young people s views": ("involvement-of-children", "other", "body"),
    "service user feedback": ("involvement-of-children", "other", "body"),
    "appendix": ("appendix", "annex", "any"),
    "appendices": ("appendix", "annex", "any"),
    "annex": ("annex", "annex", "any"),
    "annexes": ("annex", "annex", "any"),
    "annexe": ("annex", "annex", "any"),
    "data annex": ("inspection-data", "annex", "any"),
    "references": ("references", "annex", "any"),
    "recommendations": ("recommendations", "front", "front"),
    "background": ("background", "front", "front"),
    "contextual facts": ("contextual-facts", "front", "front"),
    "context": ("context", "front", "front"),
    "diversity": ("diversity", "other", "body"),
    "further information": ("further-information", "annex", "any"),
    "glossary": ("glossary", "annex", "any"),
    "methodology": ("methodology", "annex", "any"),
    "inspection data": ("inspection-data", "annex", "any"),
}
SQS_NAMED = {"key strengths": "key-strengths", "areas requiring improvement": "areas-requiring-improvement",
             "areas for improvement": "areas-for-improvement", "operational management": "operational-management"}
ANNEX_ALIASES = {"inspection results": "inspection-data", "inspection data": "inspection-data",
                 "data from inspected cases": "inspection-data", "diversity data": "diversity",
                 "methodology": "methodology", "glossary": "glossary"}


@dataclass
class Heading:
    line: int  # 0-based
    id: str
    title: str
    kind: str


def slug(text: str, limit: int = 48) -> str:
    s = key(text).replace(" ", "-")
    return s[:limit].rstrip("-") or "section"


def _std(doc: Doc, i: int) -> tuple[str, str] | None:
    f = doc.fl[i]
    if not f or f[0] not in "1234Ss" or len(f) > 110:
        return None
    if CONTENTS_TRAILER_RE.search(doc.cl[i]) and "\t" in doc.cl[i]:
        return None
    m = STD_RE.match(doc.cl[i].replace("\t", " ") if "\t" in doc.cl[i] else f)
    if not m:
        return None
    title = m.group(3).strip()
    if len(title.split()) > 12 or title.endswith((",", ";")):
        return None
    return f"{m.group(1)}.{m.group(2)}", title


def _domain(doc: Doc, i: int) -> tuple[int, str] | None:
    f = doc.fl[i]
    if not f or len(f) > 100:
        return None
    m = DOMAIN_RE.match(f)
    if m:
        return DOMAIN_WORD[m.group(1).lower()], f
    m = DOMAIN_NUM_RE.match(f)
    if m:
        return int(m.group(1)), m.group(2).strip()
    if len(f) <= 30 and f[0] in "OoCcRr":
        d = DOMAIN_BARE.get(key(f))
        if d:
            return d, f.rstrip(":. ")
    return None


def _named_key(doc: Doc, i: int) -> str | None:
    f = doc.fl[i]
    if not f or len(f) > 60:
        return None
    return key(f)


def _annex(doc: Doc, i: int) -> tuple[str, str] | None:
    f = doc.fl[i]
    if not f or f[0] not in "AaPp" or len(f) > 100:
        return None
    m = ANNEX_RE.match(f)
    if not m:
        return None
    num, title = m.group(1), m.group(2).strip()
    if not num and not title:
        return None
    if title and len(title.split()) > 8:
        return None
    if not _title_like(doc, i, title):
        return None
    k = key(title)
    sid = ANNEX_ALIASES.get(k) or next((v for a, v in ANNEX_ALIASES.items() if k.startswith(a)), None)
    sid = sid or (slug(title) if title else f"annex-{num.lower()}")
    return sid, f


#: a footnote line: a superscript or a bare footnote number, then text ("¹ The rating...", "12 This question")
FOOTNOTE_RE = re.compile(r"^\s*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\d{1,3}(?=\s+[A-Z]))\s*\S")


def _title_like(doc: Doc, i: int, title: str) -> bool:
    """An annex heading looks like one: no sentence running into it (a comma then more words,
    a full stop after several words), not a contents entry with its page number, and not the
    wrapped second line of a footnote ("...are set out in" / "Annexe 2: data, which lists...")."""
    if re.search(r",\s+[a-z]", title) or (title.endswith(".") and len(title.split()) >= 4):
        return False
    if "\t" in doc.cl[i] and CONTENTS_TRAILER_RE.search(doc.cl[i]):
        return False
    p = i - 1
    while p >= 0 and doc.blank[p] and i - p < 3:
        p -= 1
    if p >= 0 and not doc.blank[p]:
        prev = doc.lines[p].strip()
        if FOOTNOTE_RE.match(prev) and prev[-1:] not in ".!?:":
            return False
        if prev[-1:].isalpha() and prev.split()[-1:][0].lower() in ("in", "see", "at", "to", "of", "and", "the"):
            return False
    return True


def contents_region(doc: Doc) -> tuple[int, int] | None:
    """(first, last) 0-based lines of the contents page, if it has a "Contents" heading."""
    limit = min(len(doc), 400)
    later: dict[str, int] = {}
    start = None
    for i in range(limit):
        if doc.fl[i] and key(doc.fl[i]) in ("contents", "table of contents"):
            start = i
            break
    if start is None:
        return None
    for j in range(len(doc) - 1, start, -1):  # last occurrence of each short line
        f = doc.fl[j]
        if f and len(f) <= 100 and not doc.is_prose(j):
            k = key(CONTENTS_TRAILER_RE.sub("", doc.cl[j]))
            later.setdefault(k, j)
    last = start
    i = start + 1
    while i < len(doc):
        if doc.blank[i]:
            i += 1
            continue
        c = doc.cl[i]
        if not c or len(c) > 120:
            break
        k = key(CONTENTS_TRAILER_RE.sub("", c))
        entry = bool(CONTENTS_TRAILER_RE.search(c)) or (later.get(k, -1) > i + 1 and not doc.is_prose(i))
        if not entry and _wrapped_entry(doc, i):
            entry = True  # the second line of an entry wrapped in a narrow contents table
        if not entry:
            break
        last = i
        i += 1
    return start, last


def _wrapped_entry(doc: Doc, i: int) -> bool:
    """A short non-sentence line between contents entries (``3.4. Out-of-court disposal policy and``
    / ``provision<TAB>21``): the next non-blank line is an entry with a page number."""
    c = doc.cl[i]
    if len(c) > 60 or doc.is_prose(i) or c[-1:] in ".?!:":
        return False
    j = doc.next_nonblank(i + 1, 3)
    return j is not None and bool(doc.cl[j]) and bool(CONTENTS_TRAILER_RE.search(doc.cl[j]))


def _has_content(doc: Doc, i: int, candidates: set[int]) -> bool:
    """Whether prose follows heading i before the next heading candidate."""
    seen = 0
    j = i + 1
    while j < len(doc) and seen < 8:
        if doc.blank[j]:
            j += 1
            continue
        if j in candidates:
            return False
        if doc.is_prose(j) or doc.long[j] or strip_bullet(doc.cl[j])[0]:
            return True
        seen += 1
        j += 1
    return seen > 0


def find_headings(doc: Doc, skip: set[int], sqs: bool, ratings_heading: int | None,
                  table_start: int | None, reject: frozenset[int] = frozenset()) -> list[Heading]:
    """Accepted section headings in reading order (0-based lines); ``reject``: lines the contents
    page says are not headings (ingest.contents)."""
    n = len(doc)
    skip = skip | reject if reject else skip
    std_c: dict[int, tuple[str, str]] = {}
    dom_c: dict[int, tuple[int, str]] = {}
    for i in range(n):
        if i in skip or doc.blank[i] or doc.long[i]:
            continue
        s = _std(doc, i)
        if s:
            std_c[i] = s
            continue
        d = _domain(doc, i)
        if d:
            dom_c[i] = d
    candidates = set(std_c) | set(dom_c)
    for i in range(n):
        if i not in skip and not doc.blank[i] and not doc.long[i]:
            k = _named_key(doc, i)
            if k in NAMED or _annex(doc, i):
                candidates.add(i)

    heads: list[Heading] = []
    used: set[str] = set()
    last_std: tuple[int, int] = (0, 0)
    in_annex = False
    seen_std = False
    std_lines = sorted(std_c)
    dom_lines = sorted(dom_c)
    n_annex = 0
    order = sorted(candidates)
    pos = 0
    while pos < len(order):
        i = order[pos]
        pos += 1
        if i in std_c and not in_annex:
            sid, title = std_c[i]
            # merge a run of headings for the same id separated by blank lines only
            first, j = i, i
            while pos < len(order) and order[pos] in std_c and std_c[order[pos]][0] == sid \
                    and all(doc.blank[x] for x in range(j + 1, order[pos])):
                j = order[pos]
                if len(std_c[j][1]) > len(title):
                    title = std_c[j][1]
                pos += 1
            num = tuple(int(x) for x in sid.split("."))
            if sid in used or num <= last_std or not _has_content(doc, j, candidates):
                continue
            heads.append(Heading(first, sid, title, "standard"))
            used.add(sid)
            last_std = num
            seen_std = True
            continue
        if i in dom_c and not in_annex:
            dnum, title = dom_c[i]
            did = f"domain-{dnum}"
            if did in used:
                continue
            k1, k2 = bisect_right(std_lines, i), bisect_right(dom_lines, i)
            nxt_std = std_lines[k1] if k1 < len(std_lines) else None
            nxt_dom = dom_lines[k2] if k2 < len(dom_lines) else None
            if nxt_std is None or (nxt_dom is not None and nxt_dom < nxt_std):
                continue
            if std_c[nxt_std][0].split(".")[0] != str(dnum) or not _has_content(doc, i, candidates):
                continue
            heads.append(Heading(i, did, title, "domain"))
            used.add(did)
            seen_std = True
            continue
        a = _annex(doc, i)
        if a:
            aid, title = a
            n_annex += 1
            if aid in used:
                aid = f"{aid}-{n_annex}"
            if aid in used:
                continue
            heads.append(Heading(i, aid, title, "annex"))
            used.add(aid)
            in_annex = True
            continue
        k = _named_key(doc, i)
        if k in NAMED:
            nid, kind, where = NAMED[k]
            if nid in used or (where == "front" and seen_std and not sqs) or (where == "body" and in_annex):
                continue
            if not _has_content(doc, i, candidates):  # an entry of a contents list without a heading
                continue
            if kind == "annex":
                in_annex = True
            heads.append(Heading(i, nid, doc.fl[i].rstrip(":. "), kind))
            used.add(nid)
    if sqs:
        heads = _sqs_headings(doc, skip, heads, used)
    # the ratings table is a section even without a "Ratings" heading
    if "ratings" not in used and table_start is not None:
        heads.append(Heading(table_start, "ratings", "Ratings", "front"))
    heads.sort(key=lambda h: h.line)
    return heads


def _sqs_headings(doc: Doc, skip: set[int], heads: list[Heading], used: set[str]) -> list[Heading]:
    """SQS letters: every markdown or bold heading, known section names and numbered themes."""
    taken = {h.line for h in heads}
    for i, raw in enumerate(doc.lines):
        if i in skip or i in taken or doc.blank[i] or doc.long[i]:
            continue
        f = doc.fl[i]
        st = raw.strip()
        is_md = st.startswith("#") or (st.startswith("**") and st.endswith("**") and len(st) < 90)
        k = key(f)
        numbered = NUMBERED_RE.match(f)
        if not (is_md or k in SQS_NAMED or numbered):
            continue
        if strip_bullet(f)[0] and not numbered:
            continue
        if "short quality screening" in k:
            sid, kind = "report", "front"
        elif k in SQS_NAMED:
            sid, kind = SQS_NAMED[k], "other"
        else:
            sid, kind = slug(numbered.group(2) if numbered else f.rstrip(":")), "other"
        if sid in used:
            continue
        heads.append(Heading(i, sid, f.rstrip(":. "), kind))
        used.add(sid)
    return heads
