"""Service names in questions: aliases derived from the indexed names, and recognising them.

Why its own module: users name a service by a part of its name, its first word or its initials
("TH", "kirklees", "st helens"), and the aliases must be derived from whatever services are
indexed, unambiguously, and matched fast at 500 services (compiled once per service list). Named
services become filters, so ``strip_services`` takes them out of the search text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from index.query_vocab import normalise

#: Generic words that never become a service alias on their own.
_GENERIC_NAME_WORDS = frozenset({
    "city", "of", "the", "and", "north", "south", "east", "west", "new", "great", "greater", "st",
    "saint", "county", "borough", "council", "royal", "upon", "on", "youth", "offending", "justice",
    "service", "services", "team", "yot", "yos", "yjs", "london", "central", "mid", "isle",
})
_STOP_INITIALS = frozenset({"it", "in", "of", "at", "as", "is", "be", "we", "on", "to", "or", "an", "no",
                            "do", "if", "so", "up", "us", "me", "my", "by", "he", "go", "am", "id", "ok"})
_SERVICE_SUFFIX = re.compile(r"\s+(?:yot|yos|yjs|youth (?:offending|justice) (?:team|service)s?)$", re.I)


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


def strip_services(query: str, services: list[str]) -> str:
    """The query without the service names it mentions (they become filters, not search words)."""
    aliases = service_aliases(services)
    out = query
    for alias in sorted(aliases, key=len, reverse=True):
        if aliases[alias] in services:
            out = re.sub(r"(?i)(?<![a-z0-9])" + re.escape(alias) + r"(?:'s)?(?![a-z0-9])", " ", out)
    out = re.sub(r"\s+", " ", out).strip()
    return out if re.search(r"[A-Za-z0-9]", out) else query
