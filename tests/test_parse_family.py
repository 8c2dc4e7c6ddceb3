"""The parser on fictitious reports in more layouts of the family (tests/fixtures/variants/build_family.py):
PDF text-layer furniture, ratings tables without standard numbers, key-question tables without a
lead-in, other figure formats, more family headings; plus a real PDF with running headers and
footers on every page, and HTML that must parse like its text form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import load_report, parse_lines

from variant_builders import VARIANTS, load_builder


BUILD = load_builder("build_family")
TEXTS = BUILD.build(write=False)
TRUTH = BUILD.TRUTH


def _facts(r):
    return dict(type=r.report_type, service=r.service, published=r.published, framework=r.framework,
                overall=r.overall, score=r.score, max_score=r.max_score, resettlement=r.resettlement,
                standards=r.standards, kq={k: [q.percent for q in v] for k, v in r.key_questions.items()},
                questions={k: [q.question for q in v] for k, v in r.key_questions.items()},
                sections=[s.id for s in r.sections], warnings=r.warnings, recommendations=r.recommendations,
                rating_in_text={s.id: s.rating_in_text for s in r.sections if s.kind == "standard"})


def test_fixture_files_are_current():
    for name, text in TEXTS.items():
        assert (VARIANTS / name).read_text(encoding="utf-8") == text, f"re-run build_family.py ({name})"


@pytest.mark.parametrize("name", list(TRUTH))
def test_family_variant(name):
    r = load_report(VARIANTS / name)
    t = TRUTH[name]
    assert r.report_type == "inspection"
    assert (r.service, r.published, r.framework) == (t["service"], t["published"], t["framework"])
    assert (r.overall, r.score, r.max_score, r.resettlement) == (t["overall"], t["score"], t["max_score"], t["resettlement"])
    assert r.standards == t["standards"]
    assert {k: [q.percent for q in v] for k, v in r.key_questions.items()} == t["kq"]
    for sid, rows in t["counts"].items():
        assert [(q.relevant, q.yes) for q in r.key_questions[sid]] == rows, sid
    for rows in r.key_questions.values():
        for q in rows:
            assert q.question.endswith("?") and "  " not in q.question
            assert q.line and r.lines[q.line - 1].strip()
    assert [s.id for s in r.sections] == t["sections"]
    assert r.warnings == t["warnings"]
    assert r.recommendations == t["recommendations"]
    for sid, items in t["strengths"].items():
        assert r.section(sid).strengths == items
    for sid, items in t["improvements"].items():
        assert r.section(sid).improvements == items
    for s in r.sections:
        if s.kind == "standard":
            expected = None if (name == "holmbury.txt" and s.id == "1.3") else (
                t["standards"].get(s.id) or t["resettlement"])
            assert s.rating_in_text == expected, s.id
        for q in r.key_questions.get(s.id, []):
            assert s.line_start <= q.line <= s.line_end


def test_wrapped_question_with_hyphen_is_joined():
    r = load_report(VARIANTS / "holmbury.txt")
    assert r.key_questions["2.4"][0].question == BUILD.QS["2.4"][0]


def test_titles_from_a_table_without_numbers():
    r = load_report(VARIANTS / "holmbury.txt")
    assert r.standard_titles["3.1"] == "Assessment" and r.standard_titles["4.1"] == "Resettlement policy and provision"
    assert r.standard_titles["1.4"] == "Information and facilities"


def test_furniture_does_not_change_the_facts():
    clean = parse_lines(BUILD.holmbury_body(furniture=False), "holmbury-clean.txt")
    with_furniture = load_report(VARIANTS / "holmbury.txt")
    a, b = _facts(clean), _facts(with_furniture)
    assert a == b


def test_html_parses_like_text():
    text = parse_lines(BUILD.holmbury_body(furniture=False), "holmbury.txt")
    html = load_report(VARIANTS / "holmbury.html")
    assert _facts(html) == _facts(text)
    assert "var rating" not in "\n".join(html.lines)
    assert "An inspection of youth justice services in" in html.lines and "Holmbury" in html.lines  # <br> splits
    assert "- The board has a clear \ufb01nancial plan." in html.lines


def _pdf_with_furniture(path: Path, lines: list[str], per_page: int = 34) -> None:
    """A real PDF: a running header and a page-number footer drawn on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)]
    for number, chunk in enumerate(pages, start=1):
        c.setFont("Helvetica", 8)
        if number > 1:
            c.drawString(40, 810, BUILD.RUNNING)
        y = 780
        c.setFont("Helvetica", 9)
        for line in chunk:
            if line.strip():
                c.drawString(40, y, line)
            y -= 20
        c.setFont("Helvetica", 8)
        c.drawString(290, 30, str(number))
        c.showPage()
    c.save()


