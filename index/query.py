"""Query understanding for youth justice inspection questions, as data plus small pure functions.

Why: users type the field's shorthand ("oocd jdm panel", "TH", "S&W", "3.4") while reports spell
everything out, and comparative questions ("how did other YOTs fare on ...") need one good hit per
service rather than the global top-k. Everything here is pure (no model, no index): the retriever
turns a ``QueryPlan`` into filters, boosts and diversification.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# --- data -------------------------------------------------------------------------------------

#: Abbreviations users type -> the words reports use. Keys are lowercase tokens as typed.
ABBREVIATIONS: dict[str, str] = {
    "oocd": "out-of-court disposal",
    "oocds": "out-of-court disposals",
    "ycc": "youth conditional caution",
    "yc": "youth caution",
    "cr": "community resolution",
    "jdm": "joint decision-making panel",
    "rosh": "risk of serious harm",
    "s&w": "safety and wellbeing",
    "saw": "safety and wellbeing",
    "ete": "education, training and employment",
    "eet": "education, employment and training",
    "neet": "not in education, employment or training",
    "cla": "children looked after looked-after children care",
    "lac": "looked-after children care",
    "send": "special educational needs and disabilities",
    "ehcp": "education, health and care plan",
    "camhs": "child and adolescent mental health services",
    "dto": "detention and training order custody",
    "yro": "youth rehabilitation order",
    "ro": "referral order",
    "psr": "pre-sentence report",
    "mappa": "multi-agency public protection arrangements",
    "rj": "restorative justice",
    "fte": "first-time entrants",
    "ftes": "first-time entrants",
    "kq": "key question",
    "kqs": "key questions",
    "afi": "area for improvement",
    "afis": "areas for improvement",
    "hmip": "HM Inspectorate of Probation",
    "yjb": "Youth Justice Board",
    "slcn": "speech, language and communication needs",
    "salt": "speech and language therapy",
    "cse": "child sexual exploitation",
    "cce": "child criminal exploitation",
    "nrm": "national referral mechanism",
    "mash": "multi-agency safeguarding hub",
    "iss": "intensive supervision and surveillance",
    "qa": "quality assurance",
    "asb": "anti-social behaviour",
    "bame": "black, Asian and minority ethnic",
    "vru": "violence reduction unit",
    "lsp": "local safeguarding partnership",
    "hsb": "harmful sexual behaviour",
    "ace": "adverse childhood experiences",
    "aces": "adverse childhood experiences",
    "tic": "trauma-informed",
}

#: Abbreviations whose meaning depends on the words around them: (context pattern, expansion).
#: "FTE" is first-time entrants in performance talk but full-time equivalent next to staffing.
CONTEXT_ABBREVIATIONS: dict[str, tuple[str, str]] = {
    "fte": (r"\b(?:staff\w*|headcount|posts?|workforce|caseloads?|vacanc\w*|workers?|officers?|managers?|hours)\b",
            "full-time equivalent"),
}

#: Abbreviations that are also ordinary English words: expanded only when typed in capitals.
CASE_SENSITIVE: frozenset[str] = frozenset({"send", "saw", "salt", "ace", "tic", "cr", "ro", "yc"})

#: Standard names users type -> standard ids. Multi-domain names list every matching standard;
#: ``DOMAIN_WORDS`` then narrows them when the question says "court" or "out-of-court".
STANDARD_ALIASES: dict[str, list[str]] = {
    "governance and leadership": ["1.1"],
    "governance": ["1.1"],
    "leadership": ["1.1"],
    "management board": ["1.1"],
    "staffing": ["1.2"],
    "staff": ["1.2"],
    "workforce": ["1.2"],
    "workload": ["1.2"],
    "caseloads": ["1.2"],
    "supervision of staff": ["1.2"],
    "partnerships and services": ["1.3"],
    "partnerships": ["1.3"],
    "partnership working": ["1.3"],
    "information and facilities": ["1.4"],
    "facilities": ["1.4"],
    "policies and guidance": ["1.4"],
    "assessment": ["2.1", "3.1"],
    "assessing": ["2.1", "3.1"],
    "planning": ["2.2", "3.2"],
    "plans": ["2.2", "3.2"],
    "implementation and delivery": ["2.3", "3.3"],
    "implementation": ["2.3", "3.3"],
    "interventions": ["2.3", "3.3"],
    "reviewing": ["2.4"],
    "reviews": ["2.4"],
    "joint working": ["3.4"],
    "joint decision-making": ["3.4"],
    "jdm": ["3.4"],
    "decision-making panel": ["3.4"],
    "out-of-court disposal policy": ["3.4"],
    "oocd policy": ["3.4"],
    "policy and provision": ["3.4"],
    "out-of-court disposal policy and provision": ["3.4"],
    "resettlement policy and provision": ["4.1"],
    "resettlement policy": ["4.1"],
    "resettlement": ["4.1"],
    "custody": ["4.1"],
}

#: Standard names by number (both frameworks), added to the search text when a number is typed.
STANDARD_TITLES: dict[str, str] = {
    "1.1": "governance and leadership", "1.2": "staff", "1.3": "partnerships and services",
    "1.4": "information and facilities", "2.1": "court disposals assessment", "2.2": "court disposals planning",
    "2.3": "court disposals implementation and delivery", "2.4": "court disposals reviewing",
    "3.1": "out-of-court disposals assessment", "3.2": "out-of-court disposals planning",
    "3.3": "out-of-court disposals implementation and delivery",
    "3.4": "joint working; out-of-court disposal policy and provision", "4.1": "resettlement policy and provision",
}

#: Words that name a report's other parts -> the parser's section ids (boosted like standards).
SECTION_ALIASES: dict[str, list[str]] = {
    "recommendations": ["recommendations"],
    "recommendation": ["recommendations"],
    "foreword": ["foreword"],
    "executive summary": ["executive-summary"],
    "overall findings": ["overall-findings", "executive-summary"],
    "ratings table": ["ratings"],
    "overall rating": ["ratings", "foreword", "introduction"],
    "overall score": ["ratings"],
    "score out of": ["ratings"],
    "methodology": ["methodology"],
    "sample size": ["methodology", "inspection-data"],
    "margin of error": ["methodology"],
    "contextual facts": ["contextual-facts"],
    "reoffending rate": ["contextual-facts", "summary", "background"],
    "first-time entrant": ["contextual-facts", "background"],
    "inspection data": ["inspection-data"],
    "diversity": ["diversity"],
    "glossary": ["glossary"],
}

#: Words that name a standard only inside one domain: "police" or "panel" in an out-of-court
#: question is 3.4 (joint working / OOCD policy), but not in a post-court one.
DOMAIN_ALIASES: dict[tuple[str, str], list[str]] = {
    ("police", "3"): ["3.4"],
    ("panel", "3"): ["3.4"],
    ("decision", "3"): ["3.4"],
    ("deciding", "3"): ["3.4"],
    ("policy", "3"): ["3.4"],
}

#: Words that place a question in the court (2.x) or out-of-court (3.x) domain.
DOMAIN_WORDS: dict[str, str] = {
    "out-of-court": "3",
    "out of court": "3",
    "oocd": "3",
    "oocds": "3",
    "diversion": "3",
    "community resolution": "3",
    "youth caution": "3",
    "youth conditional caution": "3",
    "post-court": "2",
    "court disposals": "2",
    "court orders": "2",
    "court order": "2",
    "court work": "2",
    "court cases": "2",
    "statutory orders": "2",
}

#: Phrases that mark a question as comparing services/reports.
COMPARATIVE_PATTERNS: tuple[str, ...] = (
    r"\bother (?:yots?|yoss?|yjss?|services|teams|areas|reports|councils|inspections)\b",
    r"\bcompar\w*", r"\bacross\b", r"\beach (?:service|yot|yos|yjs|report|team|area)\b",
    r"\b(?:all|every|both) (?:the )?(?:services|yots|yoss|reports|teams|inspections|areas)\b",
    r"\bwhich (?:services?|yots?|yoss?|yjss?|reports?|teams?|areas?|inspections?)\b",
    r"\bhow did .* fare\b", r"\bfare[ds]?\b", r"\bdiffer\w*", r"\bversus\b", r"\bvs\.?\b",
    r"\bcontrast\w*", r"\bbetween\b.*\band\b", r"\bsimilar\w*", r"\bthe same\b", r"\bin common\b",
    r"\b(?:the|these|different|all|many|most|some|several|various) (?:services|yots|yoss|yjss|teams|areas|reports|partnerships|inspections)\b",
    r"\bin each\b", r"^\s*(?:please )?(?:draft|write|suggest|give me|show me)\b", r"\bexamples?\b", r"\bgood practice\b", r"\beach of\b", r"\bmost\b", r"\bleast\b", r"\bbest\b", r"\bworst\b", r"\bacross the corpus\b", r"\bany (?:other )?(?:service|yot|report)",
    r"\beveryone\b", r"\beverybody\b", r"\ball of them\b", r"\bthe rest\b",
)

#: Generic words that never become a service alias on their own.
_GENERIC_NAME_WORDS = frozenset({
    "city", "of", "the", "and", "north", "south", "east", "west", "new", "great", "greater", "st",
    "saint", "county", "borough", "council", "royal", "upon", "on", "youth", "offending", "justice",
    "service", "services", "team", "yot", "yos", "yjs", "london", "central", "mid", "isle",
})
_STOP_INITIALS = frozenset({"it", "in", "of", "at", "as", "is", "be", "we", "on", "to", "or", "an", "no",
                            "do", "if", "so", "up", "us", "me", "my", "by", "he", "go", "am", "id", "ok"})
_SERVICE_SUFFIX = re.compile(r"\s+(?:yot|yos|yjs|youth (?:offending|justice) (?:team|service)s?)$", re.I)

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


# --- pure functions -------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Lowercase, unify dashes/apostrophes and collapse spaces, so phrase matching is simple."""
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text.lower()).strip()


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


