"""What a section says about itself: its printed rating, strengths and areas for improvement,
and the recommendations list. All scans are bounded to the section's own lines."""

from __future__ import annotations

import re

from ingest.doc import Doc
from ingest.normalise import LONE_RATING_RE, TRAILING_RATING_RE, key, norm_rating, strip_bullet, tidy

OUR_RATING_RE = re.compile(
    r"(?:\bour\s+rating(?:\s+for\s+[^:]{0,80}?)?\s+is|^(?:our\s+)?rating)\s*[:\-–]?\s*[\s'‘’\"“”*]*"
    r"(Inadequate|Requires[\s\-]+improvement|Good|Outstanding)\b", re.I)
STRENGTH_KEYS = {"strengths", "key strengths", "strength", "main strengths"}
IMPROVE_KEYS = {"areas for improvement", "areas requiring improvement", "key areas for improvement",
                "areas for development", "areas of improvement", "areas to improve", "improvements needed"}
STOP_KEYS = STRENGTH_KEYS | IMPROVE_KEYS | {"but"}


def label(doc: Doc, i: int) -> str | None:
    f = doc.fl[i]
    if not f or len(f) > 50:
        return None
    k = key(f)
    if k in STRENGTH_KEYS:
        return "strengths"
    if k in IMPROVE_KEYS:
        return "improvements"
    return None


def rating_in_text(doc: Doc, start: int, end: int) -> tuple[str | None, int | None]:
    """The rating a standard's section prints near its top: "Our rating for X is: Good", a lone
    rating line, a rating after the descriptor on the same line, or split over two cells."""
    seen = 0
    i = start + 1
    while i <= end and seen < 14:
        if doc.blank[i]:
            i += 1
            continue
        seen += 1
        c, f = doc.cl[i], doc.fl[i]
        if not c:
            i += 1
            continue
        if label(doc, i):
            break
        m = OUR_RATING_RE.search(f)
        if m:
            return norm_rating(m.group(1)), i
        m = LONE_RATING_RE.match(f)
        if m:
            return norm_rating(m.group(1)), i
        m = TRAILING_RATING_RE.search(c)
        if m and not f.rstrip().endswith("?") and len(f) < 400:
            return norm_rating(m.group(1)), i
        # two-column layout: "...high-quality,<TAB>Requires" / "...children.<TAB>improvement"
        # (or with spaces, as a PDF text layer prints it)
        if f.lower().endswith(" requires") or c.lower().endswith("\trequires") or f.lower() == "requires":
            j = doc.next_nonblank(i + 1, 3)
            # "personalised<TAB>improvement" loses its tab to the word-tab repair: accept the glued tail
            if j is not None and doc.fl[j].rstrip(" .*").lower().endswith("improvement"):
                return "Requires improvement", i
        i += 1
    return None, None


def _short_sentence(doc: Doc, j: int, width: int) -> bool:
    c = doc.fl[j]
    return bool(c) and c[:1].isupper() and c[-1:] in ".;" and len(c) <= 0.85 * width


def _line_width(doc: Doc) -> int:
    """The length of a full prose line (90th percentile of line lengths)."""
    lengths = sorted(len(f) for f in doc.fl if f)
    return lengths[int(0.9 * (len(lengths) - 1))] if lengths else 100


def glyphless_items(doc: Doc, i: int, end: int) -> list[str]:
    """Bullets drawn as shapes leave no glyph in a PDF text layer: after a "Strengths:" label, a run
    of short one-line sentences (shorter than a full prose line) is read as the list."""
    width = _line_width(doc)
    items: list[str] = []
    j = i + 1
    while j <= end and len(items) < 30:
        if doc.blank[j]:
            j += 1
            continue
        if label(doc, j) or not _short_sentence(doc, j, width):
            break
        items.append(tidy(doc.fl[j]))
        j += 1
    return items


def bullets_after(doc: Doc, i: int, end: int) -> list[str]:
    """Bullet items following line i (blank lines between items allowed; wrapped lines joined)."""
    items: list[str] = []
    k = doc.next_nonblank(i + 1, 3)
    if k is not None and k <= end and doc.cl[k] and not strip_bullet(doc.cl[k])[0] and label(doc, i):
        return glyphless_items(doc, i, end)
    prev_blank = False
    j = i + 1
    while j <= end:
        if doc.blank[j]:
            prev_blank = True
            j += 1
            continue
        c = doc.cl[j]
        if not c:
            break
        if label(doc, j) or key(c) in STOP_KEYS:
            break
        is_b, text = strip_bullet(c)
        if is_b and text:
            items.append(tidy(text))
        elif items and not prev_blank and (items[-1][-1:] not in ".!?;:" or c[:1].islower()):
            items[-1] = tidy(f"{items[-1]} {c}")
        else:
            break
        prev_blank = False
        j += 1
    return [t for t in items if t]


def strengths_improvements(doc: Doc, start: int, end: int, title: str) -> tuple[list[str], list[str]]:
    strengths: list[str] = []
    improvements: list[str] = []
    own = key(title)
    if own in STRENGTH_KEYS:  # a section that *is* the list (SQS "Key strengths")
        strengths.extend(bullets_after(doc, start, end))
    elif own in IMPROVE_KEYS:
        improvements.extend(bullets_after(doc, start, end))
    for i in range(start + 1, end + 1):
        lab = label(doc, i) if not doc.blank[i] else None
        if lab == "strengths":
            strengths.extend(bullets_after(doc, i, end))
        elif lab == "improvements":
            improvements.extend(bullets_after(doc, i, end))
    return strengths, improvements


def recommendations(doc: Doc, start: int, end: int) -> list[str]:
    items: list[str] = []
    i = start + 1
    while i <= end:
        if doc.blank[i] or not doc.cl[i]:
            i += 1
            continue
        is_b, text = strip_bullet(doc.cl[i])
        if is_b and text:
            got = bullets_after(doc, i - 1, end)
            items.extend(got)
            # skip what bullets_after consumed
            j, taken = i, 0
            while j <= end and taken < len(got):
                if not doc.blank[j] and strip_bullet(doc.cl[j])[0]:
                    taken += 1
                j += 1
            i = max(j, i + 1)
            continue
        i += 1
    return items
