"""Deterministic rating arithmetic: bands, one standard's band and discretion triggers, score, overall.

Why this exists: inspectors and YOT managers need figures they can trust, so no language model
ever produces a rating. Everything here is a pure function of its inputs and of the rule table
in ``assistant.rating_rules`` (no I/O, no global state). Counts are used as exact fractions
(``fractions.Fraction``), so 13/20 is exactly 65% and therefore Good; printed percentages are
taken as printed. A published rating is never overwritten by a computed one: both are reported
and any difference is classed as "discretion applied" or "unexplained disagreement".
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Mapping, Sequence

from assistant.rating_format import as_fraction, fmt_num, fmt_pct, fmt_points, number_word, round_pp
from assistant.rating_models import Basis, KeyQuestionView, StandardResult, Status
from assistant.rating_rules import RATINGS, FrameworkRules, StandardRule, get_rules
from ingest.model import KeyQuestion


def band(percent: Fraction | float | int | str, rules: FrameworkRules | None = None) -> str:
    """The rating band of one key-question percentage (0-100); boundaries are exact."""
    rules = rules or get_rules("2021")
    value = as_fraction(percent)
    if not 0 <= value <= 100:
        raise ValueError(f"a percentage must be between 0 and 100, not {fmt_pct(value)}")
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
            return f"{fmt_num(lower)}% and above"
        upper = ordered[i + 1][0]
        if lower == 0:
            return f"below {fmt_num(upper)}%"
        return f"{fmt_num(lower)}-{fmt_num(upper - 1)}%"
    raise ValueError(f"unknown rating {rating!r}")


def _band_bounds(rating: str, rules: FrameworkRules) -> tuple[Fraction | None, Fraction | None]:
    """(own lower boundary or None at the floor, next band's boundary or None at the top)."""
    ordered = sorted(rules.bands)
    for i, (lower, name) in enumerate(ordered):
        if name == rating:
            upper = ordered[i + 1][0] if i + 1 < len(ordered) else None
            return (lower if lower > 0 else None), upper
    raise ValueError(f"unknown rating {rating!r}")


def band_above(rating: str, rules: FrameworkRules) -> str | None:
    ordered = [name for _, name in sorted(rules.bands)]
    i = ordered.index(rating)
    return ordered[i + 1] if i + 1 < len(ordered) else None


def band_below(rating: str, rules: FrameworkRules) -> str | None:
    ordered = [name for _, name in sorted(rules.bands)]
    i = ordered.index(rating)
    return ordered[i - 1] if i > 0 else None


def rank(rating: str) -> int:
    return RATINGS.index(rating)


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
            value = as_fraction(kq.percent)
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
        text = fmt_pct(self.value) if self.value is not None else "?"
        if self.counts:
            text += f" ({self.counts}{', counts inferred' if self.inferred else ''})"
        return text


def _standard_band(values: Sequence[Fraction], rules: FrameworkRules) -> str:
    return band(min(values), rules)


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
            percent=round_pp(k.value) if k.value is not None else None,
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
            f"the lowest key question ({fmt_pct(lowest)}) is within {fmt_num(d.within_pp)} points "
            f"of the {fmt_num(boundary)}% boundary ({fmt_points(margin)})"
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
            f"the printed {fmt_pct(lowest)} is rounded, so the exact value may lie just below the "
            f"{fmt_pct(lowest)} boundary"
        )
    # 3. a (sub-)sample of five cases or fewer
    small = [k for k in usable if k.value == lowest and k.relevant is not None and k.relevant <= d.small_sample]
    if small:
        k = small[0]
        reasons.append(
            f"the rating rests on a sample of {k.relevant} case{'s' if k.relevant != 1 else ''} "
            f"({k.name}), {number_word(d.small_sample)} or fewer"
        )
    elif cases is not None and cases <= d.small_sample:
        reasons.append(f"the standard's sample is {cases} cases, {number_word(d.small_sample)} or fewer")

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
            percent=round_pp(lowest),
            yes=basis_kq.yes,
            relevant=basis_kq.relevant,
            band=computed,
            band_range=band_range(computed, rules),
            pp_above_lower_boundary=round_pp(above_lower) if above_lower is not None else None,
            pp_below_upper_boundary=round_pp(below_upper) if below_upper is not None else None,
        ),
        lowest_percent=round_pp(lowest),
        margin_pp=round_pp(margin),
        discretion_eligible=bool(reasons),
        discretion_reasons=reasons,
        discretion_notes=notes,
        key_questions=views,
    )


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