def service_aliases(services: list[str]) -> dict[str, str]:
    """Alias -> canonical service name, derived from the indexed service names.

    Cached per service list (``_service_aliases``); a copy is returned so callers may edit it.
    """
    return dict(_service_aliases(tuple(services)))


@lru_cache(maxsize=64)
def _service_aliases(services: tuple[str, ...]) -> dict[str, str]:
    """Alias -> canonical service name, derived from the indexed service names.

    "Tower Hamlets and City of London" gives "tower hamlets and city of london", "tower hamlets",
    "city of london", "tower", "hamlets", "th" and "thcol"; "St Helens" gives "st helens", "st. helens",
    "saint helens", "helens", "sh". Ambiguous aliases (shared by two services) are dropped.
    """
    candidates: dict[str, set[str]] = {}

    def add(alias: str, service: str) -> None:
        alias = normalise(alias)
        if len(alias) >= 2 and alias not in _STOP_INITIALS:
            candidates.setdefault(alias, set()).add(service)

    for service in services:
        if not service:
            continue
        base = _SERVICE_SUFFIX.sub("", service.strip())
        add(service, service)
        add(base, service)
        add(base.replace("St ", "St. "), service)
        add(re.sub(r"^St\.? ", "Saint ", base), service)
        parts = [p.strip() for p in re.split(r"\s+(?:and|&)\s+|,\s*", base) if p.strip()]
        for part in parts:
            add(part, service)
            words = [w for w in re.findall(r"[A-Za-z']+", part)]
            if len(words) > 1:
                add("".join(w[0] for w in words if w[0].isupper()), service)
        for word in re.findall(r"[A-Za-z']+", base):
            if word.lower() not in _GENERIC_NAME_WORDS and len(word) >= 4:
                add(word, service)
        all_words = [w for w in re.findall(r"[A-Za-z']+", base)]
        initials = "".join(w[0] for w in all_words if w[0].isupper())
        if len(initials) >= 2:
            add(initials, service)
    return {alias: next(iter(names)) for alias, names in candidates.items() if len(names) == 1}


