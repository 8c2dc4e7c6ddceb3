"""Key-question tables inside a standard's section.

Only the first table after the "Our rating ... is based on the following key questions" line
(or, failing that, after the first "% Yes" / "Relevant cases" header) is read: the prompt tables
that follow it (Wigan prints one per key question) and the annex prompt tables are not key
questions. Rows are ``question<TAB>88%`` or ``question<TAB>relevant<TAB>yes``; the column order
of counts comes from the header. Wrapped questions (PDF) and lone figure lines are joined.
"""

from __future__ import annotations

import re

from ingest.doc import Doc
from ingest.model import KeyQuestion
from ingest.normalise import strip_bullet, strip_markers

INTRO_RE = re.compile(r"\bkey\s+[gq]uestions?\b", re.I)
PCT_HEADER_RE = re.compile(r"%\s*(?:of\s+cases\s+)?['‘’\"“”]?\s*yes|\byes['‘’\"“”]?\s*%", re.I)
QUESTION_RE = re.compile(r"\?|^(?:[a-z][.)]\s+)?(?:does|do|is|are|was|were|has|have|did|can|where|how|what|to what)\b", re.I)
REL_RE = re.compile(r"\brelevant\b", re.I)
YES_RE = re.compile(r"\b(?:number|no\.?)\s+['‘’\"“”]?\s*yes|\byes\b", re.I)
NUM_CELL_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)\s*(%?)$")
FLAT_ROW_RE = re.compile(
    r"^(?P<q>.{1,}?[A-Za-z?)\]'’\"”])\s+(?P<n1>\d{1,3}(?:\.\d{1,2})?)\s*(?P<p1>%?)"
    r"(?:\s+(?P<n2>\d{1,3}(?:\.\d{1,2})?)\s*(?P<p2>%?))?$")
#: counts printed as "yes of relevant": "8 of 9", "8/9", "8 out of 9"
COUNT_ROW_RE = re.compile(r"^(?P<q>.{1,}?[A-Za-z?)\]'’\"”])\s+(?P<y>\d{1,3})\s*(?:of|/|out\s+of)\s*(?P<r>\d{1,3})$", re.I)
#: a row with no figure: "N/A", "n/a", "-", "none" (no relevant cases)
NA_ROW_RE = re.compile(r"^(?P<q>.{1,}?\?)\s+(?P<na>n/?a|not applicable|[-–—]|none|nil)$", re.I)
FIGURES_RE = re.compile(r"^(\d{1,3}(?:\.\d{1,2})?)\s*(%?)(?:\s+(\d{1,3}(?:\.\d{1,2})?)\s*(%?))?$")
MAX_ROW = 500


Row = tuple[str, list[tuple[float, bool]], str | None]


#: a footnote number glued after the question mark with a real figure after it: "safe?7 80%", "safe?7\t80%"
#: a footnote number glued after a value's "%": "85%9" (a text layer prints the raised mark inline)
GLUED_PCT_MARK_RE = re.compile(r"(?<=\d%)\d{1,2}(?=[\s\t]|$)")
GLUED_MARK_RE = re.compile(r"\?\d{1,2}(?=[\s\t]+\d{1,3}(?:\.\d{1,2})?\s*%?(?:[\s\t]+\d{1,3}\s*%?)?$)")


def _row(text: str) -> Row | None:
    """(question, [(number, had_percent_sign), ...], column order it implies or None) for a table
    row, else None. A row with no figure ("N/A") gives an empty list and the printed mark as order.
    A one- or two-digit number glued after "?" and followed by the row's figures is a footnote mark."""
    if not text or len(text) > MAX_ROW:
        return None
    if "?" in text:
        text = GLUED_MARK_RE.sub("?", text)
    if "%" in text:
        text = GLUED_PCT_MARK_RE.sub("", text)
    last = text[-1]
    if last.isdigit() or last in "-–—" or last in "aAeEl":
        flat_text = text.replace("\t", " ")
        m = COUNT_ROW_RE.match(flat_text) if last.isdigit() else None
        if m and ("/" in flat_text[m.end("q"):] or "of" in flat_text[m.end("q"):].lower()):
            return m.group("q"), [(float(m.group("y")), False), (float(m.group("r")), False)], "yes-rel"
        m = NA_ROW_RE.match(flat_text) if not last.isdigit() else None
        if m:
            return m.group("q"), [], m.group("na")
    r = _row_pct(text)
    return (r[0], r[1], None) if r else None


