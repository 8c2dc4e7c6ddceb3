"""Rating reasoning in chat (kind ``whatif``): bands, margins and the discretion test, computed.

Why: "If 2.2 came out 7 of 9, 5 of 8 and 4 of 7, what would it be rated?", "was 78% eligible for
discretion?", "would 30/36 have been Outstanding?" and "would Wigan's 2.2 have been Good with one
more case?" have exact answers, which ``assistant.rating`` computes; restating the rules leaves
the arithmetic to the reader. Computed lines are the rating module's output (passed to the gate as
trusted); the rule each one applies is quoted with a citation to a report's annex
(``assistant.rule_cite``); a report's own figures are cited to their table rows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant import compose_extractive as cx
from assistant.compose.common import phrase
from assistant.library import Library, kq_fact, label, overall_fact, score_fact, standard_rating_fact
from assistant.rating_arithmetic import band_above, band_range, overall_of, rate_standard
from assistant.rating_format import fmt_num, fmt_points
from assistant.rating_models import StandardResult
from assistant.rating_rules import FrameworkRules, StandardRule, get_rules
from assistant.router import Route
from assistant.rule_cite import RuleCiter
from assistant.whatif_parse import Typed, parse
from ingest.model import KeyQuestion, Report


def _pct(x: float) -> str:
    """'57.1% (57% rounded)': reports print whole percentages; a value halfway between two whole
    numbers is left as it is (reports differ in which way they round it)."""
    s = f"{fmt_num(x)}%"
    frac = round(x, 1) - int(x)
    if frac == 0 or abs(frac - 0.5) < 1e-9:
        return s
    return f"{s} ({int(round(x))}% rounded)"


def possessive(name: str | None) -> str:
    """"Wigan's", "St Helens'"."""
    name = name or "the service"
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _rule_for(sid: str | None, rules: FrameworkRules) -> tuple[StandardRule, str]:
    """The standard's rule (case-based) and how to name it; a generic case-based one when none is given."""
    rule = rules.standard(sid) if sid else None
    if rule is not None and rule.kind == "case":
        return rule, f"{rule.id} {rule.title}"
    generic = next(r for r in rules.standards if r.kind == "case")
    return replace(generic, themes=()), "the standard"


def _say_rules(d: cx.Draft, rc: RuleCiter, keys: tuple[str, ...]) -> None:
    lines = [x for x in (rc.cited(k, d) for k in keys) if x]
    if lines:
        d.say("")
        d.say(cx.phrase("whatif_rules"), trusted=True)
        for line in lines:
            d.say(f"- {line}")


