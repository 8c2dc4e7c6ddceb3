"""Question routing: which kind of answer a question needs, and follow-ups resolved from history.

Why rules and not a model: the kinds are few and their cues are plain ("score", "how are ratings
worked out", "other YOTs"); rules are deterministic, instant and testable. Service and standard
recognition comes from the index's query understanding (``index.query.understand``), so the
router and the retriever read a question the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal, Sequence

from assistant.text import STOPWORDS, tokens

Kind = Literal["lookup", "comparative", "numeric", "methodology", "drafting"]

_METHODOLOGY = re.compile(
    r"\b(methodolog\w*|rating rules?|scoring rules?|rating bands?|bands?\b.*\bratings?|thresholds?|"
    r"professional discretion|limiting judg(?:e)?ment|how (?:are|is|do|does|were|was) (?:the )?"
    r"(?:\w+ )?(?:ratings?|scores?|overall ratings?|standards?) (?:worked out|calculated|decided|determined|"
    r"set|derived|computed|arrived at|given|rated|scored)|how (?:do|does) (?:the )?(?:rating|scoring)|"
    r"how (?:are|is) .{0,40}\b(?:rated|scored)\b(?! in\b| at\b)|what (?:do|does) (?:the )?(?:ratings?|bands?|scores?) mean|"
    r"lowest key question|key[- ]question bands?|"
    r"(?:counts?|counted|included?) (?:towards|in|into|for) (?:the )?overall|"
    r"(?:what|which) (?:%|percent(?:age)?|per cent|score|proportion) (?:do|does|would) (?:you|a service|a yot|a standard|it) need|"
    r"(?:needed|required|need) (?:on|for|to get|to be rated|to achieve) .{0,30}\b(?:outstanding|good|inadequate|requires improvement))",
    re.I,
)
_NUMERIC = re.compile(
    r"\b(scores?|scored|key questions?|kqs?|rating|ratings|rated|grade[ds]?|out of 36|overall)\b|\b\d+/36\b",
    re.I,
)
# Figures words that mean "from the structured data" only when a standard is named.
_NUMERIC_WEAK = re.compile(r"\b(percent(?:age)?s?|per cent|how many|proportion|figures?|numbers?|stats|statistics)\b|%", re.I)
_DRAFT = re.compile(r"^\s*(?:please\s+)?(?:draft|write|prepare)\b.*\b(strengths?|areas? for improvement|improvements?|findings?|afis?)\b", re.I)
# A short quality screening (SQS) letter has no ratings or key-question tables: its figures are prose.
_SCREENING = re.compile(r"\b(sqs|short quality screening|screening)\b", re.I)
# With exactly one service named, only these cues make a comparison ("Wigan vs other YOTs");
# "which YOT does Wigan work with" or "Kirklees FTE rate vs national" stay about that one report.
_ONE_SERVICE_COMPARATIVE = re.compile(
    r"\b(other (?:yots?|yoss?|yjss?|services?|areas|teams|reports|inspections)|others|the rest|everyone|"
    r"all (?:the )?(?:other )?(?:services|yots|reports)|each (?:service|yot|report)|every (?:service|yot|report)|"
    r"across (?:the )?(?:services|yots|reports|areas|country)|similar (?:services|yots))\b", re.I)
_STRONG_COMPARATIVE = re.compile(
    r"\b(compar\w*|other (?:yots?|yoss?|yjss?|services?|areas|teams|reports|inspections)|across|versus|vs|each|every|"
    r"all (?:the )?(?:services|yots|reports)|which (?:services?|yots?|reports?)|similar|differ\w*)\b", re.I)
_FOLLOW_UP_START = re.compile(r"^\s*(?:and|what about|how about|and what about|what of|same for|and for|and in|now|also)\b", re.I)
_FILLER = frozenset({"and", "what", "about", "how", "same", "for", "in", "now", "also", "then", "there",
                     "them", "they", "it", "that", "those", "this", "one", "ones", "case", "do", "did",
                     "of", "the", "on", "with", "please"})


@dataclass
class Route:
    """A question as the composers need it."""

    question: str
    kind: Kind
    text: str  # retrieval text: the question, or the resolved one for a follow-up
    services: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    topic: str = ""  # the question without service names and filler: what it is about
    expanded: str = ""  # the retrieval text with abbreviations spelled out
    follow_up: bool = False
    comparative_cue: bool = False
    unknown_places: list[str] = field(default_factory=list)  # places named that no indexed report covers


def _understand(question: str, services: Sequence[str]):
    from index.query import understand  # pure module, cheap import

    return understand(question, list(services))


def _topic(question: str, plan, services: Sequence[str]) -> str:
    """The question minus the service names it mentions (and their aliases) and filler words."""
    from index.query import service_aliases

    norm = question.lower()
    aliases = service_aliases(list(services))
    for alias, svc in sorted(aliases.items(), key=lambda kv: -len(kv[0])):
        if svc in plan.services:
            norm = re.sub(r"(?<![a-z0-9])" + re.escape(alias) + r"(?:'s)?(?![a-z0-9])", " ", norm)
    for abbr, full in getattr(plan, "expansions", {}).items():
        norm = re.sub(r"(?<![a-z0-9])" + re.escape(abbr) + r"(?![a-z0-9])", f"{abbr} {full.lower()}", norm)
    # Reports often use the abbreviation the user spelled out ("children looked after" -> CLA).
    from index.query import ABBREVIATIONS

    extra = []
    for abbr, full in ABBREVIATIONS.items():
        head = " ".join(full.lower().replace(",", "").split()[:3])
        if len(head.split()) >= 2 and head in norm.replace(",", "") and abbr not in norm.split():
            extra.append(abbr)
    words = [w for w in tokens(norm) if w not in _FILLER] + extra
    return " ".join(words)


def _has_topic(topic: str) -> bool:
    return any(w not in STOPWORDS and w not in _FILLER and not w.isdigit() for w in topic.split())


def classify(question: str, plan) -> Kind:
    """Kind of answer needed, from cue words and the query plan."""
    if _DRAFT.search(question):
        return "drafting"
    if _METHODOLOGY.search(question) and not plan.services:
        return "methodology"
    if len(plan.services) > 1 or (plan.is_comparative and (not plan.services or _ONE_SERVICE_COMPARATIVE.search(question))):
        # One named service plus a loose cue ("the areas for improvement in Kirklees", "which YOT does
        # Wigan swap feedback with", "Kirklees FTE rate vs national") is not a comparison.
        return "comparative"
    if _SCREENING.search(question) and not re.search(r"\b(scores?|scored|ratings?|rated|grade[ds]?)\b", question, re.I):
        return "lookup"  # a screening letter's figures are in its prose, not in rating tables
    if plan.services and (_NUMERIC.search(question) or (_NUMERIC_WEAK.search(question) and plan.standards)):
        return "numeric"
    if _NUMERIC.search(question) and plan.standards and re.search(r"\b(which|what) (?:services?|yots?|reports?)\b", question, re.I):
        return "comparative"
    return "lookup"


def route(question: str, services: Sequence[str], history: Sequence[str] | None = None) -> Route:
    """Route ``question``; ``history`` is the earlier user questions of the conversation, oldest first."""
    prev: Route | None = None
    for q in history or []:
        if q and q.strip():
            prev = _route_one(q, services, prev)
    return _route_one(question, services, prev)


def _route_one(question: str, services: Sequence[str], prev: Route | None) -> Route:
    r = _route_core(question, services, prev)
    from assistant.places import unknown_places

    if not r.services:
        r.unknown_places = unknown_places(question, services)
    return r


def _route_core(question: str, services: Sequence[str], prev: Route | None) -> Route:
    plan = _understand(question, services)
    topic = _topic(question, plan, services)
    kind = classify(question, plan)
    r = Route(
        question=question, kind=kind, text=question, services=list(plan.services),
        standards=list(plan.standards), topic=topic, expanded=plan.text, comparative_cue=plan.is_comparative,
    )
    if prev is None:
        return r
    short = len(topic.split()) <= 5
    looks_follow = bool(_FOLLOW_UP_START.search(question)) or len(question.split()) <= 5
    if not looks_follow:
        return r
    if plan.services and not _has_topic(topic) and not plan.standards:
        # "and Wigan?": same topic and kind, new service(s).
        text = f"{prev.topic} {' '.join(plan.services)}".strip()
        prev_kind = prev.kind
        if prev_kind == "comparative":
            prev_kind = "numeric" if _NUMERIC.search(prev.question) else "lookup"
        if len(plan.services) > 1:
            prev_kind = "comparative"
        exp = _understand(text, services).text
        return replace(r, kind=prev_kind, text=text, standards=list(prev.standards), topic=prev.topic,
                       expanded=exp, follow_up=True)
    if (plan.standards or _has_topic(topic)) and not plan.services and short:
        # "what about planning?": same service(s), new topic.
        kind = prev.kind if prev.kind in ("comparative",) else kind
        if kind == "lookup" and prev.kind == "numeric" and (plan.standards or _NUMERIC.search(question)):
            kind = "numeric"
        if kind == "lookup" and prev.services and _NUMERIC.search(question) and not _SCREENING.search(question):
            kind = "numeric"  # "what was its score?" after a question about one service
        if not prev.services and kind != "comparative":
            kind = "lookup" if kind == "numeric" else kind
        svc_text = " ".join(prev.services)
        text = f"{topic} {svc_text}".strip()
        if kind == "numeric" and not prev.services:
            kind = "lookup"
        exp = _understand(text, services).text
        return replace(r, kind=kind if (prev.services or kind == "comparative") else r.kind,
                       text=text, services=list(prev.services), expanded=exp, follow_up=True)
    return r
