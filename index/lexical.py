"""BM25 over the stored chunks (rank-bm25), with a tokenizer tuned for inspection prose.

Consistency: BM25 is never persisted. ``Index`` rebuilds it from the *visible* chunks in Chroma
(chunks whose report version matches the committed report JSON) when first needed and whenever
the index's generation stamp changes (every ingest, update and removal bumps it, including ones
made by another process), so it can never disagree with Chroma for longer than one stat() call.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

import numpy as np

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has
have having he her here hers him his how i if in into is it its itself just me more most my no nor
not now of off on once only or other our ours out over own same she should so some such than that
the their theirs them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yot yos yjs service
services team report inspection inspectors inspected we our us did how what
""".split())

_TOKEN = re.compile(r"\d+\.\d+|[a-z0-9]+(?:&[a-z0-9]+)?")


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    """Light suffix stripping: enough to match plan/plans/planning, child/children, review/reviewed."""
    if len(word) <= 3 or word[0].isdigit():
        return word
    if word == "children":
        return "child"
    for suffix, repl, min_len in (("ies", "y", 5), ("sses", "ss", 5), ("ing", "", 6), ("ed", "", 5),
                                  ("ly", "", 6), ("es", "e", 5), ("s", "", 4)):
        if word.endswith(suffix) and len(word) >= min_len and not word.endswith("ss"):
            base = word[: len(word) - len(suffix)] + repl
            if suffix in ("ing", "ed") and len(base) >= 3 and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]  # planning -> plann -> plan
            return base
    return word


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("-", " ").replace("\t", "")
    return [stem(t) for t in _TOKEN.findall(text) if t not in STOPWORDS]


class LexicalIndex:
    """BM25Okapi over a fixed list of documents; ``scores`` returns one score per document."""

    def __init__(self, texts: Sequence[str]) -> None:
        from rank_bm25 import BM25Okapi

        self.size = len(texts)
        docs = [tokenize(t) or ["\x00"] for t in texts]
        self._bm25 = BM25Okapi(docs) if docs else None

    def scores(self, query: str) -> np.ndarray:
        if self._bm25 is None:
            return np.zeros(0, dtype=np.float32)
        tokens = list(dict.fromkeys(tokenize(query)))
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)
