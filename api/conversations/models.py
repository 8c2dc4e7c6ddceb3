"""SQLAlchemy 2 tables of the conversation store.

Why JSON columns for citations, timings and draft bodies: they are read back whole (to render a
turn or export it), never queried by field, and their shape belongs to ``assistant.model``; a
JSON column keeps the store from having to follow every change of that shape.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    turns: Mapped[list["Turn"]] = relationship(back_populates="conversation", order_by="Turn.position",
                                               cascade="all, delete-orphan", passive_deletes=True)


class Turn(Base):
    """One question and its answer, as shown: text, verified citations, mode, timings and the
    hash of the settings that produced it (so an answer can be traced to its configuration)."""

    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("conversation_id", "position", name="uq_turn_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    unsupported: Mapped[list[Any]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str | None] = mapped_column(String(40), nullable=True)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    settings_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    conversation: Mapped[Conversation] = relationship(back_populates="turns")
    feedback: Mapped["Feedback | None"] = relationship(back_populates="turn", cascade="all, delete-orphan",
                                                       passive_deletes=True, uselist=False)


class Feedback(Base):
    """The reader's verdict on one answer: +1 (useful) or -1 (wrong or unhelpful), with a comment."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    turn: Mapped[Turn] = relationship(back_populates="feedback")


class DraftRecord(Base):
    """A draft the page made: what was asked (standard, kind, service, notes, key questions) and
    the draft returned, optionally attached to a conversation."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"),
                                                        nullable=True, index=True)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    draft: Mapped[dict[str, Any]] = mapped_column(JSON)
    settings_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
