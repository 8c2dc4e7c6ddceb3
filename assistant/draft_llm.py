"""LLM mode for drafting: the model rewrites the extractive draft's evidence into prose.

Why this shape: the extractive drafting (``assistant.drafting``) already gathers the evidence a
drafter can defend (comparable inspections' bullets and sentences, the published rating row,
the rating module's explanation for ``--kq``, the user's notes). In LLM mode the model sees the
same evidence as numbered, delimited data blocks (``llm.source_block``; notes in ``<notes>``)
and writes bullets or a findings paragraph with ``[n]`` markers. What it writes goes through the
same citation gate; on top of that:

- the computed rating and the user's figures are stated by the template part (from the rating
  module), never by the model; a model sentence naming a different rating goes to
  ``unsupported`` before the gate sees it;
- the user's notes stay marked "(your notes)" and are never cited to another report (a note the
  model copies is trusted and loses any marker; notes it leaves out are appended, marked);
- if nothing the model wrote verifies, the extractive draft is returned with the model's
  sentences in ``unsupported`` (as ``ask`` does).
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from assistant import prompts
from assistant.citations import CitationGate, Passage, move_markers_before_stop, strip_markers
from assistant.compose.common import Draft as Work, _standard_title, phrase
from assistant.drafting import read_notes
from assistant.model import Draft
from assistant.text import comparable, split_sentences

_LIST_PREFIX = re.compile(r"^(\s*(?:[-*+\u2022]|\d+[.)])\s+)")
# Rating claims: the four names capitalised as the reports print them, or "rated (as) <name>" in
# any case; lower-case prose ("inadequate plans", "required improvement") is not a rating claim.
_RATING_NAMES = ("Inadequate", "Requires improvement", "Good", "Outstanding")
_RATED = re.compile(r"\brated\s+(?:as\s+)?['\"\u2018\u201c]?(inadequate|requires improvement|good|outstanding)\b", re.I)


def ratings_named(sentence: str) -> set[str]:
    """Rating names a sentence claims ("Good joint working ..." at the start is not a claim)."""
    body = strip_markers(sentence).strip()
    found = set()
    for name in _RATING_NAMES:
        for m in re.finditer(r"\b" + re.escape(name) + r"\b", body):
            if not (name == "Good" and m.start() == 0):
                found.add(name)
    for m in _RATED.finditer(body):
        found.add(next(n for n in _RATING_NAMES if n.lower() == m.group(1).lower()))
    return found


def _mark(sentence: str, mark: str) -> str:
    s = sentence.strip()
    return f"{s[:-1]} {mark}{s[-1]}" if s and s[-1] in ".!?" else f"{s} {mark}."


def _escape(text: str) -> str:
    """Data cannot open or close a delimiter (sources or notes)."""
    from assistant.llm import escape_data

    out = escape_data(text)
    for tag in ("<notes", "</notes"):
        out = re.sub(re.escape(tag), tag.replace("<", "&lt;"), out, flags=re.I)
    return out


def build_messages(kind: str, standard: str, title: str, service: str | None, passages: Sequence[Passage],
                   notes: Sequence[str], prompts_dir=None) -> list[tuple[str, str]]:
    """(role, content) pairs: the drafting rules, then sources-as-data, notes-as-data and the task."""
    from assistant.llm import source_block

    tasks = prompts.phrases("draft_tasks", prompts_dir)
    notes_text = ""
    if notes:
        body = "\n".join(f"- {_escape(n)}" for n in notes)
        notes_text = f"\n{tasks['notes_block']}\n<notes>\n{body}\n</notes>\n"
    user = prompts.render(
        "draft_user", prompts_dir, sources=source_block(passages, prompts_dir), notes=notes_text,
        task=tasks[kind], standard=standard, title=title,
        service=tasks["service"].format(service=service) if service else "",
    )
    return [("system", prompts.load("draft_system", prompts_dir)), ("human", user)]


def _filter_units(text: str, keep) -> str:
    """Apply ``keep(sentence) -> bool`` to every sentence of every line; drop emptied lines."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append(line)
            continue
        m = _LIST_PREFIX.match(line)
        prefix = m.group(1) if m else ""
        kept = [s for s in split_sentences(move_markers_before_stop(line[len(prefix):])) if keep(s)]
        if kept:
            out.append(prefix + " ".join(kept))
    return "\n".join(out)