def _explain(d: cx.Draft, res: StandardResult, name: str, rules: FrameworkRules, asked: list[str],
             published: str | None = None) -> None:
    """Band, lowest key question, margin to the next band and the discretion test, as trusted lines."""
    b = res.basis
    assert b is not None and res.computed is not None
    if published:  # the report's own figures, unchanged: why the standard got its band
        head = phrase("whatif_head_published", name=name, computed=res.computed, published=published)
    else:
        head = phrase("whatif_head", name=name, computed=res.computed)
    if asked:
        want = asked[-1]
        head += phrase("whatif_answer_yes" if want == res.computed else "whatif_answer_no", want=want)
    d.say(head + ".", trusted=True)
    who = f" ({b.theme})" if b.theme else ""
    counts = f"{b.yes}/{b.relevant} = " if b.yes is not None and b.relevant else ""
    d.say(phrase("whatif_lowest", theme=who, counts=counts, percent=_pct(b.percent), band=res.computed,
                 band_range=band_range(res.computed, rules)), trusted=True)
    nxt = band_above(res.computed, rules)
    parts = []
    if b.pp_below_upper_boundary is not None and nxt:
        parts.append(phrase("whatif_margin_below", points=fmt_points(b.pp_below_upper_boundary), band=nxt,
                            boundary=fmt_num(dict((r, lo) for lo, r in rules.bands)[nxt])))
    if b.pp_above_lower_boundary is not None:
        lower = dict((r, lo) for lo, r in rules.bands)[res.computed]
        parts.append(phrase("whatif_margin_above", points=fmt_points(b.pp_above_lower_boundary),
                            boundary=fmt_num(lower)))
    if parts:
        d.say(phrase("whatif_margin", parts=" and ".join(parts)), trusted=True)
    if nxt:
        lift = _to_next_band(res, dict((r, lo) for lo, r in rules.bands)[nxt])
        if lift:
            d.say(phrase("whatif_to_reach", band=nxt, needs=lift), trusted=True)
    if res.discretion_eligible:
        d.say(phrase("whatif_discretion_yes", reasons="; and ".join(res.discretion_reasons)), trusted=True)
    else:
        why = [phrase("whatif_not_near_boundary", pp=fmt_num(rules.discretion.within_pp))]
        if all(k.yes is not None for k in res.key_questions):
            why.append(phrase("whatif_no_single_case"))
        why.append(phrase("whatif_no_small_sample", small=rules.discretion.small_sample) if b.relevant else
                   phrase("whatif_no_counts"))
        d.say(phrase("whatif_discretion_no", reasons=", ".join(why)), trusted=True)
    for note in res.discretion_notes:
        d.say(phrase("whatif_note", note=note), trusted=True)


def _to_next_band(res: StandardResult, boundary: Any) -> str:
    """What every key question below the next band's boundary needs: extra 'Yes' answers when the
    counts are known, else the points it must rise."""
    from fractions import Fraction
    from math import ceil

    needs = []
    for k in res.key_questions:
        if k.percent is None or k.percent >= float(boundary):
            continue
        name = k.theme or k.question
        if k.yes is not None and k.relevant:
            extra = ceil(Fraction(boundary) * k.relevant / 100) - k.yes
            new = k.yes + extra
            needs.append(phrase("whatif_more_yes", extra=extra, name=name, new=new, relevant=k.relevant,
                                percent=fmt_num(100 * new / k.relevant)))
        else:
            needs.append(phrase("whatif_up_points", name=name, points=fmt_points(float(boundary) - k.percent),
                                boundary=fmt_num(boundary)))
    return "; ".join(needs)


def _typed_kqs(t: Typed) -> list[KeyQuestion]:
    out = [KeyQuestion(question=f"key question {i + 1}", percent=round(100 * y / r, 1), yes=y, relevant=r)
           for i, (y, r) in enumerate(t.counts)]
    out += [KeyQuestion(question=f"key question {len(out) + i + 1}", percent=p) for i, p in enumerate(t.percents)]
    return out


def _report_rows(d: cx.Draft, report: Report, sid: str) -> None:
    """The report's own key-question rows for ``sid`` and its published rating, each cited."""
    f = standard_rating_fact(report, sid)
    rating = report.standards.get(sid)
    if rating and f is not None:
        d.say(cx.phrase("numeric_standard", service=report.service, year=report.year or "undated", rating=rating,
                        sid=sid, title=report.standard_titles.get(sid) or sid) + f" {d.cite_fact(f)}.")
    for kq in report.key_questions.get(sid) or []:
        fk = kq_fact(report, sid, kq)
        if fk is None:
            continue
        q = kq.question.rstrip()
        pct = f"{int(round(kq.percent))}%"
        text = (cx.phrase("numeric_kq_counts", question=q, yes=kq.yes, relevant=kq.relevant, percent=pct)
                if kq.yes is not None and kq.relevant else cx.phrase("numeric_kq_pct", question=q, percent=f"{kq.percent:g}%"))
        d.say(f"- {text} {d.cite_fact(fk)}")


