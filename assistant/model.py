"""What the assistant hands to people: answers and drafts with verified citations."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Citation(BaseModel):
    n: int
    source: str
    service: str | None = None
    section: str
    title: str
    line_start: int
    line_end: int
    page: int | None = None
    quote: str  # verbatim (whitespace-normalised) passage of the cited lines


class Answer(BaseModel):
    question: str
    answer: str  # markdown with [1], [2] markers
    citations: list[Citation] = Field(default_factory=list)
    mode: Literal["extractive", "llm"] = "extractive"
    unsupported: list[str] = Field(default_factory=list)
    kind: str | None = None  # lookup / comparative / numeric / methodology / drafting


class Draft(BaseModel):
    standard: str
    kind: Literal["strengths", "improvements", "findings"]
    service: str | None = None
    bullets: list[str] = Field(default_factory=list)  # markdown with citation markers
    paragraph: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    mode: Literal["extractive", "llm"] = "extractive"
    unsupported: list[str] = Field(default_factory=list)
    computed_rating: str | None = None
    # Findings for a new inspection: how comparable inspections put the same findings (cited lines).
    comparable: list[str] = Field(default_factory=list)
    framework: str | None = None  # set for a new inspection (a service not in the index)
