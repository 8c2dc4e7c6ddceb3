"""The parser on fictitious reports rendered the way real ones arrive (tests/fixtures/variants/build_layouts.py):
HTML with bordered tables printed by headless Chromium in one and two columns (running header, page
numbers, a table broken by a page break, footnote marks after '?', a wrapped footnote line starting
"Annexe", bullets drawn as shapes), the PDF LibreOffice prints from a python-docx document, and the
text layer of the Chromium PDF. Rendered once per session into a temporary folder."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from ingest import load_report

from variant_builders import load_builder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import parsing  # noqa: E402  (the same field count the benchmark reports)

BUILD = load_builder("build_layouts")
LAYOUTS = ["pdf-1col", "pdf-2col", "docx", "docx-pdf", "text-layer"]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    for exe in ("chromium", "libreoffice"):
        if not shutil.which(exe) and not Path(f"/usr/bin/{exe}").exists():
            pytest.fail(f"{exe} is needed to render the layout fixtures (make test installs it)")
    return BUILD.build(tmp_path_factory.mktemp("layouts"))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", list(BUILD.REPORTS))
def test_every_field_exact_and_no_warning(rendered, name, layout):
    r = load_report(rendered[(name, layout)])
    right, total, wrong = parsing.score(r, BUILD.TRUTH[name])
    assert wrong == [], wrong
    assert right == total
    assert r.warnings == []
    for sid, counts in BUILD.TRUTH[name]["counts"].items():
        assert [(q.relevant, q.yes) for q in r.key_questions[sid]] == [tuple(c) for c in counts]


@pytest.mark.parametrize("name", list(BUILD.REPORTS))
def test_pdf_lines_keep_their_pages_and_lose_the_furniture(rendered, name):
    r = load_report(rendered[(name, "pdf-1col")])
    assert r.line_pages and len(r.line_pages) == len(r.lines)
    assert r.line_pages == sorted(r.line_pages) and r.line_pages[-1] > 5
    assert not any("Inspection of youth justice services:" in x for x in r.lines)  # running header
    assert not any(x.strip().isdigit() for x in r.lines)  # page numbers
    for s in r.sections:
        assert s.page_start == r.line_pages[s.line_start - 1]


def test_table_broken_by_a_page_break_keeps_its_rows(rendered):
    r = load_report(rendered[("fernbrook", "pdf-1col")])
    rows = r.key_questions["2.2"]
    assert [q.percent for q in rows] == [66.0, 58.0, 71.0]
    assert r.page_of(rows[0].line) < r.page_of(rows[-1].line)  # the table really does cross a page


def test_footnote_mark_after_question_mark_is_not_the_figure(rendered):
    text = rendered[("fernbrook", "text-layer")].read_text(encoding="utf-8")
    assert "safe?2 75%" in text  # the planted mark, as the text layer prints it
    r = load_report(rendered[("fernbrook", "text-layer")])
    assert [q.percent for q in r.key_questions["2.1"]] == [82.0, 75.0, 70.0]
