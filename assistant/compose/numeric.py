"""Numeric composer: ratings, scores and key-question figures, each cited to the row that prints it."""

from __future__ import annotations

import re
from typing import Any

from assistant.compose.common import Draft, _pct, _standard_title, phrase
from assistant.compose.lookup import lookup
from assistant.library import Library, kq_fact, overall_fact, score_fact, standard_rating_fact
from assistant.router import Route
from ingest.model import Report

def _kq_summary(report: Report, sid: str, d: Draft) -> str | None:
    """'8/9 (89%) [n], 5/8 (63%) [m]' for a standard's key questions, each cited to its row."""
    kqs = report.key_questions.get(sid) or []
    if not kqs:
        return None
    parts = []
    for kq in kqs:
        if kq.yes is not None and kq.relevant:
            text = f"{kq.yes}/{kq.relevant} ({_pct(round(kq.percent))})"
        else:
            text = _pct(kq.percent)
        f = kq_fact(report, sid, kq)
        parts.append(f"{text} {d.cite_fact(f)}" if f is not None else text)
    return ", ".join(parts)


def _kq_lines(report: Report, sid: str, d: Draft) -> list[str]:
    out = []
    title = _standard_title(report, sid)
    for kq in report.key_questions.get(sid) or []:
        f = kq_fact(report, sid, kq)
        if f is None:
            continue
        q = kq.question.rstrip()
        if kq.yes is not None and kq.relevant:
            text = phrase("numeric_kq_counts", question=q, yes=kq.yes, relevant=kq.relevant, percent=_pct(round(kq.percent)))
        else:
            text = phrase("numeric_kq_pct", question=q, percent=_pct(kq.percent))
        out.append(f"- {text} {d.cite_fact(f)}")
    if out:
        intro = phrase("numeric_kq_intro", sid=sid, title=title, service=report.service)
        return [intro] + out
    return out


def numeric(route: Route, lib: Library, index: Any) -> Draft:
    d = Draft()
    svc = route.services[0] if route.services else None
    years = [y for y in range(2000, 2100) if str(y) in route.question]
    report = lib.main_report(svc, years) if svc else None
    kq_asked = report is not None and any(report.key_questions.get(sid) for sid in route.standards)
    if report is None or not (kq_asked or _RATING_Q.search(route.text if route.follow_up else route.question)):
        # A figure that is not a rating, score or key-question share (a survey count, a vacancy
        # rate, a caseload) is printed in prose or a data table: the lookup finds that sentence.
        return lookup(route, lib, index)
    year = report.year or "undated"
    name = report.service
    if not report.standards and report.overall is None:
        d.say(phrase("numeric_unrated", service=name, year=year), trusted=True)
        return d
    q = route.question.lower()
    asked_rating = next((r for r in ("Outstanding", "Requires improvement", "Inadequate", "Good") if r.lower() in q), None)
    if not route.standards and (asked_rating or _ALL_STANDARDS.search(q)):
        # "Which standards was Wigan rated Outstanding for?" / "What were Wigan's ratings?"
        sids = [sid for sid, rating in report.standards.items() if asked_rating in (None, rating)]
        if report.resettlement and asked_rating in (None, report.resettlement):
            sids.append("4.1")
        route = Route(**{**route.__dict__, "standards": sids})
        if not sids:
            d.say(phrase("numeric_none_rated", service=name, year=year, rating=asked_rating), trusted=True)
    wants_overall = not route.standards or any(w in q for w in ("overall", "score", "36", "total"))
    if wants_overall:
        f_over, f_score = overall_fact(report), score_fact(report)
        if report.overall and f_over is not None:
            d.say(phrase("numeric_overall", service=name, year=year, rating=report.overall) + f" {d.cite_fact(f_over)}.")
        if report.score is not None and f_score is not None:
            d.say(phrase("numeric_score", service=name, year=year, score=report.score, max_score=report.max_score)
                  + f" {d.cite_fact(f_score)}.")
        if "resettlement" in q and report.resettlement:
            route = Route(**{**route.__dict__, "standards": list(dict.fromkeys(route.standards + ["4.1"]))})
    for sid in route.standards:
        title = _standard_title(report, sid)
        rating = report.standards.get(sid) or (report.resettlement if sid == "4.1" else None)
        f = standard_rating_fact(report, sid)
        if rating and f is not None:
            d.say(phrase("numeric_standard", service=name, year=year, rating=rating, sid=sid, title=title)
                  + f" {d.cite_fact(f)}.")
        elif rating is None:
            d.say(phrase("numeric_no_rating", service=name, year=year, sid=sid), trusted=True)
        lines = _kq_lines(report, sid, d) if len(route.standards) <= 3 else []
        if lines:
            d.say(lines[0], trusted=True)
            for line in lines[1:]:
                d.say(line)
    if not d.lines:
        d.say(phrase("numeric_unknown", service=name), trusted=True)
    return d



#: Questions the ratings table answers: ratings, scores, key questions, a standard by number.
_RATING_Q = re.compile(r"\b(?:rat(?:ed|ing|ings)|scor(?:e|ed|es|ing)|key questions?|kqs?|bands?|grade[ds]?|judged|"
                       r"outstanding|inadequate|requires improvement|overall(?=\s*(?:\?|$|rating|score|judge?ment|grade)))\b|"
                       r"\b[1-4]\.[1-4]\b|/36|out of 36", re.I)
_ALL_STANDARDS = re.compile(r"\b(which|what|all|each|every|list)\b.{0,30}\b(standards|ratings|areas)\b|ratings table", re.I)
