"""Typed shape of a parsed report: what every later layer (index, assistant, api) reads.

Line numbers are 1-based and inclusive, counted in the *source text as loaded* (for a PDF,
the text pypdf extracts, page after page; for HTML, the text the HTML loader renders), so a
citation can always be shown and checked against ``Report.lines``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Rating = Literal["Inadequate", "Requires improvement", "Good", "Outstanding"]
RATINGS: tuple[str, ...] = ("Inadequate", "Requires improvement", "Good", "Outstanding")
ReportType = Literal["inspection", "sqs", "unknown"]
Framework = Literal["2018", "2021"]


class KeyQuestion(BaseModel):
    """One row of a key-question table: either a printed percentage, or counts plus percentage."""

    question: str
    percent: float
    yes: int | None = None
    relevant: int | None = None
    line: int | None = None  # source line of the row, for citing


class Section(BaseModel):
    id: str  # "1.1".."4.1" for standards, a slug otherwise ("foreword", "ratings", ...)
    title: str
    kind: str  # "standard", "domain", "front", "annex", "table", ...
    line_start: int
    line_end: int
    page_start: int | None = None
    page_end: int | None = None
    rating_in_text: Rating | None = None
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)


class Report(BaseModel):
    source: str
    title: str | None = None
    service: str | None = None
    published: str | None = None  # ISO date (YYYY-MM or YYYY-MM-DD) when printed
    report_type: ReportType = "unknown"
    framework: Framework | None = None
    overall: Rating | None = None
    score: int | None = None
    max_score: int | None = None
    standards: dict[str, Rating] = Field(default_factory=dict)
    standard_titles: dict[str, str] = Field(default_factory=dict)
    resettlement: Rating | None = None
    key_questions: dict[str, list[KeyQuestion]] = Field(default_factory=dict)
    sections: list[Section] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # Lines that read as instructions to a model or reader (ingest.injection): never evidence.
    instruction_lines: list[int] = Field(default_factory=list)
    # The loaded text, one entry per line (index 0 is line 1); page per line for PDFs.
    lines: list[str] = Field(default_factory=list, exclude=True, repr=False)
    line_pages: list[int] | None = Field(default=None, exclude=True, repr=False)
    sha256: str | None = None

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def text_of(self, line_start: int, line_end: int) -> str:
        return "\n".join(self.lines[line_start - 1 : line_end])

    def page_of(self, line: int) -> int | None:
        if not self.line_pages or not 1 <= line <= len(self.line_pages):
            return None
        return self.line_pages[line - 1]

    @property
    def year(self) -> int | None:
        return int(self.published[:4]) if self.published and self.published[:4].isdigit() else None
