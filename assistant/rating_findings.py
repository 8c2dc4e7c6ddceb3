"""The rating module's prose: findings (disagreements, missing figures) and plain-English explanations.

Why separate: the wording changes far more often than the arithmetic, and a wording change must
never be able to change a figure. Everything here reads finished results and the rule table.
"""

from __future__ import annotations

from typing import Mapping

from assistant.rating_arithmetic import band_above, band_below, overall_of
from assistant.rating_format import fmt_basis, fmt_num, fmt_points, standard_label
from assistant.rating_models import OverallResult, RatingResult, ResettlementResult, ScoreResult, StandardResult
from assistant.rating_rules import FrameworkRules, get_rules


def standard_findings(res: StandardResult, have_published: bool) -> list[str]:
    """The finding sentences for one standard (a disagreement, a rating or table not found)."""
    name = f"{res.id} {standard_label(res)}"
    if res.status in ("discretion applied", "unexplained disagreement"):
        b = res.basis
        assert b is not None
        lead = (
            f"{name}: published {res.published}, but the key questions compute to {res.computed} "
            f"(lowest {fmt_basis(b)})."
        )
        if res.status == "discretion applied":
            caveats = [n for n in res.discretion_notes if n.startswith(("none of the", "the published"))]
            caveat = f" Note: {'; '.join(caveats)}." if caveats else ""
            return [lead + " Discretion applied: " + "; ".join(res.discretion_reasons) + "." + caveat]
        checks = [f"the lowest key question is {fmt_points(res.margin_pp)} from the nearest boundary"]
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


def score_findings(
    score: ScoreResult, overall: OverallResult, standards: Mapping[str, StandardResult], rules: FrameworkRules
) -> list[str]:
    """Findings on the score and overall rating: published against computed and against each other."""
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


def resettlement_of(
    rules: FrameworkRules, published: Mapping[str, str], overall: OverallResult, complete: bool
) -> ResettlementResult:
    """Whether the framework has a limiting resettlement standard, its rating and what it did."""
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
        f"{fmt_num(b.percent)}%{counts}, which falls in the {b.band} band ({b.band_range})"
    )
    distances = []
    above, below = band_above(res.computed, rules), band_below(res.computed, rules)
    if b.pp_below_upper_boundary is not None and above:
        distances.append(f"{fmt_points(b.pp_below_upper_boundary)} below the {above} boundary")
    if b.pp_above_lower_boundary is not None and below:
        distances.append(f"{fmt_points(b.pp_above_lower_boundary)} above the {below} boundary")
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
