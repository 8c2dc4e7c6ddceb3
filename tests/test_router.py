"""Question routing and follow-up resolution (pure: rules + index.query understanding)."""

from __future__ import annotations

import pytest

from assistant.router import route

SERVICES = ["Kirklees", "St Helens", "Tower Hamlets and City of London", "Wigan"]


@pytest.mark.parametrize(
    "question, kind",
    [
        ("How did other YOTs fare on OOCD joint working?", "comparative"),
        ("Compare planning in Wigan and Kirklees", "comparative"),
        ("What did inspectors say about Kirklees' police relationship?", "lookup"),
        ("What was Wigan's score?", "numeric"),
        ("What rating did TH get for 2.2 planning?", "numeric"),
        ("What percentage of St Helens cases had good planning for keeping other people safe?", "numeric"),
        ("How are ratings worked out?", "methodology"),
        ("What is professional discretion in the ratings?", "methodology"),
        ("How is the overall score calculated?", "methodology"),
        ("Draft the strengths for 2.2 Planning", "drafting"),
        ("What does the Wigan report say about speech and language provision?", "lookup"),
    ],
)
def test_kinds(question, kind):
    assert route(question, SERVICES).kind == kind


def test_follow_up_with_only_a_service_carries_topic_and_kind():
    history = ["What rating did Kirklees get for 3.4 joint working?"]
    r = route("and Wigan?", SERVICES, history)
    assert r.follow_up and r.kind == "numeric"
    assert r.services == ["Wigan"] and r.standards == ["3.4"]
    r2 = route("And Wigan?", SERVICES, ["What did inspectors say about Kirklees' police relationship?"])
    assert r2.kind == "lookup" and r2.services == ["Wigan"] and "police" in r2.text


def test_follow_up_with_only_a_topic_carries_the_service():
    history = ["What did inspectors say about Kirklees' police relationship?"]
    r = route("what about planning?", SERVICES, history)
    assert r.follow_up and r.services == ["Kirklees"]
    assert "2.2" in r.standards and "planning" in r.text.lower()


def test_follow_up_chain_and_comparative_stays_comparative():
    history = ["How did other YOTs fare on OOCD joint working?"]
    r = route("what about planning?", SERVICES, history)
    assert r.kind == "comparative"
    chain = ["What was Wigan's score?", "and Kirklees?"]
    r2 = route("what about planning?", SERVICES, chain)
    assert r2.services == ["Kirklees"] and r2.kind == "numeric"


def test_a_new_full_question_is_not_a_follow_up():
    r = route("What did inspectors say about staff supervision in St Helens?", SERVICES, ["What was Wigan's score?"])
    assert not r.follow_up and r.services == ["St Helens"]
