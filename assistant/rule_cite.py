"""One rating rule as a sentence, cited to the annex line of an indexed report that states it.

Why: a computed band or discretion test is only as trustworthy as the rule behind it, so the
what-if answers quote the rule the way the methodology answers do: the sentence comes from
``prompts/methodology.md`` (values from ``assistant.rating_rules``) and carries a citation to the
first annex passage (newest framework first) that the citation gate accepts as supporting it.
A rule no report states is simply not shown (never an uncited rule sentence).
"""

from __future__ import annotations

from typing import Any

from assistant import prompts
from assistant.citations import CitationGate, Passage
from assistant.library import ANNEX_CUES, Fact, Library, annex_facts
from assistant.rating_rules import get_rules
from assistant.text import comparable, split_sentences


def rule_values() -> dict[str, Any]:
    """The numbers the rule templates print, from the rule table (never typed twice)."""
    rules = get_rules("2021")
    b = dict((r, lo) for lo, r in rules.bands)
    return {
        "b50": int(b["Requires improvement"]), "b65m": int(b["Good"]) - 1, "b65": int(b["Good"]),
        "b80m": int(b["Outstanding"]) - 1, "b80": int(b["Outstanding"]), "pp": int(rules.discretion.within_pp),
        "small": rules.discretion.small_sample, "n": len(rules.scored), "max": rules.max_score,
    }


def cue_quote(f: Fact, key: str) -> str | None:
    """The sentences of a long annex line around the one that states the rule."""
    text = f.text
    if f.line_end > f.line_start or len(text) < 400:
        return None
    sents = split_sentences(text)
    for i, s in enumerate(sents):
        if any(c in comparable(s) for c in ANNEX_CUES[key]):
            return " ".join(sents[max(0, i - 1): i + 2])
    return None


def rule_passage(f: Fact, quote: str | None, n: int) -> Passage:
    p = f.passage(n)
    if quote:
        p.quote = quote
        p.text = quote
    return p


class RuleCiter:
    """Finds, once per answer, the annex fact that supports each rule sentence."""

    def __init__(self, lib: Library, prefer: Any = None) -> None:
        """``prefer``: the report the answer is about, whose own annex is quoted when it states the rule."""
        self.lib = lib
        self._reports = sorted(lib.reports, key=lambda r: (r.framework or "", r.published or ""), reverse=True)
        if prefer is not None:
            self._reports.sort(key=lambda r: r.source != prefer.source)
        self._templates = prompts.phrases("methodology")
        self._values = rule_values()
        # The supporting passage of each rule depends only on the indexed reports: found once per set.
        self._sig = tuple((r.source, r.sha256) for r in self._reports)
        if self._sig not in _FOUND and len(_FOUND) >= _FOUND_SETS:
            _FOUND.clear()  # one entry per set of indexed reports: a long-running server keeps a few
        self._found: dict[str, Passage | None] = _FOUND.setdefault(self._sig, {})

    def sentence(self, key: str) -> str:
        return self._templates[key].format(**self._values)

    def cited(self, key: str, draft: Any) -> str | None:
        """The rule sentence with its ``[n]`` marker(s) added to ``draft``, or None if no report states it."""
        if key not in self._templates:
            return None
        sentence = self.sentence(key)
        if key not in self._found:
            self._found[key] = self._find(key, sentence)
        p = self._found[key]
        return f"{sentence[:-1]} {draft.cite(p.model_copy())}." if p is not None else None

    def _find(self, key: str, sentence: str) -> Passage | None:
        for r in self._reports:
            for f in annex_facts(r).get(key, []):
                quote = cue_quote(f, key)
                probe = CitationGate([rule_passage(f, quote, 1)], self.lib.lines_of)
                if probe._verify_unit(f"{sentence[:-1]} [1].") is not None:
                    return rule_passage(f, quote, 0)
        return None


_FOUND: dict[tuple, dict[str, Passage | None]] = {}
_FOUND_SETS = 8
