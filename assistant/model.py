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
    kind: str | None = None  # lookup / comparative / numeric / methodology / drafting / whatif
    # What it was made with, to reproduce it: Settings.fingerprint() and Index.generation_tag().
    settings_hash: str | None = None
    index_generation: str | None = None


LeftOutReason = Literal["opposite_polarity", "neutral", "off_standard", "share", "near_duplicate", "dangling", "unsupported"]


class LeftOut(BaseModel):
    """A sentence the draft considered and did not use, and why. Why it is returned: a list that
    silently drops a published bullet looks like it missed it; saying "left out: reads as an area
    for improvement" lets the inspector judge the classifier and put it back by hand."""

    text: str = Field(description="The sentence as published (or as drafted, for 'unsupported').")
    reason: LeftOutReason = Field(description=(
        "opposite_polarity: reads as the other list (classifier or cue words); neutral: neither its wording nor "
        "the classifier gives it the list's polarity; off_standard: belongs to "
        "another standard by the standard classifier; share: states a share of cases that contradicts the "
        "list (below the Good floor for a strength, 80% or more for a shortfall); near_duplicate: says what "
        "a bullet already in the list says; dangling: opens on a pronoun whose antecedent was not kept; "
        "unsupported: no cited line supports it (the citation gate)."))
    why: str = Field(description="The reason in a sentence for the reader.")
    source: str | None = None
    service: str | None = None
    section: str | None = None
    line: int | None = None


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
    settings_hash: str | None = None  # Settings.fingerprint() when it was made
    index_generation: str | None = None  # Index.generation_tag() when it was made
    left_out: list[LeftOut] = Field(default_factory=list, description=(
        "What the draft considered and did not use, and why (at most a dozen, the likeliest first): "
        "comparable inspections' bullets dropped as the opposite polarity or another standard's, "
        "near-duplicates, and sentences the citation gate could not support."))
