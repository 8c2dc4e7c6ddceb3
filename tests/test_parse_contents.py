"""Headings confirmed by the contents page (ingest.contents): a stray label that looks like an
annex heading, or a summary sub-heading that looks like a standard, must not hide the sections
after it when the contents page lists the real headings. Fictitious text, built here."""

from __future__ import annotations

from ingest import parse_lines

TITLES = {"1.1": "Governance and leadership", "1.2": "Staff", "1.3": "Partnerships and services",
          "1.4": "Information and facilities", "2.1": "Assessment", "2.2": "Planning"}
PROSE = "Inspectors read the invented casework of this service closely and talked with its staff about it."


def _report(stray: list[str], where: str, contents: bool = True) -> list[str]:
    lines = ["An inspection of youth justice services in Ashcombe", "", "HM Inspectorate of Probation, May 2024", ""]
    if contents:
        lines += ["Contents", "", "Foreword\t3", "Recommendations\t5", "1. Organisational delivery\t7"]
        lines += [f"{k}. {t}\t{8 + n}" for n, (k, t) in enumerate(TITLES.items()) if k.startswith("1.")]
        lines += ["2. Court disposals\t14"] + [f"{k}. {t}\t{15 + n}" for n, (k, t) in enumerate(TITLES.items())
                                               if k.startswith("2.")]
        lines += ["Annexe 1: Methodology\t20", ""]
    lines += ["Foreword", "", PROSE, ""] + (stray + ["", PROSE, ""] if where == "foreword" else [])
    lines += ["Recommendations", "", "The board should:", "", "1. make sure partners attend the board.", "", PROSE, ""]
    lines += ["1. Organisational delivery", "", PROSE, ""]
    for k, t in TITLES.items():
        if k == "2.1":
            lines += ["2. Court disposals", "", PROSE, ""]
        lines += [f"{k}. {t}", "", PROSE, "", PROSE, ""]
        if k == "1.2" and where == "body":
            lines += stray + ["", PROSE, ""]
    lines += ["Annexe 1: Methodology", "", PROSE, ""]
    return lines


def _ids(r) -> list[str]:
    return [s.id for s in r.sections if s.id != "cover"]


WANT = ["contents", "foreword", "recommendations", "domain-1", "1.1", "1.2", "1.3", "1.4", "domain-2", "2.1", "2.2",
        "methodology"]


def test_clean_report_sections():
    assert _ids(parse_lines(_report([], "none"), "x.txt")) == WANT


def test_a_stray_annex_label_does_not_hide_the_standards_after_it():
    lines = _report(["Annex B"], "body")
    without = parse_lines(_report(["Annex B"], "body", contents=False), "x.txt")
    assert "2.1" not in _ids(without)  # the failure the contents page prevents
    assert _ids(parse_lines(lines, "x.txt")) == WANT


def test_a_summary_sub_heading_like_a_standard_does_not_hide_the_front_sections():
    stray = ["1.1. Governance and leadership"]
    without = parse_lines(_report(stray, "foreword", contents=False), "x.txt")
    assert "recommendations" not in _ids(without)  # found out of order, it hid the front matter
    r = parse_lines(_report(stray, "foreword"), "x.txt")
    assert _ids(r) == WANT
    assert r.section("1.1").line_start > r.section("recommendations").line_start
