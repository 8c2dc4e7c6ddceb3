"""The one sentence of a findings paragraph that may name another service: a comparison.

Why a separate step with strict conditions: a paragraph about this service that quotes another
service's finding ("In Wigan (2021), ...") reads as evidence about this one (the collage the issue
found in 8 of 8 drafts). Inspectors do compare, though, and say so. So the paragraph may carry at
most one sentence, framed as a comparison by the phrase template ``draft_comparison``
(prompts/phrases.md: "A comparable inspection found the same (Wigan, 2021): ..."), and only when:

- the sentence is most about that key question of all the paragraph's, and does not point back
  at a sentence it does not carry ("this area of work");
- the other inspection is comparable (same standard and framework, same published rating band);
- its sentence is about the same key question as the finding it sits beside (embedding cosine
  at least ``MIN_COSINE``, ``MIN_COSINE_FIGURES`` beside a passage written from figures);
- it points the same way (the finding and its sentence have the same polarity by the cue lexicon
  or, where the lexicon abstains, the learnt classifier), and a share of cases it states falls in
  the same rating band as the finding's;
- it names no rating and turns on no contrast ("..., but ...": it would point both ways).

The other service's figures stay inside the attributed clause after the colon; the sentence is
cited to the line that prints it and passes the citation gate like any borrowed sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from assistant import prompts
from assistant.evidence import Sentence
from assistant.library import Library
from assistant.tone import tone_of
from ingest.model import Report

MIN_COSINE = 0.72  # a report's sentence beside another report's sentence
# A passage written from figures ("In nearly all of the inspected cases (20 of 22, 90.9%), planning
# ...") is worded unlike any report sentence, so it meets the same finding at a lower cosine
# (0.65-0.71 for the right match on the corpus, under 0.6 for the next theme's).
MIN_COSINE_FIGURES = 0.65
# Framing words the gate needs no support for (they say "compared", not what was found).
FRAME_CONTEXT = "a comparable inspection found the same"


@dataclass
class Comparison:
    """The chosen sentence: where it goes (the anchor's index) and its text with the marker."""

    anchor: int
    text: str
    sentence: Sentence
    report: Report


def vectors(lib: Library, texts: Sequence[str]):
    """Unit-length document vectors of ``texts`` (the index's own embedder)."""
    import numpy as np

    v = np.asarray(lib.index.embedder.embed_documents(list(texts)), dtype=float)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def polarity(lib: Library, texts: Sequence[str]) -> list[int]:
    """+1 / -1 / 0 per text: the cue lexicon, else the classifier when it is sure (>= 0.6)."""
    from assistant.draft_new import _classify

    pol, _ = _classify(lib, list(texts))
    out = []
    for t, ps in zip(texts, pol):
        cue = tone_of(t)
        if cue or not ps:
            out.append(cue)
            continue
        best = max(("strength", "improvement"), key=lambda c: ps.get(c, 0))
        out.append((1 if best == "strength" else -1) if ps.get(best, 0) >= 0.6 else 0)
    return out


# "this area of work": points at a sentence the comparison does not carry
_CONTRAST = re.compile(r",? but\b|\bhowever\b|\balthough\b|\bwhile\b|\bdespite\b", re.I)
_REFERS_BACK = re.compile(r"\b(?:this|that|these|those) (?:area|aspect|element|part|work|standard)s?\b", re.I)


def _who(r: Report) -> str:
    return f"{r.service}, {r.year}" if r.year else (r.service or r.source)


def _finding(text: str) -> str:
    """The other report's sentence after the colon: unaltered but for a lower-case first letter
    (kept for a name, an acronym or "I")."""
    first = text.split(" ", 1)[0]
    if first[:2].isupper() or first in ("I",) or (len(first) > 1 and first[1:].lower() != first[1:]):
        return text
    return text[0].lower() + text[1:]


def _band(fraction: float) -> str:
    """The rating band a share of cases falls in (the 2021 and 2018 frameworks share the bands)."""
    from assistant.rating_rules import get_rules

    for lo, rating in sorted(get_rules("2021").bands, reverse=True):
        if fraction * 100 >= float(lo) - 1e-9:
            return rating
    return "Inadequate"


def _unusable(text: str) -> bool:
    """A sentence that cannot stand as "the same" finding: it names a rating (the other report's,
    not this one's), turns on a contrast (points both ways), or points back ("this area of work")."""
    from assistant.citations import RATING_WORDS

    return (any(w in text[1:] for w in RATING_WORDS) or bool(_CONTRAST.search(text))
            or bool(_REFERS_BACK.search(text)))


def choose(lib: Library, anchors: Sequence[str], anchor_polarity: Sequence[int],
           cands: Sequence[tuple[Sentence, Report]], min_cosine: float = MIN_COSINE,
           anchor_share: Sequence[float | None] = ()) -> tuple[int, Sentence, Report] | None:
    """The best (anchor, sentence) pair meeting the conditions above, or None. Where both the
    anchor and the sentence state a share of cases, the shares fall in the same rating band
    (67% is not "the same" as 92%)."""
    if not anchors or not cands:
        return None
    import numpy as np

    from assistant.tone import share

    cands = [c for c in cands if not _unusable(c[0].text)]
    if not cands:
        return None
    texts = [s.text for s, _ in cands]
    shares = [share(t) for t in texts]
    a_share = list(anchor_share) + [None] * (len(anchors) - len(anchor_share))
    sims = vectors(lib, texts) @ vectors(lib, anchors).T  # cands x anchors
    pols = polarity(lib, texts)
    best: tuple[float, int, int] | None = None
    home = sims.argmax(axis=1)  # the key question each sentence is most about
    for i, j in zip(*np.nonzero(sims >= min_cosine)):
        if home[i] != j or anchor_polarity[j] == 0 or pols[i] != anchor_polarity[j]:
            continue
        if shares[i] is not None and a_share[j] is not None and _band(shares[i]) != _band(a_share[j]):
            continue
        if best is None or sims[i, j] > best[0]:
            best = (float(sims[i, j]), int(j), int(i))
    if best is None:
        return None
    _, j, i = best
    return j, cands[i][0], cands[i][1]


def comparison(work, lib: Library, anchors: Sequence[str], anchor_polarity: Sequence[int],
               cands: Sequence[tuple[Sentence, Report]], min_cosine: float = MIN_COSINE,
               anchor_share: Sequence[float | None] = ()) -> Comparison | None:
    """The comparison sentence, cited through ``work`` (a compose ``Draft``), or None."""
    got = choose(lib, anchors, anchor_polarity, cands, min_cosine, anchor_share)
    if got is None:
        return None
    j, s, r = got
    p = s.passage(0)
    p.context = f"{r.service} {r.year} {s.section} {s.title} {FRAME_CONTEXT}"
    marker = work.cite(p)
    body = _finding(s.text.rstrip())
    stop = body[-1] if body[-1] in ".!?" else "."
    body = body[:-1] if body[-1] in ".!?" else body
    text = prompts.phrases("phrases")["draft_comparison"].format(who=_who(r), finding=body) + f" {marker}{stop}"
    return Comparison(j, text, s, r)
