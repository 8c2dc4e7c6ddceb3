"""Routing by example questions (assistant/data/route_examples.toml) with the real query embedder
(ONNX int8, the index's default), combined with the router's explicit rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.route_examples import EXAMPLES_FILE, load_examples, vote
from assistant.router import route
from yotassist.settings import EmbeddingSettings, Settings

SERVICES = ["Brackenmoor", "Ashbridge", "Kelderton and Marsh Vale"]


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    from index.embedder import CachedEmbedder

    return CachedEmbedder(EmbeddingSettings(backend="onnx-int8"), tmp_path_factory.mktemp("route-emb") / "cache.sqlite")


def test_every_kind_has_examples():
    ex = load_examples()
    assert set(ex) == {"lookup", "numeric", "comparative", "methodology", "drafting", "whatif"}
    assert all(len(v) >= 5 for v in ex.values())


def test_a_malformed_examples_file_is_refused(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text('[lookup]\nexamples = "not a list"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[lookup\] needs a non-empty list"):
        load_examples(bad)


@pytest.mark.parametrize("question", [
    "How did children score the Brackenmoor service in the feedback survey?",
    "What scores did parents give Ashbridge in the questionnaire?",
])
def test_survey_scores_are_not_routed_to_the_ratings_table(embedder, question):
    # The cue word "score" alone sends these to the ratings table ...
    assert route(question, SERVICES).kind == "numeric"
    # ... the nearest examples are lookups about surveys, and the vote is confident enough to overrule.
    r = route(question, SERVICES, embedder=embedder)
    assert r.kind == "lookup", r.vote


@pytest.mark.parametrize("question, kind", [
    ("What score did Ashbridge get out of 36?", "numeric"),
    ("What rating did Brackenmoor get for 2.2 planning?", "numeric"),
    ("How did the other services do on court reviewing?", "comparative"),
    ("How are the standards rated?", "methodology"),
    ("Draft the strengths for 3.1 assessment", "drafting"),
    ("If 2.3 came out 5 of 7, 6 of 9 and 8 of 8, what would it be rated?", "whatif"),
    ("Would 27/36 have been Outstanding?", "whatif"),
    ("What does the Brackenmoor report say about its volunteers?", "lookup"),
])
def test_kinds_with_the_vote(embedder, question, kind):
    assert route(question, SERVICES, embedder=embedder).kind == kind


def test_vote_picks_the_nearest_kind(embedder):
    v = vote("How is each standard's rating decided from the case results?", embedder)
    assert v is not None and v.kind == "methodology" and v.margin > 0, v
    # typed figures are near the what-if examples, the rule question near methodology: the rules
    # (not the vote) tell them apart when the two are close
    assert route("What percentage do you need on a key question to be rated Good?", SERVICES,
                 embedder=embedder).kind == "methodology"
    v2 = vote("What did the young people say in the survey about their case workers?", embedder)
    assert v2.kind == "lookup"


def test_an_unconfident_vote_leaves_the_rules_in_charge(embedder):
    strict = Settings(route_min_score=0.99)
    q = "How did children score the Brackenmoor service in the feedback survey?"
    assert route(q, SERVICES, embedder=embedder, settings=strict).kind == "numeric"
    # a question nothing claims is a lookup
    assert route("Brackenmoor volunteers mentoring", SERVICES, embedder=embedder, settings=strict).kind == "lookup"


def test_the_example_file_is_packaged():
    assert EXAMPLES_FILE.is_file() and EXAMPLES_FILE.parent.name == "data"
    assert Path(EXAMPLES_FILE).suffix == ".toml"
