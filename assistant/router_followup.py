"""Follow-up questions: what "that", "it", "they", "which one", "and Kirklees?" refer to.

Why a module of its own: a conversation carries *state* (the services, standards, topic and kind
of the earlier turns, and the service an earlier answer was about), not only earlier question
strings. ``resolve`` takes the route of the new question on its own and the state of the turn
before, and fills in what the new question leaves out: a question that names only a service keeps
the topic; one that names only a topic keeps the services; one that points back ("the figures
behind that", "which key question dragged it down?") keeps both.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Sequence

# Words that open a follow-up ("and ...", "what about ...") or stand in for an earlier referent.
FOLLOW_UP_START = re.compile(
    r"^\s*(?:and|but|so|what about|how about|and what about|what of|same for|and for|and in|now|also|then|ok(?:ay)?)\b", re.I)
ANAPHORA = re.compile(
    r"\b(it|its|it's|itself|that|this|those|these|they|them|their|theirs|there|which one|which ones|the same|"
    r"same (?:standard|service|report|one)|the (?:figures|numbers|percentages|ratings?|scores?|key questions?)"
    r"(?: behind (?:that|it|this))?|behind (?:that|it|this)|the (?:former|latter|first one|second one|other one))\b", re.I)
COMPARE_CUE = re.compile(r"\b(compar\w*|versus|vs\.?|than|differ\w*|same as|like)\b", re.I)
# Discourse words that carry no topic ("and what about Kirklees specifically?").
DISCOURSE = frozenset({
    "specifically", "particularly", "particular", "instead", "too", "as", "well", "again", "exactly",
    "please", "then", "so", "ok", "okay", "just", "only", "though", "there", "here", "then", "either",
    "both", "anyway", "actually", "really", "compare", "compared", "versus", "vs",
    "it", "its", "itself", "they", "them", "their", "theirs", "that", "this", "those", "these", "which", "one", "ones",
    "former", "latter", "same", "behind", "figures", "numbers", "about", "what", "how", "and", "but",
    "does", "do", "did", "with", "than", "like", "differ", "different", "difference", "compares", "comparison",
})


def topic_words(topic: str) -> list[str]:
    """The words of a topic that say what it is about (no discourse words, stopwords or numbers)."""
    from assistant.text import STOPWORDS

    return [w for w in topic.split() if w not in DISCOURSE and w not in STOPWORDS and not w.isdigit()]


def looks_like_follow_up(question: str, own_services: Sequence[str], own_standards: Sequence[str], topic: str) -> bool:
    """A question that leans on the turn before: opens like one, points back, or is too short to stand alone."""
    if FOLLOW_UP_START.search(question) or ANAPHORA.search(question):
        return True
    return len(question.split()) <= 5 and not (own_services and own_standards)


def resolve(r, prev, plan, question: str, services: Sequence[str], understand: Callable, classify_text: Callable):
    """``r`` (the question alone) completed from ``prev`` (the route of the turn before)."""
    # A what-if that names neither service nor standard ("what if the lowest key question had been
    # 66%?") is about the standard of the turn before, whatever its wording.
    bare_whatif = r.kind == "whatif" and not plan.services and not plan.standards
    if prev is None or not (bare_whatif or looks_like_follow_up(question, plan.services, plan.standards, r.topic)):
        return r
    from assistant.whatif_parse import parse

    own_topic = topic_words(r.topic)
    # Pointing back: a pronoun ("that", "it"), or rating reasoning with no standard of its own
    # ("could discretion have applied?", "how close was it to Good?") continues the same standard.
    points_back = bool(ANAPHORA.search(question)) or (parse(question).reasoning and not plan.standards) or bare_whatif
    if plan.services and prev.services and COMPARE_CUE.search(question) and len(own_topic) <= 3:
        # "how does that compare with Wigan?": the earlier service(s) and the new one(s), same topic.
        both = list(dict.fromkeys(list(prev.services) + list(plan.services)))
        if len(both) > 1:
            text = f"{prev.topic} {' '.join(both)}".strip()
            return replace(r, kind="comparative", text=text, services=both,
                           standards=list(plan.standards) or list(prev.standards), topic=prev.topic,
                           expanded=understand(prev.topic).text or prev.topic, follow_up=True,
                           comparative_cue=True)
    if plan.services and not own_topic and not plan.standards:
        # "and Wigan?" / "and what about Kirklees specifically?": same topic and kind, new service(s).
        text = f"{prev.topic} {' '.join(plan.services)}".strip()
        kind = prev.kind
        if kind == "comparative":
            kind = "numeric" if prev.numeric_cue else "lookup"
        if len(plan.services) > 1:
            kind = "comparative"
        return replace(r, kind=kind, text=text, standards=list(prev.standards), topic=prev.topic,
                       expanded=understand(text).text, follow_up=True, numeric_cue=prev.numeric_cue)
    if plan.services:
        return r  # a new service and a topic of its own: a question that stands alone
    svc_text = " ".join(prev.services)
    if points_back and (bare_whatif or not own_topic or len(own_topic) <= 6):
        # "the figures behind that", "which key question dragged it down?", "how many were there?":
        # same services and standards; the topic is this question's words plus the earlier topic.
        standards = list(plan.standards) or list(prev.standards)
        topic = " ".join(dict.fromkeys((" ".join(own_topic) + " " + (prev.topic if not plan.standards else "")).split()))
        kind = classify_text(f"{question} {' '.join(standards)} {svc_text}".strip(), services)
        text = f"{topic} {' '.join(standards)} {svc_text}".strip()
        if kind == "lookup" and prev.kind in ("numeric", "whatif") and not own_topic:
            kind = prev.kind
        if kind in ("numeric", "whatif") and not prev.services:
            kind = "comparative" if prev.kind == "comparative" else ("whatif" if kind == "whatif" else "lookup")
        if prev.kind == "comparative" and kind in ("lookup", "numeric") and not prev.services:
            kind = "comparative"
        return replace(r, kind=kind, text=text, services=list(prev.services), standards=standards,
                       topic=topic or prev.topic, expanded=understand(f"{topic} {svc_text}").text, follow_up=True)
    if (plan.standards or own_topic) and len(r.topic.split()) <= 5:
        # "what about planning?": same service(s), new topic.
        kind = prev.kind if prev.kind == "comparative" else r.kind
        if kind == "lookup" and prev.kind in ("numeric", "whatif") and (plan.standards or r.numeric_cue):
            # "and for out-of-court assessment?" after a rating or key-question answer: the same
            # question of another standard, so its rating and key questions.
            kind = "numeric"
        if kind == "lookup" and prev.services and r.numeric_cue and not r.screening_cue:
            kind = "numeric"  # "what was its score?" after a question about one service
        if not prev.services and kind not in ("comparative", "whatif"):
            kind = "lookup" if kind == "numeric" else kind
        text = f"{r.topic} {svc_text}".strip()
        return replace(r, kind=kind if (prev.services or kind in ("comparative", "whatif")) else r.kind,
                       text=text, services=list(prev.services), expanded=understand(text).text, follow_up=True)
    return r


def services_in_answer(answer: str, services: Sequence[str], find: Callable) -> list[str]:
    """The services an earlier answer was about (its text before the sources list): the referent of
    "which key question dragged it down?" after "which YOT was rated Inadequate for 2.2?"."""
    body = answer.split("\nSources")[0]
    body = re.sub(r"\[\d+\]", " ", body)
    return find(body, list(services))


# A standard number as answers print it ("2.2 Planning", "standard 3.4"), not a decimal or a share.
_STANDARD_ID = re.compile(r"(?<![\d.])([1-4]\.[1-5])(?![\d%])")


def standards_in_answer(answer: str) -> list[str]:
    """The standards an earlier answer was about (its text before the sources list, citation
    markers out): the referent of "it" / "that one" when the question before named none."""
    body = re.sub(r"\[\d+\]", " ", answer.split("\nSources")[0])
    return list(dict.fromkeys(_STANDARD_ID.findall(body)))
