"""The vocabulary of query understanding: the field's shorthand, standard and section names, and
the phrases that mark a comparison; plus the normal form they are matched in.

Why its own module: these tables are the part a domain expert edits (a new abbreviation, another
way users name a standard), and they are read by the router and evidence scoring as well as by
``index.query``; keeping them apart from the matching code keeps both short. Matching is always
against ``normalise``d text with ``has_phrase`` (whole words, a plural "s" allowed).
"""

from __future__ import annotations

import re

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


def normalise(text: str) -> str:
    """Lowercase, unify dashes/apostrophes and collapse spaces, so phrase matching is simple."""
    text = text.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text.lower()).strip()


def has_phrase(norm: str, phrase: str) -> bool:
    """Whole-word phrase match; a plural "s" is allowed ("assessments" names assessment)."""
    return re.search(r"(?<![a-z0-9])" + re.escape(phrase) + r"s?(?![a-z0-9])", norm) is not None
