"""Question routing: which kind of answer a question needs, and follow-ups resolved from history.

Two readers vote. Explicit rules catch the plain cues ("draft ...", "how are ratings worked out",
"other YOTs", typed key-question figures); example questions per kind
(``assistant/data/route_examples.toml``, matched by embedding in ``assistant.route_examples``)
generalise past the cue words: a question about a children's survey that says "scores" is near
the lookup examples, not the ratings-table ones. The vote overrules a rule only when it is
confident (``settings.route_min_score`` / ``route_min_margin``); a question nothing claims is a
lookup. Service and standard recognition comes from ``index.query.understand``, so the router
and the retriever read a question the same way. Conversation state (services, standards, topic,
kind, the service an answer was about) is carried turn by turn (``assistant.router_followup``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Sequence

from assistant.text import tokens

Kind = Literal["lookup", "comparative", "numeric", "methodology", "drafting", "whatif"]

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
    numeric_cue: bool = False  # rating / score / key-question words in the question
    screening_cue: bool = False  # names a short quality screening (no rating tables)
    vote: str = ""  # the nearest-examples kind and score, for debugging ("lookup 0.71")


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


def classify(question: str, plan) -> Kind:
    """Kind of answer needed, from cue words and the query plan."""
    if _DRAFT.search(question):
        return "drafting"
    if wants_rating_reasoning(question, plan):
        return "whatif"
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


def wants_rating_reasoning(question: str, plan) -> bool:
    """Typed figures to rate ("7 of 9, 5 of 8", "78% on 2.3", "30/36"), a what-if on a named
    standard ("one more case"), or why a named service's standard got its band."""
    from assistant.whatif_parse import detect, parse

    if detect(question, bool(plan.services), bool(plan.standards)):
        return True
    t = parse(question)
    if not t.reasoning or not plan.services or _METHODOLOGY_ONLY.search(question):
        return False
    # why / lowest / margin for a named service's standard, or how far its score is from a band
    return bool(plan.standards) or bool(re.search(r"\b(score|points?|overall)\b", question, re.I))


# "what is professional discretion?" asks for the rule, not a computation.
_METHODOLOGY_ONLY = re.compile(r"^\s*(?:what|how)\s+(?:is|are|does|do)\s+(?:professional\s+)?discretion\b", re.I)
_RATING_ASKED = re.compile(r"\b(rat(?:ed|ing|ings)|grade[ds]?|out of 36|overall|key questions?|kqs?|/36|standards?|points)\b", re.I)
_CAN_OVERRULE = {"numeric": "lookup", "lookup": "methodology"}


def _may_become(question: str, plan, rule: Kind) -> Kind | None:
    """The one kind the nearest-examples vote may turn this rule's kind into, or None.

    (1) A ratings-table route may become a lookup when the question asks for a figure outside the
    ratings tables (no rating, key-question or standard words: "how did children score the service
    in the survey?"); (2) an unclaimed lookup may become methodology for a general question about
    how ratings work. Everything else stays with the rules, so most questions need no vote at all
    (numeric and methodology answers do not search, and would otherwise pay for an encoding)."""
    if rule == "numeric" and not _RATING_ASKED.search(question) and not re.search(r"(?<![\d.])[1-4]\.[1-4](?![\d])", question):
        return "lookup"
    if rule == "lookup" and not plan.services and _RATING_WORDS_ANY.search(question):
        return "methodology"
    return None


def _decide(rule: Kind, target: Kind | None, vote, settings) -> Kind:
    """``target`` when the vote is for it and confident, else the rule's kind."""
    if target is None or vote is None or vote.score < settings.route_min_score or vote.margin < settings.route_min_margin:
        return rule
    return target if vote.kind == target else rule


_RATING_WORDS_ANY = re.compile(r"\b(rat(?:ed|ing|ings)|band|score|discretion|key questions?|judge?ment)", re.I)


def _turns(history: Sequence[Any] | None) -> list[tuple[str, str]]:
    """(role, text) turns from strings (user questions) or ("user"|"assistant", text) pairs."""
    out: list[tuple[str, str]] = []
    for h in history or []:
        if isinstance(h, str):
            out.append(("user", h))
        elif isinstance(h, tuple) and len(h) == 2:
            out.append((str(h[0]), str(h[1])))
    return out


def route(question: str, services: Sequence[str], history: Sequence[Any] | None = None,
          embedder: Any = None, settings: Any = None) -> Route:
    """Route ``question``; ``history`` is the earlier turns, oldest first: user questions as strings,
    or (role, text) pairs with the assistant's answers, whose services become the referent of
    "it" / "they" when the question before named none. ``embedder`` (the index's) enables the
    nearest-examples vote."""
    if settings is None:
        from yotassist.settings import get_settings

        settings = get_settings()
    prev: Route | None = None
    for role, text in _turns(history):
        if not text or not text.strip():
            continue
        if role == "user":
            prev = _route_one(text, services, prev, embedder, settings)
        elif role == "assistant" and prev is not None and not prev.services:
            from index.query import find_services
            from assistant.router_followup import services_in_answer

            named = services_in_answer(text, services, find_services)
            if len(named) == 1:
                prev = replace(prev, services=named)
        if role == "assistant" and prev is not None and not prev.standards:
            from assistant.router_followup import standards_in_answer

            cited = standards_in_answer(text)
            if len(cited) == 1:  # "which key question dragged it down?" after an answer about one standard
                prev = replace(prev, standards=cited)
    return _route_one(question, services, prev, embedder, settings)


def _route_one(question: str, services: Sequence[str], prev: Route | None, embedder: Any, settings: Any) -> Route:
    r = _route_core(question, services, prev, embedder, settings)
    from assistant.places import unknown_places

    if not r.services:
        r.unknown_places = unknown_places(question, services)
    return r


def classify_text(text: str, services: Sequence[str]) -> Kind:
    """The rules' kind for a resolved follow-up text."""
    return classify(text, _understand(text, services))


def _route_core(question: str, services: Sequence[str], prev: Route | None, embedder: Any, settings: Any) -> Route:
    from assistant.router_followup import resolve

    plan = _understand(question, services)
    topic = _topic(question, plan, services)
    kind = classify(question, plan)
    vote = None
    target = _may_become(question, plan, kind)
    if embedder is not None and target is not None:
        from assistant.route_examples import vote as example_vote

        try:
            # The text the retriever will embed for this question (service names out, abbreviations
            # spelled out): the vote needs no extra encoding, the search reuses the cached vector.
            vote = example_vote(_understand(plan.text, services).text or question, embedder, k=settings.route_examples_k)
        except Exception:  # the vote is an aid: a broken embedder must not stop an answer
            vote = None
        kind = _decide(kind, target, vote, settings)
    r = Route(
        question=question, kind=kind, text=question, services=list(plan.services),
        standards=list(plan.standards), topic=topic, expanded=plan.text, comparative_cue=plan.is_comparative,
        numeric_cue=bool(_NUMERIC.search(question)), screening_cue=bool(_SCREENING.search(question)),
        vote=f"{vote.kind} {vote.score:.2f}" if vote is not None else "",
    )
    return resolve(r, prev, plan, question, services, lambda t: _understand(t, services), classify_text)
