"""Chunks follow the parser's structure and quote the source exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

import ingest
from index.chunker import MAX_WORDS, chunk_report, embedding_text
from ingest.model import KeyQuestion, Report, Section


def _sample_reports(samples_dir: Path) -> list[Report]:
    files = [p for p in sorted(samples_dir.iterdir()) if p.suffix in (".txt", ".md", ".html", ".pdf")
             and p.name.lower() != "readme.md"]
    assert files, "no sample reports found"
    return [ingest.load_report(p) for p in files]


def _check(report: Report) -> None:
    chunks = chunk_report(report, "v1")
    assert chunks, report.source
    ids = [c.id for c in chunks]
    assert len(ids) == len(set(ids))
    for c in chunks:
        assert 1 <= c.line_start <= c.line_end <= len(report.lines)
        # stored text is exactly the source lines, nothing added
        assert c.text == report.text_of(c.line_start, c.line_end)
        assert c.source == report.source and c.service == report.service
        sec = report.section(c.section)
        if sec is not None:
            # never crosses the boundary of its section, nor enters a nested one
            assert sec.line_start <= c.line_start and c.line_end <= sec.line_end
            for other in report.sections:
                if other is not sec and sec.line_start <= other.line_start and other.line_end <= sec.line_end \
                        and (other.line_end - other.line_start) < (sec.line_end - sec.line_start):
                    assert c.line_end < other.line_start or c.line_start > other.line_end
        if c.kind != "table":
            # the first and last lines are never blank
            assert report.lines[c.line_start - 1].strip() and report.lines[c.line_end - 1].strip()
        assert embedding_text(c).endswith(c.text)
    # deterministic
    assert [c.id for c in chunk_report(report, "v1")] == ids
    assert [c.id for c in chunk_report(report, "v2")] != ids


def test_sample_chunks_respect_sections(samples_dir: Path) -> None:
    for report in _sample_reports(samples_dir):
        _check(report)


@pytest.mark.corpus
def test_corpus_chunks_respect_sections(corpus_dir: Path) -> None:
    for path in sorted(corpus_dir.glob("*.txt")):
        report = ingest.load_report(path)
        _check(report)
        chunks = chunk_report(report, "v1")
        # long sections are split into pieces of bounded size (a single long line may exceed it)
        long = [c for c in chunks if len(c.text.split()) > MAX_WORDS and c.line_start != c.line_end]
        assert len(long) <= len(chunks) // 10, (path.name, [(c.section, len(c.text.split())) for c in long])


def test_key_question_table_is_its_own_chunk_with_header() -> None:
    lines = [
        "2.1. Assessment",                                    # 1
        "",                                                   # 2
        "Assessment is thorough and involves the family.",    # 3
        "Good",                                               # 4
        "Our rating for assessment is based on:",             # 5
        "Does assessment support desistance?\t80%",           # 6
        "Does assessment keep the child safe?\t70%",          # 7
        "",                                                   # 8
        "The fictitious team in Larkspur assessed well.",     # 9
        "2.2. Planning",                                      # 10
        "Planning text here.",                                # 11
    ]
    report = Report(
        source="larkspur.txt", service="Larkspur", published="2022-05", framework="2021",
        standards={"2.1": "Good", "2.2": "Requires improvement"},
        sections=[Section(id="2.1", title="Assessment", kind="standard", line_start=1, line_end=9),
                  Section(id="2.2", title="Planning", kind="standard", line_start=10, line_end=11)],
        key_questions={"2.1": [KeyQuestion(question="Does assessment support desistance?", percent=80, line=6),
                               KeyQuestion(question="Does assessment keep the child safe?", percent=70, line=7)]},
        lines=lines,
    )
    chunks = chunk_report(report, "v")
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) == 1
    assert tables[0].line_start == 5 and tables[0].line_end == 7  # heading line above the rows included
    assert [c.section for c in chunks] == ["2.1", "2.1", "2.1", "2.2"]
    assert chunks[0].header == "Larkspur (2022) | Standard 2.1 Assessment | rated Good"
    assert chunks[-1].rating == "Requires improvement"
    assert all(c.text == report.text_of(c.line_start, c.line_end) for c in chunks)