@dataclass(frozen=True)
class _AliasPattern:
    alias: str
    service: str
    pattern: re.Pattern[str]  # alias as a whole word in the normalised query
    initials: re.Pattern[str] | None  # for short alphabetic aliases: the alias typed in capitals


@lru_cache(maxsize=64)
def _alias_patterns(services: tuple[str, ...]) -> tuple[_AliasPattern, ...]:
    """Compiled alias patterns, longest alias first, once per service list.

    Why: at 500 services there are ~600 aliases, more than ``re``'s own cache holds, so compiling
    them per query dominated search time.
    """
    aliases = _service_aliases(services)
    out = []
    for alias in sorted(aliases, key=len, reverse=True):
        short = len(alias) <= 4 and " " not in alias and alias.isalpha()
        out.append(_AliasPattern(
            alias=alias,
            service=aliases[alias],
            pattern=re.compile(r"(?<![a-z0-9])" + re.escape(alias) + r"(?:'s)?(?![a-z0-9])"),
            initials=re.compile(r"(?<![A-Za-z])" + re.escape(alias.upper()) + r"(?![A-Za-z])") if short else None,
        ))
    return tuple(out)


def find_services(query: str, services: list[str]) -> list[str]:
    """Canonical services a question names (full names, parts, first words, initials like "TH")."""
    norm = normalise(query)
    found: list[str] = []
    for entry in _alias_patterns(tuple(services)):
        # The substring test is a necessary condition for the pattern and far cheaper than it.
        if entry.alias not in norm or not entry.pattern.search(norm):
            continue
        if entry.initials is not None:
            # Short initials count only when typed in capitals ("TH") or as the whole query.
            if not entry.initials.search(query) and norm != entry.alias:
                continue
        if entry.service not in found:
            found.append(entry.service)
    return found


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
    domains = {d for phrase, d in DOMAIN_WORDS.items() if _has_phrase(norm, phrase)}
    # "court" alone (not "out-of-court") also means domain 2.
    if re.search(r"(?<!of[- ])\bcourt\b(?![- ]?disposal policy)", norm) and not domains:
        domains.add("2")
    named: list[str] = []
    consumed = norm
    for phrase in sorted(STANDARD_ALIASES, key=len, reverse=True):
        if _has_phrase(consumed, phrase):
            consumed = re.sub(r"(?<![a-z0-9])" + re.escape(phrase) + r"s?(?![a-z0-9])", " ", consumed)
            for sid in STANDARD_ALIASES[phrase]:
                if sid not in named:
                    named.append(sid)
    for (word, domain), sids in DOMAIN_ALIASES.items():
        if domain in domains and _has_phrase(norm, word):
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
        if _has_phrase(norm, phrase):
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


def strip_services(query: str, services: list[str]) -> str:
    """The query without the service names it mentions (they become filters, not search words)."""
    aliases = service_aliases(services)
    out = query
    for alias in sorted(aliases, key=len, reverse=True):
        if aliases[alias] in services:
            out = re.sub(r"(?i)(?<![a-z0-9])" + re.escape(alias) + r"(?:'s)?(?![a-z0-9])", " ", out)
    out = re.sub(r"\s+", " ", out).strip()
    return out if re.search(r"[A-Za-z0-9]", out) else query


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


def _has_phrase(norm: str, phrase: str) -> bool:
    """Whole-word phrase match; a plural "s" is allowed ("assessments" names assessment)."""
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"s?(?![a-z0-9])", norm) is not None
