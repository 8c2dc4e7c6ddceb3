"""Multi-part questions: "who chairs it now, since when, and who chaired before?" is three
questions sharing one subject. Each part is scored on its own so that each gets its own best
evidence (or a line saying the reports do not say), instead of the first part taking all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer_cues import asked
from assistant.text import content_terms

_WH = r"(?:who|whom|whose|when|what|which|where|why|how|since when|is|are|was|were|did|does|do|has|have|had|can|could)"
# Split before a question word that opens a new clause: ", and who ...", "; when ...", " - how many ...",
# "? Which one ...", " and since when".
_SPLIT = re.compile(
    r"\s*(?:\?\s+|;\s*|\s[-\u2013\u2014]\s|,\s*(?:and\s+)?|\s+and\s+(?:if so,?\s+)?)(?=" + _WH + r"\b)", re.I)


@dataclass(frozen=True)
class Part:
    """One part of a question: its own words, and the text used to score evidence for it (the
    part plus the subject words of the whole question when the part alone is too short)."""

    text: str
    query: str


def split_parts(question: str, min_terms: int = 1) -> list[Part]:
    """The question's parts (one Part for a simple question). A piece becomes a part only when it
    asks something (a question word with a content word or an answer-type cue); otherwise it stays
    with the piece before it."""
    q = question.strip()
    pieces = [p.strip(" ,;?-") for p in _SPLIT.split(q) if p and p.strip(" ,;?-")]
    merged: list[str] = []
    for p in pieces:
        asks = bool(asked(p)) or len(content_terms(p)) >= min_terms + 1
        if merged and not asks:
            merged[-1] = f"{merged[-1]} {p}"
        else:
            merged.append(p)
    lead = ""
    if len(merged) > 1 and not re.match(_WH + r"\b", merged[0], re.I):
        lead = merged.pop(0)  # "kirklees management board - who chairs it, since when": the subject only
    if len(merged) <= 1:
        return [Part(q, q)]
    subject = " ".join(t for t in dict.fromkeys(_words(lead or merged[0])))
    out = []
    for i, p in enumerate(merged):
        query = p if (i == 0 and not lead) or len(content_terms(p)) >= 4 else f"{p} {subject}"
        out.append(Part(p, query))
    return out


def _words(text: str) -> list[str]:
    """The plain words of a piece (question words dropped), to carry its subject into later parts."""
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'&-]+", text)
            if w.lower() not in {"who", "what", "when", "which", "where", "why", "how", "is", "are", "was", "were",
                                 "did", "does", "do", "the", "a", "an", "of", "and", "it", "its", "their", "they"}]
