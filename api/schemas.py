"""Request and response models of the HTTP API.

Why a separate module: the routes stay thin and the OpenAPI schema (which schemathesis fuzzes and
/docs shows) is generated from these exact types. Answers and drafts reuse ``assistant.model`` so
the page sees the same shape as the CLI; report summaries are declared here so the API schema
does not change when the index package adds internal fields.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.model import Answer, Citation, Draft  # noqa: F401  (re-exported for routes)
from assistant.rating_spec import MAX_KEY_QUESTIONS
from index.store import ReportSummary

# A hard ceiling for the schema; the configurable, usually lower limit is
# settings.max_question_chars, checked in the route so it can follow the settings.
QUESTION_SCHEMA_MAX = 20_000
NOTES_MAX = 20_000
HISTORY_MAX_TURNS = 40

StandardId = Literal["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "4.1"]
DraftKind = Literal["strengths", "improvements", "findings"]
RatingName = Literal["Inadequate", "Requires improvement", "Good", "Outstanding"]
AnswerMode = Literal["extractive", "llm"]
MODE_DOC = ("extractive (quoted from the reports) or llm (written by the configured language model, citations "
            "checked); default: llm when the server has an LLM endpoint, else extractive.")


class ErrorOut(BaseModel):
    """Every 4xx answer: one human-readable line in ``detail``; field errors listed for 422."""

    detail: str
    errors: list[dict[str, Any]] | None = None


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(max_length=QUESTION_SCHEMA_MAX * 2)


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=QUESTION_SCHEMA_MAX, examples=["How did services do on 2.2 Planning?"])
    history: list[Turn] = Field(
        default_factory=list, max_length=HISTORY_MAX_TURNS,
        description="The conversation so far, oldest first: user questions and the assistant's answers as "
        "{role, content} turns. A follow-up (\"which key question dragged it down?\", \"and Kirklees?\") is resolved "
        "against the services, standards and topic of these turns. Anything else (an object, other roles, missing "
        "content, extra fields) is refused with 422.")
    mode: AnswerMode | None = Field(default=None, description=MODE_DOC)


class KQCount(BaseModel):
    """One key-question row as counts (``yes`` of ``relevant`` cases) or as a printed percentage.

    Strict: ``"72"`` or ``true`` for a number is refused (422), as the schema says, not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)

    yes: int | None = Field(default=None, ge=0, le=100_000)
    relevant: int | None = Field(default=None, ge=1, le=100_000)
    percent: float | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _one_form(self) -> "KQCount":
        counts = self.yes is not None and self.relevant is not None
        if not counts and self.percent is None:
            raise ValueError("give yes and relevant counts, or a percent")
        if (self.yes is None) != (self.relevant is None):
            raise ValueError("yes and relevant go together")
        if counts and self.yes > self.relevant:  # type: ignore[operator]
            raise ValueError("yes cannot exceed relevant")
        return self


class DraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    standard: StandardId
    kind: DraftKind
    service: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=NOTES_MAX)
    kq: list[KQCount] | None = Field(default=None, max_length=MAX_KEY_QUESTIONS)
    mode: AnswerMode | None = Field(default=None, description=MODE_DOC)
    framework: Literal["2018", "2021"] | None = Field(
        default=None, description="Set to draft for a new inspection (the service need not be indexed).")


class DomainDraftIn(BaseModel):
    """A whole domain for a new inspection: one key-question spec per case-based standard."""

    model_config = ConfigDict(extra="forbid")

    domain: Literal["2", "3"]
    kq: list[str] = Field(max_length=6, description='One spec per standard, e.g. "2.1=8/9,7/9,6/9".')
    framework: Literal["2018", "2021"] = "2021"
    service: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=NOTES_MAX)
    ratings: dict[str, Literal["Inadequate", "Requires improvement", "Good", "Outstanding"]] | None = Field(
        default=None, description="Ratings of the other standards, for the overall band.")


class CitationIn(Citation):
    """A citation posted back by the client: strict types (a page of ``"3"`` is refused, not coerced)."""

    model_config = ConfigDict(strict=True)


