"""Comparative answers over a big library cover a bounded set of services.

Why: scoring every report for "how did services do on 2.2 planning" took 20-47 s at 200-500
reports and timed out concurrent clients; ``compared_services`` keeps the best-matching 12.
"""

from __future__ import annotations

from types import SimpleNamespace

from assistant.compose_extractive import MAX_COMPARED_SERVICES, compared_services
from assistant.router import Route


class _Index:
    """Returns hits in a fixed service order; records the calls."""

    def __init__(self, order: list[str]) -> None:
        self.order = order
        self.calls: list[dict] = []

    def search(self, query: str, k: int = 5, **filters):
        self.calls.append({"query": query, "k": k, **filters})
        return [SimpleNamespace(service=s) for s in self.order][:k]


SERVICES = [f"Service {chr(65 + i)}" for i in range(20)]


def _route(services: list[str] | None = None) -> Route:
    return Route(question="how did services do on planning", kind="comparative", text="planning",
                 services=services or [])


def test_small_library_compares_every_service_without_searching() -> None:
    index = _Index([])
    got = compared_services(_route(), SERVICES[:5], index, "planning")
    assert got.services == SERVICES[:5] and got.more == 0
    assert index.calls == []


def test_big_library_keeps_the_best_matching_services() -> None:
    order = list(reversed(SERVICES))  # T first, then S, R, ... (with a repeat and an unknown service)
    index = _Index(order[:3] + [order[0], "Elsewhere"] + order[3:])
    got = compared_services(_route(), SERVICES, index, "planning")
    assert len(got.services) == MAX_COMPARED_SERVICES == 12
    assert got.services == sorted(order[:12])
    assert got.more == len(SERVICES) - 12
    assert len(index.calls) == 1 and index.calls[0]["diversify"] is True


def test_named_services_are_all_compared() -> None:
    named = SERVICES[:2]
    got = compared_services(_route(named), SERVICES, _Index(SERVICES), "planning")
    assert got.services == SERVICES and got.more == 0


def test_no_hits_still_gives_a_bounded_table() -> None:
    got = compared_services(_route(), SERVICES, _Index([]), "planning")
    assert got.services == SERVICES[:12] and got.more == 8
