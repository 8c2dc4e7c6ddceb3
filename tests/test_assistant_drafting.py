"""Drafting quality over the fictitious samples: enough bullets when evidence exists, every
citation verified, no bullet starting mid-thought, and an honest lead line when a service has
no bullets of its own. Plus the cue lexicons the drafts rely on (pure)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.citations import recheck
from assistant.service import Assistant
from assistant.tone import dangling, has_figure, share, tone_of
from assistant_support import build_index

_DANGLING_START = re.compile(r"^(?:This|It|These|They|However,|Such|Those|That)\b")


@pytest.fixture(scope="module")
def samples_assistant(tmp_path_factory, samples_dir) -> Assistant:
    from index.store import Index

    d = tmp_path_factory.mktemp("drafting-index") / "index"
    # README.md is not a report: the index now refuses it (no report structure), as it should
    build_index(d, sorted(p for p in samples_dir.iterdir()
                          if p.suffix in (".txt", ".pdf", ".md", ".html") and p.name != "README.md"))
    a = Assistant(Index.open(index_dir=d), mode="extractive")
    a.lib.refresh(force=True)
    return a


def _check(a: Assistant, d) -> None:
    assert all(recheck(d.citations, a.lib.lines_of)), d.citations
    for b in d.bullets:
        assert re.search(r"\[\d+\]", b), b  # every bullet cited
        assert not _DANGLING_START.match(b), b


@pytest.mark.parametrize("kind", ["strengths", "improvements"])
def test_draft_across_services_gives_a_useful_list(samples_assistant, kind):
    d = samples_assistant.draft("2.2", kind)
    assert len(d.bullets) >= 3, d.bullets
    _check(samples_assistant, d)
    assert len({c.source for c in d.citations}) >= 2  # several comparable inspections
    assert not d.unsupported


def test_strengths_are_not_weak_findings(samples_assistant):
    d = samples_assistant.draft("2.2", "strengths")
    for b in d.bullets:
        sh = share(b)
        assert sh is None or sh >= 0.65, b  # "sufficient in half of the cases" is no strength


def test_service_without_own_bullets_gets_a_plain_lead_line(samples_assistant):
    d = samples_assistant.draft("2.2", "improvements", service="Northwold")
    assert len(d.bullets) >= 3
    assert d.paragraph and "Northwold" in d.paragraph and "comparable inspections" in d.paragraph
    _check(samples_assistant, d)


def test_service_with_own_bullets_uses_them(samples_assistant):
    d = samples_assistant.draft("1.1", "strengths", service="Ashbridge")
    assert len(d.bullets) >= 3
    assert {c.source for c in d.citations} == {"ashbridge-2023.txt"}
    assert not d.paragraph
    _check(samples_assistant, d)


def test_tone_share_and_dangling_cues():
    assert tone_of("Plans were sufficient in 11 of the 14 cases.") == 1
    assert tone_of("Planning was sufficient in half of the cases.") == 0
    assert tone_of("Planning was sufficient in only four of the 10 relevant cases.") == -1
    assert tone_of("Staff did not always record contact with the family.") == -1
    assert tone_of("Work was sufficient in eight of 12 cases but was often a list of tasks.") != 1
    assert share("nine out of 11 cases") == pytest.approx(9 / 11)
    assert dangling("This meant plans were late.") and dangling("However, the board met.")
    assert not dangling("Thistle House hosted the panel.")
    assert has_figure("in 14 cases") and has_figure("two-thirds of children") and has_figure("50 per cent")
    assert not has_figure("The board met in 2021 to agree the plan.")
