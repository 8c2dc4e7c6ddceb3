"""Chunks as stored and hits as returned by retrieval."""

from __future__ import annotations

from pydantic import BaseModel


class Chunk(BaseModel):
    """A piece of one section of one report. ``text`` is exactly the source's lines
    ``line_start..line_end``; ``header`` is the contextual prefix used only for embedding."""

    id: str
    text: str
    header: str = ""
    source: str
    service: str | None = None
    published: str | None = None
    year: int | None = None
    framework: str | None = None
    section: str
    title: str
    kind: str
    rating: str | None = None
    line_start: int
    line_end: int
    page: int | None = None


class Hit(BaseModel):
    """A retrieved chunk with its fused score (higher is better)."""

    text: str
    source: str
    service: str | None = None
    section: str
    title: str
    kind: str | None = None
    rating: str | None = None
    framework: str | None = None
    published: str | None = None
    line_start: int
    line_end: int
    page: int | None = None
    score: float = 0.0
    chunk_id: str | None = None
