"""Step 3, select evidence: which report sentences (extractive) or chunks (a model) to answer from.

Extractive: the kind's composer picks and cites the sentences (``assistant.chain.kinds``); its
draft is what the compose step then writes out. For a language model: the retrieved chunks as
numbered passages, their text cut from ``Report.lines`` so the gate can check quotes exactly.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.chain.kinds import compose_route
from assistant.chain.state import Evidence
from assistant.citations import Passage
from assistant.library import Library, context_of


Composer = Callable[..., Any]  # (route, library, index) -> compose_extractive.Draft


def extractive_evidence(state: Mapping[str, Any], lib: Library, composer: Composer = compose_route) -> Evidence:
    draft = composer(state["route"], lib, state["retrieval"])
    return Evidence(passages=list(draft.passages), trusted=list(draft.trusted), draft=draft.text)


def model_evidence(state: Mapping[str, Any], lib: Library, composer: Composer = compose_route) -> Evidence:
    passages: list[Passage] = []
    for doc in state["retrieval"].documents:
        m = doc.metadata
        rep = lib.get(m["source"])
        text = rep.text_of(m["line_start"], m["line_end"]) if rep is not None else doc.page_content
        passages.append(Passage(
            n=len(passages) + 1, source=m["source"], service=m.get("service"), section=m["section"],
            title=m["title"], line_start=m["line_start"], line_end=m["line_end"], page=m.get("page"), text=text,
            context=context_of(rep, m["section"], m["title"]) if rep is not None else "",
        ))
    return Evidence(passages=passages)


def select_step(lib: Library, for_model: bool = False,
                composer: Composer = compose_route) -> Runnable[Mapping[str, Any], dict[str, Any]]:
    """state -> the same plus ``evidence``. ``composer`` dispatches a route to its kind's
    extractive composer (``kinds.compose_route`` unless the caller has its own)."""
    fn = model_evidence if for_model else extractive_evidence
    return RunnableLambda(lambda state: {**state, "evidence": fn(state, lib, composer)}).with_config(
        run_name="select_evidence")
