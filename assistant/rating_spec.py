"""The what-if input parsers: ``--kq 2.2=5/8,4/7,8/9`` and ``--rating 1.1=Good``.

Why separate: these read user input and must answer with a message fit to show a user; the
arithmetic only ever sees the ``KeyQuestion`` rows they produce.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Sequence

from assistant.rating_rules import RATINGS, get_rules
from ingest.model import KeyQuestion


_SPEC = re.compile(r"^\s*(\d)\.(\d)\s*=\s*(.*)$")
# A standard has two to four key questions in either framework; six leaves room for a variant and
# still refuses a pasted column of case answers (5,000 values) with one line instead of rating it.
MAX_KEY_QUESTIONS = 6
SHOWN_CHARS = 60


def _shown(spec: str) -> str:
    """The spec as quoted in a message: long ones cut, so the message stays one readable line."""
    flat = " ".join(spec.split())
    return repr(flat if len(flat) <= SHOWN_CHARS else flat[:SHOWN_CHARS] + "...")


def parse_kq_spec(spec: str, framework: str | None = None) -> tuple[str, list[KeyQuestion]]:
    """Parse "2.2=5/8,4/7,8/9" or "3.1=72%,81%,66%" into a standard id and its key questions.

    Counts are yes/relevant; percentages take a % sign (a bare number is read as a percentage).
    With ``framework``, the standard must be case-based in it. Raises ValueError with a message
    fit to show a user.
    """
    m = _SPEC.match(spec)
    shown = _shown(spec)
    if not m:
        raise ValueError(f"bad --kq {shown}: expected STANDARD=VALUES, e.g. 2.2=5/8,4/7,8/9 or 3.1=72%,81%,66%")
    sid = f"{m.group(1)}.{m.group(2)}"
    if framework is not None:
        rules = get_rules(framework)
        rule = rules.standard(sid)
        if rule is None:
            raise ValueError(f"bad --kq {shown}: {sid} is not a standard in the {rules.name} framework")
        if rule.kind != "case":
            raise ValueError(
                f"bad --kq {shown}: {sid} {rule.title} is rated qualitatively in the {rules.name} framework; "
                "it has no key questions"
            )
    parts = [p.strip() for p in m.group(3).split(",")]
    if not any(parts):
        raise ValueError(f"bad --kq {shown}: no key-question values after '='")
    if len(parts) > MAX_KEY_QUESTIONS:
        raise ValueError(f"bad --kq {shown}: {len(parts)} values for standard {sid}; a standard has at most "
                         f"{MAX_KEY_QUESTIONS} key questions (give one value per key question)")
    out: list[KeyQuestion] = []
    for i, part in enumerate(parts):
        label = f"key question {i + 1}"
        cm = re.fullmatch(r"(\d+)\s*/\s*(\d+)", part)
        pm = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?", part)
        if cm:
            yes, relevant = int(cm.group(1)), int(cm.group(2))
            if relevant == 0:
                raise ValueError(f"bad --kq {shown}: {_shown(part)} has no relevant cases (the number after / must be at least 1)")
            if yes > relevant:
                raise ValueError(f"bad --kq {shown}: {_shown(part)} has more 'Yes' answers ({yes}) than relevant cases ({relevant})")
            out.append(KeyQuestion(question=label, percent=round(100 * yes / relevant, 1), yes=yes, relevant=relevant))
        elif pm:
            value = Fraction(pm.group(1))
            if value > 100:
                raise ValueError(f"bad --kq {shown}: {_shown(part)} is over 100%")
            out.append(KeyQuestion(question=label, percent=float(value)))
        else:
            raise ValueError(
                f"bad --kq {shown}: cannot read {_shown(part)}; use counts like 5/8 or percentages like 72%"
            )
    return sid, out


def parse_kq_specs(specs: Sequence[str], framework: str | None = None) -> dict[str, list[KeyQuestion]]:
    """Several --kq specs into one mapping; a standard given twice is an error."""
    result: dict[str, list[KeyQuestion]] = {}
    for spec in specs:
        sid, kqs = parse_kq_spec(spec, framework)
        if sid in result:
            raise ValueError(f"standard {sid} was given twice with --kq")
        result[sid] = kqs
    return result


def parse_rating_spec(spec: str, framework: str | None = None) -> tuple[str, str]:
    """Parse "1.1=Good" (case-insensitive rating names) for what-if qualitative ratings."""
    m = re.fullmatch(r"\s*(\d\.\d)\s*=\s*(.+?)\s*", spec)
    if not m:
        raise ValueError(f"bad --rating {spec!r}: expected STANDARD=RATING, e.g. 1.1=Good")
    sid, name = m.group(1), m.group(2)
    match = next((r for r in RATINGS if r.lower() == name.lower()), None)
    if match is None:
        raise ValueError(f"bad --rating {spec!r}: rating must be one of {', '.join(RATINGS)}")
    if framework is not None and get_rules(framework).standard(sid) is None:
        raise ValueError(f"bad --rating {spec!r}: {sid} is not a standard in the {framework} framework")
    return sid, match