def llm_draft(assistant: Any, ext: Draft, work: Work, notes: str | None = None) -> Draft:
    """The LLM version of ``ext`` (the extractive draft built from ``work``); see module docstring.

    ``assistant`` is the ``assistant.service.Assistant`` (its library, gate and provider)."""
    lib = assistant.lib
    prompts_dir = assistant.settings.prompts_dir
    sid, kind, service = ext.standard, ext.kind, ext.service
    target = lib.main_report(service) if service else None
    title = _standard_title(target, sid)
    expected = ext.computed_rating or (
        (target.standards.get(sid) or (target.resettlement if sid == "4.1" else None)) if target is not None else None)

    # The template part: the rating module's lines (kq) or the cited published-rating lead.
    mark_kq, mark_notes = phrase("draft_kq_mark"), phrase("draft_notes_mark")
    template: list[str] = []
    if kind == "findings" and work.lines:
        first = split_sentences(work.lines[0])
        if ext.computed_rating:
            template = [s for s in first if mark_kq in s]
        elif first and expected and expected in first[0] and re.search(r"\[\d+\]", first[0]):
            template = [first[0]]
    user_notes = read_notes(notes) if kind == "findings" else []
    marked_notes = [_mark(n, mark_notes) for n in user_notes]

    passages = list(work.passages)
    messages = build_messages(kind, sid, title, service, passages, user_notes, prompts_dir)
    reply = "".join(assistant._provider().stream_messages(messages)).strip()

    # Ratings come from the rating module: a model sentence naming another rating is held back,
    # and one repeating a template line is dropped (the template already says it).
    held: list[str] = []
    template_keys = {comparable(strip_markers(t)) for t in template}

    def keep(sentence: str) -> bool:
        claim = strip_markers(sentence)
        if not claim:
            return False
        if comparable(claim) in template_keys:
            return False
        named = ratings_named(sentence)
        if expected and named - {expected}:
            held.append(claim)
            return False
        return True

    reply = _filter_units(reply, keep)

    gate: CitationGate = assistant._gate(passages, trusted=[*template, *marked_notes])
    head = gate.verify("\n".join(template)) if template else None
    body = gate.verify(reply)
    model_unsupported = held + [u for u in body.unsupported if u not in (head.unsupported if head else [])]

    # Notes the model copied are trusted (and lost any marker); the others are appended, marked.
    body_text = body.text.strip()
    present = comparable(body_text)
    missing = [m for m in marked_notes if comparable(m) not in present]

    if not re.search(r"\[\d+\]", body_text):
        # No model sentence verified with a citation (copied notes alone are no draft): the
        # extractive draft, with the model's sentences in ``unsupported`` so the reader sees them.
        return ext.model_copy(update={"unsupported": model_unsupported + ext.unsupported})

    if kind == "findings":
        lead = " ".join(head.text.split("\n")) if head is not None else ""
        paragraph = " ".join(x for x in [lead, " ".join(body_text.split("\n")), *missing] if x.strip())
        paragraph = re.sub(r"[ \t]+", " ", paragraph).strip()
        return ext.model_copy(update={
            "bullets": [], "paragraph": paragraph, "citations": body.citations, "mode": "llm",
            "unsupported": model_unsupported,
        })
    bullets = [_LIST_PREFIX.sub("", ln).strip() for ln in body_text.splitlines() if _LIST_PREFIX.match(ln)]
    paragraph = None if bullets else body_text
    return ext.model_copy(update={
        "bullets": bullets, "paragraph": paragraph, "citations": body.citations, "mode": "llm",
        "unsupported": model_unsupported,
    })
