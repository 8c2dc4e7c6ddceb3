"""Findings from an inspector's figures: one passage per key question, in the reports' register.

Why generated from the figures and not collaged from other reports: the paragraph is about this
service, so every sentence in it must come from this service's own evidence (the figures the
inspector typed, the notes they wrote) or from the rating module. The wording follows the
reports ("In a large majority of the inspected cases (8 of 9, 88.9%), planning focused
sufficiently on supporting the child's desistance"); the quantifier words and sentence patterns
are data (``prompts/quantifiers.md``, ``prompts/draft_findings.md``). Other inspections appear
beside the paragraph, cited, never inside it as evidence (``assistant.draft_new``).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assistant import prompts
from assistant.rating import StandardResult, band_range, parse_kq_spec, rate
from assistant.rating_rules import get_rules

_THEME_KEYS = {
    "desistance": "desistance",
    "the child's safety": "child",
    "other people's safety": "others",
    "recommendations supporting joint decision-making": "recommendations",
    "working with the police": "police",
}


@dataclass
class KQPassage:
    """One key question's passage: what it says, its figure and its band."""

    theme: str
    text: str
    percent: float
    band: str
    figure: str


def _phrases() -> dict[str, str]:
    return prompts.phrases("draft_findings")


def quantifier(percent: float) -> str:
    """The reports' word for a share of cases ("a large majority" for 75-89%), from the data file."""
    table = sorted(((float(k), v) for k, v in prompts.phrases("quantifiers").items()), reverse=True)
    for lowest, words in table:
        if percent >= lowest - 1e-9:
            return words
    return table[-1][1]


def _fmt_pct(p: float) -> str:
    return f"{p:.1f}".rstrip("0").rstrip(".") + "%"


def figure(yes: int | None, relevant: int | None, percent: float) -> str:
    """'8 of 9, 88.9%' for counts, '64%' for a printed percentage."""
    if yes is not None and relevant:
        return f"{yes} of {relevant}, {_fmt_pct(100 * yes / relevant)}"
    return _fmt_pct(percent)


def _activity(title: str) -> str:
    t = title.lower()
    for key in ("assessment", "planning", "reviewing", "implementation", "joint"):
        if key in t:
            return key
    return "generic"


def passage(title: str, theme: str | None, question: str, yes: int | None, relevant: int | None,
            percent: float) -> str:
    ph = _phrases()
    act = _activity(title)
    tkey = _THEME_KEYS.get(theme or "")
    if tkey and f"{act}.{tkey}" in ph:
        clause = " ".join(x for x in (ph.get(act, ""), ph[f"{act}.{tkey}"]) if x).strip()
    else:
        clause = ph["generic"].format(question=question)
    fig = figure(yes, relevant, percent)
    if percent <= 0:
        return ph["passage_none"].format(figure=fig, clause=clause)
    return ph["passage"].format(quantifier=quantifier(percent), figure=fig, clause=clause)


@dataclass
class FigureFindings:
    """The passages, the rating sentence(s) and the rating module's result for one standard."""

    sid: str
    title: str
    passages: list[KQPassage]
    rating_sentences: list[str]
    result: StandardResult | None


def from_figures(sid: str, spec: str, framework: str) -> FigureFindings:
    """Passages and the computed rating for ``spec`` ('2.2=8/9,5/8,4/7'); ValueError on bad input."""
    rules = get_rules(framework)
    got_sid, kqs = parse_kq_spec(spec, framework)
    if got_sid != sid:
        raise ValueError(f"--kq {spec!r} is for a different standard than {sid}")
    rule = rules.standard(sid)
    assert rule is not None
    res = rate({sid: kqs}, framework=framework).standards.get(sid)
    out: list[KQPassage] = []
    if res is not None:
        for kq, view in zip(kqs, res.key_questions):
            theme = view.theme or (rule.themes[len(out)] if len(out) < len(rule.themes) else None)
            if view.percent is None:
                continue
            text = passage(rule.title, theme, kq.question, view.yes, view.relevant, view.percent)
            out.append(KQPassage(theme or kq.question, text, view.percent, view.band or "",
                                 figure(view.yes, view.relevant, view.percent)))
    return FigureFindings(sid, rule.title, out, rating_sentences(res, rule.title, out, framework), res)


def rating_sentences(res: StandardResult | None, title: str, passages: list[KQPassage], framework: str) -> list[str]:
    """The computed rating and the discretion test, stated once."""
    if res is None or res.computed is None or res.basis is None:
        return []
    ph = _phrases()
    b = res.basis
    low = min(passages, key=lambda p: p.percent) if passages else None
    theme = (low.theme if low else None) or b.theme or b.question
    fig = low.figure if low else _fmt_pct(b.percent)
    out = [ph["rating"].format(title=title.lower(), rating=res.computed, theme=theme, figure=fig, band=b.band,
                               band_range=band_range(b.band, get_rules(framework)))]
    if res.discretion_reasons:
        out.append(ph["discretion"].format(reasons="; ".join(res.discretion_reasons)))
    else:
        out.append(ph["no_discretion"])
    return out


def good_floor(framework: str) -> Fraction:
    """The lowest percentage of the Good band (a figure below it is not a strength)."""
    rules = get_rules(framework)
    return next(lo for lo, r in rules.bands if r == "Good")
