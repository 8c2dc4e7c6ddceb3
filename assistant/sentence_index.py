"""Per-report term indexes over evidence sentences, and small caches of per-report derived data.

Why: the composers look for candidate sentences across the whole library on every question
(``evidence.lexical_candidates`` over each report's sentences). At 500 reports that meant
copying ~100,000 sentence objects per question only to keep the few sharing a term with it, and
re-reading every report's annex for methodology questions; both were most of an ask's CPU time
(``bench/profile_ask.py``). A term -> positions index per report, built once per report set,
finds the same sentences without touching the others.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Iterable, Sequence

Postings = dict[str, tuple[int, ...]]


def term_index(sentences: Sequence[Any]) -> Postings:
    """term -> positions (ascending) of the sentences whose ``terms`` hold it."""
    postings: dict[str, list[int]] = {}
    for i, s in enumerate(sentences):
        for t in s.terms:
            postings.setdefault(t, []).append(i)
    return {t: tuple(v) for t, v in postings.items()}


def matching(sentences: Sequence[Any], postings: Postings, terms: Iterable[str], min_terms: int = 1,
             keep: Sequence[bool] | None = None) -> list:
    """Fresh copies of the sentences holding at least ``min_terms`` of ``terms`` (and, with
    ``keep``, only those it marks), in list order: exactly
    ``[s for s, k in zip(sentences, keep) if k and len(set(terms) & s.terms) >= min_terms]``, copied."""
    counts: dict[int, int] = {}
    for t in set(terms):
        for i in postings.get(t, ()):
            counts[i] = counts.get(i, 0) + 1
    from assistant.evidence import fresh

    return [fresh(sentences[i]) for i in sorted(counts)
            if counts[i] >= min_terms and (keep is None or keep[i])]


class BoundedCache:
    """A small thread-safe LRU map (per-report derived data keyed by source and content hash)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()  # outside the lock: building may take a while, a duplicate build is harmless
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value
