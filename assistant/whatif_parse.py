"""Read the figures a user typed into a rating question: key-question counts, percentages, a score.

Why a parser of its own: "If 2.2 came out 7 of 9, 5 of 8 and 4 of 7 ...", "was 78% on 2.3 eligible
for discretion?", "would 30/36 have been Outstanding?" carry everything the rating module needs,
but only once the standard ids ("2.2") are told apart from figures and a score out of 36 from a
key-question count. Pure functions, no I/O: the router uses ``detect`` to decide the kind and the
what-if composer uses ``parse`` to get the inputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.rating_rules import RATINGS
from yotassist.number_words import number_words

_STANDARD_ID = re.compile(r"(?<![\d.])([1-4])\.([1-4])(?![\d%])")
_COUNT = re.compile(r"(?<![\d.])(\d{1,4})\s*(?:/|out of|of)\s*(\d{1,4})(?![\d.%])", re.I)
_PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*(?:%|per ?cent\b|percent\b)", re.I)
_SCORE_WORD = re.compile(r"\bscor(?:e|ed|ing)\s+(?:of\s+)?(\d{1,2})\b(?!\s*(?:%|/|of|out of|per))|"
                         r"(?<![\d.])(\d{1,2})\s+points\b", re.I)
_NUMBER_WORDS = number_words(0, 20)
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b(?=\s+(?:of|out of)\s+(?:\d|" + "|".join(_NUMBER_WORDS) + r")\b)"
                          r"|(?<=of )(" + "|".join(_NUMBER_WORDS) + r")\b|(?<=out of )(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
# "had been 66" after "lowest key question": a bare number read as a percentage.
_BARE_PERCENT = re.compile(r"\b(?:lowest|weakest) (?:key question|kq|one)\b.{0,30}?\b(?:been|at|was|were|of|reached|hit)\s+"
                           r"(\d{1,3}(?:\.\d+)?)(?![\d%./])(?!\s*(?:per|percent|%|of|out|/))", re.I)
# A hypothetical or a judgement asked of typed figures.
HYPOTHETICAL = re.compile(
    r"\b(if|what if|would|could|suppose|supposing|imagine|hypothetical\w*|eligible|qualif\w*|enough|"
    r"had (?:been|come|got|scored)|came out|come out|were to|what (?:rating|band) (?:is|would|does)|"
    r"which band|what band|rated\?|be rated|have been)\b", re.I)
_ONE_CASE = re.compile(r"\b(one|a single|1|two|2) (more|fewer|extra|less) (?:case|child|'?yes'?|answer)s?\b", re.I)
_REASONING = re.compile(
    r"\b(dragg\w*|pull\w*|brought|drove|driv\w*|held|kept) (?:it|the rating|them|the standard|\w+) ?(?:down|back)?\b|"
    r"\b(which|what) key question (?:was|is) (?:the )?lowest\b|\blowest key question\b|\bweakest key question\b|"
    r"\bwhy\b.{0,60}\b(rated|rating|get|got|given|scored?)\b|\b(lowest|weakest|worst)\b(?! (?:score|rating)s? (?:in|across|of all))|"
    r"\bpoints?\b.{0,15}\b(short|away|off|needed|more|from)\b|\bwhat would it take\b|"
    r"\bhow many (?:more|extra) (?:cases|children|'?yes'?)\b|\bneed(?:s|ed)? to (?:score|get|reach|achieve|be rated)\b|\b(short|away) (?:of|from) (?:outstanding|good|requires improvement)\b|"
    r"\b(how close|how near|how far)\b.{0,40}\b(boundary|band|good|outstanding|inadequate|requires improvement|next)\b|"
    r"\bmargin\b|\bdiscretion\b", re.I)
_RATING_NAMES = "|".join(r.replace(" ", r"\s+") for r in RATINGS)
# A rating asked about: capitalised as a rating ("have been Outstanding"), or after a verb that takes one
# ("is 64% good?", "would it be rated good"); "good planning" or "good enough plans" is not a rating.
_RATING_WORD = re.compile(r"\b(" + _RATING_NAMES.replace("Requires", "[Rr]equires").replace("Inadequate", "Inadequate")
                          + r")\b(?!\s+(?:enough|planning|practice|work|quality|evidence|partnership|relationships?)\b)")
_RATING_AFTER_VERB = re.compile(r"(?:%|\bper ?cent|\b(?:is|be|been|was|were|rated|get|got|as|achieve|reach|make|stay|remain|still)\b)\s+(?:an?\s+)?("
                                + _RATING_NAMES + r")\b(?!\s+enough\b)", re.I)
_WHICH_SERVICES = re.compile(r"\b(which|what|how many) (?:services?|yots?|yoss?|yjss?|reports?|teams?|areas?)\b", re.I)
_CONDITIONAL = re.compile(r"\b(if|what if|would|could|had been|have been|suppose|supposing|were to|imagine)\b", re.I)
_THEMES = (
    ("desistance", re.compile(r"desist", re.I)),
    ("other people's safety", re.compile(r"other people|others'? safe|public", re.I)),
    ("the child's safety", re.compile(r"child'?s? (?:own )?safe|safety (?:and wellbeing )?of the child|wellbeing", re.I)),
)


@dataclass
class Typed:
    """What a question typed: figures, the standard they are for, and what it asks of them."""

    standards: list[str] = field(default_factory=list)
    counts: list[tuple[int, int]] = field(default_factory=list)  # (yes, relevant)
    percents: list[float] = field(default_factory=list)
    score: int | None = None  # a typed score out of 36
    ratings: list[str] = field(default_factory=list)  # rating names mentioned ("have been Outstanding")
    one_case: int = 0  # +1 "one more case", -1 "one fewer", 0 none
    theme: str | None = None  # which key question a one-case change is about
    lowest_only: bool = False  # "what if the lowest key question had been 66%"
    standard_rating: tuple[str, str] | None = None  # "if 2.2 had been Good": (first standard, rating)
    changed: dict[str, str] = field(default_factory=dict)  # "if 2.2 and 2.3 had been Good": every change
    hypothetical: bool = False
    reasoning: bool = False  # asks why / which key question / margin / discretion

    @property
    def has_figures(self) -> bool:
        return bool(self.counts or self.percents or self.score is not None)


def _ratings_in(q: str) -> list[str]:
    found = [m.group(1) for m in _RATING_WORD.finditer(q)] + [m.group(1) for m in _RATING_AFTER_VERB.finditer(q)]
    found.sort(key=lambda x: q.find(x))
    return list(dict.fromkeys(next(r for r in RATINGS if r.lower() == " ".join(x.lower().split())) for x in found))


def parse(question: str) -> Typed:
    """Everything ``question`` types about ratings (standards, counts, percentages, score)."""
    q = question.replace("\u2019", "'")
    # "seven of nine" is 7 of 9
    q = _WORD_NUMBER.sub(lambda m: str(_NUMBER_WORDS[(m.group(1) or m.group(2) or m.group(3)).lower()]), q)
    t = Typed()
    t.standards = list(dict.fromkeys(f"{a}.{b}" for a, b in _STANDARD_ID.findall(q)))
    rest = _STANDARD_ID.sub(" ", q)
    for m in _COUNT.finditer(rest):
        yes, rel = int(m.group(1)), int(m.group(2))
        if rel == 36 or re.search(r"\bscor", rest[max(0, m.start() - 25): m.start()], re.I):
            t.score = yes
        elif rel > 0 and yes <= rel:
            t.counts.append((yes, rel))
    for m in _PERCENT.finditer(rest):
        t.percents.append(float(m.group(1)))
    m = _BARE_PERCENT.search(rest)
    if m and not t.percents and not t.counts and float(m.group(1)) <= 100:
        t.percents.append(float(m.group(1)))
    if t.score is None and not t.counts and not t.percents:
        m = _SCORE_WORD.search(rest)
        value = int(m.group(1) or m.group(2)) if m else None
        if value is not None and value <= 36:
            t.score = value
    t.ratings = _ratings_in(q)
    m = _ONE_CASE.search(q)
    if m:
        n = 2 if m.group(1).lower() in ("two", "2") else 1
        t.one_case = n if m.group(2).lower() in ("more", "extra") else -n
    t.theme = next((name for name, pat in _THEMES if pat.search(q)), None)
    t.lowest_only = bool(re.search(r"\b(lowest|weakest) (?:key question|kq|one)\b", q, re.I))
    t.hypothetical = bool(HYPOTHETICAL.search(q))
    m = re.search(r"((?<![\d.])[1-4]\.[1-4](?![\d%])(?:\s*(?:,|and|&)\s*[1-4]\.[1-4](?![\d%]))*)[^.?;]{0,40}?"
                  r"\b(?:had been|had got|were|was|been rated|had)\s+(?:rated\s+)?(" + _RATING_NAMES + r")\b", q, re.I)
    if m and _CONDITIONAL.search(q):
        name = " ".join(m.group(2).lower().split())
        rating = next(r for r in RATINGS if r.lower() == name)
        t.standard_rating = (_STANDARD_ID.search(m.group(1)).group(0), rating)
        t.changed = {f"{a}.{b}": rating for a, b in _STANDARD_ID.findall(m.group(1))}
        # the rating asked about is the one outside the change ("... be Good overall if 2.2 had been Good")
        t.ratings = _ratings_in(q[:m.start()] + " " + q[m.end():])
    t.reasoning = bool(_REASONING.search(q))
    return t


def detect(question: str, has_service: bool, has_standard: bool) -> bool:
    """True when the question asks the rating module to reason: typed figures with a judgement
    asked of them, or a what-if on a named service's standard ("one more case")."""
    t = parse(question)
    conditional = bool(_CONDITIONAL.search(question))
    if _WHICH_SERVICES.search(question) and not conditional:
        return False  # "which services had over 80% ...": a search across reports, not a computation
    judged = t.hypothetical or bool(t.ratings) or bool(re.search(r"\b(rat(?:ed|ing)|band|discretion|score)\b", question, re.I))
    if (t.counts or t.percents) and judged and (t.standards or has_standard or t.lowest_only or
                                                 re.search(r"key questions?|kqs?\b|discretion|band|rated|rating", question, re.I)):
        return True
    if (t.counts or t.percents) and t.ratings and not has_service and not _WHICH_SERVICES.search(question):
        return True  # "is 65% Good or Requires improvement?"
    if t.score is not None and (t.hypothetical or t.ratings) and (not has_service or conditional):
        return True
    if t.standard_rating and has_service:
        return True  # "what would Wigan's score have been if 2.2 had been Good?"
    if t.one_case and (has_standard or t.standards) and conditional:
        return True
    if conditional and t.ratings and (has_standard or t.standards) and has_service:
        return True  # "would Wigan's 2.2 have been Good if ..."
    return False
