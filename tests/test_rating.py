"""Unit and property tests of the deterministic rating module (no parser, no corpus needed)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant import rating as R
from assistant.rating_rules import RATINGS, RULES, get_rules
from ingest.model import KeyQuestion, Report

R21 = get_rules("2021")
R18 = get_rules("2018")
CASE_21 = [s.id for s in R21.standards if s.kind == "case"]
QUAL_21 = [s.id for s in R21.standards if s.kind == "qualitative" and s.scored]


def counts(*pairs: tuple[int, int]) -> list[KeyQuestion]:
    return [KeyQuestion(question=f"key question {i + 1}", percent=100 * y / n, yes=y, relevant=n)
            for i, (y, n) in enumerate(pairs)]


def pcts(*values: float) -> list[KeyQuestion]:
    return [KeyQuestion(question=f"key question {i + 1}", percent=v) for i, v in enumerate(values)]


# ------------------------------------------------------------------------------------ rules


def test_rule_tables_describe_both_frameworks() -> None:
    assert set(RULES) == {"2018", "2021"}
    assert R18.standard("3.4").kind == "case" and R18.standard("3.4").title == "Joint working"
    assert R21.standard("3.4").kind == "qualitative"
    assert R21.standard("4.1").kind == "qualitative" and not R21.standard("4.1").scored
    assert R18.standard("4.1") is None
    assert R18.max_score == R21.max_score == 36
    assert R21.boundaries == (50, 65, 80)
    assert [lim.standard for lim in R21.limiting] == ["4.1"] and not R18.limiting
    with pytest.raises(ValueError, match="unknown framework"):
        get_rules("2030")


# ------------------------------------------------------------------------------------ bands


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "Inadequate"), (49.9, "Inadequate"), (50, "Requires improvement"), (64.9, "Requires improvement"),
        (65, "Good"), (79.99, "Good"), (80, "Outstanding"), (100, "Outstanding"),
        (Fraction(13, 20) * 100, "Good"), (Fraction(100 * 12, 19), "Requires improvement"),
        (Fraction(100 * 2, 4), "Requires improvement"),
    ],
)
def test_band_boundaries_are_exact(value, expected) -> None:
    assert R.band(value) == expected


def test_band_rejects_impossible_percentages() -> None:
    with pytest.raises(ValueError):
        R.band(100.5)
    with pytest.raises(ValueError):
        R.band(-1)


def test_band_ranges_are_readable() -> None:
    assert [R.band_range(r, R21) for r in RATINGS] == ["below 50%", "50-64%", "65-79%", "80% and above"]


# ------------------------------------------------------------------------------------ one standard


def test_counts_are_exact_fractions_13_of_20_is_good() -> None:
    res = R.rate_standard(R21.standard("2.1"), counts((19, 20), (13, 20), (18, 20)), R21, "Good")
    assert res.computed == "Good" and res.agrees and res.status == "agrees"
    assert res.lowest_percent == 65.0 and res.margin_pp == 0.0
    assert res.basis.theme == "the child's safety" and (res.basis.yes, res.basis.relevant) == (13, 20)
    assert res.discretion_eligible
    assert any("within 5 points of the 65% boundary" in r for r in res.discretion_reasons)
    assert any("one fewer 'Yes' on the child's safety (12/20) would make it Requires improvement" in r
               for r in res.discretion_reasons)


def test_basis_is_the_lowest_key_question_with_both_distances() -> None:
    res = R.rate_standard(R21.standard("2.2"), counts((8, 9), (5, 8), (4, 7)), R21)
    assert res.computed == "Requires improvement" and res.status == "not published" and res.agrees is None
    b = res.basis
    assert b.theme == "other people's safety" and b.percent == 57.1 and b.band_range == "50-64%"
    assert b.pp_below_upper_boundary == 7.9 and b.pp_above_lower_boundary == 7.1
    assert res.margin_pp == 7.1
    # 3/7 = 42.9% would be Inadequate: one case changes the band, even though 7.1 pp from a boundary
    assert res.discretion_eligible
    assert not any("within 5 points" in r for r in res.discretion_reasons)


def test_no_trigger_when_far_from_boundaries_with_a_large_sample() -> None:
    res = R.rate_standard(R21.standard("2.3"), counts((18, 20), (19, 20), (18, 20)), R21, "Outstanding")
    assert res.computed == "Outstanding" and res.margin_pp == 10.0
    assert res.discretion_eligible is False and res.discretion_reasons == []


def test_a_key_question_other_than_the_lowest_can_trigger_the_one_case_rule() -> None:
    # lowest 73/100 = 73% (Good, 8 pp from 65, 7 pp from 80, large sample): no trigger ...
    res = R.rate_standard(R21.standard("2.1"), counts((73, 100), (16, 20), (100, 100)), R21)
    assert res.computed == "Good" and res.margin_pp == 7.0 and not res.discretion_eligible
    # ... but a 3/4 (75%) sub-sample drops to 2/4 = 50% with one case, which changes the standard's band
    res = R.rate_standard(R21.standard("2.1"), counts((73, 100), (3, 4), (100, 100)), R21)
    assert res.computed == "Good" and res.basis.percent == 73.0 and res.discretion_eligible
    assert res.discretion_reasons == [
        "one case would change the band: one fewer 'Yes' on the child's safety (2/4) would make it Requires improvement"
    ]


def test_small_sample_is_a_reason() -> None:
    res = R.rate_standard(R18.standard("3.4"), counts((4, 5), (1, 1)), R18, "Outstanding")
    assert res.computed == "Outstanding" and res.agrees
    assert any("sample of 5 cases" in r for r in res.discretion_reasons)
    assert res.basis.theme == "recommendations supporting joint decision-making"


def test_percentages_only_cannot_test_one_case_unless_cases_known() -> None:
    res = R.rate_standard(R21.standard("3.1"), pcts(90, 57, 95), R21)
    assert res.computed == "Requires improvement" and not res.discretion_eligible
    assert any("cannot be computed" in n for n in res.discretion_notes)
    res = R.rate_standard(R21.standard("3.1"), pcts(90, 57, 95), R21, cases=7)  # 57% of 7 is 4/7
    assert (res.basis.yes, res.basis.relevant) == (4, 7) and res.discretion_eligible
    assert res.discretion_reasons == [
        "one case would change the band: one more 'Yes' on the child's safety (5/7) would make it Good; "
        "one fewer 'Yes' on the child's safety (3/7) would make it Inadequate"
    ]
    assert any("inferred" in n for n in res.discretion_notes)
    res = R.rate_standard(R21.standard("3.1"), pcts(90, 40, 95), R21, cases=5)  # 2/5, 10 pp from 50
    assert res.computed == "Inadequate"
    assert any("sample of 5 cases" in r for r in res.discretion_reasons)
    assert any("one more 'Yes' on the child's safety (3/5) would make it Requires improvement" in r
               for r in res.discretion_reasons)
    res = R.rate_standard(R21.standard("3.1"), pcts(90, 57, 95), R21, cases=9)  # 57% is not k/9: no inference
    assert res.basis.yes is None and not res.discretion_eligible


def test_a_printed_percentage_on_a_boundary_is_flagged_as_rounded() -> None:
    res = R.rate_standard(R21.standard("2.1"), pcts(64, 59, 50), R21, "Requires improvement")
    assert res.computed == "Requires improvement" and res.margin_pp == 0.0
    assert any("rounded" in n and "50% boundary" in n for n in res.discretion_notes)
    assert not any("rounded" in n for n in R.rate_standard(R21.standard("2.1"), counts((1, 2)), R21).discretion_notes)


def test_missing_table_is_not_computed_and_bad_rows_are_ignored() -> None:
    res = R.rate_standard(R21.standard("2.4"), [], R21, "Good")
    assert res.status == "not computed" and res.computed is None and res.published == "Good"
    bad = [KeyQuestion(question="q", percent=0, yes=9, relevant=8)] + pcts(70)
    res = R.rate_standard(R21.standard("2.4"), bad, R21)
    assert res.computed == "Good" and any("ignored" in n for n in res.discretion_notes)


def test_qualitative_is_carried_as_published() -> None:
    res = R.rate_standard(R21.standard("3.4"), pcts(10), R21, "Outstanding")
    assert res.qualitative and res.status == "qualitative" and res.computed is None
    assert res.published == "Outstanding" and res.discretion_eligible is None


# ------------------------------------------------------------------------------------ whole results


WIGAN_LIKE = {  # counts and ratings as printed in the 2021 Wigan report (2018 framework)
    "2.1": counts((8, 9), (8, 9), (6, 9)),
    "2.2": counts((8, 9), (5, 8), (4, 7)),
    "2.3": counts((7, 9), (7, 8), (4, 7)),
    "2.4": counts((5, 6), (5, 7), (2, 4)),
    "3.1": counts((4, 5), (3, 5), (4, 5)),
    "3.2": counts((4, 5), (3, 5), (2, 3)),
    "3.3": counts((5, 5), (4, 5), (3, 3)),
    "3.4": counts((4, 5), (1, 1)),
}
WIGAN_PUBLISHED = {
    "1.1": "Requires improvement", "1.2": "Good", "1.3": "Requires improvement", "1.4": "Good",
    "2.1": "Good", "2.2": "Requires improvement", "2.3": "Requires improvement", "2.4": "Requires improvement",
    "3.1": "Requires improvement", "3.2": "Requires improvement", "3.3": "Outstanding", "3.4": "Outstanding",
}


def wigan_report(**changes) -> Report:
    data = dict(source="wigan-like.txt", framework="2018", standards=dict(WIGAN_PUBLISHED), score=19,
                max_score=36, overall="Good", key_questions=WIGAN_LIKE)
    data.update(changes)
    return Report(**data)


def test_wigan_like_report_agrees_everywhere() -> None:
    result = R.rate_report(wigan_report())
    assert result.framework == "2018"
    assert all(s.agrees for s in result.standards.values() if not s.qualitative)
    assert result.score.computed == result.score.published == result.score.from_published_standards == 19
    assert result.overall.computed == result.overall.published == "Good"
    assert result.findings == []
    assert result.resettlement.in_framework is False


def test_json_shape_matches_the_contract() -> None:
    data = R.rate_report(wigan_report()).model_dump(mode="json")
    assert {"source", "framework", "standards", "score", "overall", "resettlement", "findings"} <= set(data)
    s = data["standards"]["2.2"]
    for key in ("published", "computed", "agrees", "qualitative", "basis", "lowest_percent", "margin_pp",
                "discretion_eligible", "discretion_reasons"):
        assert key in s
    assert s["lowest_percent"] == 57.1 and s["computed"] == "Requires improvement"
    assert data["standards"]["1.1"]["qualitative"] is True
    assert {"published", "computed"} <= set(data["score"]) and {"published", "computed"} <= set(data["overall"])


def test_discretion_applied_and_unexplained_disagreement_findings() -> None:
    published = dict(WIGAN_PUBLISHED, **{"2.2": "Good", "2.1": "Outstanding"})
    kqs = dict(WIGAN_LIKE, **{"2.1": counts((18, 20), (6, 20), (19, 20))})
    result = R.rate_report(wigan_report(standards=published, key_questions=kqs, score=20))
    s22, s21 = result.standards["2.2"], result.standards["2.1"]
    assert s22.status == "discretion applied" and s22.agrees is False and s22.discretion_eligible
    assert s21.status == "unexplained disagreement" and s21.computed == "Inadequate" and not s21.discretion_eligible
    text = "\n".join(result.findings)
    assert "2.2 Planning (court disposals): published Good, but the key questions compute to Requires improvement" in text
    assert "Discretion applied" in text and "Unexplained disagreement" in text
    # 57.1% (4/7) is 7.9 pp below Good and one case only moves it down: eligible, but not towards Good
    assert "Note: none of the discretion triggers points from Requires improvement towards the published Good" in text
    # the score uses computed bands: 19 - 2 (2.1 Good->Inadequate) = 17, published says 20
    assert result.score.computed == 17 and result.score.from_published_standards == 21
    assert "does not equal the sum of the published standard ratings (21/36)" in text
    assert "differs from the computed 17/36" in text and "2.1 (unexplained disagreement)" in text
    assert result.overall.computed == "Requires improvement"
    assert "The published overall rating Good differs from the computed Requires improvement" in text


def test_discretion_towards_the_published_rating_has_no_caveat() -> None:
    published = dict(WIGAN_PUBLISHED, **{"2.4": "Inadequate"})  # 2/4 = 50%: on the boundary, small sample
    result = R.rate_report(wigan_report(standards=published, score=18))
    s24 = result.standards["2.4"]
    assert s24.status == "discretion applied" and s24.margin_pp == 0.0
    assert any("within 5 points of the 50% boundary (0 points)" in r for r in s24.discretion_reasons)
    assert any("sample of 4 cases" in r for r in s24.discretion_reasons)
    finding = next(f for f in result.findings if f.startswith("2.4"))
    assert "Discretion applied" in finding and "Note:" not in finding


def test_missing_key_question_table_is_a_finding_and_score_uses_published() -> None:
    kqs = {k: v for k, v in WIGAN_LIKE.items() if k != "2.3"}
    result = R.rate_report(wigan_report(key_questions=kqs))
    assert result.standards["2.3"].status == "not computed"
    assert any("2.3" in f and "cannot be computed" in f for f in result.findings)
    assert result.score.computed == 19


def all_outstanding_2021(resettlement: str | None) -> Report:
    kqs = {sid: pcts(90, 95, 100) for sid in CASE_21}
    published = {sid: "Outstanding" for sid in CASE_21 + QUAL_21}
    return Report(source="x", framework="2021", standards=published, key_questions=kqs, score=36,
                  overall="Outstanding", resettlement=resettlement)


def test_inadequate_resettlement_caps_the_overall_below_outstanding() -> None:
    result = R.rate_report(all_outstanding_2021("Inadequate"))
    assert result.score.computed == 36
    assert result.overall.computed == "Good" and result.overall.capped_by == "4.1 Inadequate"
    assert result.resettlement.limiting_applied and result.resettlement.rated
    assert any("limiting judgement does not allow" in f for f in result.findings)


@pytest.mark.parametrize("resettlement", [None, "Good", "Requires improvement"])
def test_resettlement_absent_or_not_inadequate_does_not_limit(resettlement) -> None:
    result = R.rate_report(all_outstanding_2021(resettlement))
    assert result.overall.computed == "Outstanding" and result.overall.capped_by is None
    assert result.resettlement.rated is (resettlement is not None)
    assert not result.resettlement.limiting_applied
    assert result.findings == []
    assert ("4.1" in result.standards) is (resettlement is not None)


def test_framework_is_detected_when_the_parser_leaves_it_out() -> None:
    r = wigan_report(framework=None, standard_titles={"3.4": "Joint working"})
    result = R.rate_report(r)
    assert result.framework == "2018" and "framework was not stated" in result.findings[0]


# ------------------------------------------------------------------------------------ what-if input


def test_parse_kq_spec_counts_and_percentages() -> None:
    sid, kqs = R.parse_kq_spec("2.2=5/8,4/7,8/9")
    assert sid == "2.2" and [(k.yes, k.relevant) for k in kqs] == [(5, 8), (4, 7), (8, 9)]
    sid, kqs = R.parse_kq_spec(" 3.1 = 72%, 81.5% ,66 ", "2021")
    assert sid == "3.1" and [k.percent for k in kqs] == [72, 81.5, 66] and kqs[0].yes is None


@pytest.mark.parametrize(
    ("spec", "framework", "message"),
    [
        ("2.2", None, "expected STANDARD=VALUES"),
        ("planning=5/8", None, "expected STANDARD=VALUES"),
        ("2.2=", None, "no key-question values"),
        ("2.2=5/0", None, "no relevant cases"),
        ("2.2=9/8", None, "more 'Yes' answers"),
        ("2.2=120%", None, "over 100%"),
        ("2.2=abc", None, "cannot read 'abc'"),
        ("2.2=5/8,,4/7", None, "cannot read ''"),
        ("3.4=5/8", "2021", "rated qualitatively"),
        ("1.1=5/8", "2021", "rated qualitatively"),
        ("4.2=5/8", "2021", "not a standard"),
    ],
)
def test_parse_kq_spec_rejects_bad_specs_clearly(spec, framework, message) -> None:
    with pytest.raises(ValueError, match=message):
        R.parse_kq_spec(spec, framework)


def test_a_standard_given_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="given twice"):
        R.parse_kq_specs(["2.2=5/8", "2.2=6/8"])


def test_what_if_and_explanation() -> None:
    kqs = R.parse_kq_specs(["2.2=8/9,5/8,4/7", "3.1=72%,81%,66%"], "2021")
    result = R.rate(kqs, framework="2021")
    assert set(result.standards) == {"2.2", "3.1"} and result.findings == []
    assert result.score.computed is None
    text = R.explain(result)
    assert "Planning (2.2, court disposals) comes to Requires improvement" in text
    assert "its lowest key question, on other people's safety, was 57.1% (4/7)" in text
    assert "7.9 points below the Good boundary" in text
    assert "within 5 points of the 65% boundary (1 point)" in text
    assert "2 of 12 were given" in text


def test_what_if_with_all_standards_gives_a_score_and_overall() -> None:
    kqs = {sid: pcts(70, 70, 70) for sid in CASE_21}
    ratings = {sid: "Good" for sid in QUAL_21}
    result = R.rate(kqs, ratings, "2021")
    assert result.score.computed == 24 and result.overall.computed == "Good"
    assert "score comes to 24/36, so the overall rating is Good" in R.explain(result)


# ------------------------------------------------------------------------------------ properties

percent = st.fractions(min_value=0, max_value=100)


@given(st.lists(percent, min_size=1, max_size=5), st.data())
def test_raising_any_key_question_never_lowers_the_band(values, data) -> None:
    i = data.draw(st.integers(0, len(values) - 1))
    raised = list(values)
    raised[i] = data.draw(st.fractions(min_value=values[i], max_value=100))
    rule = R21.standard("2.1")
    before = R.rate_standard(rule, pcts(*map(float, values)), R21).computed
    after = R.rate_standard(rule, pcts(*map(float, raised)), R21).computed
    assert R.rank(after) >= R.rank(before)
    # and with exact fractions directly
    assert R.rank(R.band(min(raised))) >= R.rank(R.band(min(values)))


@given(percent)
def test_band_changes_exactly_at_50_65_80(value) -> None:
    assert R.rank(R.band(value)) == sum(value >= b for b in (50, 65, 80))


@pytest.mark.parametrize("boundary", [50, 65, 80])
def test_band_steps_at_each_boundary(boundary) -> None:
    eps = Fraction(1, 10**9)
    assert R.rank(R.band(Fraction(boundary))) == R.rank(R.band(Fraction(boundary) - eps)) + 1
    assert R.band(Fraction(boundary)) == R.band(Fraction(boundary) + eps)


rating = st.sampled_from(RATINGS)


@settings(max_examples=150)
@given(
    st.dictionaries(st.sampled_from(QUAL_21), rating, min_size=len(QUAL_21)),
    st.dictionaries(st.sampled_from(CASE_21), st.lists(percent, min_size=1, max_size=3), min_size=len(CASE_21)),
    st.one_of(st.none(), rating),
)
def test_score_and_overall_are_consistent(qual, case, resettlement) -> None:
    kqs = {sid: pcts(*map(float, vals)) for sid, vals in case.items()}
    result = R.rate(kqs, qual, "2021", resettlement=resettlement)
    expected = sum(R21.points[qual[s]] for s in QUAL_21) + sum(
        R21.points[R.band(min(Fraction(repr(float(v))) for v in case[s]))] for s in CASE_21
    )
    assert result.score.computed == expected and 0 <= expected <= 36
    band = next(r for lo, r in ((31, "Outstanding"), (19, "Good"), (7, "Requires improvement"), (0, "Inadequate"))
                if expected >= lo)
    if resettlement == "Inadequate" and band == "Outstanding":
        assert result.overall.computed == "Good" and result.overall.capped_by
    else:
        assert result.overall.computed == band and result.overall.capped_by is None
    # publishing exactly what was computed gives no findings
    published = {sid: s.computed or s.published for sid, s in result.standards.items()}
    again = R.rate(kqs, published, "2021", published_score=expected, published_overall=result.overall.computed,
                   resettlement=resettlement)
    assert again.findings == []


@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_count_and_percentage_inputs_agree(pair) -> None:
    yes, relevant = pair
    rule = R21.standard("2.1")
    by_count = R.rate_standard(rule, counts((yes, relevant)), R21)
    by_percent = R.rate_standard(rule, pcts(100 * yes / relevant), R21)
    assert by_count.computed == by_percent.computed
    assert by_count.margin_pp == by_percent.margin_pp
    within = [r for r in by_count.discretion_reasons if "within" in r]
    assert within == [r for r in by_percent.discretion_reasons if "within" in r]
    sid, typed = R.parse_kq_spec(f"2.1={yes}/{relevant}")
    sid2, typed_pct = R.parse_kq_spec(f"2.1={100 * yes / relevant}%")
    assert R.rate_standard(rule, typed, R21).computed == R.rate_standard(rule, typed_pct, R21).computed == by_count.computed
