"""Answer-type cues (who / when / how many / how often / what share / where), read from
``assistant/data/answer_cues.toml``.

Why data: what a "when" question wants (a month, a year, "since ...") is the same for every
report; keeping the patterns in a file lets them be reviewed and extended without touching the
selection code, and keeps them from turning into per-question rules.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.text import content_terms

CUES_FILE = Path(__file__).with_name("data") / "answer_cues.toml"
#: Cue names whose answers are figures: a question asking for one also searches the data tables.
FIGURE_CUES = frozenset({"how_many", "share"})


@dataclass(frozen=True)
class Cue:
    """One kind of answer: the question pattern that asks for it, the sentence pattern that carries it."""

    name: str
    question: re.Pattern
    answer: re.Pattern


@lru_cache(maxsize=4)
def load_cues(path: str = str(CUES_FILE)) -> tuple[Cue, ...]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Cue(c["name"], re.compile(c["question"], re.I), re.compile(c["answer"])) for c in data["cue"])


def asked(question: str, cues: tuple[Cue, ...] | None = None) -> list[Cue]:
    """The kinds of answer a question (or one part of it) asks for."""
    return [c for c in (cues if cues is not None else load_cues()) if c.question.search(question)]


def carries(text: str, wanted: list[Cue], question: str = "") -> float:
    """Share of the wanted answer kinds the sentence carries (0 when nothing is wanted). A match
    made only of the question's own words is not an answer ("who chairs the board?" is not
    answered by any sentence that says "chair")."""
    if not wanted:
        return 0.0
    asked_terms = set(content_terms(question))
    got = 0
    for c in wanted:
        for m in c.answer.finditer(text):
            words = {t for t in content_terms(m.group(0)) if t.isalpha()}
            if any(ch.isdigit() for ch in m.group(0)) or not words or words - asked_terms:  # figures always count
                got += 1
                break
    return got / len(wanted)
