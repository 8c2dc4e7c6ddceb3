"""Deterministic rating arithmetic: bands, score, overall, discretion triggers, disagreements.

Why this exists: inspectors and YOT managers need figures they can trust, so no language model
ever produces a rating. Everything here is a pure function of its inputs and of the rule table
in ``assistant.rating_rules`` (no I/O, no global state). Counts are used as exact fractions
(``fractions.Fraction``), so 13/20 is exactly 65% and therefore Good; printed percentages are
taken as printed. The module never overwrites a published rating with a computed one: it reports
both and explains any difference as "discretion applied" or "unexplained disagreement".
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Literal, Mapping, Sequence

from pydantic import BaseModel, Field

from assistant.rating_rules import RATINGS, FrameworkRules, StandardRule, get_rules
from ingest.model import KeyQuestion, Report

Status = Literal[
    "agrees",
    "discretion applied",
    "unexplained disagreement",
    "qualitative",
    "not published",
    "not computed",
]


class Basis(BaseModel):
    """Why a standard gets its computed band: its lowest key question and where that falls."""

    question: str
    theme: str | None = None
    percent: float
    yes: int | None = None
    relevant: int | None = None
    band: str
    band_range: str
    pp_above_lower_boundary: float | None = None  # None in the bottom band
    pp_below_upper_boundary: float | None = None  # None in the top band


class KeyQuestionView(BaseModel):
    question: str
    theme: str | None = None
    percent: float | None = None
    yes: int | None = None
    relevant: int | None = None
    band: str | None = None


class StandardResult(BaseModel):
    id: str
    title: str
    domain: str
    published: str | None = None
    computed: str | None = None
    agrees: bool | None = None
    qualitative: bool = False
    status: Status
    basis: Basis | None = None
    lowest_percent: float | None = None
    margin_pp: float | None = None
    discretion_eligible: bool | None = None
    discretion_reasons: list[str] = Field(default_factory=list)
    discretion_notes: list[str] = Field(default_factory=list)
    key_questions: list[KeyQuestionView] = Field(default_factory=list)


class ScoreResult(BaseModel):
    published: int | None = None
    computed: int | None = None
    from_published_standards: int | None = None
    max: int
    published_max: int | None = None


class OverallResult(BaseModel):
    published: str | None = None
    computed: str | None = None
    from_published_standards: str | None = None
    capped_by: str | None = None  # e.g. "4.1 Inadequate" when a limiting judgement applied


class ResettlementResult(BaseModel):
    in_framework: bool
    published: str | None = None
    rated: bool = False
    limiting_applied: bool = False
    note: str


class RatingResult(BaseModel):
    source: str | None = None
    framework: str
    standards: dict[str, StandardResult] = Field(default_factory=dict)
    score: ScoreResult
    overall: OverallResult
    resettlement: ResettlementResult
    findings: list[str] = Field(default_factory=list)
    explanation: str | None = None


# --------------------------------------------------------------------------------------------
# bands


def band(percent: Fraction | float | int | str, rules: FrameworkRules | None = None) -> str:
    """The rating band of one key-question percentage (0-100); boundaries are exact."""
    rules = rules or get_rules("2021")
    value = _as_fraction(percent)
    if not 0 <= value <= 100:
        raise ValueError(f"a percentage must be between 0 and 100, not {_fmt_pct(value)}")
    for lower, rating in rules.bands:
        if value >= lower:
            return rating
    return rules.bands[-1][1]


def band_range(rating: str, rules: FrameworkRules) -> str:
    """Human range of a band, e.g. "50-64%", "80% and above", "below 50%"."""
    ordered = sorted(rules.bands)  # ascending by lower bound
    for i, (lower, name) in enumerate(ordered):
        if name != rating:
            continue
        if i == len(ordered) - 1:
            return f"{_fmt_num(lower)}% and above"
        upper = ordered[i + 1][0]
        if lower == 0:
            return f"below {_fmt_num(upper)}%"
        return f"{_fmt_num(lower)}-{_fmt_num(upper - 1)}%"
    raise ValueError(f"unknown rating {rating!r}")


def _band_bounds(rating: str, rules: FrameworkRules) -> tuple[Fraction | None, Fraction | None]:
    """(own lower boundary or None at the floor, next band's boundary or None at the top)."""
    ordered = sorted(rules.bands)
    for i, (lower, name) in enumerate(ordered):
        if name == rating:
            upper = ordered[i + 1][0] if i + 1 < len(ordered) else None
            return (lower if lower > 0 else None), upper
    raise ValueError(f"unknown rating {rating!r}")


def _band_above(rating: str, rules: FrameworkRules) -> str | None:
    ordered = [name for _, name in sorted(rules.bands)]
    i = ordered.index(rating)
    return ordered[i + 1] if i + 1 < len(ordered) else None


def _band_below(rating: str, rules: FrameworkRules) -> str | None:
    ordered = [name for _, name in sorted(rules.bands)]
    i = ordered.index(rating)
    return ordered[i - 1] if i > 0 else None


def rank(rating: str) -> int:
    return RATINGS.index(rating)


# --------------------------------------------------------------------------------------------
# key questions


def theme_of(question: str, position: int, rule: StandardRule | None) -> str | None:
    """Name a key question by its theme (desistance / the child's safety / ...) when the text allows."""
    q = question.lower().replace("\u2019", "'")
    if "desistance" in q:
        return "desistance"
    if "other people" in q or "others safe" in q:
        return "other people's safety"
    if "child safe" in q or "safety of the child" in q or "child's safety" in q or "wellbeing" in q:
        return "the child's safety"
    if "recommendation" in q:
        return "recommendations supporting joint decision-making"
    if "police" in q:
        return "working with the police"
    if rule and rule.themes and re.fullmatch(r"(key question \d+)?", q.strip()) and position < len(rule.themes):
        return rule.themes[position]
    return None


class _KQ:
    """A key question reduced to what the arithmetic needs."""

    def __init__(self, kq: KeyQuestion, position: int, rule: StandardRule | None, cases: int | None):
        self.question = kq.question
        self.theme = theme_of(kq.question, position, rule)
        self.yes = kq.yes
        self.relevant = kq.relevant
        self.inferred = False
        self.problem: str | None = None
        self.value: Fraction | None = None
        if kq.yes is not None and kq.relevant is not None:
            if kq.relevant <= 0:
                self.problem = "no relevant cases"
            elif not 0 <= kq.yes <= kq.relevant:
                self.problem = f"'Yes' count {kq.yes} is not between 0 and {kq.relevant}"
            else:
                self.value = Fraction(100 * kq.yes, kq.relevant)
        else:
            value = _as_fraction(kq.percent)
            if 0 <= value <= 100:
                self.value = value
                self.yes = self.relevant = None
                if cases:  # infer counts only when they reproduce the printed (rounded) percentage
                    yes = round(value * cases / 100)
                    if abs(Fraction(100 * yes, cases) - value) <= Fraction(1, 2):
                        self.yes, self.relevant, self.inferred = int(yes), cases, True
            else:
                self.problem = f"percentage {kq.percent} is not between 0 and 100"

    @property
    def name(self) -> str:
        return self.theme or self.question

    @property
    def counts(self) -> str:
        return f"{self.yes}/{self.relevant}" if self.yes is not None and self.relevant else ""

    def describe(self) -> str:
        text = _fmt_pct(self.value) if self.value is not None else "?"
        if self.counts:
            text += f" ({self.counts}{', counts inferred' if self.inferred else ''})"
        return text


def _standard_band(values: Sequence[Fraction], rules: FrameworkRules) -> str:
    return band(min(values), rules)


# --------------------------------------------------------------------------------------------
# one standard


def rate_standard(
    rule: StandardRule,
    key_questions: Sequence[KeyQuestion] | None,
    rules: FrameworkRules,
    published: str | None = None,
    cases: int | None = None,
) -> StandardResult:
    """Rate one standard: computed band, basis, margin, discretion triggers, agreement."""
    if rule.kind == "qualitative":
        return StandardResult(
            id=rule.id, title=rule.title, domain=rule.domain, published=published, qualitative=True,
            status="qualitative",
        )
    kqs = [_KQ(kq, i, rule, cases) for i, kq in enumerate(key_questions or [])]
    views = [
        KeyQuestionView(
            question=k.question,
            theme=k.theme,
            percent=_pp(k.value) if k.value is not None else None,
            yes=k.yes,
            relevant=k.relevant,
            band=band(k.value, rules) if k.value is not None else None,
        )
        for k in kqs
    ]
    usable = [k for k in kqs if k.value is not None]
    notes = [f"key question on {k.name} ignored: {k.problem}" for k in kqs if k.problem]
    if not usable:
        notes.insert(0, "no key-question table" if not kqs else "no usable key-question values")
        return StandardResult(
            id=rule.id, title=rule.title, domain=rule.domain, published=published, status="not computed",
            discretion_notes=notes, key_questions=views,
        )

    values = [k.value for k in usable]
    lowest = min(values)
    computed = band(lowest, rules)
    basis_kq = next(k for k in usable if k.value == lowest)
    lower, upper = _band_bounds(computed, rules)
    above_lower = lowest - lower if lower is not None else None
    below_upper = upper - lowest if upper is not None else None
    margin = min(d for d in (above_lower, below_upper) if d is not None)

    reasons: list[str] = []
    d = rules.discretion
    # 1. within N points of a boundary
    if margin <= d.within_pp:
        boundary = lower if above_lower is not None and above_lower == margin else upper
        reasons.append(
            f"the lowest key question ({_fmt_pct(lowest)}) is within {_fmt_num(d.within_pp)} points "
            f"of the {_fmt_num(boundary)}% boundary ({_points(margin)})"
        )
    # 2. a differing judgement in one case would change the band
    one_case_bands: set[str] = set()
    if d.one_case:
        changes = []
        for i, k in enumerate(usable):
            if k.yes is None or not k.relevant:
                continue
            for delta, word in ((1, "more"), (-1, "fewer")):
                ny = k.yes + delta
                if not 0 <= ny <= k.relevant:
                    continue
                trial = values[:i] + [Fraction(100 * ny, k.relevant)] + values[i + 1 :]
                new = _standard_band(trial, rules)
                if new != computed:
                    one_case_bands.add(new)
                    changes.append(f"one {word} 'Yes' on {k.name} ({ny}/{k.relevant}) would make it {new}")
        if changes:
            reasons.append("one case would change the band: " + "; ".join(changes))
        missing = [k for k in usable if k.yes is None]
        if missing:
            which = "" if len(missing) == len(usable) else " for " + ", ".join(k.name for k in missing)
            notes.append(
                f"only percentages are known{which}, so whether one case would change the band "
                "cannot be computed from them"
            )
        if any(k.inferred for k in usable):
            notes.append(f"counts inferred from the printed percentages assuming all {cases} cases were relevant")
    if basis_kq.yes is None and lowest in rules.boundaries:
        notes.append(
            f"the printed {_fmt_pct(lowest)} is rounded, so the exact value may lie just below the "
            f"{_fmt_pct(lowest)} boundary"
        )
    # 3. a (sub-)sample of five cases or fewer
    small = [k for k in usable if k.value == lowest and k.relevant is not None and k.relevant <= d.small_sample]
    if small:
        k = small[0]
        reasons.append(
            f"the rating rests on a sample of {k.relevant} case{'s' if k.relevant != 1 else ''} "
            f"({k.name}), {_number_word(d.small_sample)} or fewer"
        )
    elif cases is not None and cases <= d.small_sample:
        reasons.append(f"the standard's sample is {cases} cases, {_number_word(d.small_sample)} or fewer")

    agrees = None if published is None else published == computed
    if published is None:
        status: Status = "not published"
    elif agrees:
        status = "agrees"
    else:
        status = "discretion applied" if reasons else "unexplained disagreement"
    if status == "discretion applied":
        assert published is not None
        up = rank(published) > rank(computed)
        near = below_upper if up else above_lower
        towards = bool(small) or (cases is not None and cases <= d.small_sample)
        towards |= near is not None and near <= d.within_pp
        towards |= any((rank(b) > rank(computed)) == up for b in one_case_bands)
        if not towards:
            notes.append(
                f"none of the discretion triggers points from {computed} towards the published {published}"
            )
        if abs(rank(published) - rank(computed)) > 1:
            notes.append(f"the published {published} is {abs(rank(published) - rank(computed))} bands from {computed}")
    return StandardResult(
        id=rule.id,
        title=rule.title,
        domain=rule.domain,
        published=published,
        computed=computed,
        agrees=agrees,
        status=status,
        basis=Basis(
            question=basis_kq.question,
            theme=basis_kq.theme,
            percent=_pp(lowest),
            yes=basis_kq.yes,
            relevant=basis_kq.relevant,
            band=computed,
            band_range=band_range(computed, rules),
            pp_above_lower_boundary=_pp(above_lower) if above_lower is not None else None,
            pp_below_upper_boundary=_pp(below_upper) if below_upper is not None else None,
        ),
        lowest_percent=_pp(lowest),
        margin_pp=_pp(margin),
        discretion_eligible=bool(reasons),
        discretion_reasons=reasons,
        discretion_notes=notes,
        key_questions=views,
    )


# --------------------------------------------------------------------------------------------
# score and overall


def score_of(ratings: Mapping[str, str | None], rules: FrameworkRules) -> int | None:
    """Sum of points over the framework's scored standards; None if any is missing."""
    total = 0
    for s in rules.scored:
        r = ratings.get(s.id)
        if r is None:
            return None
        total += rules.points[r]
    return total


def overall_of(
    score: int | None, rules: FrameworkRules, ratings: Mapping[str, str | None] | None = None
) -> tuple[str | None, str | None]:
    """(overall band of a score after limiting judgements, what capped it or None)."""
    if score is None:
        return None, None
    result = next(r for lowest, r in rules.overall if score >= lowest)
    for lim in rules.limiting:
        if ratings and ratings.get(lim.standard) == lim.when and rank(result) > rank(lim.cap):
            return lim.cap, f"{lim.standard} {lim.when}"
    return result, None


# --------------------------------------------------------------------------------------------
# whole result


def rate(
    key_questions: Mapping[str, Sequence[KeyQuestion]],
    published: Mapping[str, str] | None = None,
    framework: str = "2021",
    *,
    published_score: int | None = None,
    published_max: int | None = None,
    published_overall: str | None = None,
    resettlement: str | None = None,
    source: str | None = None,
    cases: Mapping[str, int] | None = None,
    complete: bool = False,
) -> RatingResult:
    """Rate every standard of a framework from key-question results and compare with published ones.

    ``published`` maps standard ids to printed ratings (qualitative ones are carried as given);
    ``resettlement`` is the published 4.1 rating when not already in ``published``; ``cases`` is
    an optional known case count per standard (enables the one-case and small-sample checks when
    only percentages are known). ``complete`` says the inputs describe a whole report, so a
    standard with neither a rating nor key questions is a finding rather than simply left out.
    """
    rules = get_rules(framework)
    published = dict(published or {})
    if resettlement is not None:
        published.setdefault("4.1", resettlement)
    cases = dict(cases or {})
    findings: list[str] = []

    standards: dict[str, StandardResult] = {}
    for rule in rules.standards:
        kqs = key_questions.get(rule.id)
        res = rate_standard(rule, kqs, rules, published.get(rule.id), cases.get(rule.id))
        if rule.kind == "qualitative" and kqs:
            res.discretion_notes.append("key questions given for a qualitative standard were not used")
        if res.published is None and res.status in ("qualitative", "not computed"):
            if not rule.scored or not complete:
                continue  # 4.1 not rated (see resettlement), or a what-if that left this standard out
        standards[rule.id] = res
        findings.extend(_standard_findings(res, complete))

    for sid in key_questions:
        rule = rules.standard(sid)
        if rule is None:
            findings.append(f"Key questions were given for {sid}, which is not a standard in the {framework} framework; they were ignored.")
        elif rule.kind == "qualitative":
            findings.append(f"{rule.id} {rule.label} is rated qualitatively in the {framework} framework; its key questions were not used.")

    # score and overall
    computed_ratings = {
        sid: (r.computed or r.published) if not r.qualitative else r.published for sid, r in standards.items()
    }
    published_ratings = {sid: r.published for sid, r in standards.items()}
    limiting_ratings = {lim.standard: published.get(lim.standard) for lim in rules.limiting}
    computed_score = score_of(computed_ratings, rules)
    from_published = score_of(published_ratings, rules)
    computed_overall, capped = overall_of(computed_score, rules, limiting_ratings)
    overall_from_published, _ = overall_of(from_published, rules, limiting_ratings)
    score = ScoreResult(
        published=published_score,
        computed=computed_score,
        from_published_standards=from_published,
        max=rules.max_score,
        published_max=published_max,
    )
    overall = OverallResult(
        published=published_overall,
        computed=computed_overall,
        from_published_standards=overall_from_published,
        capped_by=capped,
    )
    findings.extend(_score_findings(score, overall, standards, rules))
    resettlement_result = _resettlement(rules, published, overall, complete)
    if resettlement_result.limiting_applied and published_overall == "Outstanding":
        findings.append(
            f"The published overall rating is Outstanding although 4.1 is {published.get('4.1')}, "
            "which the limiting judgement does not allow."
        )
    return RatingResult(
        source=source,
        framework=rules.name,
        standards=standards,
        score=score,
        overall=overall,
        resettlement=resettlement_result,
        findings=findings,
    )


def detect_framework(report: Report) -> str:
    """The report's framework: as parsed, else inferred from 3.4's title or a 4.1 rating."""
    if report.framework:
        return report.framework
    title = (report.standard_titles.get("3.4") or "").lower()
    if "joint" in title:
        return "2018"
    if "policy" in title or "4.1" in report.standards or report.resettlement:
        return "2021"
    if "3.4" in report.key_questions:
        return "2018"
    return "2021"


def rate_report(report: Report) -> RatingResult:
    """Rate a parsed report: its key-question tables against its ratings table."""
    framework = detect_framework(report)
    result = rate(
        report.key_questions,
        report.standards,
        framework,
        published_score=report.score,
        published_max=report.max_score,
        published_overall=report.overall,
        resettlement=report.resettlement,
        source=report.source,
        complete=True,
    )
    if not report.framework:
        result.findings.insert(0, f"The framework was not stated by the parser; rated as the {framework} framework.")
    if report.standards and report.score is None:
        result.findings.append("No published score was found in the report.")
    if report.standards and report.overall is None:
        result.findings.append("No published overall rating was found in the report.")
    return result


# --------------------------------------------------------------------------------------------
# findings


def _standard_findings(res: StandardResult, have_published: bool) -> list[str]:
    name = f"{res.id} {_label(res)}"
    if res.status in ("discretion applied", "unexplained disagreement"):
        b = res.basis
        assert b is not None
        lead = (
            f"{name}: published {res.published}, but the key questions compute to {res.computed} "
            f"(lowest {_fmt_basis(b)})."
        )
        if res.status == "discretion applied":
            caveats = [n for n in res.discretion_notes if n.startswith(("none of the", "the published"))]
            caveat = f" Note: {'; '.join(caveats)}." if caveats else ""
            return [lead + " Discretion applied: " + "; ".join(res.discretion_reasons) + "." + caveat]
        checks = [f"the lowest key question is {_points(res.margin_pp)} from the nearest boundary"]
        if any(n.startswith("only percentages are known,") for n in res.discretion_notes):
            checks.append("only percentages are printed, so the one-case test could not be made")
        elif any(n.startswith("only percentages are known for") for n in res.discretion_notes):
            checks.append("counts are not known for every key question, so the one-case test was partial")
        else:
            checks.append("no single case would change the band")
        if b.relevant is not None:
            checks.append(f"the sample ({b.relevant} cases) is larger than five")
        return [lead + " Unexplained disagreement: no discretion trigger applies (" + "; ".join(checks) + ")."]
    if res.status == "not computed" and res.published is not None:
        why = res.discretion_notes[0] if res.discretion_notes else "no key-question values"
        return [f"{name}: published {res.published}, but it cannot be computed ({why}); the published rating is carried over."]
    if res.status == "not computed" and have_published:
        return [f"{name}: no published rating and no key-question table were found."]
    if res.status == "not published" and have_published:
        return [f"{name}: no published rating was found; the key questions compute to {res.computed}."]
    if res.status == "qualitative" and res.published is None and have_published:
        return [f"{name}: no published rating was found for this qualitative standard."]
    return []


def _score_findings(
    score: ScoreResult, overall: OverallResult, standards: Mapping[str, StandardResult], rules: FrameworkRules
) -> list[str]:
    out: list[str] = []
    mx = rules.max_score
    if score.published_max is not None and score.published_max != mx:
        out.append(f"The report scores out of {score.published_max}, but the {rules.name} framework scores out of {mx}.")
    if score.published is not None and score.from_published_standards is not None:
        if score.published != score.from_published_standards:
            out.append(
                f"The published score {score.published}/{mx} does not equal the sum of the published standard "
                f"ratings ({score.from_published_standards}/{mx})."
            )
    if score.published is not None and score.computed is not None and score.published != score.computed:
        differing = [f"{s.id} ({s.status})" for s in standards.values() if s.agrees is False]
        why = f"; the difference comes from {', '.join(differing)}" if differing else ""
        out.append(f"The published score {score.published}/{mx} differs from the computed {score.computed}/{mx}{why}.")
    if overall.published is not None and overall.computed is not None and overall.published != overall.computed:
        out.append(
            f"The published overall rating {overall.published} differs from the computed {overall.computed} "
            f"(score {score.computed}/{mx})."
        )
    if overall.published is not None and score.published is not None:
        expected, _ = overall_of(score.published, rules, {})
        if expected != overall.published and not overall.capped_by:
            out.append(
                f"The published overall rating {overall.published} is not the band of the published score "
                f"{score.published}/{mx} ({expected})."
            )
    return out


def _resettlement(
    rules: FrameworkRules, published: Mapping[str, str], overall: OverallResult, complete: bool
) -> ResettlementResult:
    lims = list(rules.limiting)
    if not lims:
        return ResettlementResult(
            in_framework=False,
            note=f"The {rules.name} framework has no separately rated resettlement standard.",
        )
    lim = lims[0]
    rating = published.get(lim.standard)
    if rating is None:
        return ResettlementResult(
            in_framework=True,
            note=(
                f"{lim.standard} was not rated (no relevant resettlement cases), so no limiting judgement applies."
                if complete
                else f"No {lim.standard} rating was given, so no limiting judgement applies."
            ),
        )
    applied = rating == lim.when
    if applied:
        capped = overall.capped_by is not None
        note = (
            f"{lim.standard} is {rating}: the service cannot be rated better than {lim.cap} overall"
            + ("; the computed overall rating was capped." if capped else "; the computed overall rating is not affected.")
        )
    else:
        note = f"{lim.standard} is {rating}; it is not part of the score and does not limit the overall rating."
    return ResettlementResult(in_framework=True, published=rating, rated=True, limiting_applied=applied, note=note)


# --------------------------------------------------------------------------------------------
# what-if input


_SPEC = re.compile(r"^\s*(\d)\.(\d)\s*=\s*(.*)$")


def parse_kq_spec(spec: str, framework: str | None = None) -> tuple[str, list[KeyQuestion]]:
    """Parse "2.2=5/8,4/7,8/9" or "3.1=72%,81%,66%" into a standard id and its key questions.

    Counts are yes/relevant; percentages take a % sign (a bare number is read as a percentage).
    With ``framework``, the standard must be case-based in it. Raises ValueError with a message
    fit to show a user.
    """
    m = _SPEC.match(spec)
    if not m:
        raise ValueError(f"bad --kq {spec!r}: expected STANDARD=VALUES, e.g. 2.2=5/8,4/7,8/9 or 3.1=72%,81%,66%")
    sid = f"{m.group(1)}.{m.group(2)}"
    if framework is not None:
        rules = get_rules(framework)
        rule = rules.standard(sid)
        if rule is None:
            raise ValueError(f"bad --kq {spec!r}: {sid} is not a standard in the {rules.name} framework")
        if rule.kind != "case":
            raise ValueError(
                f"bad --kq {spec!r}: {sid} {rule.title} is rated qualitatively in the {rules.name} framework; "
                "it has no key questions"
            )
    parts = [p.strip() for p in m.group(3).split(",")]
    if not any(parts):
        raise ValueError(f"bad --kq {spec!r}: no key-question values after '='")
    out: list[KeyQuestion] = []
    for i, part in enumerate(parts):
        label = f"key question {i + 1}"
        cm = re.fullmatch(r"(\d+)\s*/\s*(\d+)", part)
        pm = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%?", part)
        if cm:
            yes, relevant = int(cm.group(1)), int(cm.group(2))
            if relevant == 0:
                raise ValueError(f"bad --kq {spec!r}: {part!r} has no relevant cases (the number after / must be at least 1)")
            if yes > relevant:
                raise ValueError(f"bad --kq {spec!r}: {part!r} has more 'Yes' answers ({yes}) than relevant cases ({relevant})")
            out.append(KeyQuestion(question=label, percent=round(100 * yes / relevant, 1), yes=yes, relevant=relevant))
        elif pm:
            value = Fraction(pm.group(1))
            if value > 100:
                raise ValueError(f"bad --kq {spec!r}: {part!r} is over 100%")
            out.append(KeyQuestion(question=label, percent=float(value)))
        else:
            raise ValueError(
                f"bad --kq {spec!r}: cannot read {part!r}; use counts like 5/8 or percentages like 72%"
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


# --------------------------------------------------------------------------------------------
# explanation


def explain_standard(res: StandardResult, rules: FrameworkRules) -> str:
    """One or two sentences on how a case-based standard's computed band comes about."""
    if res.qualitative:
        return f"{res.title} ({res.id}) is judged qualitatively; it is {res.published or 'not rated'} as published."
    name = f"{res.title} ({res.id}, {res.domain.lower()})"
    if res.computed is None or res.basis is None:
        return f"{name} cannot be computed: {', '.join(res.discretion_notes) or 'no key questions'}."
    b = res.basis
    kq = f"on {b.theme}" if b.theme else f"\u201c{b.question}\u201d"
    counts = f" ({b.yes}/{b.relevant})" if b.yes is not None and b.relevant else ""
    text = (
        f"{name} comes to {res.computed}: its lowest key question, {kq}, was "
        f"{_fmt_num(b.percent)}%{counts}, which falls in the {b.band} band ({b.band_range})"
    )
    distances = []
    above, below = _band_above(res.computed, rules), _band_below(res.computed, rules)
    if b.pp_below_upper_boundary is not None and above:
        distances.append(f"{_points(b.pp_below_upper_boundary)} below the {above} boundary")
    if b.pp_above_lower_boundary is not None and below:
        distances.append(f"{_points(b.pp_above_lower_boundary)} above the {below} boundary")
    if distances:
        text += "; it is " + " and ".join(distances)
    text += "."
    if res.discretion_reasons:
        text += " Professional discretion could be considered: " + "; ".join(res.discretion_reasons) + "."
    else:
        text += " No discretion trigger applies."
    if res.published is not None:
        if res.agrees:
            text += f" The published rating, {res.published}, agrees."
        else:
            kind = "discretion applied" if res.status == "discretion applied" else "an unexplained disagreement"
            text += f" The published rating is {res.published} ({kind})."
    return text


def explain(result: RatingResult) -> str:
    """A one-paragraph plain-English account of a rating result (CLI what-if, drafting)."""
    rules = get_rules(result.framework)
    parts = [explain_standard(s, rules) for s in result.standards.values() if not s.qualitative]
    n_scored = len(rules.scored)
    known = sum(1 for s in rules.scored if s.id in result.standards and
                (result.standards[s.id].computed or result.standards[s.id].published))
    if result.score.computed is not None:
        text = (
            f"Across the {n_scored} core standards the score comes to {result.score.computed}/{result.score.max}, "
            f"so the overall rating is {result.overall.computed}"
        )
        if result.overall.capped_by:
            text += f" (capped by the limiting judgement: {result.overall.capped_by})"
        parts.append(text + ".")
    else:
        parts.append(
            f"A score and overall rating need all {n_scored} core standards; {known} of {n_scored} were given."
        )
    if not parts:
        return "No standards were given."
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# formatting helpers


def _as_fraction(value: Fraction | float | int | str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))  # shortest decimal that round-trips: 66.7 -> 667/10 exactly
    return Fraction(value)


def _round1(x: Fraction) -> float:
    return round(float(x), 1)


def _pp(x: Fraction) -> float:
    return _round1(x)


def _fmt_num(x: Fraction | float | int) -> str:
    f = round(float(x), 1)
    return str(int(f)) if f == int(f) else f"{f:.1f}"


def _points(x: Fraction | float) -> str:
    n = _fmt_num(x)
    return f"{n} point" if n == "1" else f"{n} points"


def _label(res: StandardResult) -> str:
    """"Planning (court disposals)": 2.1 and 3.1 are both "Assessment"."""
    if res.domain in ("Court disposals", "Out-of-court disposals") and not res.qualitative:
        return f"{res.title} ({res.domain.lower()})"
    return res.title


def _fmt_pct(x: Fraction) -> str:
    return f"{_fmt_num(x)}%"


def _fmt_basis(b: Basis) -> str:
    who = f"{b.theme}" if b.theme else f"\u201c{b.question}\u201d"
    counts = f", {b.yes}/{b.relevant}" if b.yes is not None and b.relevant else ""
    return f"{_fmt_num(b.percent)}%{counts}, {who}"


def _number_word(n: int) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
    return words.get(n, str(n))
