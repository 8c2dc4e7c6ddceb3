"""Lines in, ``Report`` out: the orchestration of the structure parser.

Order matters and is linear in the number of lines: build the cleaned view, find the contents
page, the ratings table, then headings (which must skip both), then per-section facts, then
cross-checks that turn every disagreement into a plain-English warning.
"""

from __future__ import annotations

from ingest.checks import cross_check
from ingest.contents import confirm
from ingest.doc import Doc
from ingest.figure_checks import check_figures
from ingest.keyquestions import parse_key_questions
from ingest.meta import is_inspectorate_text, looks_sqs, published, service_from_table, title_and_service
from ingest.model import Report, Section
from ingest.ratings import find_ratings
from ingest.sections import rating_in_text, recommendations, strengths_improvements
from ingest.structure import NAMED, Heading, contents_region, find_headings
from ingest.normalise import key


def _ratings_heading(doc: Doc, skip: set[int]) -> int | None:
    for i, f in enumerate(doc.fl):
        if f and i not in skip and len(f) <= 30 and NAMED.get(key(f), ("",))[0] == "ratings":
            return i
    return None


def parse_lines(lines: list[str], source: str, line_pages: list[int] | None = None) -> Report:
    doc = Doc.build(lines, line_pages)
    n = len(doc)
    warnings: list[str] = []

    contents = contents_region(doc)
    skip: set[int] = set(range(contents[0] + 1, contents[1] + 1)) if contents else set()
    rh = _ratings_heading(doc, skip)
    table = find_ratings(doc, skip, rh)
    sqs = looks_sqs(doc) and not table.found

    body_skip = skip | table.lines
    tstart = table.start if table.found else None
    heads = find_headings(doc, body_skip, sqs, rh, tstart)
    if not sqs:  # the contents page confirms which headings exist and in what order
        heads = confirm(doc, heads, contents, body_skip,
                        lambda rej: find_headings(doc, body_skip, sqs, rh, tstart, rej))
    sections = _sections(doc, heads, line_pages)

    report = Report(source=source, lines=lines, line_pages=line_pages)
    cover_end = heads[0].line - 1 if heads else min(n - 1, 80)
    if heads and heads[0].line > 0 and any(not doc.blank[i] for i in range(heads[0].line)):
        first = next(i for i in range(heads[0].line) if not doc.blank[i])
        cover = Section(id="cover", title="Cover", kind="front", line_start=first + 1, line_end=_trim(doc, first, heads[0].line - 1) + 1)
        _pages(cover, line_pages)
        sections.insert(0, cover)
    report.title, report.service = title_and_service(doc, max(cover_end, 40))
    if report.service is None:
        report.service = service_from_table(doc, table.start)
    report.published = published(doc, max(cover_end, 40))

    # ratings table
    if table.found:
        report.overall = table.overall
        report.score, report.max_score = table.score, table.max_score
        report.standards = {k: v for k, v in sorted(table.rows.items()) if k != "4.1"}
        report.resettlement = table.rows.get("4.1")
        report.standard_titles = dict(sorted(table.titles.items()))
    for s in sections:
        if s.kind == "standard" and s.id not in report.standard_titles:
            report.standard_titles[s.id] = s.title
    report.standard_titles = dict(sorted(report.standard_titles.items()))

    # per-section facts
    for s, h in zip([x for x in sections if x.id != "cover"], heads):
        start, end = s.line_start - 1, s.line_end - 1
        s.strengths, s.improvements = strengths_improvements(doc, start, end, s.title)
        if s.kind == "standard":
            s.rating_in_text, _ = rating_in_text(doc, start, end)
            case_based = s.id[:1] in "23" and s.id != "3.4" or (s.id == "3.4" and "joint" in s.title.lower())
            kqs = parse_key_questions(doc, start, end, warnings, s.id, case_based)
            if kqs:
                report.key_questions[s.id] = kqs
        if s.id == "recommendations":
            report.recommendations = recommendations(doc, start, end)
    report.sections = sections

    # type and framework
    n_std = sum(1 for s in sections if s.kind == "standard")
    if table.found and (len(table.rows) >= 3 or table.overall) or n_std >= 4:
        report.report_type = "inspection"
    elif sqs:
        report.report_type = "sqs"
    else:
        report.report_type = "unknown"
    if report.report_type == "inspection":
        t34 = (report.standard_titles.get("3.4") or "").lower()
        if "joint" in t34:
            report.framework = "2018"
        elif "policy" in t34 or "provision" in t34 or "4.1" in report.standard_titles or report.resettlement:
            report.framework = "2021"
    cross_check(report, doc, table, warnings, is_inspectorate_text(doc))
    check_figures(report, doc, warnings)
    report.warnings = list(dict.fromkeys(warnings))
    return report


def _trim(doc: Doc, start: int, end: int) -> int:
    while end > start and doc.blank[end]:
        end -= 1
    return end


def _pages(s: Section, line_pages: list[int] | None) -> None:
    if line_pages:
        if s.line_start - 1 < len(line_pages):
            s.page_start = line_pages[s.line_start - 1]
        if s.line_end - 1 < len(line_pages):
            s.page_end = line_pages[s.line_end - 1]


def _sections(doc: Doc, heads: list[Heading], line_pages: list[int] | None) -> list[Section]:
    out: list[Section] = []
    for k, h in enumerate(heads):
        nxt = heads[k + 1].line - 1 if k + 1 < len(heads) else len(doc) - 1
        end = _trim(doc, h.line, max(h.line, nxt))
        s = Section(id=h.id, title=h.title, kind=h.kind, line_start=h.line + 1, line_end=end + 1)
        _pages(s, line_pages)
        out.append(s)
    return out