def _changed(kqs: list[KeyQuestion], t: Typed, res: StandardResult) -> tuple[list[KeyQuestion], str] | None:
    """The report's key questions with the change the question describes, and that change in words."""
    views = res.key_questions
    if t.one_case:
        idx = next((i for i, v in enumerate(views) if t.theme and v.theme == t.theme), None)
        if idx is None:  # no theme named: the lowest key question is the one that can move the band
            idx = min(range(len(kqs)), key=lambda i: kqs[i].percent)
        kq = kqs[idx]
        if kq.yes is None or not kq.relevant:
            return None
        ny = min(kq.relevant, max(0, kq.yes + t.one_case))
        new = kq.model_copy(update={"yes": ny, "percent": round(100 * ny / kq.relevant, 1)})
        name = views[idx].theme or kq.question
        word = "more" if t.one_case > 0 else "fewer"
        return (kqs[:idx] + [new] + kqs[idx + 1:],
                phrase("whatif_one_case", n=abs(t.one_case), word=word, name=name, new=ny, relevant=kq.relevant, yes=kq.yes))
    if t.lowest_only and len(t.percents) + len(t.counts) == 1:
        typed = _typed_kqs(t)[0]
        idx = min(range(len(kqs)), key=lambda i: kqs[i].percent)
        new = kqs[idx].model_copy(update={"percent": typed.percent, "yes": typed.yes, "relevant": typed.relevant})
        return kqs[:idx] + [new] + kqs[idx + 1:], phrase("whatif_lowest_at", percent=fmt_num(typed.percent))
    return None


def _standard_case(d: cx.Draft, rc: RuleCiter, t: Typed, route: Route, report: Report | None, sid: str | None) -> bool:
    fw = (report.framework if report is not None else None) or "2021"
    rules = get_rules(fw)
    rule, name = _rule_for(sid, rules)
    base = report.key_questions.get(sid) if report is not None and sid else None
    kqs = _typed_kqs(t)
    change = ""
    if base:
        published = report.standards.get(sid) if report is not None else None
        res0 = rate_standard(rule, base, rules, published)
        changed = _changed(list(base), t, res0) if (t.one_case or t.lowest_only) else None
        if changed is not None:
            kqs, change = changed
        elif not kqs or t.one_case:
            kqs = list(base)
            if t.one_case:
                d.say(phrase("whatif_percentages_only", service=label(report), sid=sid), trusted=True)
        if report is not None:
            name = f"{possessive(report.service)} {name}"
    if not kqs:
        return False
    if not base and rule.themes and len(kqs) != len(rule.themes):
        rule = replace(rule, themes=())  # which key question a lone typed figure is, is not known
    res = rate_standard(rule, kqs, rules, None)
    if res.basis is None:
        return False
    if change:
        d.say(f"{change[0].upper()}{change[1:]}:", trusted=True)
    unchanged = bool(base) and kqs == list(base or [])
    published = report.standards.get(sid) if unchanged and report is not None and sid else None
    _explain(d, res, name, rules, t.ratings, published)
    if base and report is not None:
        d.say("")
        d.say(cx.phrase("whatif_report_figures", service=label(report), sid=sid), trusted=True)
        _report_rows(d, report, sid)  # type: ignore[arg-type]
    _say_rules(d, rc, ("lowest", "bands", "discretion"))
    return True


