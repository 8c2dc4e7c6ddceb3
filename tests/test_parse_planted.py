"""Planted faults in the published layouts: a key-question row missing from its table, and a
footnote mark printed right next to a value, in the Chromium PDF and the .docx of a fictitious
report (tests/fixtures/variants/build_layouts.py). Each is read right or produces a warning that
names the standard; a wrong figure without a warning fails."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ingest import load_report

from variant_builders import load_builder

BL = load_builder("build_layouts")
DROPPED = ("2.2", 1)  # standard, row index removed from its table
MARKED = ("2.3", 1)  # standard, row whose value cell carries a footnote mark: "85%⁹"


def _planted() -> list[tuple]:
    blocks = BL.fernbrook()
    out, sid = [], None
    for b in blocks:
        if b[0] == "h2":
            sid = b[1].split(" ")[0].rstrip(".")
        if b[0] == "table" and b[3] == "kq" and sid in (DROPPED[0], MARKED[0]):
            rows = [list(r) for r in b[2]]
            if sid == DROPPED[0]:
                del rows[DROPPED[1]]
            else:
                rows[MARKED[1]][-1] += "^9"
            b = (b[0], b[1], rows, b[3])
            sid = None  # only the key-question table, not the prompt tables after it
        out.append(b)
    out.append(("fn", "^9 Figures for this question include two cases transferred in from another area."))
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    if not shutil.which("chromium") and not Path("/usr/bin/chromium").exists():
        pytest.fail("chromium is needed to render the planted layouts (make test installs it)")
    d = tmp_path_factory.mktemp("planted")
    blocks = _planted()
    html = d / "planted.html"
    html.write_text(BL.to_html(blocks, "Fernbrook"), encoding="utf-8")
    BL.chromium_pdf(html, d / "planted.pdf")
    BL.to_docx(blocks, "Fernbrook", d / "planted.docx")
    (d / "planted.txt").write_text(BL.pypdf_text(d / "planted.pdf"), encoding="utf-8")
    return {"pdf": d / "planted.pdf", "docx": d / "planted.docx", "text-layer": d / "planted.txt"}


def _warned(r, sid: str) -> bool:
    return any(f"Standard {sid}" in w or f"standard {sid}" in w for w in r.warnings)


@pytest.mark.parametrize("layout", ["pdf", "docx", "text-layer"])
def test_missing_row_is_a_warning_and_the_others_stay_right(rendered, layout):
    r = load_report(rendered[layout])
    truth = BL.TRUTH["fernbrook"]["kq"][DROPPED[0]]
    kept = [v for n, v in enumerate(truth) if n != DROPPED[1]]
    got = [q.percent for q in r.key_questions[DROPPED[0]]]
    assert got == kept  # no row invented, none shifted
    assert _warned(r, DROPPED[0]), r.warnings  # and the lost row is said


@pytest.mark.parametrize("layout", ["pdf", "docx", "text-layer"])
def test_footnote_mark_next_to_a_value_is_read_right_or_warned(rendered, layout):
    r = load_report(rendered[layout])
    assert any(re.search(r"85%(?:⁹|9)$", x) for x in r.lines)  # the planted mark is really there
    truth = BL.TRUTH["fernbrook"]["kq"][MARKED[0]]
    got = [q.percent for q in r.key_questions.get(MARKED[0], [])]
    assert got == truth or _warned(r, MARKED[0]), (got, r.warnings)
    # every other standard is untouched by the planted faults
    for sid, values in BL.TRUTH["fernbrook"]["kq"].items():
        if sid not in (DROPPED[0], MARKED[0]):
            assert [q.percent for q in r.key_questions[sid]] == values, sid
    assert r.overall == BL.TRUTH["fernbrook"]["overall"] and r.score == BL.TRUTH["fernbrook"]["score"]
