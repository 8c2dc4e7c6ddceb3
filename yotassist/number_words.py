"""Number words ("nine", "twelve") read from one data file, ``yotassist/data/number_words.toml``.

Why here: the what-if parser, the tone checks, the answer text's figure matching and the parser's
self-checks each read numbers written as words; each had its own table (with different ranges).
This is the lowest layer (ingest imports it too: data flows ingest -> index -> assistant), and
each caller asks for the range it reads, so what each recognises is unchanged.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("data") / "number_words.toml"


@lru_cache(maxsize=1)
def _all() -> tuple[tuple[str, int], ...]:
    data = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))
    words = tuple((str(w), int(n)) for w, n in data["words"].items())
    values = [n for _, n in words]
    if values != sorted(set(values)):
        raise ValueError(f"{WORDS_FILE}: number words must be listed once each, in ascending order")
    return words


def number_words(low: int = 0, high: int = 20) -> dict[str, int]:
    """Word -> value for ``low`` <= value <= ``high``, in ascending order (a fresh dict)."""
    got = {w: n for w, n in _all() if low <= n <= high}
    missing = set(range(low, high + 1)) - set(got.values())
    if missing:
        raise ValueError(f"{WORDS_FILE} has no word for {sorted(missing)}")
    return got


def alternation(low: int, high: int) -> str:
    """The words for ``low``..``high`` as a regular-expression alternation, ascending: "one|two|..."."""
    return "|".join(number_words(low, high))
