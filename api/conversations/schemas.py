"""Request and response models of the conversation API (kept apart from ``api.schemas`` so the
conversation feature can change without touching the ask/draft/report shapes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import QUESTION_SCHEMA_MAX, AnswerMode, Citation, Draft, DraftIn

COMMENT_MAX = 4000


class ConversationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200, description="Default: the first question.")


class RenameIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=COMMENT_MAX)


class FeedbackOut(BaseModel):
    rating: Literal["up", "down"]
    comment: str | None = None
    updated_at: str | None = None


class TurnOut(BaseModel):
    id: int
    position: int
    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    unsupported: list[str] = Field(default_factory=list)
    mode: str
    kind: str | None = None
    timings: dict[str, Any] = Field(default_factory=dict,
                                    description="first_token_ms and total_ms as measured by the server")
    settings_hash: str
    created_at: str | None = None
    feedback: FeedbackOut | None = None


class ConversationOut(BaseModel):
    id: str
    title: str
    created_at: str | None = None
    updated_at: str | None = None
    turn_count: int = 0


class ConversationFull(ConversationOut):
    turns: list[TurnOut] = Field(default_factory=list)


class ConvAskIn(BaseModel):
    """A question inside a stored conversation: the history comes from the store, not the client."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=QUESTION_SCHEMA_MAX)
    mode: AnswerMode | None = None


class ConvAnswerOut(BaseModel):
    conversation_id: str
    turn: TurnOut


class DraftStoreIn(DraftIn):
    conversation_id: str | None = Field(default=None, max_length=36)


class DraftRecordOut(BaseModel):
    id: int
    conversation_id: str | None = None
    request: dict[str, Any]
    draft: Draft
    settings_hash: str
    created_at: str | None = None


class ChatConfigOut(BaseModel):
    """What the page needs to offer the conversation features."""

    llm_available: bool = Field(description="An LLM endpoint is configured, so the page offers the mode toggle.")
    default_mode: AnswerMode
    history_turns: int
    database: str = Field(description="sqlite or postgresql")
