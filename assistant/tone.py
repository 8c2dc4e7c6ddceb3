"""Small cue lexicons shared by drafting and lookups: is a finding positive or negative, does a
sentence stand on its own, does it carry a figure.

Why lexicons and not a model: inspection reports use a narrow, formulaic register ("was
sufficient", "did not", "not always", "needs to"); a short list of cues is deterministic,
testable and good enough to sort findings into strengths and areas for improvement.
"""

from __future__ import annotations

import re

from yotassist.number_words import alternation, number_words

POSITIVE = re.compile(
    r"\b(strong(?:ly)?|strengths?|good|effective(?:ly)?|well|thorough(?:ly)?|consistent(?:ly)?|clear(?:ly)?|"
    r"positive(?:ly)?|impressive|excellent|outstanding|high[- ]quality|robust|timely|creative(?:ly)?|"
    r"proactive(?:ly)?|skilled|sufficient(?:ly)?|comprehensive|meaningful|valued|committed|innovative|"
    r"pleasing(?:ly)?|encouraging(?:ly)?|appropriate(?:ly)?|child[- ]centred|personalised|enthusiastic|knowledgeable|confident|improved|"
    r"all (?:relevant |inspected |the )?cases|in every case|every case|large majority|most cases|embedded)\b",
    re.I,
)
NEGATIVE = re.compile(
    r"\b(not|too few|insufficient(?:ly)?|limited|lack(?:s|ed|ing)?|did not|does not|do not|was not|were not|"
    r"needs? to|should|variable|poor(?:ly)?|inconsistent(?:ly)?|weak(?:ness|nesses)?|gaps?|unclear|absent|"
    r"minority|require[sd]? improvement|concerns?|concerned|missed|missing|delays?|delayed|fail(?:ed|s)?|"
    r"none|no evidence|too little|rarely|underdeveloped|inadequate|shortfall|barriers?)\b",
    re.I,
)
# Sentences that lean on the one before them: quoting them alone starts mid-thought.
DANGLING = re.compile(
    r"^(?:(?:Of|Among|Amongst|Within|From|Across|In|For|None of|All of|Most of|Some of|Each of|Many of|Half of|One of) "
    r"(?:these|those|them|this|which)|This|That|These|Those|It|Its|They|Their|Them|He|She|His|Her|Such|However|Therefore|Thus|Also|"
    r"Furthermore|Moreover|Additionally|In addition|As a result|Consequently|Despite this|In this|"
    r"Similarly|Again|Here|There|Both|Others?|Another|The latter|The former|Even so|Nevertheless|But|And|So)\b"
)
_DIGITS = re.compile(r"\d")
_COUNT_PHRASE = re.compile(
    r"\b(?:\d[\d,.]*\s*(?:%|per ?cent|out of|of|cases?|children|young people|staff|hours?|days?|weeks?|months?)|"
    r"(?:" + alternation(1, 12) + r")\s+(?:out of|of|cases?|children)|"
    r"(?:half|two[- ]thirds|three[- ]quarters|a third|a quarter)\b)", re.I)

# Questions that ask for a count, a share or a frequency.
FIGURE_QUESTION = re.compile(
    r"\b(how (?:many|much|often|long)|what (?:proportion|percentage|share|number|rate|%)|proportion|percentage|"
    r"per ?cent|how frequently|what fraction|rate|figure|number of|count|total|budget|spend|headcount|caseloads?|"
    r"population|fte)\b|%", re.I)


_WORD_NUM = number_words(1, 16)
_N = r"(\d+|" + "|".join(_WORD_NUM) + r")"
_SHARE = re.compile(_N + r" (?:out )?of (?:the |these |those )?" + _N + r"\b", re.I)
_SHARE_WORDS = {"half": 0.5, "a third": 1 / 3, "a quarter": 0.25, "two-thirds": 2 / 3, "two thirds": 2 / 3,
                "three-quarters": 0.75, "three quarters": 0.75}


def share(text: str) -> float | None:
    """The first proportion a sentence states ('nine of the 14 cases', 'half of the cases', '64%')."""
    m = _SHARE.search(text)
    if m:
        a, b = (int(x) if x.isdigit() else _WORD_NUM[x.lower()] for x in m.groups())
        if 0 < b and a <= b:
            return a / b
    m = re.search(r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent)", text, re.I)
    if m and float(m.group(1)) <= 100:
        return float(m.group(1)) / 100
    for w, v in _SHARE_WORDS.items():
        if re.search(r"\b" + w + r"\b", text, re.I):
            return v
    return None


# A negative word negated is a positive finding ("no delays in accessing these services").
NEGATED_NEGATIVE = re.compile(
    r"\b(?:no|without(?: any)?|free (?:of|from))\s+(?:undue\s+|unnecessary\s+)?"
    r"(?:delays?|gaps?|concerns?|barriers?|waiting lists?|backlogs?|drift)\b", re.I)
# "not" that negates a judgement ("not always", "not sufficient"), not any verb ("not commit").
_NEGATED_JUDGEMENT = re.compile(
    r"\bnot (?:always |consistently |yet |sufficiently |fully |well |adequately |clearly |effectively |"
    r"routinely |regularly |evident|recorded|in place|enough|"
    + POSITIVE.pattern[3:-3] + r")", re.I)


def tone_of(text: str) -> int:
    """+1 for a positive finding, -1 for a negative one, 0 when mixed or neither. A stated share
    counts too: below two-thirds of cases (the Good band's floor) is not a strength, 80% or more is."""
    negated = bool(NEGATED_NEGATIVE.search(text))
    rest = NEGATED_NEGATIVE.sub(" ", text)
    pos, neg = bool(POSITIVE.search(text)) or negated, bool(NEGATIVE.search(rest))
    if pos and re.search(r",? but\b|\brather than\b|\balthough\b", text, re.I):
        neg = True  # "sufficient in eight of 12 cases but was often a list": mixed
    sh = share(text)
    if sh is not None and pos and not neg:
        return 1 if sh >= 0.65 else (-1 if sh < 0.5 else 0)
    if pos and not neg:
        return 1
    if neg and not pos:
        return -1
    if neg and pos:
        # "was not always sufficient": a negation next to a positive word is a negative finding
        return -1 if _NEGATED_JUDGEMENT.search(rest) else 0
    return 0


def dangling(text: str) -> bool:
    """True when the sentence opens by pointing back at the one before it."""
    return bool(DANGLING.match(text.lstrip("\"'\u201c\u2018(")))


def has_figure(text: str) -> bool:
    """A count, share or percentage in digits or words ('14 cases', 'nine out of 11', 'two-thirds')."""
    return bool(_COUNT_PHRASE.search(text) or (_DIGITS.search(text) and re.search(r"\d", re.sub(r"\b(?:19|20)\d\d\b", "", text))))
