"""The rating module's result models: what a rating run returns, field by field.

Why a module of their own: the API schemas, the CLI's JSON output and the drafting code all read
these shapes, and none of them needs the arithmetic to do so.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal[
    "agrees",
    "discretion applied",
    "unexplained disagreement",
    "qualitative",
    "not published",
    "not computed",
]


class Basis(BaseModel):
    """Why a standard gets its computed band: its lowest key question and where that falls."""

    question: str
    theme: str | None = None
    percent: float
    yes: int | None = None
    relevant: int | None = None
    band: str
    band_range: str
    pp_above_lower_boundary: float | None = None  # None in the bottom band
    pp_below_upper_boundary: float | None = None  # None in the top band


class KeyQuestionView(BaseModel):
    question: str
    theme: str | None = None
    percent: float | None = None
    yes: int | None = None
    relevant: int | None = None
    band: str | None = None


class StandardResult(BaseModel):
    id: str
    title: str
    domain: str
    published: str | None = None
    computed: str | None = None
    agrees: bool | None = None
    qualitative: bool = False
    status: Status
    basis: Basis | None = None
    lowest_percent: float | None = None
    margin_pp: float | None = None
    discretion_eligible: bool | None = None
    discretion_reasons: list[str] = Field(default_factory=list)
    discretion_notes: list[str] = Field(default_factory=list)
    key_questions: list[KeyQuestionView] = Field(default_factory=list)


class ScoreResult(BaseModel):
    published: int | None = None
    computed: int | None = None
    from_published_standards: int | None = None
    max: int
    published_max: int | None = None


class OverallResult(BaseModel):
    published: str | None = None
    computed: str | None = None
    from_published_standards: str | None = None
    capped_by: str | None = None  # e.g. "4.1 Inadequate" when a limiting judgement applied


class ResettlementResult(BaseModel):
    in_framework: bool
    published: str | None = None
    rated: bool = False
    limiting_applied: bool = False
    note: str


class RatingResult(BaseModel):
    source: str | None = None
    framework: str
    standards: dict[str, StandardResult] = Field(default_factory=dict)
    score: ScoreResult
    overall: OverallResult
    resettlement: ResettlementResult
    findings: list[str] = Field(default_factory=list)
    explanation: str | None = None
    # The parser's warnings on the report rated: a figure it could not trust may be behind any
    # disagreement below, so whoever reads the result is told before trusting it.
    report_warnings: list[str] = Field(default_factory=list)
