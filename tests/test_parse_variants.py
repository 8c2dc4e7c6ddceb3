"""The parser on fictitious reports in other layouts of the same family (tests/fixtures/variants).

Each file was written by build_variants.py from the facts in its TRUTH table; the test checks
the parser recovers exactly those facts. A PDF is built at test time (reportlab) to check the
page of every line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import load_bytes, load_report, parse_lines

from variant_builders import VARIANTS, load_builder


BUILD = load_builder("build_variants")
TEXTS = BUILD.build(write=False)
TRUTH = BUILD.TRUTH
RATED = [n for n in TRUTH]


def test_fixture_files_are_current():
    for name, text in TEXTS.items():
        assert (VARIANTS / name).read_text(encoding="utf-8") == text, f"re-run build_variants.py ({name})"


@pytest.mark.parametrize("name", RATED)
def test_variant(name):
    r = load_report(VARIANTS / name)
    t = TRUTH[name]
    assert r.report_type == "inspection"
    assert (r.service, r.published, r.framework) == (t["service"], t["published"], t["framework"])
    assert (r.overall, r.score, r.max_score, r.resettlement) == (t["overall"], t["score"], t["max_score"], t["resettlement"])
    assert r.standards == t["standards"]
    assert {k: [q.percent for q in v] for k, v in r.key_questions.items()} == {
        k: [float(x) for x in v] for k, v in t["kq"].items()}
    for sid, rows in t.get("counts", {}).items():
        assert [(q.relevant, q.yes) for q in r.key_questions[sid]] == rows
    assert r.warnings == t["warnings"]
    assert r.recommendations == t["recommendations"]
    for sid, items in t["strengths"].items():
        assert r.section(sid).strengths == items
    for sid, items in t["improvements"].items():
        assert r.section(sid).improvements == items
    std_sections = [s.id for s in r.sections if s.kind == "standard"]
    assert std_sections == sorted(t["standards"]) + (["4.1"] if t["resettlement"] else [])
    ids = [s.id for s in r.sections]
    assert len(ids) == len(set(ids))
    for s in r.sections:
        if s.kind == "standard" and name != "marlow-heath.txt":
            assert s.rating_in_text == (t["standards"].get(s.id) or t["resettlement"]), s.id
        for q in r.key_questions.get(s.id, []):
            assert s.line_start <= q.line <= s.line_end


def test_contents_without_page_numbers_is_not_standards():
    r = load_report(VARIANTS / "easterby.txt")
    contents = r.section("contents")
    assert contents and contents.line_start == 9
    assert r.section("1.1").line_start > contents.line_end
    assert r.section("foreword").line_start > contents.line_end


def test_annex_prompt_tables_are_not_key_questions():
    r = load_report(VARIANTS / "easterby.txt")
    annex = r.section("inspection-data")
    assert annex and annex.kind == "annex"
    for rows in r.key_questions.values():
        assert all(q.line < annex.line_start for q in rows)
        assert not any("prompt question" in q.question for q in rows)
    assert len(r.key_questions["3.4"]) == 2


def test_duplicate_resettlement_heading_is_one_section():
    r = load_report(VARIANTS / "riverside.md")
    s41 = [s for s in r.sections if s.id == "4.1"]
    assert len(s41) == 1
    assert r.lines[s41[0].line_start - 1] == "### 4.1. Resettlement"
    assert s41[0].title == "Resettlement policy and provision"


def test_html_lines_are_readable():
    r = load_report(VARIANTS / "kestrel-bay.html")
    assert not any("<" in line and ">" in line for line in r.lines)
    assert "var x" not in "\n".join(r.lines)  # scripts dropped
    assert any(line.startswith("1.1\tGovernance and leadership\t") for line in r.lines)  # table row as cells
    assert "- Managers are visible and approachable." in r.lines


def test_unrelated_document_is_unknown_with_warning():
    r = load_report(VARIANTS / "unrelated.txt")
    assert r.report_type == "unknown"
    assert r.standards == {} and r.overall is None
    assert r.warnings and "does not look like" in r.warnings[0]


def test_shared_footnote_marker_and_bold_figures():
    r = load_report(VARIANTS / "northvale.txt")
    q = r.key_questions["2.1"][0]
    assert q.question == "Does assessment sufficiently analyse how to support the child's desistance?"
    assert q.percent == 82.0


def _pdf(text: str, path: Path, lines_per_page: int = 45) -> list[int]:
    """Write text as a PDF, one drawn line per text line; returns the expected page of each non-blank line."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    pages: list[int] = []
    page, y = 1, 800
    for n, line in enumerate(text.split("\n")):
        if n and n % lines_per_page == 0:
            c.showPage()
            page, y = page + 1, 800
        if line.strip():
            c.setFont("Helvetica", 7)
            c.drawString(20, y, line.replace("\t", "    ")[:200])
            pages.append(page)
        y -= 17
    c.save()
    return pages


def test_pdf_pages_and_parse(tmp_path):
    text = TEXTS["northvale.txt"]
    path = tmp_path / "northvale.pdf"
    expected_pages = _pdf(text, path)
    r = load_report(path)
    assert r.line_pages is not None and len(r.line_pages) == len(r.lines)
    nonblank_pages = [p for line, p in zip(r.lines, r.line_pages) if line.strip()]
    assert nonblank_pages == expected_pages
    t = TRUTH["northvale.txt"]
    assert r.report_type == "inspection"
    assert (r.overall, r.score, r.resettlement) == (t["overall"], t["score"], t["resettlement"])
    assert r.standards == t["standards"]
    assert {k: [q.percent for q in v] for k, v in r.key_questions.items()} == {
        k: [float(x) for x in v] for k, v in t["kq"].items()}
    for s in r.sections:
        assert s.page_start == r.line_pages[s.line_start - 1]
        assert s.page_end == r.line_pages[s.line_end - 1]
    assert r.section("4.1").page_start > r.section("1.1").page_start


def test_parse_lines_and_load_bytes_agree():
    text = TEXTS["easterby.txt"]
    a = parse_lines(text.split("\n")[:-1], "easterby.txt")
    b = load_bytes(text.encode("utf-8"), "easterby.txt")
    assert a.model_dump() == {**b.model_dump(), "sha256": None}
    assert a.lines == b.lines


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
def test_encodings(encoding):
    text = TEXTS["northvale.txt"].replace("Northvale", "Northvalé")
    if encoding == "latin-1":
        text = text.replace("•", "-")  # no bullet glyph in Latin-1
    data = text.encode(encoding)  # "utf-16" writes a BOM, "utf-16-le" does not
    r = load_bytes(data, "n.txt")
    assert r.service == "Northvalé"
    assert r.standards == TRUTH["northvale.txt"]["standards"]
    assert r.lines[0] == "HM Inspectorate of Probation"


def test_crlf_and_tabs_inside_words():
    text = TEXTS["easterby.txt"].replace("\n", "\r\n")
    r = load_bytes(text.encode(), "e.txt")
    assert r.standard_titles["1.3"] == "Partnerships and services"
    assert r.overall == "Requires improvement"
    assert len(r.lines) == len(TEXTS["easterby.txt"].split("\n")) - 1
