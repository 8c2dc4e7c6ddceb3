"""Step 1, understand: check the question and route it (kind, services, standards, follow-up).

Routing itself is ``assistant.router.route``; this step only adapts the chain's input to it and
refuses bad input with a ``ValueError`` a user can read (empty, too long)."""

from __future__ import annotations

from typing import Any, Mapping

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.chain.state import checked_question, history_turns
from assistant.library import Library
from assistant.router import Route, route


def understand_step(lib: Library, settings: Any, embedder: Any = None) -> Runnable[Mapping[str, Any], dict[str, Any]]:
    """``{"question", "history"}`` -> the same plus ``route``. The library is re-read first
    (forced), so a report ingested a moment ago by another process is known to the router.
    ``embedder`` (the index's) lets the router vote by nearest example questions."""

    def understand(state: Mapping[str, Any]) -> dict[str, Any]:
        q = checked_question(state.get("question"), settings.max_question_chars)
        lib.refresh(force=True)
        r: Route = route(q, lib.services(), history_turns(state.get("history")),
                         embedder=embedder, settings=settings)
        return {**state, "route": r}

    return RunnableLambda(understand).with_config(run_name="understand")
