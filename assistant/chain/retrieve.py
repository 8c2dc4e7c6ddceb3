"""Step 2, retrieve: run the searches a question's kind needs through ``IndexRetriever``.

Why a memo (``RetrievedIndex``): the extractive composers take an index and search it
themselves. Handing them the index *as seen after this step* means their searches are answered
from what this step retrieved (same query, k and filters give the same hits), so retrieval is
one visible step of the chain and is not paid twice. A search the plan did not foresee is run
live and counted in ``extra_searches``; it is never answered from a different search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from langchain_core.documents import Document
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda

from assistant import compose_extractive as cx
from assistant.library import Library
from assistant.router import Route
from index.langchain_retriever import IndexRetriever

# How many chunks each kind asks for (the extractive figures are those the composers search with).
LOOKUP_K = 10
COMPARATIVE_K = 8
MODEL_LOOKUP_K = 6
MODEL_COMPARATIVE_K = 2


@dataclass(frozen=True)
class SearchSpec:
    """One call of ``Index.search``; also the memo key."""

    query: str
    k: int
    service: str | None = None
    standard: str | None = None
    diversify: bool | None = None


class RetrievedIndex:
    """The index with a memo of the searches made through it (one per question)."""

    def __init__(self, index: Any) -> None:
        self._index = index
        self._hits: dict[SearchSpec, list] = {}
        self.documents: list[Document] = []
        self.planned = True  # searches while True are the retrieve step's; later ones are extra
        self.extra_searches = 0

    def search(self, query: str, k: int = 5, *, service: str | None = None, standard: str | None = None,
               diversify: bool | None = None) -> list:
        key = SearchSpec(query, k, service, standard, diversify)
        hits = self._hits.get(key)
        if hits is None:
            if not self.planned:
                self.extra_searches += 1
            hits = self._index.search(query, k=k, service=service, standard=standard, diversify=diversify)
            self._hits[key] = hits
        return [h.model_copy() for h in hits]  # composers get their own objects, as from the index

    def __getattr__(self, name: str) -> Any:  # everything else is the real index
        return getattr(self._index, name)


def _years(route: Route) -> list[int]:
    return [y for y in range(2000, 2100) if str(y) in route.question]


def search_plan(route: Route, lib: Library, memo: RetrievedIndex, for_model: bool) -> list[SearchSpec]:
    """The searches the composer for ``route.kind`` will make (``for_model``: the passages a
    language model is shown). Methodology and drafting answer from structured data: none."""
    query = route.expanded or route.text
    svc = route.services[0] if route.services else None
    if route.unknown_places and route.kind != "methodology":
        return []  # the answer is "no report for that place"
    if route.kind == "comparative":
        if for_model:
            pool = route.services if len(route.services) > 1 else lib.services()
            k = MODEL_COMPARATIVE_K
        else:
            grid = getattr(cx, "_rating_grid_asked", None)
            if not route.standards and grid is not None and grid(route):
                return []  # a ratings grid is read from the reports' tables
            services = sorted({r.service for r in lib.reports if r.service})
            pool = [s for s in services if s in route.services] if len(route.services) >= 2 else services
            k = COMPARATIVE_K
        compared = cx.compared_services(route, pool, memo, query)  # may rank services with one search
        return [SearchSpec(query, k, service=s) for s in compared.services]
    if route.kind == "numeric" and not for_model and svc and lib.main_report(svc, _years(route)) is not None:
        return []  # ratings, scores and key questions come from the report's tables
    if route.kind in ("lookup", "numeric") or for_model:
        return [SearchSpec(query, MODEL_LOOKUP_K if for_model else LOOKUP_K, service=svc)]
    return []


def uses_model(route: Route, model_kinds: frozenset[str]) -> bool:
    """Whether a language model writes this answer (a place with no report is said by the
    extractive composer: a model shown other places' passages could only mislead)."""
    return route.kind in model_kinds and not route.unknown_places


def retrieve_step(lib: Library, index: Any,
                  model_kinds: frozenset[str] = frozenset()) -> Runnable[Mapping[str, Any], dict[str, Any]]:
    """state (with ``route``) -> the same plus ``retrieval``, a ``RetrievedIndex`` whose
    ``documents`` are the retrieved chunks."""

    def retrieve(state: Mapping[str, Any], config: RunnableConfig) -> dict[str, Any]:
        memo = RetrievedIndex(index)
        seen: set[str | None] = set()
        route = state["route"]
        for spec in search_plan(route, lib, memo, uses_model(route, model_kinds)):
            retriever = IndexRetriever(index=memo, k=spec.k, service=spec.service, standard=spec.standard,
                                       diversify=spec.diversify)
            for doc in retriever.invoke(spec.query, config):
                if doc.id is None or doc.id not in seen:
                    seen.add(doc.id)
                    memo.documents.append(doc)
        memo.planned = False
        return {**state, "retrieval": memo}

    return RunnableLambda(retrieve).with_config(run_name="retrieve")
