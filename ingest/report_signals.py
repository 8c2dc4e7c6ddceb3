"""Is this document an inspection report at all? Measured structure signals and the decision.

Why: indexing is the expensive step (a 300 KB file of random prose became 402 chunks and held the
index for over a minute), and a document with none of a report's structure only adds noise to
every answer. The parser already recognises what inspection reports (and short quality screenings)
are made of; this module counts those parts after parsing and refuses a document that has none of
them, unless the user forces it (``force`` on the API, ``--force`` on ``yotassist ingest``).

The signals, each measured by the parser, not guessed from words:

* ``report_type``: the parser's verdict (``inspection``: a ratings table or four standard sections;
  ``sqs``: a short quality screening);
* ``standard_sections``: headings of framework standards ("2.2. Planning", "1.1 Governance");
* ``rated_standards``: rows of a ratings table;
* ``key_question_tables``: standards with a key-question table;
* ``service`` / ``published``: a service named on the cover, a publication date.

A document is taken when the parser recognised a report type, or it has a ratings row or a
key-question table, or at least one standard section together with a named service or a date (a
partial report, such as a single standard's findings with its cover). Random prose has none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ingest.model import Report


@dataclass(frozen=True)
class StructureSignals:
    report_type: str
    standard_sections: int
    rated_standards: int
    key_question_tables: int
    service: bool
    published: bool
    lines: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def measure(report: Report) -> StructureSignals:
    return StructureSignals(
        report_type=report.report_type,
        standard_sections=sum(1 for s in report.sections if s.kind == "standard"),
        rated_standards=len(report.standards) + (1 if report.overall else 0),
        key_question_tables=sum(1 for rows in report.key_questions.values() if rows),
        service=bool(report.service),
        published=bool(report.published),
        lines=len(report.lines),
    )


def is_report(signals: StructureSignals) -> bool:
    if signals.report_type in ("inspection", "sqs"):
        return True
    if signals.rated_standards or signals.key_question_tables:
        return True
    return signals.standard_sections >= 1 and (signals.service or signals.published)


def refusal(report: Report) -> str | None:
    """Why ``report`` is not taken as an inspection report, or None when it is one."""
    signals = measure(report)
    if is_report(signals):
        return None
    return ("this does not look like an inspection report: no ratings table, no key-question table and no "
            f"standard sections such as '2.2 Planning' were found in its {signals.lines} lines; "
            "to index it anyway, force it (the upload's force field or page checkbox, or yotassist ingest --force)")
