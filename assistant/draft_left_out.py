"""What a draft considered and did not use, and why: the ``left_out`` list of a ``Draft``.

Why it exists: the lists drop comparable inspections' sentences by learnt classifiers (polarity,
standard), by the shares they state, as near-duplicates and as dangling openings; the citation
gate drops what no cited line supports. Dropped silently, a published bullet looks missed, and a
classifier's mistake cannot be seen. Each entry names the sentence, where it is published and
the reason in words, so the inspector can judge and put a sentence back by hand.

Only sentences that were plausible for the list are recorded (a published bullet of the list,
or one whose wording or classifier said it had the list's polarity): a strengths list does not
report every area for improvement of every comparable report as "left out".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.compose.common import phrase
from assistant.evidence import Sentence
from assistant.model import LeftOut, LeftOutReason
from assistant.tone import share, tone_of

MAX_LEFT_OUT = 12
# The likeliest to matter first (a classifier's polarity call is the one an inspector may dispute).
_ORDER: tuple[str, ...] = ("opposite_polarity", "neutral", "off_standard", "share", "dangling", "near_duplicate", "unsupported")


def polarity_reason(scores: dict[str, float] | None, text: str, want: str) -> str | None:
    """Why ``text`` does not belong on the ``want`` list ("strength" / "improvement"), or None.

    Both the learnt classifier and the cue lexicon must agree the sentence has the list's polarity
    (the lexicon may abstain; the classifier may not put the opposite polarity first); a stated
    share of cases that contradicts the list ("addressed in 10 out of 19 cases") rules it out
    whatever the wording. "neutral" (no polarity either way) is reported only for a sentence that
    was a candidate for the list (a published bullet of it)."""
    return polarity_verdict(scores, text, want)[0]


def polarity_verdict(scores: dict[str, float] | None, text: str, want: str) -> tuple[str | None, str]:
    """``polarity_reason`` and which signal decided ("its wording" / "the polarity classifier")."""
    other = "improvement" if want == "strength" else "strength"
    cue = tone_of(text)
    if cue == (-1 if want == "strength" else 1):
        return "opposite_polarity", "by its wording"
    sh = share(text)
    if sh is not None and ((want == "strength" and sh < 0.65) or (want == "improvement" and sh >= 0.8 and cue >= 0)):
        return "share", ""
    if scores is None:
        return (None, "") if cue != 0 else ("neutral", "")
    if scores.get(other, 0) > scores.get(want, 0):
        return "opposite_polarity", f"by the polarity classifier, {scores.get(other, 0):.0%} against {scores.get(want, 0):.0%}"
    if not (scores.get(want, 0) > scores.get(other, 0) and (cue != 0 or scores.get(want, 0) >= 0.5)):
        return "neutral", ""
    return None, ""


def plausible(scores: dict[str, float] | None, text: str, want: str) -> bool:
    """The wording or the classifier said ``text`` has the list's polarity (worth reporting if dropped)."""
    if tone_of(text) == (1 if want == "strength" else -1):
        return True
    return bool(scores) and max(scores, key=scores.get) == want


def _why(reason: str, want: str, text: str, detail: str) -> str:
    """The reason shown beside a left-out sentence (sentences in ``prompts/phrases.md``)."""
    other = "improvement" if want == "strength" else "strength"
    if reason == "opposite_polarity":
        return phrase("left_out_opposite_detail" if detail else "left_out_opposite", other=_list(other),
                      want=_list(want), detail=detail)
    if reason == "neutral":
        return phrase("left_out_neutral", want=_list(want))
    if reason == "off_standard":
        return phrase("left_out_off_standard_detail" if detail else "left_out_off_standard", detail=detail)
    if reason == "share":
        sh = share(text)
        pct = f"{sh:.0%}" if sh is not None else phrase("left_out_share_unknown")
        return phrase("left_out_share_strength" if want == "strength" else "left_out_share_improvement", share=pct)
    if reason == "dangling":
        return phrase("left_out_dangling")
    if reason == "near_duplicate":
        return phrase("left_out_near_duplicate")
    return phrase("left_out_unsupported")


def _list(kind: str) -> str:
    """"a strength" / "an area for improvement": how the reasons name a list."""
    return phrase("left_out_list_strength" if kind == "strength" else "left_out_list_improvement")


@dataclass
class LeftOutLog:
    """Collects what a draft dropped; ``result`` orders, deduplicates and caps it."""

    want: str = "strength"  # the list's polarity ("strength" / "improvement"; findings: "strength")
    items: list[LeftOut] = field(default_factory=list)

    def add(self, s: Sentence, reason: str, detail: str = "") -> None:
        from assistant.text import looks_like_instruction

        if reason not in _ORDER or any(x.text == s.text for x in self.items) or looks_like_instruction(s.text):
            return  # a line addressed to a model is never shown, not even as left out
        self.items.append(LeftOut(text=s.text, reason=reason, why=_why(reason, self.want, s.text, detail),
                                  source=s.source or None, service=s.service, section=s.section or None,
                                  line=s.line or None))

    def result(self, unsupported: list[str] = ()) -> list[LeftOut]:
        out = sorted(self.items, key=lambda x: _ORDER.index(x.reason))[: max(0, MAX_LEFT_OUT - len(unsupported))]
        for u in unsupported:
            reason: LeftOutReason = "unsupported"
            out.append(LeftOut(text=u, reason=reason, why=_why(reason, self.want, u, "")))
        return out


def top_standards(probs: dict[str, float] | None, k: int = 2) -> str:
    """'likeliest 1.2, 1.3' for the off-standard reason."""
    if not probs:
        return ""
    return "likeliest " + ", ".join(sorted(probs, key=probs.get, reverse=True)[:k])
