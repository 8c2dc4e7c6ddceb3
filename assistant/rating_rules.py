"""The published HMIP rating rules as data, one frozen table per framework.

Why data and not code: the inspectorate changes its framework every few years (3.4 went from
"Joint working" to "Out-of-court disposal policy and provision" in 2021, resettlement 4.1 was
added as a limiting judgement). A new framework is a new table in
``yotassist/data/frameworks.toml`` (also read by the parser's figure checks), with
``assistant.rating`` unchanged. Sources: the "Ratings explained" methodology
annexes of the 2021 reports and ``../shared/docs/domain.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Literal, Mapping

from yotassist.frameworks import load_frameworks, ratings

StandardKind = Literal["case", "qualitative"]



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


def _build(name: str, spec: dict) -> FrameworkRules:
    """Typed rules from one framework of ``yotassist/data/frameworks.toml`` (shared with ingest)."""
    disc = spec["discretion"]
    return FrameworkRules(
        name=name,
        bands=tuple((Fraction(b).limit_denominator(1000), r) for b, r in spec["bands"]),
        points=MappingProxyType(dict(spec["points"])),
        overall=tuple((int(b), r) for b, r in spec["overall"]),
        standards=tuple(
            StandardRule(s["id"], s["title"], s["domain"], s["kind"], scored=bool(s["scored"]),
                         themes=tuple(s["themes"]))
            for s in spec["standards"]
        ),
        discretion=DiscretionRules(within_pp=Fraction(disc["within_pp"]), one_case=bool(disc["one_case"]),
                                   small_sample=int(disc["small_sample"])),
        limiting=tuple(LimitingJudgement(**x) for x in spec["limiting"]),
    )


RATINGS: tuple[str, ...] = ratings()
RULES: Mapping[str, FrameworkRules] = MappingProxyType(
    {name: _build(name, spec) for name, spec in load_frameworks().items()})
RULES_2018 = RULES["2018"]
RULES_2021 = RULES["2021"]


def get_rules(framework: str) -> FrameworkRules:
    """The rule table for a framework name; ValueError names the known ones."""
    try:
        return RULES[str(framework)]
    except KeyError:
        raise ValueError(
            f"unknown framework {framework!r}; known: {', '.join(sorted(RULES))}"
        ) from None
