"""The rating rules reproduce every published figure of the four rated corpus reports.

Also runs `yotassist rate` on them and on our two fictitious disagreement fixtures.
Expected figures below were read off the reports (ratings, scores, lowest key-question values).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from assistant.rating import rate_report
from assistant.rating_rules import get_rules

pytestmark = pytest.mark.corpus

# file stem: (framework, score, overall, resettlement, {standard: lowest key-question percent})
EXPECTED = {
    "wigan-2021": ("2018", 19, "Good", None, {
        "2.1": 66.7, "2.2": 57.1, "2.3": 57.1, "2.4": 50.0, "3.1": 60.0, "3.2": 60.0, "3.3": 80.0, "3.4": 80.0}),
    "kirklees-2021": ("2018", 8, "Requires improvement", None, {
        "2.1": 50.0, "2.2": 22.0, "2.3": 78.0, "2.4": 39.0, "3.1": 53.0, "3.2": 13.0, "3.3": 38.0, "3.4": 27.0}),
    "st-helens-2023": ("2021", 29, "Good", "Good", {
        "2.1": 100.0, "2.2": 100.0, "2.3": 83.0, "2.4": 100.0, "3.1": 100.0, "3.2": 100.0, "3.3": 100.0}),
    "tower-hamlets-and-city-of-london-2022": ("2021", 8, "Requires improvement", "Requires improvement", {
        "2.1": 75.0, "2.2": 56.0, "2.3": 63.0, "2.4": 56.0, "3.1": 56.0, "3.2": 33.0, "3.3": 44.0}),
}


@pytest.fixture(scope="module")
def reports(corpus_dir):
    from ingest import load_report

    return {stem: load_report(corpus_dir / f"{stem}.txt") for stem in EXPECTED}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_computed_equals_published_on_rated_corpus_reports(reports, stem) -> None:
    framework, score, overall, resettlement, lowest = EXPECTED[stem]
    result = rate_report(reports[stem])
    assert result.framework == framework
    rules = get_rules(framework)
    case_ids = [s.id for s in rules.standards if s.kind == "case"]
    assert sorted(lowest) == case_ids
    for sid in case_ids:
        s = result.standards[sid]
        assert s.published is not None, f"{stem} {sid}: no published rating parsed"
        assert s.computed == s.published and s.agrees is True and s.status == "agrees", (stem, sid, s)
        assert s.lowest_percent == lowest[sid], (stem, sid, s.lowest_percent)
    for s in rules.standards:
        if s.kind == "qualitative" and s.scored:
            assert result.standards[s.id].qualitative and result.standards[s.id].published is not None
    assert result.score.published == result.score.computed == result.score.from_published_standards == score
    assert result.overall.published == result.overall.computed == overall
    assert result.resettlement.published == resettlement
    assert result.resettlement.limiting_applied is False
    assert result.findings == []


def test_wigan_counts_are_used_exactly(reports) -> None:
    s = rate_report(reports["wigan-2021"]).standards
    assert (s["2.4"].basis.yes, s["2.4"].basis.relevant, s["2.4"].margin_pp) == (2, 4, 0.0)
    assert s["2.4"].discretion_eligible and any("sample of 4 cases" in r for r in s["2.4"].discretion_reasons)
    assert s["2.1"].basis.theme == "other people's safety" and s["2.1"].margin_pp == 1.7
    assert s["3.4"].basis.relevant == 5  # recommendations 4/5 is the lowest, the 1/1 police row is not


def test_percentage_reports_cannot_run_the_one_case_test(reports) -> None:
    s = rate_report(reports["kirklees-2021"]).standards["2.2"]
    assert s.basis.yes is None and s.discretion_eligible is False
    assert any("cannot be computed" in n for n in s.discretion_notes)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_rate_cli_json_on_corpus(corpus_dir, stem) -> None:
    res = CliRunner().invoke(app, ["rate", str(corpus_dir / f"{stem}.txt"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["source"] and data["framework"] == EXPECTED[stem][0]
    case = {k: v for k, v in data["standards"].items() if not v["qualitative"]}
    assert len(case) == len(EXPECTED[stem][4]) and all(v["agrees"] is True for v in case.values())
    assert data["score"]["published"] == data["score"]["computed"] == EXPECTED[stem][1]
    assert data["overall"]["published"] == data["overall"]["computed"] == EXPECTED[stem][2]
    assert data["findings"] == []


def test_rate_cli_table_on_corpus(corpus_dir) -> None:
    res = CliRunner(env={"COLUMNS": "160"}).invoke(app, ["rate", str(corpus_dir / "wigan-2021.txt")])
    assert res.exit_code == 0, res.output
    assert "19/36" in res.stdout and "No disagreements" in res.stdout and "2.4 Reviewing" in res.stdout


def test_rate_cli_refuses_the_unrated_sqs_letter(corpus_dir) -> None:
    res = CliRunner().invoke(app, ["rate", str(corpus_dir / "st-helens-2015-sqs.txt"), "--json"])
    assert res.exit_code == 2 and "no ratings table" in res.stderr


# ------------------------------------------------------------------ our fictitious fixtures


def _fixture(fixtures_dir, name: str):
    path = fixtures_dir / "rating" / name
    assert path.is_file(), f"fixture {path} is missing"
    return path


def _rate_fixture(fixtures_dir, name: str) -> dict:
    res = CliRunner().invoke(app, ["rate", str(_fixture(fixtures_dir, name)), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _expected(fixtures_dir, name: str) -> dict | None:
    """The fixture writer's own record of each departure (tests/fixtures/rating/expected.json)."""
    path = fixtures_dir / "rating" / "expected.json"
    if not path.is_file():
        return None
    return next((s for s in json.loads(path.read_text())["samples"] if s["file"] == name), None)