def _row_pct(text: str) -> tuple[str, list[tuple[float, bool]]] | None:
    if "\t" in text:
        cells = text.split("\t")
        nums: list[tuple[float, bool]] = []
        while cells and len(nums) < 2:
            m = NUM_CELL_RE.match(cells[-1].strip())
            if not m:
                break
            nums.insert(0, (float(m.group(1)), bool(m.group(2))))
            cells.pop()
        question = " ".join(c.strip() for c in cells if c.strip())
        if nums and question and any(ch.isalpha() for ch in question):
            return question, nums
        if nums:
            return "", nums  # figures only (a lone "44%")
    m = FLAT_ROW_RE.match(text)
    if m:
        nums = [(float(m.group("n1")), bool(m.group("p1")))]
        if m.group("n2"):
            nums.append((float(m.group("n2")), bool(m.group("p2"))))
        return m.group("q"), nums
    m = FIGURES_RE.match(text.strip())
    if m:  # figures only: the tail of a wrapped row
        nums = [(float(m.group(1)), bool(m.group(2)))]
        if m.group(3):
            nums.append((float(m.group(3)), bool(m.group(4))))
        return "", nums
    return None


def _is_header(text: str) -> bool:
    return bool(PCT_HEADER_RE.search(text) or (REL_RE.search(text) and YES_RE.search(text)))


def _order(header: str) -> str:
    """'pct', 'rel-yes' or 'yes-rel' from a header line."""
    low = header.lower()
    rel, yes = low.find("relevant"), -1
    m = YES_RE.search(header)
    if m:
        yes = m.start()
    if rel >= 0 and yes >= 0:
        return "rel-yes" if rel < yes else "yes-rel"
    return "pct"


def _clean_question(q: str) -> str:
    _, q = strip_bullet(q.strip())
    q = strip_markers(q)
    q = re.sub(r"\s+([?.,;:])", r"\1", q)  # "safe ?" left by a tab split
    return " ".join(q.split())


def _first_row(doc: Doc, start: int, end: int) -> int | None:
    """For a table with neither lead-in nor header: the line before its first row, a question
    ending in "?" followed by a figure (or before the wrapped first half of that question)."""
    for i in range(start + 1, end + 1):
        c = doc.cl[i]
        if not c or doc.blank[i] or "?" not in c:
            continue
        r = _row(c)
        if r is None or not r[1] or not r[0].rstrip().endswith("?"):
            continue
        q = r[0].strip()
        p = i - 1
        while p > start and doc.blank[p]:
            p -= 1
        if q[:1].islower() and p > start and doc.fl[p] and doc.fl[p][-1:] not in ".?!:":
            return p - 1
        return i - 1
    return None


def _join(parts: list[str]) -> str:
    """Join a wrapped question's lines; a hyphen at a line break joins the word halves."""
    out = ""
    for part in parts:
        part = part.strip()
        if out.endswith("-") and part[:1].islower() and out[-2:-1].isalpha():
            out = out[:-1] + part
        else:
            out = f"{out} {part}" if out else part
    return out


