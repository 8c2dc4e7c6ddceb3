"""A whole rating run: every standard of a framework, the score, the overall rating and the findings.

Why separate from the arithmetic: this is where a report (or a what-if) is walked standard by
standard and the pieces are put together; the arithmetic itself stays a set of pure functions.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from assistant.rating_arithmetic import overall_of, rate_standard, score_of
from assistant.rating_findings import resettlement_of, score_findings, standard_findings
from assistant.rating_models import OverallResult, RatingResult, ScoreResult, StandardResult
from assistant.rating_rules import get_rules
from ingest.model import KeyQuestion, Report


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
        findings.extend(standard_findings(res, complete))

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
    findings.extend(score_findings(score, overall, standards, rules))
    resettlement_result = resettlement_of(rules, published, overall, complete)
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
    # kept apart from the findings (which are about the ratings): shown first by `rate` and the API
    result.report_warnings = list(report.warnings)
    if not report.framework:
        result.findings.insert(0, f"The framework was not stated by the parser; rated as the {framework} framework.")
    if report.standards and report.score is None:
        result.findings.append("No published score was found in the report.")
    if report.standards and report.overall is None:
        result.findings.append("No published overall rating was found in the report.")
    return result