class DraftDocxIn(Draft):
    """The body of POST /api/draft/docx: a draft as POST /api/draft returned it, strictly typed."""

    model_config = ConfigDict(strict=True)

    citations: list[CitationIn] = Field(default_factory=list)


class ReportOut(ReportSummary):
    """One indexed report as listed by GET /api/reports: the index's summary plus its id."""

    id: str = Field(description="The report's source name; use it in /api/reports/{id}.")


class UploadOut(BaseModel):
    status: Literal["added", "updated", "unchanged"]
    report: ReportOut
    warnings: list[str] = Field(default_factory=list)


class JobOut(BaseModel):
    """An upload being indexed in the background (``POST /api/reports`` answers 202 with this)."""

    id: str
    url: str = Field(description="Where to poll: GET /api/jobs/{id}.")
    filename: str
    state: Literal["queued", "running", "done", "failed"]
    stage: str = Field(description="queued, parsing, chunking, embedding, writing or done.")
    progress: float = Field(ge=0, le=1, description="Share of the work done (0 to 1).")
    status_code: int | None = Field(default=None, description="When finished: 200, or the 4xx/5xx the upload failed with.")
    error: str | None = None
    result: UploadOut | None = Field(default=None, description="When done: the indexed report.")


class DeleteOut(BaseModel):
    id: str
    removed: bool


class LineOut(BaseModel):
    n: int
    text: str
    page: int | None = None


class SectionRef(BaseModel):
    id: str
    title: str
    kind: str
    line_start: int
    line_end: int


class ReportTextOut(BaseModel):
    id: str
    service: str | None = None
    title: str | None = None
    line_count: int
    start: int
    end: int
    lines: list[LineOut]
    sections: list[SectionRef] = Field(default_factory=list)


class StandardOut(BaseModel):
    id: str
    title: str
    label: str
    kind: str
    domain: str


class MetaOut(BaseModel):
    """What the page needs to build its forms: standards, kinds, services and limits."""

    version: str
    standards: list[StandardOut]
    kinds: list[str]
    services: list[str]
    max_question_chars: int
    max_upload_mb: int
    upload_suffixes: list[str]
    auth_required: bool


class CellOut(BaseModel):
    standard: str
    published: str | None = None
    computed: str | None = None
    disagree: bool = False
    discretion: bool = False
    note: str | None = None
    line_start: int | None = None
    line_end: int | None = None


class RatingRowOut(BaseModel):
    id: str
    service: str | None = None
    published: str | None = None
    framework: str | None = None
    overall: str | None = None
    overall_computed: str | None = None
    score: int | None = None
    score_computed: int | None = None
    max_score: int | None = None
    disagreements: int = 0
    cells: dict[str, CellOut] = Field(default_factory=dict)
    report_warnings: list[str] = Field(default_factory=list, description="The parser's warnings on this report: "
                                       "a figure it warns about may explain a disagreement.")


class RatingsOut(BaseModel):
    standards: list[StandardOut]
    rows: list[RatingRowOut]


class RateIn(BaseModel):
    """What-if: key-question values per standard, e.g. {"2.2": [{"yes": 5, "relevant": 8}]}."""

    model_config = ConfigDict(extra="forbid")

    framework: Literal["2018", "2021"] = "2021"
    key_questions: dict[StandardId, Annotated[list[KQCount], Field(max_length=MAX_KEY_QUESTIONS)]] = Field(
        default_factory=dict, description=f"At most {MAX_KEY_QUESTIONS} values per standard.")
    published: dict[StandardId, RatingName] = Field(
        default_factory=dict, description="Ratings for qualitative standards (or published ones to compare)."
    )


class HealthOut(BaseModel):
    """``ok`` with the report count (200), or ``down`` naming the dependency that is not answering (503)."""

    status: Literal["ok", "down"]
    version: str
    reports: int | None = None
    index: Literal["ok", "down"] = Field(default="ok", description="The index (embedded folder or Chroma server).")
    detail: str | None = Field(default=None, description="Why a dependency is down.")
