"""A whole domain at once: findings for every case-based standard from the inspector's figures,
their ratings, the domain's score contribution and the overall bands it still allows.

Why: inspectors write a domain in one sitting, and the score arithmetic (points per rating,
overall bands, the 4.1 limiting judgement) is where a hand-added draft goes wrong. The sections
are the new-inspection findings (``assistant.draft_service``); notes go to the standard whose
figures they are most about (embedding similarity), so each appears once. Without the other
standards' ratings the overall rating is not known; the draft states the range of bands the
domain's points still allow, or the band itself when ``ratings`` gives every other standard.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from pydantic import BaseModel, Field

from assistant.model import Draft


class DomainDraft(BaseModel):
    domain: str
    title: str
    framework: str
    service: str | None = None
    sections: list[Draft] = Field(default_factory=list)
    ratings: dict[str, str | None] = Field(default_factory=dict)
    points: int
    max_points: int
    score_range: tuple[int, int]  # the whole score, with the other standards unknown (or given)
    overall_range: tuple[str, str]  # lowest and highest overall band those scores allow
    summary: str


def draft_domain(assistant: Any, domain: str, specs: Sequence[str], service: str | None, notes: str | None,
                 framework: str, ratings: Mapping[str, str] | None = None) -> DomainDraft:
    from assistant.draft_findings import from_figures
    from assistant.draft_new import _place_notes, read_notes
    from assistant.draft_service import new_inspection_draft
    from assistant.rating import overall_of, parse_kq_specs
    from assistant.rating_rules import get_rules

    rules = get_rules(framework)
    case = [s for s in rules.standards if s.id.startswith(f"{domain}.") and s.kind == "case"]
    if not case:
        raise ValueError(f"domain {domain} has no case-based standards in the {rules.name} framework")
    kqs = parse_kq_specs(specs, framework)
    missing = [s.id for s in case if s.id not in kqs]
    stray = sorted(set(kqs) - {s.id for s in case})
    if stray:
        raise ValueError(f"--kq given for {', '.join(stray)}, which is not a case-based standard of domain {domain}")
    if missing:
        raise ValueError(f"domain {domain} needs figures for every case-based standard; missing: {', '.join(missing)}")
    by_sid = {s.split("=", 1)[0].strip(): s for s in specs}
    figures = {s.id: from_figures(s.id, by_sid[s.id], framework) for s in case}
    # Each note with the standard whose key-question passages it is most about.
    user = read_notes(notes)
    anchors = [(sid, p.text) for sid, ff in figures.items() for p in ff.passages]
    where = _place_notes(assistant.lib, user, [t for _, t in anchors]) if user else []
    notes_of = {s.id: [n for n, j in zip(user, where) if anchors[j][0] == s.id] for s in case}
    sections = [new_inspection_draft(assistant, s.id, "findings", service, "\n".join(notes_of[s.id]) or None,
                                     by_sid[s.id], framework) for s in case]
    got = {d.standard: d.computed_rating for d in sections}
    points = sum(rules.points[r] for r in got.values() if r)
    top = max(rules.points.values())
    known = {k: v for k, v in (ratings or {}).items() if k not in got}
    others = [s for s in rules.scored if s.id not in got]
    fixed = sum(rules.points[known[s.id]] for s in others if s.id in known)
    free = [s for s in others if s.id not in known]
    lo, hi = points + fixed, points + fixed + top * len(free)
    limiting = {lim.standard: (ratings or {}).get(lim.standard) for lim in rules.limiting}
    band_lo, _ = overall_of(lo, rules, limiting)
    band_hi, _ = overall_of(hi, rules, limiting)
    title = case[0].domain
    rated = ", ".join(f"{sid} {got[sid]}" for sid in got)
    if lo == hi:
        tail = f"with the other standards as given, the score is {lo}/{rules.max_score}, so the overall rating is {band_lo}."
    else:
        tail = (f"with {len(free)} other core standards not yet rated, the score can be {lo}-{hi}/{rules.max_score}, "
                f"so the overall rating can be {band_lo}" + (f" to {band_hi}." if band_hi != band_lo else "."))
    summary = (f"Domain {domain} ({title.lower()}): {rated}; {points} of {top * len(case)} points; " + tail)
    return DomainDraft(domain=domain, title=title, framework=rules.name, service=service, sections=sections,
                       ratings=got, points=points, max_points=top * len(case), score_range=(lo, hi),
                       overall_range=(band_lo or "", band_hi or ""), summary=summary)
