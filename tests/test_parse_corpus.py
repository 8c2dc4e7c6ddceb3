"""The parser against the five real reports (read at run time from ../shared/corpus).

Expected values were read off the reports by hand: every standard rating, score, key-question
figure, and a few section line ranges. Nothing here is report prose.
"""

from __future__ import annotations

import pytest

from ingest import load_report

pytestmark = pytest.mark.corpus

RI, G, I, O = "Requires improvement", "Good", "Inadequate", "Outstanding"


def _std(*ratings: str) -> dict[str, str]:
    ids = [f"{d}.{s}" for d in (1, 2, 3) for s in (1, 2, 3, 4)]
    return dict(zip(ids, ratings, strict=True))


EXPECTED = {
    "st-helens-2023.txt": dict(
        service="St Helens", published="2023-02", framework="2021", overall=G, score=29, max_score=36,
        resettlement=G,
        standards=_std(RI, RI, G, RI, O, O, O, O, O, O, O, O),
        kq={"2.1": [100, 100, 100], "2.2": [100, 100, 100], "2.3": [83, 100, 100], "2.4": [100, 100, 100],
            "3.1": [100, 100, 100], "3.2": [100, 100, 100], "3.3": [100, 100, 100]},
        lines={"contents": (16, 39), "ratings": (89, 128), "1.1": (168, 193), "2.1": (330, 351),
               "3.4": (493, 520), "4.1": (522, 550), "diversity": (308, 324)},
        titles={"3.4": "Out-of-court disposal policy and provision", "4.1": "Resettlement policy and provision"},
        warnings=[], n_recommendations=6,
    ),
    "tower-hamlets-and-city-of-london-2022.txt": dict(
        service="Tower Hamlets and City of London", published="2022-07", framework="2021", overall=RI, score=8,
        max_score=36, resettlement=RI,
        standards=_std(I, RI, RI, I, G, RI, RI, RI, RI, I, I, I),
        kq={"2.1": [88, 75, 81], "2.2": [88, 56, 63], "2.3": [88, 69, 63], "2.4": [94, 56, 56],
            "3.1": [78, 56, 56], "3.2": [67, 33, 56], "3.3": [56, 44, 67]},
        lines={"contents": (9, 35), "ratings": (81, 109), "2.1": (726, 758), "4.1": (1058, 1117),
               "methodology": (1119, 1156)},
        titles={"3.4": "Out-of-court disposal policy and provision"},
        # section 1.3 (lines 555-630) prints no "Our rating" line and no lone rating
        warnings=["Section 1.3 prints no rating; the ratings table says 'Requires improvement'."], n_recommendations=7,
    ),
    "wigan-2021.txt": dict(
        service="Wigan", published="2021-08", framework="2018", overall=G, score=19, max_score=36, resettlement=None,
        standards=_std(RI, G, RI, G, G, RI, RI, RI, RI, RI, O, O),
        counts={"2.1": [(9, 8), (9, 8), (9, 6)], "2.2": [(9, 8), (8, 5), (7, 4)], "2.3": [(9, 7), (8, 7), (7, 4)],
                "2.4": [(6, 5), (7, 5), (4, 2)], "3.1": [(5, 4), (5, 3), (5, 4)], "3.2": [(5, 4), (5, 3), (3, 2)],
                "3.3": [(5, 5), (5, 4), (3, 3)], "3.4": [(5, 4), (1, 1)]},
        lines={"contents": (17, 39), "ratings": (104, 122), "domain-1": (192, 216), "3.4": (812, 850),
               "methodology": (852, 925)},
        titles={"3.4": "Joint working"},
        warnings=["The methodology annex speaks of 10 standards but the ratings table rates 12.",
                  "The methodology annex describes a 0-30 scale but the score is out of 36."],
        n_recommendations=5,
    ),
    "kirklees-2021.txt": dict(
        service="Kirklees", published="2021-10", framework="2018", overall=RI, score=8, max_score=36, resettlement=None,
        standards=_std(RI, RI, RI, RI, RI, I, G, I, RI, I, I, I),
        kq={"2.1": [64, 59, 50], "2.2": [64, 32, 22], "2.3": [91, 89, 78], "2.4": [88, 50, 39],
            "3.1": [67, 67, 53], "3.2": [73, 57, 13], "3.3": [93, 57, 38], "3.4": [27, 80]},
        lines={"contents": (18, 42), "ratings": (95, 113), "domain-1": (334, 370), "3.4": (959, 995),
               "methodology": (997, 1069), "inspection-data": (1071, 1224)},
        titles={"3.4": "Joint working"},
        warnings=["The methodology annex speaks of 10 standards but the ratings table rates 12.",
                  "The methodology annex describes a 0-30 scale but the score is out of 36."],
        n_recommendations=10,
    ),
}


@pytest.fixture(scope="module")
def reports(corpus_dir):
    return {name: load_report(corpus_dir / name) for name in list(EXPECTED) + ["st-helens-2015-sqs.txt"]}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_ratings_table(reports, name):
    r, e = reports[name], EXPECTED[name]
    assert r.report_type == "inspection"
    assert r.source == name
    assert (r.service, r.published, r.framework) == (e["service"], e["published"], e["framework"])
    assert (r.overall, r.score, r.max_score, r.resettlement) == (e["overall"], e["score"], e["max_score"], e["resettlement"])
    assert r.standards == e["standards"]
    for sid, title in e["titles"].items():
        assert r.standard_titles[sid] == title
    assert r.standard_titles["2.3"] == "Implementation and delivery"
    assert r.sha256 and len(r.sha256) == 64


