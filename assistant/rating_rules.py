"""The published HMIP rating rules as data, one frozen table per framework.

Why data and not code: the inspectorate changes its framework every few years (3.4 went from
"Joint working" to "Out-of-court disposal policy and provision" in 2021, resettlement 4.1 was
added as a limiting judgement). A new framework should be a new ``FrameworkRules`` entry in
``RULES``, with ``assistant.rating`` unchanged. Sources: the "Ratings explained" methodology
annexes of the 2021 reports and ``../shared/docs/domain.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, Mapping

StandardKind = Literal["case", "qualitative"]

# Theme names for the usual three key questions of a case-based standard, in table order.
SAFETY_THEMES: tuple[str, ...] = ("desistance", "the child's safety", "other people's safety")
JOINT_WORKING_THEMES: tuple[str, ...] = (
    "recommendations supporting joint decision-making",
    "working with the police",
)


@dataclass(frozen=True)
class StandardRule:
    """One core (or limiting) standard of a framework."""

    id: str
    title: str
    domain: str
    kind: StandardKind
    scored: bool = True  # counts towards the 0-36 score
    themes: tuple[str, ...] = ()  # key-question themes in table order (case-based only)

    @property
    def label(self) -> str:
        """Short human label that disambiguates 2.1 and 3.1 (both "Assessment")."""
        if self.id.startswith("2."):
            return f"{self.title} (court disposals)"
        if self.id.startswith("3.") and self.kind == "case":
            return f"{self.title} (out-of-court disposals)"
        return self.title


@dataclass(frozen=True)
class DiscretionRules:
    """When the ratings panel may depart from the computed band (annex "Ratings explained")."""

    within_pp: Fraction = Fraction(5)  # lowest key question within this many points of a boundary
    one_case: bool = True  # a differing judgement in one case would change the rating
    small_sample: int = 5  # rating based on a (sub-)sample of this many cases or fewer


@dataclass(frozen=True)
class LimitingJudgement:
    """A separately rated standard that caps the overall rating, e.g. an Inadequate 4.1."""

    standard: str
    when: str  # the rating of ``standard`` that triggers the cap
    cap: str  # the best overall rating still allowed


@dataclass(frozen=True)
class FrameworkRules:
    name: str
    # (lower bound in percent, rating), highest first; a value takes the first band it reaches.
    bands: tuple[tuple[Fraction, str], ...]
    points: Mapping[str, int]
    # (lowest score, rating), highest first.
    overall: tuple[tuple[int, str], ...]
    standards: tuple[StandardRule, ...]
    discretion: DiscretionRules = field(default_factory=DiscretionRules)
    limiting: tuple[LimitingJudgement, ...] = ()

    def standard(self, standard_id: str) -> StandardRule | None:
        return next((s for s in self.standards if s.id == standard_id), None)

    @property
    def scored(self) -> tuple[StandardRule, ...]:
        return tuple(s for s in self.standards if s.scored)

    @property
    def max_score(self) -> int:
        return max(self.points.values()) * len(self.scored)

    @property
    def boundaries(self) -> tuple[Fraction, ...]:
        """Band boundaries in percent, ascending, without the 0 floor (50, 65, 80)."""
        return tuple(sorted(b for b, _ in self.bands if b > 0))


RATINGS: tuple[str, ...] = ("Inadequate", "Requires improvement", "Good", "Outstanding")

_BANDS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(80), "Outstanding"),
    (Fraction(65), "Good"),
    (Fraction(50), "Requires improvement"),
    (Fraction(0), "Inadequate"),
)
_POINTS = MappingProxyType({"Inadequate": 0, "Requires improvement": 1, "Good": 2, "Outstanding": 3})
_OVERALL: tuple[tuple[int, str], ...] = (
    (31, "Outstanding"),
    (19, "Good"),
    (7, "Requires improvement"),
    (0, "Inadequate"),
)

_DOMAIN1 = tuple(
    StandardRule(sid, title, "Organisational delivery", "qualitative")
    for sid, title in (
        ("1.1", "Governance and leadership"),
        ("1.2", "Staff"),
        ("1.3", "Partnerships and services"),
        ("1.4", "Information and facilities"),
    )
)


def _case(sid: str, title: str, domain: str, themes: tuple[str, ...] = SAFETY_THEMES) -> StandardRule:
    return StandardRule(sid, title, domain, "case", themes=themes)


_DOMAIN2 = tuple(
    _case(sid, title, "Court disposals")
    for sid, title in (
        ("2.1", "Assessment"),
        ("2.2", "Planning"),
        ("2.3", "Implementation and delivery"),
        ("2.4", "Reviewing"),
    )
)
_DOMAIN3_CASE = tuple(
    _case(sid, title, "Out-of-court disposals")
    for sid, title in (("3.1", "Assessment"), ("3.2", "Planning"), ("3.3", "Implementation and delivery"))
)

RULES_2018 = FrameworkRules(
    name="2018",
    bands=_BANDS,
    points=_POINTS,
    overall=_OVERALL,
    standards=_DOMAIN1
    + _DOMAIN2
    + _DOMAIN3_CASE
    + (_case("3.4", "Joint working", "Out-of-court disposals", JOINT_WORKING_THEMES),),
)

RULES_2021 = FrameworkRules(
    name="2021",
    bands=_BANDS,
    points=_POINTS,
    overall=_OVERALL,
    standards=_DOMAIN1
    + _DOMAIN2
    + _DOMAIN3_CASE
    + (
        StandardRule("3.4", "Out-of-court disposal policy and provision", "Out-of-court disposals", "qualitative"),
        StandardRule("4.1", "Resettlement policy and provision", "Resettlement", "qualitative", scored=False),
    ),
    limiting=(LimitingJudgement(standard="4.1", when="Inadequate", cap="Good"),),
)

RULES: Mapping[str, FrameworkRules] = MappingProxyType({"2018": RULES_2018, "2021": RULES_2021})


def get_rules(framework: str) -> FrameworkRules:
    """The rule table for a framework name; ValueError names the known ones."""
    try:
        return RULES[str(framework)]
    except KeyError:
        raise ValueError(
            f"unknown framework {framework!r}; known: {', '.join(sorted(RULES))}"
        ) from None