def parse_key_questions(doc: Doc, start: int, end: int, warnings: list[str], sid: str,
                        case_based: bool = False) -> list[KeyQuestion]:
    """Key questions of the standard whose section spans lines [start, end] (0-based, inclusive).
    ``case_based``: the standard rates inspected cases, so a table with no lead-in and no header
    (question ending in "?" then a figure) is looked for too."""
    intro = None
    for i in range(start, end + 1):
        f = doc.fl[i]
        if f and (INTRO_RE.search(f) and len(f) < 300 or _is_header(f) and len(f) < 200):
            intro = i
            break
    fallback = False
    if intro is None:
        if not case_based:
            return []
        intro = _first_row(doc, start, end)
        if intro is None:
            return []
        fallback = True
    order = _order(doc.fl[intro]) if _is_header(doc.fl[intro]) else "pct"
    rows: list[KeyQuestion] = []
    pending: list[str] = []
    misses = 0
    need_pct = False  # every row so far printed its figure with "%": later figures need it too
    i = intro + 1
    while i <= end:
        if doc.blank[i]:
            i += 1
            continue
        c = doc.cl[i]
        if not c:  # over-long line: prose
            break
        if _is_header(c) and not _row(c):
            if rows and _after_page_break(doc, i) and _order(c) == order:
                i += 1  # the header row repeated at the top of the next page: the table goes on
                continue
            if rows:
                break
            order = _order(c)
            pending = []
            i += 1
            continue
        r = _row(c)
        if r is not None and need_pct and r[1] and r[2] is None and not any(p for _, p in r[1]):
            r = None  # every row so far printed its "%": a bare number here is prose ("in 14 out of 16")
        if r is not None:
            question, nums, fixed = r
            if not question and pending:
                question = _join(pending)
            elif pending and question and not question[:1].isupper():
                question = _join(pending + [question])
            elif pending and question and not pending[-1].rstrip().endswith("?"):
                question = _join(pending + [question])
            pending = []
            if not question:
                i += 1
                continue
            if not nums:  # "N/A": no relevant cases, no figure to keep
                q = _clean_question(question)
                if q and QUESTION_RE.search(q):
                    warnings.append(f"Standard {sid}: key question '{q}' prints no figure ('{fixed}'); it is left out.")
                    misses = 0
                i += 1
                continue
            row_order = fixed or order
            if row_order != "pct" and len(nums) == 1 and not nums[0][1]:
                # counts whose second figure was wrapped onto the next line
                j = doc.next_nonblank(i + 1, 3)
                nxt = _row(doc.cl[j]) if j is not None and j <= end and doc.cl[j] else None
                if nxt is not None and not nxt[0] and len(nxt[1]) == 1 and not nxt[1][0][1]:
                    nums = nums + nxt[1]
                    i = j
            kq = _make(question, nums, row_order, i, warnings, sid)
            if kq:
                need_pct = row_order == "pct" and any(p for _, p in nums) and (need_pct or not rows)
                rows.append(kq)
            misses = 0
            i += 1
            continue
        # a non-row line: part of a wrapped question, the header's tail, or the end of the table
        if rows and not _row_soon(doc, i, end, need_pct):
            break
        if rows and pending and pending[-1].rstrip().endswith("?") and not QUESTION_RE.match(c):
            break  # a whole question with no figure, then prose: the table has ended (a sub-heading)
        if len(c) <= 300 and len(pending) < 3 and not c.endswith("."):
            pending.append(c.replace("\t", " "))
        else:
            pending = []
            misses += 1
        if not rows and misses > 4:
            break
        i += 1
    if fallback and len(rows) < 2:  # one stray "question? 15" is not a table
        return []
    return rows


def _after_page_break(doc: Doc, i: int) -> bool:
    """Whether line i follows a page break: page furniture, or another page, just before it."""
    for j in range(i - 1, max(-1, i - 6), -1):
        if j in doc.furniture:
            return True
        if doc.pages and doc.pages[j] != doc.pages[i]:
            return True
        if not doc.blank[j]:
            return False
    return False


def _row_soon(doc: Doc, i: int, end: int, need_pct: bool = False) -> bool:
    """Whether a wrapped question starting at line i ends in a row within the next two lines
    (with ``need_pct``, only a row printing "%" counts)."""
    seen = 0
    j = i + 1
    while j <= end and seen < 3:
        if doc.blank[j]:
            j += 1
            continue
        r = _row(doc.cl[j]) if doc.cl[j] else None
        if r is not None and (not need_pct or r[2] is not None or any(p for _, p in r[1])):
            return True
        seen += 1
        j += 1
    return False


def _make(question: str, nums: list[tuple[float, bool]], order: str, i: int, warnings: list[str],
          sid: str) -> KeyQuestion | None:
    q = _clean_question(question)
    if not q or not QUESTION_RE.search(q):
        return None
    if len(nums) == 1 or any(p for _, p in nums):
        value = next((n for n, p in nums if p), nums[-1][0])
        if value > 100:
            warnings.append(f"Standard {sid}: a key-question figure of {value:g}% is above 100%.")
        return KeyQuestion(question=q, percent=float(value), line=i + 1)
    a, b = int(nums[0][0]), int(nums[1][0])
    relevant, yes = (a, b) if order != "yes-rel" else (b, a)
    if order == "pct" and yes > relevant:
        relevant, yes = yes, relevant
    if relevant <= 0:
        warnings.append(f"Standard {sid}: key question '{q}' has no relevant cases.")
        return None
    if yes > relevant:
        warnings.append(f"Standard {sid}: key question '{q}' has more 'Yes' answers ({yes}) than relevant cases ({relevant}).")
    return KeyQuestion(question=q, percent=round(100 * yes / relevant, 1), yes=yes, relevant=relevant, line=i + 1)
