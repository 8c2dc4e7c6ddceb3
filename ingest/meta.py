"""Title, service, publication date and report type, read from the cover and first pages."""

from __future__ import annotations

import re

from ingest.doc import Doc
from ingest.normalise import key

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
DATE_RE = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?(January|February|March|April|May|June|July|August|September|October"
    r"|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?,?\s+((?:19|20)\d{2})\b", re.I)
ISO_RE = re.compile(r"\b((?:19|20)\d{2})-(\d{2})(?:-(\d{2}))?\b")
TITLE_RE = re.compile(
    r"^(?:an?\s+|the\s+)?(?:(?:joint\s+|full\s+|re-?)?inspection|report|short quality screening)\b.{0,160}$", re.I)
SERVICE_RE = re.compile(r"(?:\b(?:in|of|for)\s*:?|\b(?:services?|work|teams?|partnerships?)\s*:)\s+(?!youth\b)"
                        r"([A-Z][^,;()]{1,80}?)\s*$")
SERVICE_SUFFIX_RE = re.compile(
    r"\s+(?:YOTs?|YOS|YJS|YJ|youth\s+(?:offending|justice)\s+(?:team|service|services|partnership))\.?$", re.I)
SQS_RE = re.compile(r"short\s+quality\s+screening", re.I)


def _date(text: str) -> str | None:
    m = DATE_RE.search(text)
    if m:
        month = MONTHS[m.group(2).lower()[:4] if m.group(2).lower().startswith("sept") else m.group(2).lower()[:3]]
        year = int(m.group(3))
        if m.group(1) and 1 <= int(m.group(1)) <= 31:
            return f"{year:04d}-{month:02d}-{int(m.group(1)):02d}"
        return f"{year:04d}-{month:02d}"
    m = ISO_RE.search(text)
    if m and 1 <= int(m.group(2)) <= 12:
        return m.group(0) if m.group(3) else f"{m.group(1)}-{m.group(2)}"
    return None


def published(doc: Doc, cover_end: int) -> str | None:
    """The publication date: a "Publication date"/"Published" line, else the inspectorate's dated
    cover line, else the first date on the cover that is not a fieldwork date."""
    n = min(len(doc), max(cover_end, 0) + 1, 150)
    ranked: list[tuple[int, int, str]] = []
    for i in range(n):
        f = doc.fl[i]
        if not f or len(f) > 200:
            continue
        d = _date(f)
        if not d:
            continue
        low = f.lower()
        if "fieldwork" in low or "conducted" in low:
            continue
        rank = 0 if ("publication" in low or "published" in low) else 1 if "inspectorate" in low else 2
        ranked.append((rank, i, d))
    return min(ranked)[2] if ranked else None


def title_and_service(doc: Doc, cover_end: int) -> tuple[str | None, str | None]:
    n = min(len(doc), max(cover_end, 0) + 1, 150)
    for i in range(n):
        f = doc.fl[i]
        if not f or len(f) > 200 or not TITLE_RE.match(f):
            continue
        low = f.lower()
        if not any(w in low for w in ("youth", "offending", "justice", "yot", "yos", "yjs", "screening")):
            continue
        title = f.rstrip(":")
        j = doc.next_nonblank(i + 1, 4)
        nxt = doc.fl[j] if j is not None and doc.fl[j] and len(doc.fl[j]) < 100 else ""
        if nxt and re.search(r"\b(?:in|of|for)$", title, re.I):
            title = f"{title} {nxt}"
        elif nxt and re.match(r"^(?:in|of|for)\s+[A-Z]", nxt) and re.search(r"\b(?:services|work)$", title, re.I):
            title = f"{title} {nxt}"  # "Inspection of youth justice services" / "in Derby"
        m = SERVICE_RE.search(title)
        service = SERVICE_SUFFIX_RE.sub("", m.group(1)).strip(" .") if m else None
        return " ".join(title.split()), service or None
    return None, None


def service_from_table(doc: Doc, start: int | None) -> str | None:
    """Fallback: the service named at the top of the ratings table ("Wigan Youth Offending Team")."""
    if start is None:
        return None
    for i in range(max(0, start - 6), start + 3):
        f = doc.fl[i] if i < len(doc) else ""
        m = re.match(r"^(.{2,80}?)\s+(?:youth\s+(?:offending|justice)\s+(?:team|service)|YOT|YOS|YJS)\b", f, re.I)
        if m:
            return m.group(1).strip()
    return None


def looks_sqs(doc: Doc) -> bool:
    for i in range(min(len(doc), 80)):
        if doc.fl[i] and SQS_RE.search(doc.fl[i]):
            return True
    return False


def is_inspectorate_text(doc: Doc) -> bool:
    for i in range(min(len(doc), 200)):
        k = key(doc.fl[i]) if doc.fl[i] else ""
        if "inspectorate of probation" in k or "hmi probation" in k:
            return True
    return False
