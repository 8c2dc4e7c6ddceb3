"""Self-checks on key-question figures: a figure the parser may have misread becomes a warning.

A wrong number shown without a warning is the worst thing this product can do, and layout
artefacts (a footnote mark read as a value, a row lost at a page break) produce exactly that.
Each check here compares figures that must agree with each other or with the framework:
- a case-based standard whose table has a number of key questions other than the framework's;
- counts that cannot be (more "Yes" than relevant cases) or a percentage that the printed
  counts do not give;
- the lowest key question's band contradicting the published rating where no discretion trigger
  explains it and the section states none.

The bands are the inspectorate's published thresholds; ingest cannot import the rating module
(data flows one way), so both read the same rule table, ``yotassist/data/frameworks.toml``;
this module only checks what the parser read, it is not the product's rating arithmetic.
"""

from __future__ import annotations

import re

from ingest.doc import Doc
from ingest.model import Report
from yotassist.frameworks import load_frameworks

_RULES = load_frameworks()
# Key questions per case-based standard, by framework (3.4 is qualitative from 2021).
EXPECTED_KQS: dict[str, dict[str, int]] = {
    name: {s["id"]: len(s["themes"]) for s in spec["standards"] if s["kind"] == "case" and s["themes"]}
    for name, spec in _RULES.items()
}
# Lower bound (per cent) of each band, highest first (the same for every framework so far).
BAND_FLOORS: tuple[tuple[float, str], ...] = tuple(_RULES["2021"]["bands"])
DISCRETION_MARGIN = float(_RULES["2021"]["discretion"]["within_pp"])  # points from a band boundary
SMALL_SAMPLE = int(_RULES["2021"]["discretion"]["small_sample"])  # cases or fewer
PERCENT_TOLERANCE = 1.0  # printed percentages are rounded to whole numbers (or one decimal)
DISCRETION_RE = re.compile(r"\bdiscretion|\bratings panel\b|\bpanel (?:decided|agreed|considered)", re.I)


def _band(percent: float) -> str:
    return next(name for floor, name in BAND_FLOORS if percent >= floor)


def _discretion_possible(kq) -> bool:
    """The published triggers for professional discretion: within 5 points of a boundary, one
    case changing the band, or five cases or fewer. A departure they explain is not a misreading."""
    if any(abs(kq.percent - floor) <= DISCRETION_MARGIN for floor, _ in BAND_FLOORS if floor):
        return True
    if kq.relevant is not None and kq.yes is not None and kq.relevant > 0:
        if kq.relevant <= SMALL_SAMPLE:
            return True
        here = _band(100 * kq.yes / kq.relevant)
        return any(_band(100 * y / kq.relevant) != here for y in (kq.yes - 1, kq.yes + 1) if 0 <= y <= kq.relevant)
    return False


def _section_text(report: Report, doc: Doc, sid: str) -> str:
    for s in report.sections:
        if s.id == sid and s.kind == "standard":
            return " ".join(doc.lines[s.line_start - 1:s.line_end])
    return ""


def check_figures(report: Report, doc: Doc, warnings: list[str]) -> None:
    """Append one warning per key-question figure that does not add up (inspections only)."""
    if report.report_type != "inspection" or not report.key_questions:
        return
    expected = EXPECTED_KQS.get(report.framework or "", {})
    for sid, kqs in sorted(report.key_questions.items()):
        want = expected.get(sid)
        already_named = any(w.startswith(f"Standard {sid}:") or w.startswith(f"Standard {sid},") for w in warnings)
        if want is not None and kqs and len(kqs) != want and not already_named:
            warnings.append(f"Standard {sid} has {len(kqs)} key questions where the {report.framework} framework "
                            f"has {want}: a row may have been lost or split; check the table before relying on it.")
        for n, kq in enumerate(kqs, 1):
            where = f"Standard {sid}, key question {n}"
            # Impossible counts (more "Yes" than relevant) are already named by the table reader.
            if kq.yes is not None and kq.relevant and 0 <= kq.yes <= kq.relevant:
                if abs(100 * kq.yes / kq.relevant - kq.percent) > PERCENT_TOLERANCE:
                    warnings.append(f"{where}: {kq.percent:g}% does not follow from {kq.yes} of {kq.relevant} cases.")
            elif kq.yes is None and not 0 <= kq.percent <= 100:
                warnings.append(f"{where}: {kq.percent:g}% is not a possible share.")
        published = report.standards.get(sid)
        if not kqs or not published or len(kqs) != (want or len(kqs)):
            continue
        lowest = min(kq.percent for kq in kqs)
        computed = _band(lowest)
        low = min(kqs, key=lambda kq: kq.percent)
        if (computed != published and not _discretion_possible(low)
                and not DISCRETION_RE.search(_section_text(report, doc, sid))):
            warnings.append(f"Standard {sid}: the lowest key question ({lowest:g}%) is in the {computed} band but the "
                            f"published rating is {published}, and the section states no discretion: a figure may "
                            f"have been misread.")
