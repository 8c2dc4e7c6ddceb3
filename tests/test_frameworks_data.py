"""The rating rules are one data file read by both the rating module and the parser's checks."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from assistant.rating_rules import RULES, _build
from ingest import figure_checks
from yotassist.frameworks import RULES_FILE, load_frameworks


def test_parser_checks_and_rating_module_read_the_same_table():
    for name, rules in RULES.items():
        case = {s.id: len(s.themes) for s in rules.standards if s.kind == "case"}
        assert figure_checks.EXPECTED_KQS[name] == case
    assert [(Fraction(b), r) for b, r in figure_checks.BAND_FLOORS] == list(RULES["2021"].bands)
    assert figure_checks.DISCRETION_MARGIN == float(RULES["2021"].discretion.within_pp)
    assert figure_checks.SMALL_SAMPLE == RULES["2021"].discretion.small_sample


def test_inherited_framework_replaces_and_adds_standards():
    rules = RULES["2021"]
    assert rules.standard("3.4").kind == "qualitative" and RULES["2018"].standard("3.4").kind == "case"
    assert rules.standard("4.1").scored is False and rules.max_score == 36
    assert [s.id for s in rules.standards][:4] == ["1.1", "1.2", "1.3", "1.4"]


def test_a_new_framework_is_only_data(tmp_path: Path):
    text = RULES_FILE.read_text(encoding="utf-8") + (
        '\n[frameworks.2030]\ninherit = "2021"\nreplace = ["4.1"]\nbands = [[75, "Outstanding"], '
        '[60, "Good"], [45, "Requires improvement"], [0, "Inadequate"]]\n')
    path = tmp_path / "frameworks.toml"
    path.write_text(text, encoding="utf-8")
    spec = load_frameworks(path)["2030"]
    rules = _build("2030", spec)
    assert rules.boundaries == (Fraction(45), Fraction(60), Fraction(75))
    assert rules.standard("4.1") is None and rules.standard("3.4").kind == "qualitative"
