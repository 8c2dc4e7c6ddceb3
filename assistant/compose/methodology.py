"""Methodology composer: the rating rules, each sentence cited to an annex passage that states it."""

from __future__ import annotations

import re
from typing import Any

from assistant import prompts
from assistant.compose.common import Draft, phrase
from assistant.library import Fact, Library, annex_facts, score_fact
from assistant.router import Route
from assistant.rule_cite import cue_quote as _cue_sentence, rule_passage as _probe_passage, rule_values

def methodology(route: Route, lib: Library, index: Any) -> Draft:
    """Rules from ``assistant.rating_rules`` rendered by ``prompts/methodology.md``, each sentence
    cited to the first annex passage (2021 framework reports first) that the gate accepts."""
    from assistant.citations import CitationGate

    d = Draft()
    values = rule_values()
    templates = prompts.phrases("methodology")
    reports = sorted(lib.reports, key=lambda r: (r.framework or "", r.published or ""), reverse=True)
    facts_by_report = [(r, annex_facts(r)) for r in reports]
    focus = _methodology_focus(route.question)
    if focus:
        # A specific question gets its rule(s) first, then the closely related ones in brief.
        related = [k for f in focus for k in _RELATED_RULES.get(f, ()) if k not in focus]
        order = list(dict.fromkeys(focus + related))
        templates = {k: templates[k] for k in order if k in templates}
    intro_done = False
    for key, template in templates.items():
        sentence = template.format(**values)
        chosen: list[tuple[Fact, str | None]] | None = None
        for r, facts in facts_by_report:
            for f in facts.get(key, []):
                cands = [(f, _cue_sentence(f, key))]
                if key == "inconsistent":
                    sf = score_fact(r)
                    if sf is not None:
                        cands.append((sf, None))
                probe = CitationGate([_probe_passage(x, q, i + 1) for i, (x, q) in enumerate(cands)], lib.lines_of)
                marks = "".join(f"[{i + 1}]" for i in range(len(cands)))
                if probe._verify_unit(f"{sentence[:-1]} {marks}.") is not None:
                    chosen = cands
                    break
            if chosen:
                break
        if not chosen:
            continue
        marks = "".join(d.cite_fact(f, q) for f, q in chosen)
        if focus and key in focus:
            d.say(f"{sentence[:-1]} {marks}.")  # the answer itself, before any list
            continue
        if not intro_done:
            if focus:
                d.say("")
            d.say(phrase("methodology_related" if focus else "methodology_intro"), trusted=True)
            intro_done = True
        d.say(f"- {sentence[:-1]} {marks}.")
    if not intro_done and not d.passages:
        d.say(phrase("methodology_none"), trusted=True)
    return d


# Which rule a specific methodology question asks about (none matched: all the rules).
_RULE_CUES: tuple[tuple[str, re.Pattern], ...] = (
    ("limiting", re.compile(r"resettlement|limiting", re.I)),
    ("discretion", re.compile(r"discretion|boundary|small sample", re.I)),
    ("bands", re.compile(r"%|percent|per cent|bands?\b|thresholds?|need (?:on|for|to)|needed|required", re.I)),
    ("lowest", re.compile(r"lowest|weakest key question|driven by", re.I)),
    ("qualitative", re.compile(r"domain (?:one|1)|organisational delivery|qualitative|how are (?:the )?(?:governance|staff|partnerships)", re.I)),
    ("points", re.compile(r"points?\b|overall (?:rating|score)|score (?:worked out|calculated)|out of 36|total", re.I)),
)
_RELATED_RULES: dict[str, tuple[str, ...]] = {
    "bands": ("lowest",), "lowest": ("bands",), "discretion": ("bands",), "limiting": ("overall",),
    "points": ("overall",), "qualitative": (), "overall": ("points",),
}


def _methodology_focus(question: str) -> list[str]:
    """The rule keys a specific methodology question is about; [] for a general one ('how are
    ratings worked out')."""
    if re.search(r"^\s*(?:how (?:are|is|do|does) (?:the )?ratings?\b(?! band)|(?:what are )?the (?:rating|scoring) rules|methodology\b)",
                 question, re.I) and not re.search(r"overall|resettlement|discretion|%|percent", question, re.I):
        return []
    found = [k for k, pat in _RULE_CUES if pat.search(question)]
    if "limiting" in found:
        found = ["limiting"]  # "does resettlement count towards the overall score": that rule alone
    if "points" in found:
        found = [k for k in found if k != "points"] + ["points", "overall"] if len(found) == 1 else found
    return found[:2]