@pytest.mark.parametrize("name", list(EXPECTED))
def test_key_questions(reports, name):
    r, e = reports[name], EXPECTED[name]
    if "counts" in e:
        assert set(r.key_questions) == set(e["counts"])
        for sid, rows in e["counts"].items():
            got = r.key_questions[sid]
            assert [(q.relevant, q.yes) for q in got] == rows, sid
            assert [q.percent for q in got] == [round(100 * y / n, 1) for n, y in rows], sid
    else:
        assert set(r.key_questions) == set(e["kq"])
        for sid, figures in e["kq"].items():
            got = r.key_questions[sid]
            assert [q.percent for q in got] == [float(f) for f in figures], sid
            assert all(q.yes is None and q.relevant is None for q in got)
    for sid, rows in r.key_questions.items():
        for q in rows:
            assert q.question.endswith("?") and not any(c in q.question for c in "¹²³⁴⁵⁶⁷⁸⁹⁰\t")
            assert q.line and r.lines[q.line - 1].strip()  # cites the printed row


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sections(reports, name):
    r, e = reports[name], EXPECTED[name]
    ids = [s.id for s in r.sections]
    assert len(ids) == len(set(ids)), "duplicate section ids"
    std_ids = [s.id for s in r.sections if s.kind == "standard"]
    expected_std = sorted(e["standards"]) + (["4.1"] if e["resettlement"] else [])
    assert std_ids == expected_std
    for sid, (a, b) in e["lines"].items():
        s = r.section(sid)
        assert s is not None, sid
        assert (s.line_start, s.line_end) == (a, b), sid
    # reading order, no overlap
    starts = [s.line_start for s in r.sections]
    assert starts == sorted(starts)
    for s, t in zip(r.sections, r.sections[1:]):
        assert s.line_end < t.line_start
    # every standard section prints its rating, and it agrees with the table (except TH 1.3, which prints none)
    for s in r.sections:
        if s.kind == "standard":
            table = r.standards.get(s.id) or r.resettlement
            if not (name.startswith("tower") and s.id == "1.3"):
                assert s.rating_in_text == table, s.id
    assert {"foreword" if name != "wigan-2021.txt" else "introduction", "ratings", "recommendations",
            "background"} <= set(ids)
    assert "domain-2" in ids and "domain-3" in ids


@pytest.mark.parametrize("name", list(EXPECTED))
def test_warnings_and_recommendations(reports, name):
    r, e = reports[name], EXPECTED[name]
    assert r.warnings == e["warnings"]
    assert len(r.recommendations) == e["n_recommendations"]
    assert all(not x.startswith(("-", "•")) and not x[0].isdigit() for x in r.recommendations)


def test_strengths_and_improvements(reports):
    sh = reports["st-helens-2023.txt"]
    assert (len(sh.section("1.1").strengths), len(sh.section("1.1").improvements)) == (6, 6)
    assert (len(sh.section("1.3").strengths), len(sh.section("1.3").improvements)) == (13, 2)
    assert (len(sh.section("4.1").strengths), len(sh.section("4.1").improvements)) == (9, 3)
    th = reports["tower-hamlets-and-city-of-london-2022.txt"]
    assert (len(th.section("domain-1").strengths), len(th.section("domain-1").improvements)) == (4, 13)
    assert (len(th.section("4.1").strengths), len(th.section("4.1").improvements)) == (5, 8)
    for r in reports.values():
        for s in r.sections:
            for b in s.strengths + s.improvements:
                assert b and b == " ".join(b.split()) and not b.startswith(("-", "•", "*"))


def test_sqs(reports):
    r = reports["st-helens-2015-sqs.txt"]
    assert r.report_type == "sqs"
    assert r.framework is None and r.overall is None and r.score is None
    assert r.standards == {} and r.key_questions == {} and r.resettlement is None
    assert r.service == "St Helens"
    assert r.published == "2015-07-08"
    ids = [s.id for s in r.sections]
    assert {"context", "summary", "reducing-reoffending", "protecting-the-public", "key-strengths",
            "areas-requiring-improvement"} <= set(ids)
    assert not any(s.kind == "standard" for s in r.sections)
    assert len(r.section("key-strengths").strengths) == 5
    assert len(r.section("areas-requiring-improvement").improvements) == 3


def test_contents_page_is_one_section(reports):
    for name in EXPECTED:
        r = reports[name]
        contents = r.section("contents")
        assert contents is not None
        firsts = [s for s in r.sections if s.kind == "standard"]
        assert all(s.line_start > contents.line_end for s in firsts)


def _reflow(lines: list[str], width: int = 95) -> list[str]:
    """The corpus as a PDF text layer tends to print it: no blank lines, long lines wrapped,
    table cells separated by spaces instead of tabs."""
    import textwrap

    out: list[str] = []
    for line in lines:
        if line.strip():
            out.extend(textwrap.wrap(line.replace("\t", "  "), width=width, break_on_hyphens=False))
    return out


@pytest.mark.parametrize("name", list(EXPECTED))
def test_reflowed_like_a_pdf_text_layer(reports, name):
    from ingest import parse_lines

    ref = reports[name]
    r = parse_lines(_reflow(ref.lines), name)
    assert (r.overall, r.score, r.max_score, r.resettlement, r.framework) == (
        ref.overall, ref.score, ref.max_score, ref.resettlement, ref.framework)
    assert r.standards == ref.standards
    assert {k: [(q.percent, q.yes, q.relevant) for q in v] for k, v in r.key_questions.items()} == {
        k: [(q.percent, q.yes, q.relevant) for q in v] for k, v in ref.key_questions.items()}
    assert [s.id for s in r.sections if s.kind == "standard"] == [s.id for s in ref.sections if s.kind == "standard"]
    for s in r.sections:
        if s.kind == "standard":
            assert s.rating_in_text == ref.section(s.id).rating_in_text, s.id
