"""What the index hands back: per-file ingest results, a run's summary, and report summaries.

Why separate from ``index.store``: the API schema, the CLI and the upload jobs all read these
shapes; they need none of the store's machinery.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["added", "updated", "unchanged", "failed"]


class IngestResult(BaseModel):
    source: str
    status: Status
    chunks: int = 0
    error: str | None = None
    path: str | None = None
    seconds: float = 0.0
    warnings: list[str] = Field(default_factory=list)


class IngestSummary(BaseModel):
    results: list[IngestResult] = Field(default_factory=list)
    seconds: float = 0.0
    embedded: int = 0  # chunks that had to be embedded (cache misses)
    cached: int = 0  # chunks whose vectors came from the cache

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.results if r.status in ("added", "updated"))

    @property
    def ok(self) -> bool:
        return all(r.status != "failed" for r in self.results)


class ReportSummary(BaseModel):
    source: str
    service: str | None = None
    published: str | None = None
    year: int | None = None
    framework: str | None = None
    report_type: str | None = None
    overall: str | None = None
    score: int | None = None
    max_score: int | None = None
    resettlement: str | None = None
    sha256: str | None = None
    chunks: int = 0
    name: str | None = Field(default=None, description="The file name as uploaded (the id may be a slug of it).")
    warnings: list[str] = Field(default_factory=list, description="The parser's warnings on this report.")
