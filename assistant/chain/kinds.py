"""The extractive composer for each kind of question, in one table.

Why a table: the chain builds one branch per entry (``assistant.chain.build``), so a new kind
(e.g. 'whatif' rating reasoning) is one ``COMPOSERS`` entry and its composer function; a kind the
router returns that has no entry is answered as a lookup. Each composer takes
``(route, library, index)`` and returns a ``compose_extractive.Draft``.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Callable

from assistant import compose_extractive as cx
from assistant.library import Library
from assistant.router import Route

Composer = Callable[[Route, Library, Any], "cx.Draft"]

# Composers whose modules are imported on first use: rating reasoning and drafting pull in the
# rating module and the drafting classifiers (~0.4 s at a cold start), which a lookup never needs.
LAZY_MODULES = ("assistant.compose_whatif", "assistant.drafting")


def _lazy(module: str, name: str) -> Composer:
    def compose(r: Route, lib: Library, index: Any) -> "cx.Draft":
        return getattr(importlib.import_module(module), name)(r, lib, index)

    compose.__name__ = compose.__qualname__ = name
    return compose


def import_all() -> None:
    """Import every lazily imported composer now (a server does this at start-up)."""
    for module in LAZY_MODULES:
        importlib.import_module(module)


def compose_drafting(r: Route, lib: Library, index: Any) -> "cx.Draft":
    """'Draft the strengths and areas for improvement for 2.2 Planning' typed as a question:
    the drafting composers, one headed block per kind asked for."""
    if not r.standards:
        return cx.lookup(r, lib, index)
    from assistant.drafting import draft_bullets, draft_findings

    # A follow-up ("and for St Helens?") keeps the kinds asked for in the resolved text.
    q = (r.question + (" " + r.text if r.follow_up else "")).lower()
    kinds = [k for k, cue in (("strengths", r"strength"), ("improvements", r"improvement|weakness|afi"),
                              ("findings", r"finding")) if re.search(cue, q)] or ["strengths"]
    service = r.services[0] if r.services else None
    sid = r.standards[0]
    out = cx.Draft()
    heads = {"strengths": "Strengths", "improvements": "Areas for improvement", "findings": "Findings"}
    for kind in kinds:
        if kind == "findings":
            work, _ = draft_findings(lib, sid, service)
        else:
            work, _ = draft_bullets(lib, sid, kind, service)
        title = f"**{sid} {heads[kind]}**" + (f" ({service})" if service else "")
        out.say(title, trusted=True)
        mapping = {p.n: out.cite(p) for p in work.passages}
        for line in work.lines:
            out.say(re.sub(r"\[(\d+)\]", lambda m: mapping.get(int(m.group(1)), ""), line))
        out.trusted.extend(work.trusted)
        out.say("")
    return out


COMPOSERS: dict[str, Composer] = {
    "lookup": cx.lookup,
    "numeric": cx.numeric,
    "comparative": cx.comparative,
    "methodology": cx.methodology,
    "drafting": compose_drafting,
    "whatif": _lazy("assistant.compose_whatif", "whatif"),
}


def compose_route(r: Route, lib: Library, index: Any) -> "cx.Draft":
    """The extractive answer for a routed question (``Assistant._compose`` is this)."""
    if r.unknown_places and r.kind != "methodology":
        # "What rating did the Leeds YOT get?" with no Leeds report: say so, never answer from others.
        out = cx.Draft()
        out.say(cx.phrase("unknown_place", place=" or ".join(r.unknown_places)), trusted=True)
        return out
    return COMPOSERS.get(r.kind, cx.lookup)(r, lib, index)
