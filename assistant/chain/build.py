"""The answer chain: understand -> retrieve -> (per kind) select evidence -> compose -> verify.

    chain = answer_chain(index)                       # extractive: no model, no network
    chain.invoke({"question": "What was Ashbridge's overall rating?"})
    chain = answer_chain(index, llm=ChatOpenAI(...))  # a model writes lookups and comparisons

Every step is a Runnable with a run name (``understand``, ``retrieve``, ``by_kind``,
``answer_<kind>``, ``select_evidence``, ``compose``, ``verify_citations``), so callbacks,
``astream_events`` and tracing see the answer being made step by step.
"""

from __future__ import annotations

from typing import Any, Mapping

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.chain.compose import extractive_compose, model_compose
from assistant.chain.kinds import COMPOSERS, compose_route
from assistant.chain.retrieve import retrieve_step, uses_model
from assistant.chain.select import Composer, select_step
from assistant.chain.understand import understand_step
from assistant.chain.verify import VerifyCitations
from assistant.citations import CitationGate
from assistant.library import Library
from yotassist.settings import Settings, get_settings

# The kinds a language model writes when one is given (the others are answered from structured
# data: ratings, key questions, rules, drafting bullets).
MODEL_KINDS = frozenset({"lookup", "comparative"})


def _head(state: Mapping[str, Any]) -> dict[str, Any]:
    route = state["route"]
    return {"question": str(state["question"]).strip(), "kind": route.kind, "route": route,
            "context": list(state["retrieval"].documents)}


def _answer(lib: Library, compose: Any, mode: str, *, head: bool = True,
            fallback: Runnable | None = None) -> Runnable:
    """compose | verify_citations, with the gate built for this question's evidence.
    ``compose`` is a Runnable, or a function of the state that returns one."""

    def build(state: Mapping[str, Any]) -> Runnable:
        ev = state["evidence"]
        gate = CitationGate(ev.passages, lib.lines_of, trusted=ev.trusted, page_of=lib.page_of)
        verify = VerifyCitations(gate, mode=mode, head=_head(state) if head else None,
                                 fallback=fallback, fallback_input=state)
        return (compose if isinstance(compose, Runnable) else compose(state)) | verify

    return RunnableLambda(build).with_config(run_name="compose_and_verify")


def _extractive_kind(lib: Library, kind: str, composer: Composer, head: bool = True) -> Runnable:
    return (select_step(lib, composer=composer) | _answer(lib, extractive_compose, "extractive", head=head)
            ).with_config(run_name=f"answer_{kind}")


def _model_kind(lib: Library, kind: str, composer: Composer, model: Runnable, endpoint: str,
                prompts_dir: Any) -> Runnable:
    fallback = _extractive_kind(lib, kind, composer, head=False).with_config(run_name="extractive_fallback")
    return (select_step(lib, for_model=True)
            | _answer(lib, model_compose(model, endpoint, prompts_dir), "llm", fallback=fallback)
            ).with_config(run_name=f"answer_{kind}_model")


def answer_chain(index: Any, *, llm: Runnable | None = None, lib: Library | None = None,
                 settings: Settings | None = None, endpoint: str | None = None,
                 model_kinds: frozenset[str] = MODEL_KINDS, composer: Composer = compose_route) -> Runnable:
    """The whole answer path as one LCEL chain over ``index`` (an ``index.store.Index``).

    Input ``{"question": str, "history": [...]}``; output (see ``assistant.chain.state``) a dict
    with ``answer``, ``citations``, ``unsupported``, ``mode``, ``kind``, ``route``, ``context``.
    ``llm``: any LangChain chat model; it then writes the ``model_kinds`` answers in place of the
    extractive composer (``endpoint`` names it in error messages). ``composer``: ``(route,
    library, index) -> Draft`` for the extractive answers (``kinds.compose_route``, or
    ``Assistant._compose``).

    The branch per kind is a routing function returning the kind's chain (LangChain's
    recommended form of ``RunnableBranch``: one run, no condition runs). A kind first seen at
    run time (one the router learnt after this chain was built) gets its own branch then."""
    settings = settings or get_settings()
    lib = lib or Library(index)
    kinds = list(dict.fromkeys(["lookup", *COMPOSERS]))
    used = frozenset(model_kinds) & set(kinds) if llm is not None else frozenset()
    name = endpoint or getattr(llm, "openai_api_base", None) or type(llm).__name__
    extractive = {k: _extractive_kind(lib, k, composer) for k in kinds}
    by_model = {k: _model_kind(lib, k, composer, llm, name, settings.prompts_dir) for k in kinds if k in used}

    def by_kind(state: Mapping[str, Any]) -> Runnable:
        route = state["route"]
        if route.kind in by_model and uses_model(route, used):
            return by_model[route.kind]
        if route.kind not in extractive:  # dict assignment is atomic: a race builds it twice, harmlessly
            extractive[route.kind] = _extractive_kind(lib, str(route.kind), composer)
        return extractive[route.kind]

    chain = (
        understand_step(lib, settings, getattr(index, "embedder", None))
        | retrieve_step(lib, index, used)
        | RunnableLambda(by_kind).with_config(run_name="by_kind")
    )
    return chain.with_config(run_name="answer_chain")
