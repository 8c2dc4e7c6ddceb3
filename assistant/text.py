"""Small, pure text helpers shared by the evidence scorer and the citation gate.

Why one module: the gate and the composers must agree exactly on what "the same text" means
(whitespace-normalised), how a sentence is split and which words count as content; a
disagreement would let a quote pass in one place and fail in another.
"""

from __future__ import annotations

import re
from functools import lru_cache

from yotassist.number_words import number_words

_WS = re.compile(r"\s+")
_FOOTNOTE = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f]+")
# Sentence ends at . ! ? (optionally followed by a closing quote/bracket) before whitespace and
# an upper-case letter, digit, quote or bracket. Abbreviations below are protected.
_SENT_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]*]{0,3}\s+(?=[A-Z0-9\"'\u201c\u2018(\[])")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|No|St|vs|cf|approx)\.$", re.I)
_TOKEN = re.compile(r"[a-z0-9]+(?:[/'][a-z0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t don didn doesn isn wasn weren won may might must shall also its it's there's
    what's how's did does tell say said told show shows shown give given about regarding please report
    reports inspection inspectors inspector found find findings finding yot yots yos yjs yjss service
    services team teams youth offending justice did fare how many much""".split()
)

NUMBER_WORDS = {w: str(n) for w, n in number_words(1, 12).items()}


def normalise(text: str) -> str:
    """Whitespace-normalised text: the form in which quotes are compared and shown."""
    return _WS.sub(" ", text or "").strip()


@lru_cache(maxsize=131_072)
def comparable(text: str) -> str:
    """Normalised and case-folded, footnote markers and bold markup removed, dashes unified:
    the form used to test containment of a quote in its source.

    Cached (a pure function of the text): every question compares and scores the same report
    sentences again, and this was about a tenth of an ask's CPU time (``bench/profile_ask.py``)."""
    t = _FOOTNOTE.sub("", text or "").replace("**", "")
    t = t.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'").replace("\u2018", "'")
    t = t.replace("\u201c", '"').replace("\u201d", '"')
    return normalise(t).casefold()


def split_sentences(text: str) -> list[str]:
    """Split one paragraph into sentences; protects common abbreviations."""
    text = normalise(text)
    if not text:
        return []
    parts: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        candidate = text[start : m.start()].rstrip()
        end_piece = text[start : m.end()].rstrip()
        if _ABBREV.search(candidate.rstrip("\"'\u201d\u2019)]")):
            continue
        parts.append(end_piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    return [p for p in (normalise(x) for x in parts) if p]


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to match 'planning'/'plans', 'worked'/'working'."""
    w = word
    for suf in ("ations", "ation", "ings", "ing", "ies", "ied", "ness", "ments", "ment", "ed", "es", "s", "ly"):
        if len(w) > len(suf) + 2 and w.endswith(suf):
            w = w[: -len(suf)] + ("y" if suf in ("ies", "ied") else "")  # policies -> policy, not police
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]  # save/saving, police/policing
    return w


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (keeps 29/36 and don't as one token)."""
    return _TOKEN.findall(comparable(text))


def content_terms(text: str) -> list[str]:
    """Stemmed content words, stopwords removed, in order (duplicates kept)."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


def numbers(text: str) -> set[str]:
    """Numbers written in digits, plus number words rendered as digits ('five' -> '5')."""
    t = comparable(text)
    found = {n.rstrip("0").rstrip(".") if "." in n else n for n in _NUMBER.findall(t)}
    for w in _TOKEN.findall(t):
        if w in NUMBER_WORDS:
            found.add(NUMBER_WORDS[w])
    return found


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# Text that addresses an AI rather than reports on a service. Such sentences are data like any
# other, but they are never evidence: composers skip them and the gate never counts them as
# support or quotes them.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|prompts?|rules|guidelines)\b|"
    r"\bsystem (?:note|prompt|message|instruction)s?\b|\b(?:you are now|from now on,? (?:you )?(?:must |should )?answer)\b|"
    r"\bnew instructions?\b|\bnote to the (?:assistant|ai|model)\b|</?source\b",
    re.I,
)


def looks_like_instruction(text: str) -> bool:
    """True for sentences written to steer a model ("ignore previous instructions ...")."""
    return bool(_INSTRUCTION.search(text or ""))
