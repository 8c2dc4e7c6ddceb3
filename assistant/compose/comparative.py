"""Comparative composer: one table row per service, with the evidence each report has on the topic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Sequence

from assistant.compose.common import NOT_EVIDENCE, Draft, _RATING_WORDS, _same_domain, _search, _standard_title, phrase
from assistant.compose.numeric import _RATING_Q as _RATINGS_Q, _kq_summary
from assistant.evidence import Sentence, lexical_candidates, merge, pick, score_sentences, sentences_from_hits
from assistant.library import Library, label, overall_fact, score_fact, standard_rating_fact
from assistant.parts import Part
from assistant.router import Route
from assistant.select import select
from assistant.text import STOPWORDS
from ingest.model import Report
from yotassist.settings import RetrievalSettings, get_settings

_RATING_ASKED = re.compile(r"\b(outstanding|good|inadequate|requires improvement)\b", re.I)
_GRID_FILLER = frozenset({"yot", "yots", "yos", "yjs", "yjss", "service", "services", "team", "teams", "report", "reports",
                          "rated", "rating", "ratings", "anything", "any", "something", "standard", "standards", "area",
                          "areas", "which", "were", "was", "got", "get", "did", "given", "score", "scored", "where",
                          "what", "who", "inspection", "inspections", "receive", "received", "achieve", "achieved"})


def _rating_grid_asked(route: Route) -> str | None:
    """'Which YOTs were outstanding on anything?': a rating named with no standard and no other topic."""
    m = _RATING_ASKED.search(route.question)
    if not m or route.standards:
        return None
    rest = [w for w in re.findall(r"[a-z]+", _RATING_ASKED.sub(" ", route.question.lower()))
            if w not in STOPWORDS and w not in _GRID_FILLER and len(w) > 2]
    return None if rest else m.group(1).capitalize()


def _rated(r: Report, rating: str) -> bool:
    """Whether any standard of the report (resettlement included) got ``rating``."""
    got = list(r.standards.values()) + ([r.resettlement] if r.resettlement else [])
    return any(g and g.lower() == rating.lower() for g in got)


def _rating_grid_cell(r: Report, rating: str, d: Draft) -> str | None:
    """The standards a report rated ``rating``, each cited to its ratings-table row."""
    parts = []
    sids = sorted(r.standards) + (["4.1"] if r.resettlement and "4.1" not in r.standards else [])
    for sid in sids:
        got = r.standards.get(sid) or (r.resettlement if sid == "4.1" else None)
        f = standard_rating_fact(r, sid) if got and got.lower() == rating.lower() else None
        if f is not None:
            parts.append(f"{sid} {r.standard_titles.get(sid) or _standard_title(r, sid)} {d.cite_fact(f)}")
    return f"{rating}: " + "; ".join(parts) + "." if parts else None


#: The default of ``Settings.retrieval.max_compared_services`` (comparative answers over a big
#: library cover only the best-matching services); the code reads the setting, not this name.
MAX_COMPARED_SERVICES: int = RetrievalSettings.model_fields["max_compared_services"].default


def _max_compared() -> int:
    return get_settings().retrieval.max_compared_services


@dataclass
class ComparedServices:
    """Which services a comparative answer covers (each is then searched on its own)."""

    services: list[str]
    more: int = 0  # services in the library left out of the table


def compared_services(route: Route, services: Sequence[str], index: Any, query: str,
                      limit: int | None = None) -> ComparedServices:
    """All services when there are few (or the question names them); otherwise the ``limit``
    services whose chunks rank best in one diversified search (``limit``: the
    ``max_compared_services`` setting unless given)."""
    if limit is None:
        limit = _max_compared()
    services = sorted(services)
    if len(services) <= limit or len(route.services) >= 2:
        return ComparedServices(services=services)
    hits = _search(index, query, max(4 * limit, 40), diversify=True)
    known = set(services)
    ranked = list(dict.fromkeys(h.service for h in hits if h.service in known))  # best hit first
    chosen = ranked[:limit] or services[:limit]
    # The chosen services still get their own search (as with a small library): one global hit
    # per service is too little evidence for a table cell.
    return ComparedServices(services=sorted(chosen), more=len(services) - len(chosen))


def comparative(route: Route, lib: Library, index: Any, per_service: int = 2) -> Draft:
    d = Draft()
    query = route.expanded or route.text
    std = route.standards[0] if route.standards else None
    grid = None if std else _rating_grid_asked(route)
    reports = [r for r in lib.reports if r.service]
    if len(route.services) >= 2:
        reports = [r for r in reports if r.service in route.services]
    # One rated report per service (the newest) plus screenings only when nothing else exists.
    by_service: dict[str, list[Report]] = {}
    for r in reports:
        by_service.setdefault(r.service, []).append(r)
    topic = _RATING_WORDS.sub(" ", route.topic or query)
    if std:
        ref = next((r for r in reports if r.framework and (std in r.standards or (std == "4.1" and r.resettlement))),
                   next((r for r in reports if r.framework), None))
        topic = f"{topic} {_standard_title(ref, std)}"
        topic_label = f"{std} {_standard_title(ref, std)}"
    else:
        topic_label = topic
    if std:
        d.say(phrase("comparative_intro", topic=topic_label), trusted=True)
    else:
        d.say(phrase("comparative_intro_question"), trusted=True)
    d.say("")
    # Rating and score columns only when the question is about ratings; otherwise evidence alone,
    # and only the reports that have some (the others are named in one line below the table).
    ratings_asked = bool(std or grid or _RATINGS_Q.search(route.question))
    if ratings_asked:
        rating_label = f"{std} rating" if std else "Overall rating"
        header = phrase("comparative_header", rating_label=rating_label, figures_label="Key questions" if std else "Score")
        d.say(header, trusted=True)
        d.say("|---|---|---|---|", trusted=True)
    else:
        d.say(phrase("comparative_header_topic"), trusted=True)
        d.say("|---|---|", trusted=True)
    ratings_seen: dict[str, list[tuple[str, str]]] = {}
    no_evidence: list[str] = []
    big = len(by_service) > _max_compared()
    compared = (ComparedServices(services=sorted(by_service)) if grid
                else compared_services(route, list(by_service), index, query))
    for service in compared.services:
        if grid:
            for r in sorted(by_service[service], key=lambda r: r.published or "", reverse=True):
                if not r.standards or (big and not _rated(r, grid)):
                    if r.standards:
                        no_evidence.append(label(r))
                    continue  # a screening letter carries no ratings
                f, fs = overall_fact(r), score_fact(r)
                rating_cell = f"{r.overall} {d.cite_fact(f)}" if r.overall and f else phrase("comparative_not_rated")
                if r.overall and f:
                    ratings_seen.setdefault(r.overall, []).append((label(r), d.cite_fact(f)))
                kq_cell = f"{r.score}/{r.max_score} {d.cite_fact(fs)}" if r.score is not None and fs else "-"
                cell = _rating_grid_cell(r, grid, d) if not big or _rated(r, grid) else None
                if cell is None:
                    no_evidence.append(label(r))
                    if big:
                        continue  # a big library lists only the services that have the rating
                d.say(f"| {label(r)} | {rating_cell} | {kq_cell} | {cell or phrase('comparative_no_evidence')} |")
            continue
        hits = _search(index, query, 8, service=service)
        hit_sents = sentences_from_hits(hits, lib.lines_of)
        for r in sorted(by_service[service], key=lambda r: r.published or "", reverse=True):
            lexical = lexical_candidates(lib.sentences(r.source), topic)
            pool = [s for s in lib.drop_boilerplate(merge([s for s in hit_sents if s.source == r.source], lexical))
                    if s.section not in NOT_EVIDENCE and s.kind != "annex" and _same_domain(s, std)]
            mine = score_sentences(pool, topic, standard=std, stats=lib.term_stats(), keep_known=True)
            rated_here = bool(std and (r.standards.get(std) or (std == "4.1" and r.resettlement)))
            # A report that does not rate the standard (a screening letter) needs closer evidence.
            ask = route.expanded or route.text  # service names out: they are filtered on, not the topic
            chosen = select(mine, ask, [Part(ask, ask)], lib, per_service, stats=lib.term_stats(), standard=std,
                            min_coverage=0.45 if rated_here or not std else 0.65, protect=False).all[:per_service]
            if std and not chosen and rated_here:
                # Fall back to the standard's own findings: they are what its rating rests on.
                own = [s for s in mine if s.section == std]
                chosen = pick(own, per_service, min_score=0.5, min_coverage=0.25)
            if not chosen and (not r.standards or not ratings_asked):
                if ratings_asked or not r.service:
                    continue  # an unrated screening with nothing to say adds no row
                no_evidence.append(label(r))
                continue
            if not ratings_asked:
                evidence = " ".join(_cell_sentence(s, r, d) for s in sorted(chosen, key=lambda s: s.line))
                d.say(f"| {label(r)} | {evidence} |")
                continue
            # rating cell
            if std:
                rating = r.standards.get(std) or (r.resettlement if std == "4.1" else None)
                f = standard_rating_fact(r, std)
                std_title = r.standard_titles.get(std) or _standard_title(r, std)
                rating_cell = (f"{rating} ({std_title}) {d.cite_fact(f)}" if rating and f
                               else (rating or phrase("comparative_not_rated")))
                if rating and f:
                    ratings_seen.setdefault(rating, []).append((label(r), d.cite_fact(f)))
                kq_cell = _kq_summary(r, std, d) or "-"
            else:
                f = overall_fact(r)
                fs = score_fact(r)
                if r.overall and f:
                    rating_cell = f"{r.overall} {d.cite_fact(f)}"
                    ratings_seen.setdefault(r.overall, []).append((label(r), d.cite_fact(f)))
                else:
                    rating_cell = phrase("comparative_not_rated")
                kq_cell = f"{r.score}/{r.max_score} {d.cite_fact(fs)}" if r.score is not None and fs else "-"
            if chosen:
                evidence = " ".join(_cell_sentence(s, r, d) for s in sorted(chosen, key=lambda s: s.line))
            else:
                evidence = phrase("comparative_no_evidence")
                no_evidence.append(label(r))
            d.say(f"| {label(r)} | {rating_cell} | {kq_cell} | {evidence} |")
    d.say("")
    if compared.more:
        d.say(phrase("comparative_truncated", shown=len(compared.services), more=compared.more), trusted=True)
    if ratings_seen and std:
        title = _standard_title(ref, std)
        parts = []
        for rating in ("Outstanding", "Good", "Requires improvement", "Inadequate"):
            if rating in ratings_seen:
                who = ", ".join(f"{lab} {m}" for lab, m in ratings_seen[rating])
                parts.append(f"{rating} in {who}")
        d.say(phrase("comparative_synthesis_mixed", standard_label=f"{std} {title}", summary="; ".join(parts)))
    elif ratings_seen:
        parts = []
        for rating in ("Outstanding", "Good", "Requires improvement", "Inadequate"):
            if rating in ratings_seen:
                who = ", ".join(f"{lab} {m}" for lab, m in ratings_seen[rating])
                parts.append(f"{rating} in {who}")
        d.say(phrase("comparative_overall_summary", summary="; ".join(parts)))
    if no_evidence and grid and big:
        d.say(phrase("comparative_grid_none_big", rating=grid, count=len(no_evidence)), trusted=True)
    elif no_evidence and grid:
        d.say(phrase("comparative_grid_none", rating=grid, reports=", ".join(no_evidence)), trusted=True)
    elif no_evidence:
        d.say(phrase("comparative_none_in", reports=", ".join(no_evidence)), trusted=True)
    return d


def _cell_sentence(s: Sentence, r: Report, d: Draft) -> str:
    marker = d.cite_sentence(s, r)
    text = s.text.replace("|", "/")
    return f"{text[:-1]} {marker}{text[-1]}" if text[-1] in ".!?" else f"{text} {marker}"

