"""Query understanding for youth justice inspection questions, as data plus small pure functions.

Why: users type the field's shorthand ("oocd jdm panel", "TH", "S&W", "3.4") while reports spell
everything out, and comparative questions ("how did other YOTs fare on ...") need one good hit per
service rather than the global top-k. Everything here is pure (no model, no index): the retriever
turns a ``QueryPlan`` into filters, boosts and diversification.

Layout: the vocabulary (abbreviations, standard and section names, comparison phrases) is
``index.query_vocab``, service-name recognition is ``index.query_services``; this module reads
standards, sections, years and comparisons and assembles the ``QueryPlan``. Every name callers
imported from here still is importable from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.query_services import find_services, service_aliases, strip_services  # noqa: F401  (re-exported)
from index.query_vocab import (  # noqa: F401  (re-exported: callers read the vocabulary from here)
    ABBREVIATIONS,
    CASE_SENSITIVE,
    COMPARATIVE_PATTERNS,
    CONTEXT_ABBREVIATIONS,
    DOMAIN_ALIASES,
    DOMAIN_WORDS,
    SECTION_ALIASES,
    STANDARD_ALIASES,
    STANDARD_TITLES,
    has_phrase,
    normalise,
)

_STANDARD_NUMBER = re.compile(r"(?<![\d.])([1-4])\.([1-4])(?![\d%.]|\s*%)")
_YEAR = re.compile(r"\b(20[0-4]\d)\b")


# --- result ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryPlan:
    """What the retriever needs to know about a question."""

    query: str
    text: str  # the query with abbreviations expanded, named services removed, standard numbers spelled out
    explicit_standards: list[str] = field(default_factory=list)  # typed as numbers ("3.4")
    services: list[str] = field(default_factory=list)  # canonical service names mentioned
    standards: list[str] = field(default_factory=list)  # standard ids mentioned, e.g. ["3.4"]
    sections: list[str] = field(default_factory=list)  # other section ids named ("recommendations")
    years: list[int] = field(default_factory=list)
    is_comparative: bool = False
    expansions: dict[str, str] = field(default_factory=dict)


def expand_abbreviations(query: str) -> tuple[str, dict[str, str]]:
    """Append the spelled-out form of each abbreviation typed (the original token stays)."""
    found: dict[str, str] = {}
    for match in re.finditer(r"[A-Za-z]+(?:&[A-Za-z]+)?", query):
        token = match.group(0)
        low = token.lower()
        if low not in ABBREVIATIONS or low in found:
            continue
        if low in CASE_SENSITIVE and token != token.upper():
            continue
        context = CONTEXT_ABBREVIATIONS.get(low)
        if context and re.search(context[0], query, re.I):
            found[low] = context[1]
            continue
        found[low] = ABBREVIATIONS[low]
    if not found:
        return query, {}
    return query + " (" + "; ".join(found.values()) + ")", found


def find_standards(query: str) -> list[str]:
    """Standard ids named by number ("3.4", "standard 2.2") or by name ("joint working", "planning").

    A domain word ("out-of-court", "post-court") narrows multi-domain names: "oocd planning" is 3.2.
    """
    found: list[str] = []
    for match in _STANDARD_NUMBER.finditer(query):
        sid = f"{match.group(1)}.{match.group(2)}"
        if sid not in found:
            found.append(sid)
    norm = normalise(query)
    domains = {d for phrase, d in DOMAIN_WORDS.items() if has_phrase(norm, phrase)}
    # "court" alone (not "out-of-court") also means domain 2.
    if re.search(r"(?<!of[- ])\bcourt\b(?![- ]?disposal policy)", norm) and not domains:
        domains.add("2")
    named: list[str] = []
    consumed = norm
    for phrase in sorted(STANDARD_ALIASES, key=len, reverse=True):
        if has_phrase(consumed, phrase):
            consumed = re.sub(r"(?<![a-z0-9])" + re.escape(phrase) + r"s?(?![a-z0-9])", " ", consumed)
            for sid in STANDARD_ALIASES[phrase]:
                if sid not in named:
                    named.append(sid)
    for (word, domain), sids in DOMAIN_ALIASES.items():
        if domain in domains and has_phrase(norm, word):
            named.extend(sid for sid in sids if sid not in named)
    if domains:
        narrowed = [s for s in named if s[0] in domains or s[0] in "14"]
        named = narrowed or named
    if found:
        return found  # numbers typed are exact: "2.2 Planning" is 2.2, not 3.2 as well
    return named


def find_sections(query: str) -> list[str]:
    """Non-standard section ids a question names ("recommendations", "methodology", "overall score")."""
    norm = normalise(query)
    found: list[str] = []
    for phrase in sorted(SECTION_ALIASES, key=len, reverse=True):
        if has_phrase(norm, phrase):
            found.extend(s for s in SECTION_ALIASES[phrase] if s not in found)
    return found


def is_comparative(query: str, services_mentioned: list[str] | None = None) -> bool:
    """True when a question compares services or asks across reports."""
    if services_mentioned and len(services_mentioned) > 1:
        return True
    norm = normalise(query)
    if not services_mentioned and re.search(r"\b(?:services|yots|yoss|yjss|partnerships)\b", norm):
        return True  # "how did services involve children...": services in general
    return any(re.search(p, norm) for p in COMPARATIVE_PATTERNS)


def find_years(query: str) -> list[int]:
    return sorted({int(y) for y in _YEAR.findall(query)})


#: Words that only say "compare" or "services in general": removed from the search text.
_COMPARISON_FILLER = re.compile(
    r"(?i)\b(?:how did|how do|how does|did|do|does)?\s*(?:other|the|these|different|all|each|every|many|most|some|several|various|both|any|which)\s+"
    r"(?:yots?|yoss?|yjss?|youth offending (?:teams?|services?)|services|teams|reports|inspections|partnerships)\b"
    r"|\b(?:compar\w*|across|versus|vs\.?|contrast\w*|fare[ds]?|in common)\b")


def topic_text(query: str) -> str:
    """The query without comparison filler ("how did other YOTs fare on", "across services")."""
    out = re.sub(r"\s+", " ", _COMPARISON_FILLER.sub(" ", query)).strip(" ,?")
    return out if len(re.findall(r"[A-Za-z]{3,}", out)) >= 1 else query


def understand(query: str, services: list[str]) -> QueryPlan:
    """Expand abbreviations, recognise services, standards and years, and spot comparisons."""
    mentioned = find_services(query, services)
    comparative = is_comparative(query, mentioned)
    base = query if comparative or not mentioned else strip_services(query, mentioned)
    if comparative:
        base = topic_text(base)
    text, expansions = expand_abbreviations(base)
    standards = find_standards(query)
    explicit = [f"{a}.{b}" for a, b in _STANDARD_NUMBER.findall(query)]
    titles = [STANDARD_TITLES[s] for s in dict.fromkeys(explicit) if s in STANDARD_TITLES]
    if titles:
        text = f"{text} ({'; '.join(titles)})"
    return QueryPlan(
        query=query,
        text=text,
        explicit_standards=list(dict.fromkeys(explicit)),
        services=mentioned,
        standards=standards,
        sections=find_sections(query),
        years=find_years(query),
        is_comparative=comparative,
        expansions=expansions,
    )
