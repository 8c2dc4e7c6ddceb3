"""Cross-checks: every disagreement inside a report becomes one plain-English warning.

Parse what is printed, never "fix" it: a section's rating that differs from the ratings table,
a score that is not the sum of the standards, an overall rating outside the score's band, a
methodology annex that describes another scale or number of standards, missing sections.
"""

from __future__ import annotations

import re

from ingest.doc import Doc
from ingest.model import RATINGS, Report
from ingest.normalise import clean, flat
from ingest.ratings import RatingsTable
from yotassist.frameworks import load_frameworks
from yotassist.number_words import alternation, number_words

# Points, scored standards and score bands come from the one rule table the rating module also
# reads (yotassist/data/frameworks.toml); they are the same in every framework so far.
_RULES = load_frameworks()
POINTS = dict(_RULES["2021"]["points"])
assert set(POINTS) == set(RATINGS), "frameworks.toml and ingest.model.RATINGS name different ratings"
SCALE_RE = re.compile(r"\b0\s*(?:[-–—]|to)\s*(\d{2})\s+scale|\bscale\s+of\s+0\s*(?:[-–—]|to)\s*(\d{2})\b"
                      r"|\branging\s+from\s+0\s+to\s+(\d{2})\b", re.I)
NUMBER_WORDS = number_words(8, 13)
N_STANDARDS_RE = re.compile(r"\beach\s+of\s+the\s+(\d{1,2}|" + alternation(8, 13) + r")\s+(?:core\s+)?standards\b", re.I)
OVERALL_TEXT_RE = re.compile(
    r"\boverall,?\s+(?:the\s+)?[^.]{0,100}?\b(?:YOT|YOS|YJS|service|team|partnership)\b(?:\s*\([^()]{0,12}\))?"
    r"\s+(?:is|was|has\s+been)\s+rated\s+(?:as\s*)?:?\s*[\s'‘’\"“”*]*"
    r"(Inadequate|Requires[\s\-]+improvement|Good|Outstanding)\b", re.I)
CORE = [s["id"] for s in _RULES["2021"]["standards"] if s["scored"]]
FULL_SCORE = max(POINTS.values()) * len(CORE)


def band(score: int, max_score: int) -> str:
    """The overall band of a score, rescaled to the full 0-36 scale when printed out of another maximum."""
    if max_score != FULL_SCORE:
        score = round(score * FULL_SCORE / max_score) if max_score else score
    return next(rating for floor, rating in _RULES["2021"]["overall"] if score >= floor)


def _capped(report: Report, computed: str) -> bool:
    """A limiting judgement explains an overall rating below the score's band (an Inadequate 4.1 caps at Good)."""
    rules = _RULES.get(report.framework or "", _RULES["2021"])
    order = list(RATINGS)
    return any(lim["standard"] == "4.1" and report.resettlement == lim["when"] and report.overall == lim["cap"]
               and order.index(computed) > order.index(lim["cap"]) for lim in rules["limiting"])