def _check_against_expected(data: dict, exp: dict | None) -> None:
    if exp is None:
        return
    departing = {k for k, v in data["standards"].items() if v["agrees"] is False}
    assert departing == {d["standard"] for d in exp["departures"]}
    for d in exp["departures"]:
        s = data["standards"][d["standard"]]
        assert (s["published"], s["computed"]) == (d["published"], d["computed"])
        assert s["lowest_percent"] == d["lowest_percent"] and s["discretion_eligible"] is d["discretion_eligible"]
    assert data["framework"] == exp["framework"]
    assert data["score"]["published"] == data["score"]["from_published_standards"] == exp["score"]
    assert data["score"]["computed"] == exp["computed_score"]
    assert data["overall"]["published"] == exp["overall"]
    assert data["overall"]["computed"] == exp["computed_overall"]


def test_fixture_discretion_applied(fixtures_dir) -> None:
    data = _rate_fixture(fixtures_dir, "discretion-applied.txt")
    departing = {k: v for k, v in data["standards"].items() if v["agrees"] is False}
    assert departing, "the fixture should contain a standard whose published rating departs"
    for sid, s in departing.items():
        assert s["status"] == "discretion applied" and s["discretion_eligible"] and s["discretion_reasons"]
        assert any(f.startswith(f"{sid} ") and "Discretion applied" in f for f in data["findings"])
    assert not any("Unexplained" in f for f in data["findings"])
    _check_against_expected(data, _expected(fixtures_dir, "discretion-applied.txt"))


def test_fixture_unexplained_disagreement(fixtures_dir) -> None:
    data = _rate_fixture(fixtures_dir, "unexplained-disagreement.txt")
    departing = {k: v for k, v in data["standards"].items() if v["agrees"] is False}
    assert departing, "the fixture should contain a standard whose published rating departs"
    for sid, s in departing.items():
        assert s["status"] == "unexplained disagreement"
        assert s["discretion_eligible"] is False and s["discretion_reasons"] == []
        assert any(f.startswith(f"{sid} ") and "Unexplained disagreement" in f for f in data["findings"])
    assert any(f.startswith("The published score") for f in data["findings"])
    _check_against_expected(data, _expected(fixtures_dir, "unexplained-disagreement.txt"))
