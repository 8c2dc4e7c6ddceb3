"""The one place that reads and writes conversations: plain methods over short sessions.

Why plain dataclass-free dicts out: routes turn them into pydantic models (``api.schemas_conv``)
and the CLI writes them as JSON lines; neither should hold an open ORM session.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Iterator

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload, sessionmaker

from api.conversations.models import Conversation, DraftRecord, Feedback, Turn, utcnow

TITLE_MAX = 200
DEFAULT_TITLE = "New conversation"


class NotFound(LookupError):
    """No conversation (or turn) with that id."""


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC (SQLite hands datetimes back without their zone; they were stored as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def _txt(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL characters; nothing a person typed needs them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def title_from(question: str) -> str:
    """A conversation's first question, shortened at a word, as its title."""
    words = " ".join(question.split())
    if len(words) <= 80:
        return words
    return words[:80].rsplit(" ", 1)[0] + "\u2026"


class ConversationStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def close(self) -> None:
        self.engine.dispose()

    def _session(self) -> Session:
        return self._sessions()

    # ---- conversations -------------------------------------------------------------------

    def create(self, title: str | None = None) -> dict[str, Any]:
        now = utcnow()
        conv = Conversation(id=str(uuid.uuid4()), title=_txt(title or "").strip()[:TITLE_MAX] or DEFAULT_TITLE,
                            created_at=now, updated_at=now)
        with self._session() as s, s.begin():
            s.add(conv)
        return self._conv_out(conv, 0)

    def list(self, limit: int = 200) -> list[dict[str, Any]]:
        counts = select(Turn.conversation_id, func.count(Turn.id).label("n")).group_by(Turn.conversation_id).subquery()
        stmt = (select(Conversation, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.conversation_id == Conversation.id)
                .order_by(Conversation.updated_at.desc(), Conversation.id).limit(limit))
        with self._session() as s:
            return [self._conv_out(c, n) for c, n in s.execute(stmt).all()]

    def get(self, conv_id: str) -> dict[str, Any]:
        with self._session() as s:
            conv = s.scalar(select(Conversation).where(Conversation.id == conv_id)
                            .options(selectinload(Conversation.turns).selectinload(Turn.feedback)))
            if conv is None:
                raise NotFound(conv_id)
            out = self._conv_out(conv, len(conv.turns))
            out["turns"] = [self._turn_out(t) for t in conv.turns]
            return out

    def rename(self, conv_id: str, title: str) -> dict[str, Any]:
        with self._session() as s, s.begin():
            conv = s.get(Conversation, conv_id)
            if conv is None:
                raise NotFound(conv_id)
            conv.title = _txt(title).strip()[:TITLE_MAX] or DEFAULT_TITLE
            conv.updated_at = utcnow()
            n = s.scalar(select(func.count(Turn.id)).where(Turn.conversation_id == conv_id)) or 0
        return self._conv_out(conv, n)

    def delete(self, conv_id: str) -> bool:
        with self._session() as s, s.begin():
            conv = s.get(Conversation, conv_id)
            if conv is None:
                return False
            s.delete(conv)
        return True

    def history(self, conv_id: str, turns: int) -> list[dict[str, str]]:
        """The last ``turns`` exchanges as {"role","content"} messages (what ``Assistant.ask`` takes)."""
        with self._session() as s:
            if s.get(Conversation, conv_id) is None:
                raise NotFound(conv_id)
            rows = s.execute(select(Turn.question, Turn.answer).where(Turn.conversation_id == conv_id)
                             .order_by(Turn.position.desc()).limit(turns)).all() if turns else []
        out: list[dict[str, str]] = []
        for question, answer in reversed(rows):
            out.append({"role": "user", "content": question})
            out.append({"role": "assistant", "content": answer[:4000]})
        return out

    # ---- turns -----------------------------------------------------------------------------

    def add_turn(self, conv_id: str, *, question: str, answer: str, citations: list[Any], unsupported: list[str],
                 mode: str, kind: str | None, timings: dict[str, Any], settings_hash: str) -> dict[str, Any]:
        with self._session() as s, s.begin():
            conv = s.get(Conversation, conv_id, with_for_update=True)
            if conv is None:
                raise NotFound(conv_id)
            position = (s.scalar(select(func.max(Turn.position)).where(Turn.conversation_id == conv_id)) or 0) + 1
            if position == 1 and conv.title == DEFAULT_TITLE:
                conv.title = title_from(_txt(question))
            conv.updated_at = utcnow()
            question, answer = _txt(question), _txt(answer)
            turn = Turn(conversation_id=conv_id, position=position, question=question, answer=answer,
                        citations=citations, unsupported=unsupported, mode=mode, kind=kind, timings=timings,
                        settings_hash=settings_hash, created_at=utcnow())
            s.add(turn)
            s.flush()
            out = self._turn_out(turn, feedback=None)
        return out

    # ---- feedback --------------------------------------------------------------------------

    def set_feedback(self, turn_id: int, rating: int, comment: str | None) -> dict[str, Any]:
        comment = _txt(comment)
        with self._session() as s, s.begin():
            turn = s.get(Turn, turn_id)
            if turn is None:
                raise NotFound(str(turn_id))
            fb = s.scalar(select(Feedback).where(Feedback.turn_id == turn_id))
            now = utcnow()
            if fb is None:
                fb = Feedback(turn_id=turn_id, rating=rating, comment=comment, created_at=now, updated_at=now)
                s.add(fb)
            else:
                fb.rating, fb.comment, fb.updated_at = rating, comment, now
            s.flush()
            return self._feedback_out(fb)

    def feedback_rows(self) -> Iterator[dict[str, Any]]:
        """Every answer that has feedback, with its question and the questions before it (for
        turning into evaluation questions: a follow-up only makes sense with its history)."""
        with self._session() as s:
            rows = s.execute(select(Feedback, Turn, Conversation).join(Turn, Feedback.turn_id == Turn.id)
                             .join(Conversation, Turn.conversation_id == Conversation.id)
                             .order_by(Feedback.created_at, Feedback.id)).all()
            for fb, turn, conv in rows:
                earlier = s.scalars(select(Turn.question).where(Turn.conversation_id == conv.id,
                                                                Turn.position < turn.position)
                                    .order_by(Turn.position)).all()
                yield {
                    "question": turn.question,
                    "history": list(earlier),
                    "answer": turn.answer,
                    "citations": turn.citations,
                    "unsupported": turn.unsupported,
                    "mode": turn.mode,
                    "kind": turn.kind,
                    "rating": "up" if fb.rating > 0 else "down",
                    "comment": fb.comment,
                    "conversation_id": conv.id,
                    "conversation_title": conv.title,
                    "turn_id": turn.id,
                    "settings_hash": turn.settings_hash,
                    "answered_at": _iso(turn.created_at),
                    "rated_at": _iso(fb.updated_at),
                }

    # ---- drafts ----------------------------------------------------------------------------

    def add_draft(self, request: dict[str, Any], draft: dict[str, Any], settings_hash: str,
                  conv_id: str | None = None) -> dict[str, Any]:
        with self._session() as s, s.begin():
            if conv_id is not None and s.get(Conversation, conv_id) is None:
                raise NotFound(conv_id)
            rec = DraftRecord(conversation_id=conv_id, request=request, draft=draft, settings_hash=settings_hash,
                              created_at=utcnow())
            s.add(rec)
            s.flush()
            return self._draft_out(rec)

    def drafts(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._session() as s:
            recs = s.scalars(select(DraftRecord).order_by(DraftRecord.created_at.desc(), DraftRecord.id.desc())
                             .limit(limit)).all()
            return [self._draft_out(r) for r in recs]

    # ---- shapes ----------------------------------------------------------------------------

    @staticmethod
    def _conv_out(conv: Conversation, turns: int) -> dict[str, Any]:
        return {"id": conv.id, "title": conv.title, "created_at": _iso(conv.created_at),
                "updated_at": _iso(conv.updated_at), "turn_count": int(turns)}

    @classmethod
    def _turn_out(cls, turn: Turn, feedback: Any = ...) -> dict[str, Any]:
        fb = turn.feedback if feedback is ... else feedback
        return {"id": turn.id, "position": turn.position, "question": turn.question, "answer": turn.answer,
                "citations": turn.citations or [], "unsupported": turn.unsupported or [], "mode": turn.mode,
                "kind": turn.kind, "timings": turn.timings or {}, "settings_hash": turn.settings_hash,
                "created_at": _iso(turn.created_at), "feedback": cls._feedback_out(fb) if fb is not None else None}

    @staticmethod
    def _feedback_out(fb: Feedback) -> dict[str, Any]:
        return {"rating": "up" if fb.rating > 0 else "down", "comment": fb.comment, "updated_at": _iso(fb.updated_at)}

    @staticmethod
    def _draft_out(rec: DraftRecord) -> dict[str, Any]:
        return {"id": rec.id, "conversation_id": rec.conversation_id, "request": rec.request, "draft": rec.draft,
                "settings_hash": rec.settings_hash, "created_at": _iso(rec.created_at)}