def test_pdf_with_running_headers_and_split_rows(tmp_path):
    lines = [x.replace("\ufb01", "fi").replace("\u2018", "'").replace("\u2019", "'").replace("\u2022", "-")
             for x in BUILD.holmbury_body(furniture=False)]
    path = tmp_path / "holmbury.pdf"
    _pdf_with_furniture(path, lines)
    r = load_report(path)
    assert r.line_pages and len(r.line_pages) == len(r.lines) and r.line_pages[-1] > 5
    assert not any(x.strip() == BUILD.RUNNING for x in r.lines)  # page furniture is dropped by the PDF loader
    expected = _facts(parse_lines(lines, "holmbury.txt"))
    got = _facts(r)
    assert got == expected
    assert got["standards"] == TRUTH["holmbury.txt"]["standards"]
    for s in r.sections:
        assert s.page_start == r.line_pages[s.line_start - 1]


# ------------------------------------------------------------------ the real reports, re-laid-out
RATED = ["st-helens-2023.txt", "tower-hamlets-and-city-of-london-2022.txt", "wigan-2021.txt", "kirklees-2021.txt"]
_RATING_CELL = re.compile(r"\t(Inadequate|Requires improvement|Good|Outstanding)\t*$")


def _furnish(lines: list[str], per_page: int) -> list[str]:
    """A page number and a running header at every page break, as a PDF text layer prints them."""
    out: list[str] = []
    for n, line in enumerate(lines):
        if n and n % per_page == 0:
            out += [str(n // per_page), "", "Inspection of youth offending services: Somewhere", ""]
        out.append(line)
    return out


def _unnumber(lines: list[str]) -> list[str]:
    """Ratings rows without standard numbers ("1.1<TAB>Title<TAB>Rating" -> "Title<TAB>Rating")."""
    out = []
    for line in lines:
        m = re.match(r"^[1-4]\.(?:[1-9])?\t(.*)$", line)
        out.append(m.group(1) if m else line)
    return out


def _split_rows(lines: list[str]) -> list[str]:
    """Each rated row as two lines: the title, then the rating."""
    out = []
    for line in lines:
        if _RATING_CELL.search(line) and not line.lower().startswith("over"):
            title, rating = line.rstrip("\t").rsplit("\t", 1)
            out += [title.replace("\t", " "), rating]
        else:
            out.append(line)
    return out


def _markdown(lines: list[str]) -> list[str]:
    return ["| " + " | ".join(c.strip() for c in x.rstrip("\t").split("\t")) + " |" if "\t" in x and len(x) < 200 else x
            for x in lines]


def _reflow(lines: list[str], width: int = 95) -> list[str]:
    import textwrap

    out: list[str] = []
    for line in lines:
        if line.strip():
            out.extend(textwrap.wrap(line.replace("\t", "  "), width=width, break_on_hyphens=False))
    return out


LAYOUTS = {
    "furniture": lambda x: _furnish(x, 45),
    "unnumbered": _unnumber,
    "split-rows": lambda x: _split_rows(_unnumber(x)),
    "markdown-unnumbered": lambda x: _markdown(_unnumber(x)),
    "reflowed+furniture": lambda x: _furnish(_reflow(x), 52),
    "reflowed+unnumbered+furniture": lambda x: _furnish(_reflow(_unnumber(x)), 37),
    "split-rows+furniture": lambda x: _furnish(_split_rows(_unnumber(x)), 41),
}


def _core(r):
    return dict(overall=r.overall, score=r.score, max_score=r.max_score, resettlement=r.resettlement,
                framework=r.framework, standards=r.standards,
                kq={k: [(q.percent, q.yes, q.relevant) for q in v] for k, v in r.key_questions.items()},
                std_sections=[s.id for s in r.sections if s.kind == "standard"],
                rating_in_text={s.id: s.rating_in_text for s in r.sections if s.kind == "standard"},
                warnings=r.warnings)


@pytest.mark.corpus
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", RATED)
def test_corpus_in_other_layouts(corpus_dir, name, layout):
    ref = load_report(corpus_dir / name)
    lines = LAYOUTS[layout](ref.lines)
    r = parse_lines(lines, name)
    assert _core(r) == _core(ref)
    assert len(r.lines) == len(lines)
    for rows in r.key_questions.values():
        for q in rows:
            assert lines[q.line - 1].strip()


# ------------------------------------------------------------------ cover and table variants
_PROSE = "Some invented text follows the cover, long enough to read as a sentence of the report."


@pytest.mark.parametrize("cover,title,service,published", [
    (["An inspection of youth justice services in Bradwell", "", "Published: 14 March 2023"],
     "An inspection of youth justice services in Bradwell", "Bradwell", "2023-03-14"),
    (["An inspection of Bradwell Youth Justice Service", "", "March 2023"],
     "An inspection of Bradwell Youth Justice Service", "Bradwell", "2023-03"),
    (["Joint inspection of youth offending services in North Eastham", "", "HM Inspectorate of Probation, 3 May 2019"],
     "Joint inspection of youth offending services in North Eastham", "North Eastham", "2019-05-03"),
    (["Inspection of youth offending services: Wexley", "", "Published 2 June 2021"],
     "Inspection of youth offending services: Wexley", "Wexley", "2021-06-02"),
    (["Inspection of youth justice services", "in Dorrington", "Published: June 2023"],
     "Inspection of youth justice services in Dorrington", "Dorrington", "2023-06"),
    (["An inspection of Selby Vale Youth Offending Service", "", "Publication date: 2023-03-14"],
     "An inspection of Selby Vale Youth Offending Service", "Selby Vale", "2023-03-14"),
])
def test_cover_variants(cover, title, service, published):
    r = parse_lines(cover + ["", _PROSE], "x.txt")
    assert (r.title, r.service, r.published) == (title, service, published)


_TITLES = dict(BUILD.TITLES, **{"3.4": "Joint working"})


@pytest.mark.parametrize("overall_lines,score_lines", [
    (["Overall rating Good"], ["Score: 23/36"]),
    (["Overall: Good"], ["Score", "23 out of 36"]),
    (["Overall rating:", "Good"], ["Total score 23 out of 36"]),
    (["OVERALL RATING: GOOD"], ["Score 23/36"]),
])
def test_ratings_table_variants(overall_lines, score_lines):
    printed = ["Good", "requires improvement", "Requires Improvement", "Good", "Outstanding", "Inadequate2",
               "Good", "GOOD", "Outstanding", "Good", "Outstanding", "Good"]
    lines = ["Ratings", ""] + overall_lines + score_lines
    lines += [f"{k} {t}   {x}" for (k, t), x in zip(_TITLES.items(), printed)]
    lines += ["", "Recommendations", "", _PROSE]
    r = parse_lines(lines, "x.txt")
    assert (r.overall, r.score, r.max_score) == ("Good", 23, 36)
    assert list(r.standards.values()) == ["Good", "Requires improvement", "Requires improvement", "Good", "Outstanding",
                                          "Inadequate", "Good", "Good", "Outstanding", "Good", "Outstanding", "Good"]
    assert not any("score" in w.lower() or "overall" in w.lower() for w in r.warnings)


@pytest.mark.parametrize("row,percent,counts", [
    ("Does planning keep the child safe? 78 %", 78.0, None),
    ("Does planning keep the child safe?\t78.0%", 78.0, None),
    ("Does planning keep the child safe? 78 per cent", 78.0, None),
    ("Does planning keep the child safe? 7 of 9", 77.8, (7, 9)),
    ("Does planning keep the child safe?\t7/9", 77.8, (7, 9)),
])
def test_figure_formats_without_header(row, percent, counts):
    lines = ["2.2. Planning", "", _PROSE, "", "Does planning support desistance? 90%", row, "", _PROSE]
    r = parse_lines(lines, "x.txt")
    got = r.key_questions["2.2"]
    assert [q.percent for q in got] == [90.0, percent]
    if counts:
        assert (got[1].yes, got[1].relevant) == counts


def test_a_stray_question_with_a_number_is_not_a_table():
    lines = ["1.3. Partnerships and services", "", _PROSE, "", "Does the board know? 80%", "Is data used? 70%", "",
             "2.2. Planning", "", _PROSE, "", "Is the plan reviewed when things change? 15", "", _PROSE]
    r = parse_lines(lines, "x.txt")
    assert r.key_questions == {}  # one row is not a table; 1.3 is not case-based
