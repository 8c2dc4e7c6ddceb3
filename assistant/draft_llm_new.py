"""LLM mode for a new inspection's draft: same structure, same gate.

Why a separate module: for a new inspection the paragraph (figures, notes, rating) is the
template's alone (``assistant.draft_findings``); the model only rewrites the borrowed part, the
comparable inspections' wording beside the paragraph (findings) or after the inspector's own
lines (lists). It sees the inspector's figures and notes as delimited data and the comparable
passages as numbered sources; every line it writes must verify against a cited passage, and a
line naming a rating other than the computed one is held back. If nothing verifies, the
extractive draft is returned with the model's lines in ``unsupported``.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from assistant import prompts
from assistant.citations import strip_markers
from assistant.draft_llm import _escape, _filter_units, ratings_named
from assistant.model import Draft

_LIST = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")


def build_new_messages(kind: str, standard: str, title: str, service: str | None, passages: Sequence[Any],
                       figures: Sequence[str], notes: Sequence[str], prompts_dir=None) -> list[tuple[str, str]]:
    from assistant.llm import source_block

    tasks = prompts.phrases("draft_tasks", prompts_dir)
    data = ""
    if figures:
        data += f"\n{tasks['figures_block']}\n<figures>\n" + "\n".join(f"- {_escape(f)}" for f in figures) + "\n</figures>\n"
    if notes:
        data += f"\n{tasks['notes_block']}\n<notes>\n" + "\n".join(f"- {_escape(n)}" for n in notes) + "\n</notes>\n"
    user = prompts.render("draft_user", prompts_dir, sources=source_block(passages, prompts_dir), notes=data,
                          task=tasks["comparable" if kind == "findings" else kind], standard=standard, title=title,
                          service=tasks["service"].format(service=service) if service else "")
    return [("system", prompts.load("draft_system", prompts_dir)), ("human", user)]


def llm_new_draft(assistant: Any, ext: Draft, passages: Sequence[Any], own: Sequence[str], notes: Sequence[str],
                  title: str) -> Draft:
    """The LLM version of the new-inspection draft ``ext`` (``own``: its trusted lines)."""
    if not passages:
        return ext
    messages = build_new_messages(ext.kind, ext.standard, title, ext.service, passages, own, notes,
                                  assistant.settings.prompts_dir)
    reply = "".join(assistant._provider().stream_messages(messages)).strip()
    held: list[str] = []

    def keep(sentence: str) -> bool:
        claim = strip_markers(sentence)
        if not claim:
            return False
        if ext.computed_rating and ratings_named(sentence) - {ext.computed_rating}:
            held.append(claim)
            return False
        return True

    lines = [ln for ln in _filter_units(reply, keep).splitlines() if _LIST.match(ln)]
    gate = assistant._gate(list(passages), [])
    body = gate.verify("\n".join(lines))
    got = [_LIST.sub("", ln).strip() for ln in body.text.splitlines() if _LIST.match(ln)]
    got = [g for g in got if re.search(r"\[\d+\]", g)]
    if not got:
        return ext.model_copy(update={"unsupported": held + body.unsupported + ext.unsupported})
    update: dict[str, Any] = {"citations": body.citations, "mode": "llm", "unsupported": held + body.unsupported}
    if ext.kind == "findings":
        update["comparable"] = got
    else:
        update["bullets"] = [b for b in ext.bullets if not re.search(r"\[\d+\]", b)] + got
    return ext.model_copy(update=update)