def cross_check(report: Report, doc: Doc, table: RatingsTable, warnings: list[str], inspectorate: bool) -> None:
    if report.report_type == "unknown":
        if inspectorate:
            warnings.append("No ratings table or standard sections were found; this may be a report of another kind.")
        else:
            warnings.append("This does not look like an HM Inspectorate of Probation youth justice inspection "
                            "report: no ratings table or standard sections were found.")
        return
    if report.report_type == "sqs":
        return
    secs = {s.id: s for s in report.sections}
    # section ratings vs table
    for sid, s in secs.items():
        if s.kind != "standard":
            continue
        table_rating = report.standards.get(sid) or (report.resettlement if sid == "4.1" else None)
        if s.rating_in_text and table_rating and s.rating_in_text != table_rating:
            warnings.append(f"Section {sid} says '{s.rating_in_text}' but the ratings table says '{table_rating}'.")
        if table_rating and not s.rating_in_text:
            warnings.append(f"Section {sid} prints no rating; the ratings table says '{table_rating}'.")
        if not table_rating and s.rating_in_text and table.found:
            warnings.append(f"Section {sid} is rated '{s.rating_in_text}' but standard {sid} is not in the ratings table.")
    if not table.found:
        warnings.append("No ratings table was found.")
        return
    for sid in list(report.standards) + (["4.1"] if report.resettlement else []):
        if sid not in secs:
            warnings.append(f"Standard {sid} is in the ratings table but no section for it was found.")
    missing = [s for s in CORE if s not in report.standards]
    if missing:
        warnings.append(f"The ratings table has no rating for standard{'s' if len(missing) > 1 else ''} {', '.join(missing)}.")
    extra = [s for s in report.standards if s not in CORE]
    if extra:
        warnings.append(f"The ratings table lists unexpected standard{'s' if len(extra) > 1 else ''} {', '.join(extra)}.")
    if report.overall is None:
        warnings.append("The ratings table prints no overall rating.")
    if report.score is None:
        warnings.append("The ratings table prints no score.")
    else:
        total = sum(POINTS[r] for s, r in report.standards.items() if s in CORE)
        if not missing and total != report.score:
            warnings.append(f"The score {report.score}/{report.max_score} is not the sum of the standards' ratings ({total}).")
        expected_max = 3 * len([s for s in report.standards if s in CORE])
        if report.max_score and not missing and report.max_score != expected_max:
            warnings.append(f"The score is out of {report.max_score} but {len(CORE)} standards give a maximum of {expected_max}.")
        if report.score > (report.max_score or 36):
            warnings.append(f"The score {report.score} is above its maximum {report.max_score}.")
        elif report.overall and report.max_score:
            b = band(report.score, report.max_score)
            if b != report.overall and not _capped(report, b):
                warnings.append(f"The overall rating '{report.overall}' is not the band of the score "
                                f"{report.score}/{report.max_score} ('{b}').")
    # prose that contradicts the table or the scale. A sentence may wrap ("each of the 10" /
    # "standards"), so each line with a keyword is matched joined with its neighbours.
    n_core = len([s for s in report.standards if s in CORE])
    for s in report.sections:
        where = _where(s)
        found: list[tuple[int, int, str]] = []
        seen_overall = False
        lo, hi = s.line_start - 1, s.line_end - 1
        for i in range(lo, hi + 1):
            low = doc.lines[i].lower() if len(doc.lines[i]) <= 5000 else ""
            if not ("scale" in low or "standards" in low or "rated" in low or " to 3" in low):
                continue
            text = " ".join(_text(doc, j) for j in (_near(doc, i, -1, lo, hi), i, _near(doc, i, 1, lo, hi)) if j is not None)
            if len(text) < 12:
                continue
            if s.kind in ("front", "other") and not seen_overall and report.overall:
                m = OVERALL_TEXT_RE.search(text)
                if m:
                    seen_overall = True
                    said = " ".join(m.group(1).replace("-", " ").split()).capitalize()
                    if said != report.overall:
                        found.append((i, m.start(), f"{where} says the overall rating is '{said}' but the ratings "
                                                    f"table says '{report.overall}'."))
            for m in SCALE_RE.finditer(text):
                top = int(next(g for g in m.groups() if g))
                if report.max_score and top not in (3, report.max_score):
                    found.append((i, m.start(), f"{where} describes a 0-{top} scale but the score is out of {report.max_score}."))
            for m in N_STANDARDS_RE.finditer(text):
                word = m.group(1).lower()
                count = int(word) if word.isdigit() else NUMBER_WORDS[word]
                if n_core and count != n_core:
                    found.append((i, m.start(), f"{where} speaks of {count} standards but the ratings table rates {n_core}."))
        warnings.extend(w for _, _, w in sorted(found))


def _near(doc: Doc, i: int, step: int, lo: int, hi: int) -> int | None:
    """The nearest non-blank line before/after i inside [lo, hi], within 3 lines."""
    j = i + step
    for _ in range(3):
        if not lo <= j <= hi:
            return None
        if not doc.blank[j]:
            return j
        j += step
    return None


def _text(doc: Doc, i: int) -> str:
    """A line's cleaned text for prose matching (over-long lines are cleaned here; garbage is skipped)."""
    if doc.blank[i]:
        return ""
    if doc.long[i]:
        return flat(clean(doc.lines[i])) if len(doc.lines[i]) <= 5000 else ""
    return doc.fl[i]

def _where(s) -> str:
    if s.kind == "annex" and "methodology" in s.id:
        return "The methodology annex"
    if s.kind == "annex":
        return f"The annex '{s.title}'"
    return f"Section '{s.title}'"
