"""Drafting for a new inspection over the real corpus with Wigan held out (not indexed): findings
from its own figures (one passage per key question, quantifier words, rating once), notes marked
and placed, no other service inside the paragraph; lists of the right polarity and standard,
quoted unaltered, no dangling or near-duplicate bullet, every citation re-verified."""

from __future__ import annotations

import re

import pytest

from assistant.citations import recheck
from assistant.draft_findings import quantifier
from assistant.service import Assistant
from assistant.text import comparable, jaccard, content_terms
from assistant.tone import dangling
from assistant_support import build_index

OTHERS = ["kirklees-2021.txt", "st-helens-2023.txt", "tower-hamlets-and-city-of-london-2022.txt"]
NOTES = ("- Case managers knew the children well and built the work around their interests.\n"
         "- Contingency arrangements were not recorded when the risks to other people changed.\n")
KQ = "2.2=8/9,5/8,4/7"


@pytest.fixture(scope="module")
def a(tmp_path_factory, corpus_dir) -> Assistant:
    from index.store import Index

    d = tmp_path_factory.mktemp("new-inspection") / "index"
    build_index(d, [corpus_dir / n for n in OTHERS])
    yield Assistant(Index.open(index_dir=d), mode="extractive")
    import embed_cache

    embed_cache.merge(d)


def _plain(t: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", t)


def test_quantifier_words_follow_the_data_file():
    assert [quantifier(p) for p in (100, 95, 80, 70, 60, 52, 50, 30, 10, 0)] == [
        "all", "nearly all", "a large majority", "a reasonable majority", "a small majority", "just over half",
        "half", "a minority", "a small number", "none"]


def test_findings_from_figures_speak_of_this_service_only(a):
    d = a.draft("2.2", "findings", "Wigan", NOTES, KQ, framework="2018")
    p = d.paragraph
    assert d.computed_rating == "Requires improvement" and d.framework == "2018"
    assert "In a large majority of the inspected cases (8 of 9, 88.9%), planning focused sufficiently on " \
           "supporting the child's desistance." in p
    assert "(5 of 8, 62.5%)" in p and "(4 of 7, 57.1%)" in p
    assert p.count("Our rating for planning is") == 1 and p.count("discretion") == 1
    # notes marked as the inspector's, each after the key question it is about
    assert p.index("(8 of 9") < p.index("built the work around their interests (inspector's note)") < p.index("(5 of 8")
    assert p.index("(4 of 7") < p.index("risks to other people changed (inspector's note)")
    for svc in ("Kirklees", "St Helens", "Tower Hamlets"):
        assert svc not in p
    assert not re.search(r"\[\d+\]", p) and "(your figures)" not in p
    # beside it: comparable inspections' wording, every line cited and verified
    assert d.comparable and all(re.search(r"\[\d+\]", c) for c in d.comparable)
    assert all(recheck(d.citations, a.lib.lines_of)) and all(c.section == "2.2" for c in d.citations)


@pytest.mark.parametrize("kind,note", [("strengths", "built the work around their interests"),
                                       ("improvements", "risks to other people changed")])
def test_lists_have_the_right_polarity_and_standard(a, kind, note):
    d = a.draft("2.2", kind, "Wigan", NOTES, KQ, framework="2018")
    assert len(d.bullets) >= 4, d.bullets
    assert note in d.bullets[0] and "(inspector's note)" in d.bullets[0]
    other = "risks to other people changed" if kind == "strengths" else "built the work around their interests"
    assert not any(other in b for b in d.bullets)
    figures = [b for b in d.bullets if "of the inspected cases" in b]
    assert figures == ([b for b in figures if "8 of 9" in b] if kind == "strengths" else
                       [b for b in figures if "8 of 9" not in b])
    assert all(c.section == "2.2" for c in d.citations)
    assert all(recheck(d.citations, a.lib.lines_of))
    lines = {c.n: " ".join(a.lib.lines_of(c.source)[c.line_start - 1 : c.line_end]) for c in d.citations}
    for b in d.bullets:
        assert not dangling(b), b
        for n in re.findall(r"\[(\d+)\]", b):
            assert comparable(_plain(b)).rstrip(".") in comparable(lines[int(n)]), b  # quoted unaltered
    # no near-duplicates among borrowed bullets, nor of a borrowed bullet with the inspector's lines
    terms = [(set(content_terms(_plain(b))), "[" in b) for b in d.bullets]
    assert all(jaccard(x, y) <= 0.45 for i, (x, cx) in enumerate(terms) for y, cy in terms[i + 1:] if cx or cy)


def test_new_inspection_input_errors(a):
    with pytest.raises(ValueError, match="different standard"):
        a.draft("2.2", "findings", "Wigan", None, "2.3=1/2", framework="2018")
    with pytest.raises(ValueError, match="unknown framework"):
        a.draft("2.2", "findings", "Wigan", None, KQ, framework="2030")
    with pytest.raises(ValueError, match="qualitatively"):
        a.draft("3.4", "findings", "Wigan", None, "3.4=1/2", framework="2021")


@pytest.mark.parametrize("kind", ["strengths", "improvements"])
def test_left_out_says_what_was_dropped_and_why(a, kind):
    """The draft returns what it considered and dropped (a comparable inspection's sentence of the
    other polarity, another standard's, a near-duplicate): each is published where it says, none is
    in the list, and each reason is in words."""
    from assistant.draft_left_out import MAX_LEFT_OUT

    d = a.draft("2.2", kind, "Wigan", NOTES, KQ, framework="2018")
    assert d.left_out, "a list over three comparable reports drops something"
    assert len(d.left_out) <= MAX_LEFT_OUT
    kept = {comparable(_plain(b)) for b in d.bullets}
    for x in d.left_out:
        assert x.why and x.reason in ("opposite_polarity", "neutral", "off_standard", "share", "dangling",
                                      "near_duplicate", "unsupported")
        assert comparable(x.text) not in kept
        if x.source:  # published where it says
            assert comparable(x.text)[:60] in comparable(" ".join(a.lib.lines_of(x.source)[x.line - 1 : x.line + 2]))
    other = "area for improvement" if kind == "strengths" else "strength"
    flips = [x for x in d.left_out if x.reason == "opposite_polarity"]
    assert all(other in x.why for x in flips)
