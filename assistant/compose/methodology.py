"""Methodology composer: the rating rules, each sentence cited to an annex passage that states it."""

from __future__ import annotations

import re
from typing import Any

from assistant import prompts
from assistant.compose.common import Draft, phrase
from assistant.library import Fact, Library, annex_facts, score_fact
from assistant.router import Route
from yotassist.settings import get_settings
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
    report_evidence(route, lib, index, d, get_settings().evidence.methodology_search_sentences)
    if not intro_done and not d.passages:
        d.say(phrase("methodology_none"), trusted=True)
    return d


def report_evidence(route: Route, lib: Library, index: Any, d: Draft, k: int) -> None:
    """After the rules, the best sentences of the search hits for the question itself, when they
    are close to it. Why: a methodology question is often about how an inspection was done (who
    was interviewed, how cases were sampled), which no rating rule states but the annex does; the
    rules alone held less than plain search on questions nobody tuned on."""
    from assistant.compose.common import _search, _sentence_line
    from assistant.evidence import score_sentences, sentences_from_hits
    from assistant.parts import Part
    from assistant.select import select
    from assistant.text import comparable

    if k <= 0:
        return
    cfg = get_settings().evidence
    ask = route.expanded or route.text
    hits = _search(index, ask, 5, service=route.services[0]) if route.services else _search(index, ask, 5)
    shown = [comparable(p.quote or "") for p in d.passages]
    sents = [s for s in sentences_from_hits(hits, lib.lines_of)
             if not any(comparable(s.text) in q or q and q in comparable(s.text) for q in shown)]
    sents = score_sentences(sents, route.topic or ask, stats=lib.term_stats())
    if not sents:
        return
    sel = select(sents, ask, [Part(ask, ask)], lib, k)
    chosen = [s for s in sel.all if s.similarity >= cfg.protect_similarity][:k]
    if not chosen:
        return
    d.say("")
    d.say(phrase("methodology_reports"), trusted=True)
    for s in sorted(chosen, key=lambda s: (s.source, s.line, s.index)):
        d.say(_sentence_line(s, lib, d, with_label=True))


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
