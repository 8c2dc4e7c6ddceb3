"""Check a draft report: the arithmetic and the consistency an inspector's reviewer looks for.

Why: a wrong figure without a warning is the worst failure a report can carry, and a draft
report changes by hand many times before publication. Given a draft (parsed like any report,
``ingest.load_report``) this recomputes and cross-reads what must agree:

- every case-based standard's rating recomputed from its own key-question table (a published
  rating that differs with no discretion trigger is a fault; with one, a note);
- the score and the overall band re-added from the ratings table;
- a rating written in a standard's text ("Our rating for ... is") that differs from the table;
- a narrative whose tone contradicts its rating (a Good or Outstanding section written mostly as
  failings, an Inadequate one mostly as strengths), by the learnt polarity classifier and the
  cue lexicon together (``assistant.classifiers``; skipped, with a note, without one);
- a key question with no figure (a theme of the standard missing from its table);
- figures that cannot come from the stated sample ("Of the 9 cases inspected" and 12 relevant);
- a recommendation that no area for improvement speaks to (embedding similarity).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from assistant.rating import rate_report, theme_of
from assistant.rating_rules import get_rules
from ingest.model import Report

Kind = Literal["rating_vs_table", "score_sum", "overall_band", "text_rating", "tone", "missing_figure",
               "impossible_figure", "unmatched_recommendation"]

# Thresholds are settings: check_tone_share, check_tone_min_sentences, check_recommendation_match.
_SAMPLE = re.compile(r"\bOf the (\d+) cases inspected\b", re.I)


class Problem(BaseModel):
    kind: Kind
    standard: str | None = None
    line: int | None = None
    message: str


class CheckResult(BaseModel):
    source: str
    service: str | None = None
    framework: str
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # discretion used, checks that could not run
    standards: dict[str, dict] = Field(default_factory=dict)  # sid -> published / computed / status
    score: dict = Field(default_factory=dict)


def _rating_checks(report: Report, out: CheckResult) -> None:
    res = rate_report(report)
    out.framework = res.framework
    for sid, s in res.standards.items():
        out.standards[sid] = {"published": s.published, "computed": s.computed, "status": s.status}
        if s.status == "unexplained disagreement":
            out.problems.append(Problem(kind="rating_vs_table", standard=sid, message=(
                f"{sid} {s.title}: the ratings table says {s.published}, but its key questions compute to "
                f"{s.computed} (lowest {s.lowest_percent:g}%) and no discretion trigger applies.")))
        elif s.status == "discretion applied":
            out.notes.append(f"{sid} {s.title}: published {s.published}, computed {s.computed}; discretion was "
                             f"eligible ({'; '.join(s.discretion_reasons)}).")
    out.score = {"published": res.score.published, "from_published_standards": res.score.from_published_standards,
                 "computed": res.score.computed, "max": res.score.max, "overall_published": res.overall.published,
                 "overall_from_score": None}
    rules = get_rules(res.framework)
    if res.score.published is not None and res.score.from_published_standards is not None \
            and res.score.published != res.score.from_published_standards:
        out.problems.append(Problem(kind="score_sum", message=(
            f"The score {res.score.published}/{res.score.max} is not the sum of the ratings table "
            f"({res.score.from_published_standards}/{res.score.max}).")))
    if res.score.from_published_standards is not None and res.overall.published is not None:
        from assistant.rating import overall_of

        limiting = {lim.standard: report.standards.get(lim.standard) or report.resettlement for lim in rules.limiting}
        band, _ = overall_of(res.score.from_published_standards, rules, limiting)
        out.score["overall_from_score"] = band
        if band != res.overall.published:
            out.problems.append(Problem(kind="overall_band", message=(
                f"The overall rating {res.overall.published} is not the band of the re-added score "
                f"{res.score.from_published_standards}/{res.score.max} ({band}).")))


def _text_ratings(report: Report, out: CheckResult) -> None:
    for sec in report.sections:
        table = report.standards.get(sec.id) or (report.resettlement if sec.id == "4.1" else None)
        if sec.kind == "standard" and sec.rating_in_text and table and sec.rating_in_text != table:
            out.problems.append(Problem(kind="text_rating", standard=sec.id, line=sec.line_start, message=(
                f"{sec.id} {sec.title}: the text rates it {sec.rating_in_text}, the ratings table {table}.")))


def _missing_figures(report: Report, out: CheckResult) -> None:
    rules = get_rules(out.framework)
    for rule in rules.standards:
        if rule.kind != "case" or rule.id not in report.standards:
            continue
        kqs = report.key_questions.get(rule.id) or []
        if not kqs:
            out.problems.append(Problem(kind="missing_figure", standard=rule.id, message=(
                f"{rule.id} {rule.title}: rated {report.standards[rule.id]} but its key-question table has no figures.")))
            continue
        have = {theme_of(k.question, i, rule) for i, k in enumerate(kqs)}
        for theme in rule.themes:
            if theme not in have and len(kqs) < len(rule.themes):
                out.problems.append(Problem(kind="missing_figure", standard=rule.id, message=(
                    f"{rule.id} {rule.title}: the key question on {theme} has no figure.")))


def _impossible_figures(report: Report, out: CheckResult) -> None:
    for sid, kqs in report.key_questions.items():
        sec = report.section(sid)
        sample = None
        if sec is not None:
            for ln in report.lines[sec.line_start - 1 : sec.line_end]:
                m = _SAMPLE.search(ln)
                if m:
                    sample = int(m.group(1))
                    break
        for k in kqs:
            where = f"{sid}, \u201c{k.question[:60]}\u201d"
            if k.yes is not None and k.relevant is not None:
                if k.yes > k.relevant:
                    out.problems.append(Problem(kind="impossible_figure", standard=sid, line=k.line, message=(
                        f"{where}: {k.yes} 'Yes' out of {k.relevant} relevant cases.")))
                elif sample is not None and k.relevant > sample:
                    out.problems.append(Problem(kind="impossible_figure", standard=sid, line=k.line, message=(
                        f"{where}: {k.relevant} relevant cases, but the table is of {sample} cases inspected.")))
            elif sample is not None and sample <= 20:
                ok = any(abs(100 * y / n - k.percent) < 0.5 for n in range(1, sample + 1) for y in range(n + 1))
                if not ok:
                    out.problems.append(Problem(kind="impossible_figure", standard=sid, line=k.line, message=(
                        f"{where}: {k.percent:g}% cannot come from {sample} cases or fewer.")))


def _tone(report: Report, out: CheckResult, clf) -> None:
    from assistant.classifiers import _sentences
    from assistant.tone import tone_of
    from yotassist.settings import get_settings

    settings = get_settings()
    if clf is None:
        out.notes.append("The tone check needs an index with labelled reports; it was not run.")
        return
    for sec in report.sections:
        rating = report.standards.get(sec.id) or (report.resettlement if sec.id == "4.1" else None)
        if sec.kind != "standard" or rating is None:
            continue
        sents = _sentences(report, sec.line_start, sec.line_end, sec.id)
        bullets = set(sec.strengths) | set(sec.improvements)
        sents = [s for s in sents if s not in bullets]
        scores = clf.polarity_scores(sents)
        pos = neg = 0
        for s, p in zip(sents, scores):
            cue = tone_of(s)
            if cue > 0 and p.get("strength", 0) > p.get("improvement", 0):
                pos += 1
            elif cue < 0 and p.get("improvement", 0) > p.get("strength", 0):
                neg += 1
        polar = pos + neg
        if polar < settings.check_tone_min_sentences:
            continue
        if rating in ("Good", "Outstanding") and neg / polar >= settings.check_tone_share:
            out.problems.append(Problem(kind="tone", standard=sec.id, line=sec.line_start, message=(
                f"{sec.id} {sec.title} is rated {rating}, but {neg} of its {polar} judging sentences read as "
                "areas for improvement.")))
        elif rating == "Inadequate" and pos / polar >= settings.check_tone_share:
            out.problems.append(Problem(kind="tone", standard=sec.id, line=sec.line_start, message=(
                f"{sec.id} {sec.title} is rated Inadequate, but {pos} of its {polar} judging sentences read as "
                "strengths.")))


def _areas_for_improvement(report: Report) -> list[str]:
    """The draft's areas for improvement: the listed bullets, and the findings sentences of its
    domain and standard sections that read as shortfalls (reports often put the point a
    recommendation answers in the narrative rather than the list)."""
    from assistant.classifiers import _sentences
    from assistant.tone import tone_of

    out = [b for s in report.sections for b in s.improvements]
    for sec in report.sections:
        if sec.kind in ("standard", "domain") and sec.improvements or sec.kind == "standard":
            out += [t for t in _sentences(report, sec.line_start, sec.line_end, sec.id) if tone_of(t) < 0]
    return out


def _recommendations(report: Report, out: CheckResult, embedder) -> None:
    afis = _areas_for_improvement(report)
    if not report.recommendations:
        return
    if not afis:
        out.notes.append("The draft lists no areas for improvement, so recommendations could not be matched.")
        return
    if embedder is None:
        out.notes.append("Recommendations were not matched (no embedding model).")
        return
    import numpy as np

    from yotassist.settings import get_settings

    r = np.asarray(embedder.embed_documents(list(report.recommendations)))
    a = np.asarray(embedder.embed_documents(afis))
    r = r / np.linalg.norm(r, axis=1, keepdims=True)
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    best = (r @ a.T).max(axis=1)
    for rec, b in zip(report.recommendations, best):
        if b < get_settings().check_recommendation_match:
            out.problems.append(Problem(kind="unmatched_recommendation", message=(
                f"No area for improvement speaks to the recommendation \u201c{rec[:120]}\u201d "
                f"(closest similarity {b:.2f}).")))


def check_report(report: Report, clf=None, embedder=None) -> CheckResult:
    """All checks on a parsed draft; ``clf`` (``assistant.classifiers.Classifiers``) and
    ``embedder`` (the index's cached embedder) enable the tone and recommendation checks."""
    out = CheckResult(source=report.source, service=report.service, framework=report.framework or "2021")
    if not report.standards and not report.key_questions:
        raise ValueError(f"{report.source} has no ratings table or key-question tables to check")
    _rating_checks(report, out)
    _text_ratings(report, out)
    _missing_figures(report, out)
    _impossible_figures(report, out)
    _tone(report, out, clf)
    _recommendations(report, out, embedder)
    return out


def check_with_library(report: Report, lib=None) -> CheckResult:
    """``check_report`` with the classifiers and embedder of an index's library (when it has
    labelled reports; otherwise the tone check is skipped with a note)."""
    clf = embedder = None
    if lib is not None:
        from assistant.classifiers import for_library

        clf = for_library(lib)
        embedder = lib.index.embedder
    return check_report(report, clf, embedder)
