"""Query understanding rules (pure functions, no model, no index)."""

from __future__ import annotations

import pytest

from index.query import (
    expand_abbreviations,
    find_services,
    find_standards,
    is_comparative,
    service_aliases,
    topic_text,
    understand,
)

SERVICES = ["Kirklees", "Wigan", "St Helens", "Tower Hamlets and City of London", "Kelderton and Marsh Vale"]


def test_abbreviations_are_expanded_and_kept() -> None:
    text, found = expand_abbreviations("oocd jdm panel")
    assert text.startswith("oocd jdm panel")
    assert "out-of-court disposal" in text and "joint decision-making" in text
    assert set(found) == {"oocd", "jdm"}


@pytest.mark.parametrize("query, expected", [
    ("YCC outcomes", "youth conditional caution"),
    ("RoSH planning", "risk of serious harm"),
    ("ETE provision", "education, training and employment"),
    ("CLA over-representation", "looked-after"),
    ("S&W reviews", "safety and wellbeing"),
])
def test_field_abbreviations(query: str, expected: str) -> None:
    assert expected in expand_abbreviations(query)[0]


def test_ambiguous_abbreviation_only_in_capitals() -> None:
    assert "special educational needs" in expand_abbreviations("support for SEND children")[0]
    assert expand_abbreviations("did they send the report")[1] == {}


def test_service_short_forms() -> None:
    aliases = service_aliases(SERVICES)
    assert aliases["th"] == "Tower Hamlets and City of London"
    assert aliases["tower hamlets"] == "Tower Hamlets and City of London"
    assert aliases["kirklees"] == "Kirklees"
    assert find_services("TH planning", SERVICES) == ["Tower Hamlets and City of London"]
    assert find_services("kirklees resettlement", SERVICES) == ["Kirklees"]
    assert find_services("what did st helens say", SERVICES) == ["St Helens"]
    assert find_services("Kelderton JDM panel", SERVICES) == ["Kelderton and Marsh Vale"]


def test_short_initials_need_capitals() -> None:
    # "th" inside ordinary lower-case text is not Tower Hamlets
    assert find_services("the planning with th e child", SERVICES) == []


@pytest.mark.parametrize("query, expected", [
    ("3.4", ["3.4"]),
    ("standard 2.2 in kirklees", ["2.2"]),
    ("joint working with police", ["3.4"]),
    ("oocd jdm panel", ["3.4"]),
    ("resettlement", ["4.1"]),
    ("planning", ["2.2", "3.2"]),
    ("out-of-court planning", ["3.2"]),
    ("post-court planning", ["2.2"]),
    ("governance and leadership", ["1.1"]),
])
def test_standards_by_name_or_number(query: str, expected: list[str]) -> None:
    assert find_standards(query) == expected


def test_percentages_are_not_standard_numbers() -> None:
    assert find_standards("rose by 3.4% last year") == []


@pytest.mark.parametrize("query, comparative", [
    ("how did other YOTs fare on OOCD joint working?", True),
    ("compare planning across services", True),
    ("which services had weak contingency planning?", True),
    ("Kirklees and Wigan on reviewing", True),
    ("TH planning", False),
    ("kirklees 3.4", False),
])
def test_comparative_questions(query: str, comparative: bool) -> None:
    assert understand(query, SERVICES).is_comparative is comparative


def test_plan_for_a_named_service_drops_the_name_from_the_search_text() -> None:
    plan = understand("TH planning", SERVICES)
    assert plan.services == ["Tower Hamlets and City of London"]
    assert plan.standards == ["2.2", "3.2"]
    assert "TH" not in plan.text and "planning" in plan.text


def test_plan_spells_out_standard_numbers() -> None:
    plan = understand("kirklees 3.4", SERVICES)
    assert plan.explicit_standards == ["3.4"]
    assert "joint working" in plan.text


def test_comparison_filler_is_removed() -> None:
    assert topic_text("how did other YOTs fare on OOCD joint working?") == "on OOCD joint working"
    plan = understand("how did other YOTs fare on OOCD joint working?", SERVICES)
    assert plan.is_comparative and plan.standards == ["3.4"]
    assert "other YOTs" not in plan.text and "out-of-court disposal" in plan.text


def test_two_services_named_is_comparative() -> None:
    assert is_comparative("Wigan versus Kirklees", ["Wigan", "Kirklees"])
    plan = understand("Wigan and Kirklees OOCD planning", SERVICES)
    assert plan.is_comparative and set(plan.services) == {"Wigan", "Kirklees"}
    assert plan.standards == ["3.2"]


def test_numbers_typed_win_over_names() -> None:
    assert find_standards("draft 2.2 Planning") == ["2.2"]


def test_police_in_an_out_of_court_question_is_joint_working() -> None:
    assert find_standards("working with the police on out-of-court disposals") == ["3.4"]
    assert "3.4" not in find_standards("police attendance at post-court reviews")


def test_plurals_name_standards() -> None:
    assert find_standards("oocd assessments") == ["3.1"]


@pytest.mark.parametrize("query", [
    "draft the strengths for 2.2 Planning",
    "how did services involve children in shaping the service?",
    "examples of good practice in resettlement",
])
def test_drafting_and_general_questions_want_several_reports(query: str) -> None:
    assert understand(query, SERVICES).is_comparative


def test_areas_for_improvement_is_not_comparison_filler() -> None:
    assert "areas for improvement" in understand("write the areas for improvement for staff", SERVICES).text


def test_other_sections_by_name() -> None:
    from index.query import find_sections

    assert find_sections("what recommendations were made to the board?") == ["recommendations"]
    assert find_sections("Kirklees overall score out of 36") == ["ratings"]
    assert "methodology" in find_sections("what margin of error applies to the sample?")
    assert understand("recommendations for Wigan", SERVICES).sections == ["recommendations"]


def test_resettlement_policy_and_provision_is_4_1_not_3_4() -> None:
    assert find_standards("draft strengths for resettlement policy and provision") == ["4.1"]
    assert find_standards("out-of-court disposal policy and provision") == ["3.4"]


def test_fte_next_to_staffing_is_full_time_equivalent() -> None:
    assert "full-time equivalent" in expand_abbreviations("kirklees staff headcount FTE")[0]
    assert "first-time entrants" in expand_abbreviations("kirklees FTE rate")[0]
