"""What flows between the steps of the answer chain, and how its output becomes an ``Answer``.

The chain's input is a dict ``{"question": str, "history": [...]}`` (history optional). Between
steps the state is that dict plus ``route`` (understand), ``retrieval`` (retrieve) and
``evidence`` (select evidence). The output, like LangChain's retrieval chains, is a dict that
streams as ``AddableDict`` pieces: ``question``, ``kind``, ``route``, ``context`` (the retrieved
``Document``s) first, then ``answer`` text pieces, then ``citations``, ``unsupported`` and
``mode``; ``.invoke`` returns their sum.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from assistant.citations import Passage
from assistant.model import Answer


@dataclass
class Evidence:
    """What the compose step writes from and the gate checks against.

    ``draft`` is the extractive composer's text with ``[n]`` markers into ``passages``; it is
    ``None`` when a language model writes the answer from ``passages``. ``trusted`` lines are
    framing phrases the gate lets through without a citation."""

    passages: list[Passage] = field(default_factory=list)
    trusted: list[str] = field(default_factory=list)
    draft: str | None = None


def checked_question(question: Any, max_chars: int) -> str:
    """The question stripped, or a ``ValueError`` a user can read (empty, too long)."""
    q = str(question or "").strip()
    if not q:
        raise ValueError("the question is empty")
    if len(q) > max_chars:
        raise ValueError(f"the question is too long ({len(q)} characters; limit {max_chars})")
    return q


def to_answer(output: Mapping[str, Any]) -> Answer:
    """The chain's (summed) output as the ``Answer`` the CLI and the API hand out."""
    return Answer(
        question=str(output.get("question") or ""),
        answer=str(output.get("answer") or ""),
        citations=list(output.get("citations") or []),
        mode=output.get("mode") or "extractive",
        unsupported=list(output.get("unsupported") or []),
        kind=output.get("kind"),
    )


def history_turns(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """Earlier turns as (role, text): strings are user questions; {"role","content"} messages,
    {"question"|"q", "answer"|"a"} pairs and Answers keep the assistant's answers too (the router
    reads which service an answer was about)."""
    out: list[tuple[str, str]] = []
    for h in history or []:
        if isinstance(h, str):
            out.append(("user", h))
        elif isinstance(h, Answer):
            out += [("user", h.question), ("assistant", h.answer)]
        elif isinstance(h, dict):
            if h.get("content"):
                out.append((str(h.get("role", "user")), str(h["content"])))
            elif h.get("question") or h.get("q"):  # {"question"|"q", "answer"?}: question-set turns
                out.append(("user", str(h.get("question") or h.get("q"))))
                if h.get("answer") or h.get("a"):
                    out.append(("assistant", str(h.get("answer") or h.get("a"))))
    return out
