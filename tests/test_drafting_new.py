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


def _only_comparisons_name_others(paragraph: str, own: str = "Wigan", citations=(), own_source: str = "") -> list[str]:
    """Every sentence naming another service, or citing another service's report, is framed as a
    comparison (at most one); the framed sentences are returned."""
    from assistant.text import split_sentences

    foreign = {c.n for c in citations if c.source != own_source}
    framed = []
    for s in split_sentences(paragraph):
        names = [svc for svc in ("Kirklees", "St Helens", "Tower Hamlets", "Wigan") if svc in s and svc != own]
        cites = {int(n) for n in re.findall(r"\[(\d+)\]", s)}
        if names or cites & foreign or (cites and not citations):
            assert s.startswith("A comparable inspection found the same ("), s
            framed.append(s)
    assert len(framed) <= 1, framed
    return framed


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
    _only_comparisons_name_others(p, citations=d.citations)
    assert "(your figures)" not in p
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


def test_a_comparison_sentence_names_a_same_band_inspection_and_cites_it(a):
    """Outstanding figures for 2.2: St Helens (2021 framework, Outstanding for 2.2) found the same
    about desistance; the paragraph says so once, framed as a comparison, quoted and cited."""
    d = a.draft("2.2", "findings", "Wigan", NOTES, "2.2=20/22,19/21,18/20", framework="2021")
    assert d.computed_rating == "Outstanding"
    framed = _only_comparisons_name_others(d.paragraph, citations=d.citations)
    assert len(framed) == 1 and "(St Helens, 2023)" in framed[0], d.paragraph
    n = int(re.search(r"\[(\d+)\]", framed[0]).group(1))
    c = next(c for c in d.citations if c.n == n)
    assert c.source == "st-helens-2023.txt" and c.section == "2.2"
    assert all(recheck(d.citations, a.lib.lines_of))
    clause = _plain(framed[0].split("): ", 1)[1])
    line = " ".join(a.lib.lines_of(c.source)[c.line_start - 1 : c.line_end])
    assert comparable(clause).rstrip(".") in comparable(line)  # the other report's words, unaltered
    # it sits beside the key question it is about (desistance), before the next one's figures
    assert d.paragraph.index("(20 of 22") < d.paragraph.index(framed[0]) < d.paragraph.index("(19 of 21")


OWN_NOTES = ("- Plans rarely said how the child would be helped to stop offending.\n"
             "- Plans did not cover the child's exposure to exploitation.\n"
             "- Plans did not set out how potential victims would be protected if the risk of harm rose.\n")


def test_indexed_service_findings_place_every_note_with_its_key_question(a):
    """The old path (an indexed service, no --kq): the paragraph is the service's own report,
    one passage per key question, each note marked "(your notes)" with the key question it is
    about; another service only in a comparison sentence."""
    from assistant.draft_own import group_findings
    from assistant.drafting import read_notes

    d = a.draft("2.2", "findings", "Kirklees", OWN_NOTES)
    p = d.paragraph
    assert p.startswith("Kirklees was rated Inadequate for 2.2 Planning [1].")
    for note in read_notes(OWN_NOTES):
        assert f"{note[:-1]} (your notes)." in p, note
    _only_comparisons_name_others(p, "Kirklees", d.citations, "kirklees-2021.txt")
    assert all(recheck(d.citations, a.lib.lines_of))
    own = [c for c in d.citations if c.source == "kirklees-2021.txt"]
    assert len(own) >= 4 and all(c.section == "2.2" for c in own[1:])
    target = a.lib.main_report("Kirklees")
    groups = group_findings(a.lib, target, "2.2", read_notes(OWN_NOTES))
    assert [g.anchor for g in groups] == [k.question for k in target.key_questions["2.2"]]
    notes = read_notes(OWN_NOTES)
    for j, (note, theme) in enumerate(zip(notes, ("desistance", "child safe", "other people"))):
        assert note in groups[j].notes and theme in groups[j].anchor.lower(), (j, groups[j])
    # in the paragraph, each note follows its key question's own sentences, before the next one's
    for j in range(len(groups) - 1):
        nxt = groups[j + 1].sentences[0].text if groups[j + 1].sentences else notes[j + 1]
        assert p.index(notes[j][:-1]) < p.index(nxt[:40]), (j, p)