def _score_case(d: cx.Draft, rc: RuleCiter, t: Typed, report: Report | None) -> bool:
    rules = get_rules((report.framework if report is not None else None) or "2021")
    ratings = dict(report.standards) if report is not None else {}
    score = t.score
    change = ""
    typed_score = None
    if report is not None and t.standard_rating:
        # "what would Wigan's score have been if 2.2 had been Good?"
        changes = t.changed or dict([t.standard_rating])
        words = []
        for sid, new in changes.items():
            words.append(phrase("whatif_rated_instead", sid=sid, new=new, old=report.standards.get(sid) or "unrated"))
            ratings[sid] = new
        typed_score, score = t.score, sum(rules.points[r] for s, r in ratings.items()
                                          if rules.standard(s) and rules.standard(s).scored)
        change = phrase("whatif_with_changes", changes=" and ".join(words))
    if score is None and report is not None:
        score = report.score
    if score is None:
        return False
    if not 0 <= score <= rules.max_score:
        d.say(phrase("whatif_score_range", max_score=rules.max_score, score=score), trusted=True)
        return True
    overall, capped = overall_of(score, rules, ratings if report is not None else None)
    if change and report is not None:
        head = phrase("whatif_score_head_changed", change=change[0].upper() + change[1:],
                      service=possessive(report.service), score=score, max_score=rules.max_score)
    else:
        head = phrase("whatif_score_head", score=score, max_score=rules.max_score)
    d.say(phrase("whatif_overall_capped", head=head, overall=overall, capped=capped) if capped
          else phrase("whatif_overall", head=head, overall=overall), trusted=True)
    ordered = sorted(rules.overall)  # ascending by lowest score
    nxt = next(((lo, r) for lo, r in ordered if lo > score), None)
    bands = ", ".join(f"{lo}-{(ordered[i + 1][0] - 1) if i + 1 < len(ordered) else rules.max_score} {r}"
                      for i, (lo, r) in enumerate(ordered))
    d.say(phrase("whatif_overall_bands", bands=bands), trusted=True)
    if nxt:
        gap = nxt[0] - score
        d.say(phrase("whatif_score_margin", band=nxt[1], low=nxt[0], gap=gap, unit="point" if gap == 1 else "points"),
              trusted=True)
    if typed_score is not None:
        d.say(phrase("whatif_score_yes" if typed_score == score else "whatif_score_no", score=typed_score,
                     max_score=rules.max_score), trusted=True)
    for want in t.ratings[-1:]:
        d.say(phrase("whatif_overall_yes" if want == overall else "whatif_overall_no", want=want), trusted=True)
    if report is not None:
        f_score, f_over = score_fact(report), overall_fact(report)
        if report.score is not None and f_score is not None:
            d.say(phrase("whatif_had_score", service=label(report), score=report.score, max_score=report.max_score,
                         cite=d.cite_fact(f_score)))
        if report.overall and f_over is not None:
            d.say(phrase("whatif_was_rated", service=label(report), overall=report.overall, cite=d.cite_fact(f_over)))
    _say_rules(d, rc, ("points", "overall", "limiting") if "Outstanding" in t.ratings else ("points", "overall"))
    return True


def whatif(route: Route, lib: Library, index: Any) -> cx.Draft:
    """Answer a rating what-if or a why-this-band question from the rating module."""
    t = parse(route.question)
    if route.follow_up and not (t.has_figures or t.one_case or t.standard_rating):
        # "and what about Wigan?" after a what-if: the earlier question's change, carried in the resolved text
        carried = parse(route.text)
        t.one_case, t.theme = carried.one_case, t.theme or carried.theme
        t.standard_rating = carried.standard_rating
    t.standards = t.standards or list(route.standards)
    d = cx.Draft()
    svc = route.services[0] if route.services else None
    years = [y for y in range(2000, 2100) if str(y) in route.text]
    report = lib.main_report(svc, years) if svc else None
    rc = RuleCiter(lib, prefer=report)
    sid = (t.standards or route.standards or [None])[0]
    if (t.score is not None or (t.standard_rating and report is not None)) and not (t.counts or t.percents):
        if _score_case(d, rc, t, report):
            return d
    if (t.counts or t.percents or (report is not None and sid)) and _standard_case(d, rc, t, route, report, sid):
        return d
    if report is not None and not sid and _score_case(d, rc, t, report):
        return d
    if report is not None and sid and not report.key_questions.get(sid):
        d.say(cx.phrase("whatif_no_kq", service=label(report), sid=sid), trusted=True)
        return d
    return cx.methodology(route, lib, index)


__all__ = ["whatif"]
