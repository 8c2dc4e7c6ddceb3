"""The embedded (no-model) composers: lookup, comparative table, numeric, methodology.

Every sentence they write either quotes a report sentence verbatim or states a structured fact
(rating, score, key-question figure, rule) next to a citation of the line that prints it; the
framing lines come from ``prompts/phrases.md`` and are passed to the gate as trusted. The
gate (``assistant.citations``) still checks everything before it is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from assistant import prompts
from assistant.citations import Passage
from assistant.evidence import Sentence, lexical_candidates, merge, pick, score_sentences, sentences_from_hits
from assistant.library import (
    Fact, Library, annex_facts, context_of, kq_fact, label, overall_fact, score_fact, standard_rating_fact,
)
from assistant.rating_rules import get_rules
from assistant.router import Route
from assistant.text import STOPWORDS, comparable, split_sentences
from assistant.tone import FIGURE_QUESTION, dangling, has_figure, tone_of
from ingest.model import Report


@dataclass
class Draft:
    """Answer text with ``[n]`` markers, the passages they point to, and trusted framing lines."""

    lines: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    trusted: list[str] = field(default_factory=list)
    _keys: dict[tuple, int] = field(default_factory=dict)

    def cite(self, p: Passage) -> str:
        key = (p.source, p.line_start, p.line_end, p.quote)
        if key not in self._keys:
            p = p.model_copy(update={"n": len(self.passages) + 1})
            self.passages.append(p)
            self._keys[key] = p.n
        return f"[{self._keys[key]}]"

    def cite_sentence(self, s: Sentence, report: Report | None = None) -> str:
        p = s.passage(0)
        if report is not None:
            p.context = context_of(report, s.section, s.title)
        else:
            p.context = " ".join(x for x in (s.service or "", (s.published or "")[:4], s.section, s.title) if x)
        return self.cite(p)

    def cite_fact(self, f: Fact, quote: str | None = None) -> str:
        p = f.passage(0)
        if quote:
            p.quote = quote
            p.text = quote
        return self.cite(p)

    def say(self, line: str, trusted: bool = False) -> None:
        self.lines.append(line)
        if trusted:
            self.trusted.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def phrase(key: str, **values: Any) -> str:
    return prompts.phrases("phrases")[key].format(**values)


def _pct(x: float) -> str:
    return f"{x:g}%" if x != int(x) else f"{int(x)}%"


def _standard_title(report: Report | None, sid: str) -> str:
    if report is not None and report.standard_titles.get(sid):
        return report.standard_titles[sid]
    fw = (report.framework if report is not None else None) or "2021"
    rule = get_rules(fw).standard(sid) or get_rules("2021").standard(sid)
    return rule.title if rule else sid


def _search(index: Any, query: str, k: int, **filters: Any) -> list:
    """Search with the filters as given; never silently retried without them (a named-service
    question answered from another service's report is a wrong answer, not a fallback)."""
    return index.search(query, k=k, **filters)


def _report_of(lib: Library, s: Sentence) -> Report | None:
    return lib.get(s.source)


def _sentence_line(s: Sentence, lib: Library, d: Draft, with_label: bool) -> str:
    r = _report_of(lib, s)
    marker = d.cite_sentence(s, r)
    body = s.text
    if body[-1] in ".!?":
        body = f"{body[:-1]} {marker}{body[-1]}"
    else:
        body = f"{body} {marker}"
    if with_label and r is not None:
        return f"- {label(r)}: {body}"
    return f"- {body}"


# ----- lookup -------------------------------------------------------------------------------------

_BULLETS_Q = re.compile(r"\b(strengths?|areas? (?:for|of|requiring) improvement|improvements?|weakness(?:es)?|afis?)\b", re.I)


def bullet_lookup(route: Route, lib: Library, report: Report, std: str | None, max_bullets: int = 8) -> Draft | None:
    """'What were the areas for improvement in Kirklees resettlement?': the report's own published
    strengths / improvement bullets (for the standard when one is named), each cited to its line."""
    from assistant.drafting import bullets_for

    q = route.question.lower()
    kinds = []
    if re.search(r"strength", q):
        kinds.append("strengths")
    if re.search(r"improvement|weakness|afi", q):
        kinds.append("improvements")
    if not kinds:
        return None
    d = Draft()
    heads = {"strengths": "Strengths", "improvements": "Areas for improvement"}
    for kind in kinds:
        domain = "3" if _OOCD.search(q) else ("2" if re.search(r"\bcourt\b", q) else None)
        if std:
            bullets = bullets_for(report, std, kind)
        elif domain:
            bullets = []
            for sid in [f"{domain}.{i}" for i in range(1, 5)]:
                bullets += [b for b in bullets_for(report, sid, kind) if b.text not in {x.text for x in bullets}]
        else:
            attr = "strengths" if kind == "strengths" else "improvements"
            from assistant.drafting import Bullet, _bullet_line

            bullets = []
            for sec in report.sections:
                for b in getattr(sec, attr):
                    ln = _bullet_line(report, sec, b)
                    if ln:
                        bullets.append(Bullet(b, report, sec, ln))
        if not bullets:
            continue
        where = f" for {std} {_standard_title(report, std)}" if std else ""
        d.say(f"**{heads[kind]}{where} in the {label(report)} report**", trusted=True)
        for b in bullets[:max_bullets]:
            d.say(_sentence_line(b.sentence(), lib, d, with_label=False))
        d.say("")
    return d if d.passages else None


# Question frames whose words are not the topic ("what was missing" is not about "missed").
_QUESTION_FRAME = re.compile(
    r"\b(?:(?:what|anything)\s+)?(?:is|was|were|are|'s)\s+(?:missing|lacking|absent|wrong)\b(?!\s+from)|"
    r"\bwhat(?:'s)?\s+(?:missing|lacking|absent|wrong)\b|\bdo(?:ing)? (?:well|badly)\b|"
    r"\bwhat (?:did|do|does) (?:the )?(?:inspectors?|report|inspection)s? (?:say|find|think|note)\b", re.I)
_NEG_Q = re.compile(r"\b(missing|lacking|absent|gaps?|weak(?:ness|nesses)?|wrong|problems?|concerns?|worse|"
                    r"poor(?:ly)?|badly|shortcomings?|not (?:in place|done|good enough)|needs? to improve)\b", re.I)
_POS_Q = re.compile(r"\b(do(?:ing)? well|did well|went well|strengths?|good practice|best|worked well|positives?|"
                    r"strong(?:est)?|praised?)\b", re.I)
_WHO_LED = re.compile(r"\bwho (?:led|was leading|headed|was (?:the )?lead)|\blead inspector\b|\bled (?:the|this) inspection\b", re.I)
_LED_BY = re.compile(r"\bled by\b|\blead inspector,? who was\b|\bthe lead inspector (?:was|is)\b", re.I)


_SCREENING_Q = re.compile(r"\b(sqs|short quality screening|screening)\b", re.I)


def lookup(route: Route, lib: Library, index: Any, k: int = 3) -> Draft:
    d = Draft()
    query = route.expanded or route.text
    services = route.services[:1]
    svc = services[0] if services else None
    std = route.standards[0] if route.standards else None
    years = [y for y in range(2000, 2100) if str(y) in route.question]
    rep = lib.main_report(svc, years) if svc else None
    if rep is not None and std and rep.framework and get_rules(rep.framework).standard(std) is None:
        # e.g. resettlement (4.1) asked of a report inspected under the 2018 framework
        d.say(f"The {label(rep)} report was inspected under the {rep.framework} framework, which has no standard {std}.",
              trusted=True)
        return d
    if svc and _BULLETS_Q.search(route.question):
        got = bullet_lookup(route, lib, rep, std) if rep is not None else None
        if got is not None:
            return got
    screening = bool(_SCREENING_Q.search(route.question))
    if screening:
        std = None  # a screening letter's numbered paragraphs are not inspection standards
    hits = _search(index, query, 10, service=svc) if svc else _search(index, query, 10)
    topic = route.topic or query
    scope = [r for r in lib.reports if (svc is None or r.service == svc)]
    if screening and any(r.report_type == "sqs" for r in scope):
        # "the 2015 SQS", "sqs letter": only the short quality screening letters answer this.
        scope = [r for r in scope if r.report_type == "sqs"]
        sqs_sources = {r.source for r in scope}
        hits = [h for h in hits if getattr(h, "source", None) in sqs_sources]
    q = route.question
    want_figure = bool(FIGURE_QUESTION.search(q))
    want_tone = -1 if _NEG_Q.search(q) else (1 if _POS_Q.search(q) else 0)
    topic = _QUESTION_FRAME.sub(" ", topic)
    lexical = lib.lexical_candidates([r.source for r in scope], topic)  # term index: no copy of every sentence
    if want_figure:
        # Figures printed only in data tables (caseloads, headcount, budget, rates) are evidence too.
        lexical += [s for r in scope for s in lexical_candidates(lib.table_rows(r.source), topic)]
    who = bool(_WHO_LED.search(q))
    if who:
        # Who led an inspection: the acknowledgements / sign-off line, even when two reports print
        # it word for word (same lead inspector) and it therefore counts as boilerplate.
        lexical += [s for r in scope for s in lib.raw_sentences(r.source)
                    if _LED_BY.search(s.text) and s.kind != "annex" and s.section not in ("methodology",)]
    pool = [s for s in merge(lib.drop_boilerplate(sentences_from_hits(hits, lib.lines_of)), lexical)
            if _same_domain(s, std) and (who or comparable(s.text) not in lib.boilerplate() or s.kind == "table")]
    sents = score_sentences(pool, topic, standard=std, stats=lib.term_stats(), section_bonus=3.0 if std else 1.5)
    for s in sents:
        if s.score <= 0:
            continue
        if want_figure and has_figure(s.text):
            s.score += 1.0  # "how many ...": the sentence that carries the number
        if want_tone and tone_of(s.text) == want_tone:
            s.score += 0.8  # "what was missing": a negative finding; "what went well": a positive one
        if who and _LED_BY.search(s.text):
            s.score += 3.0
            s.coverage = max(s.coverage, 0.5)
        if dangling(s.text):
            s.score -= 0.3  # starts mid-thought: a self-contained sentence reads better
    sents.sort(key=lambda s: (-s.score, s.source, s.line))
    years = [y for y in range(2000, 2100) if str(y) in route.question]
    if years:
        sents = [s for s in sents if (s.published or "")[:4] in {str(y) for y in years}] or sents
    chosen = pick(sents, k, min_score=1.0, min_coverage=0.34)
    if not chosen:
        d.say(phrase("lookup_service_none", service=svc) if svc else phrase("lookup_none"), trusted=True)
        return d
    chosen = _with_preceding(chosen, sents)
    chosen = _with_following(chosen, sents, limit=k + 2)
    sources = {s.source for s in chosen}
    if len(sources) == 1:
        r = lib.get(chosen[0].source)
        if r is not None and r.service:
            d.say(phrase("lookup_intro", service=r.service, year=r.year or "undated"), trusted=True)
            if std and svc and _explicit_standard(route, std):
                f = standard_rating_fact(r, std)
                rating = r.standards.get(std) or (r.resettlement if std == "4.1" else None)
                if f is not None and rating:
                    title = _standard_title(r, std)
                    d.say("- " + phrase("numeric_standard", service=r.service, year=r.year or "undated", rating=rating,
                                        sid=std, title=title) + f" {d.cite_fact(f)}.")
    # Keep report order (by source, then line) so the answer reads like the report.
    chosen.sort(key=lambda s: (s.source, s.line, s.index))
    for s in chosen:
        d.say(_sentence_line(s, lib, d, with_label=len(sources) > 1))
    return d


def _explicit_standard(route: Route, std: str) -> bool:
    """The question itself names the standard (by number or a standard's name), not just a topic word."""
    q = route.text.lower()
    return std in q or bool(re.search(r"\b(planning|assessment|reviewing|implementation|delivery|joint working|"
                                      r"governance|leadership|partnerships|facilities|resettlement|staff)\b", q))


def _with_preceding(chosen: list[Sentence], pool: Sequence[Sentence]) -> list[Sentence]:
    """A chosen sentence that starts mid-thought ('However, ...', 'This meant ...') brings the
    sentence before it in the same paragraph, so the answer never opens on a dangling pronoun."""
    from dataclasses import replace

    at = {(s.source, s.line, s.index): s for s in pool}
    out = list(chosen)
    for s in chosen:
        if not dangling(s.text) or s.index == 0:
            continue
        prev = at.get((s.source, s.line, s.index - 1))
        if prev is not None and all(prev is not c for c in out):
            out.insert(out.index(s), replace(prev, score=s.score))
    return out


def _with_following(chosen: list[Sentence], scored: Sequence[Sentence], limit: int) -> list[Sentence]:
    """Add the sentence that directly follows a chosen one in the same paragraph when it is on
    topic too: reports often state a fact and then its figure in the next sentence."""
    at = {(s.source, s.line, s.index): s for s in scored}
    out = list(chosen)
    for s in chosen:
        if len(out) >= limit:
            break
        nxt = at.get((s.source, s.line, s.index + 1))
        if nxt is not None and nxt.coverage >= 0.2 and all(nxt is not c for c in out):
            out.append(nxt)
    return out


# ----- numeric ------------------------------------------------------------------------------------

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
    if report is None:
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
            d.say(f"No standard in the {name} ({year}) report is rated {asked_rating}.", trusted=True)
    wants_overall = not route.standards or any(w in q for w in ("overall", "score", "36", "total"))
    if wants_overall:
        f_over, f_score = overall_fact(report), score_fact(report)
        if report.overall and f_over is not None:
            d.say(f"{name} ({year}) was rated {report.overall} overall {d.cite_fact(f_over)}.")
        if report.score is not None and f_score is not None:
            d.say(f"{name} ({year}) had a score of {report.score}/{report.max_score} {d.cite_fact(f_score)}.")
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
            d.say(f"The {name} ({year}) report gives no rating for standard {sid}.", trusted=True)
        lines = _kq_lines(report, sid, d) if len(route.standards) <= 3 else []
        if lines:
            d.say(lines[0], trusted=True)
            for line in lines[1:]:
                d.say(line)
    if not d.lines:
        d.say(phrase("numeric_unknown", service=name), trusted=True)
    return d


# Sections whose sentences describe the inspection, not the service.
NOT_EVIDENCE = frozenset({"methodology", "inspection-data", "acknowledgements", "contents", "cover", "ratings"})
_RATING_WORDS = re.compile(r"\b(outstanding|good|inadequate|requires improvement|rated|rating|ratings|best|worst)\b", re.I)


_ALL_STANDARDS = re.compile(r"\b(which|what|all|each|every|list)\b.{0,30}\b(standards|ratings|areas)\b|ratings table", re.I)
_OOCD = re.compile(r"out[- ]of[- ]court|diversion|community resolution|caution", re.I)


_COURT = re.compile(r"(?<!of-)(?<!of )\bcourt (?:disposal|order|case|work)s?\b|\bpost-court\b|\bstatutory orders?\b", re.I)


def _same_domain(s: Sentence, std: str | None) -> bool:
    """For a court-disposal standard (2.x), out-of-court sentences from other sections are off topic,
    and court-disposal sentences for an out-of-court standard (3.x)."""
    if not std or s.section == std:
        return True
    if std.startswith("2."):
        return not _OOCD.search(s.text)
    if std.startswith("3."):
        return not (_COURT.search(s.text) and not _OOCD.search(s.text))
    return True


# ----- comparative -----------------------------------------------------------------------------

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


#: Comparative answers over a big library cover only the services whose reports match best:
#: scoring every report's sentences made one ask take 20-47 s at 200-500 reports.
MAX_COMPARED_SERVICES = 12


@dataclass
class ComparedServices:
    """Which services a comparative answer covers (each is then searched on its own)."""

    services: list[str]
    more: int = 0  # services in the library left out of the table


def compared_services(route: Route, services: Sequence[str], index: Any, query: str,
                      limit: int = MAX_COMPARED_SERVICES) -> ComparedServices:
    """All services when there are few (or the question names them); otherwise the ``limit``
    services whose chunks rank best in one diversified search."""
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
    rating_label = f"{std} rating" if std else "Overall rating"
    header = phrase("comparative_header", rating_label=rating_label, figures_label="Key questions" if std else "Score")
    d.say(header, trusted=True)
    d.say("|---|---|---|---|", trusted=True)
    ratings_seen: dict[str, list[tuple[str, str]]] = {}
    no_evidence: list[str] = []
    big = len(by_service) > MAX_COMPARED_SERVICES
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
            lexical = lib.lexical_candidates([r.source], topic)
            pool = [s for s in lib.drop_boilerplate(merge([s for s in hit_sents if s.source == r.source], lexical))
                    if s.section not in NOT_EVIDENCE and s.kind != "annex" and _same_domain(s, std)]
            mine = score_sentences(pool, topic, standard=std, stats=lib.term_stats())
            rated_here = bool(std and (r.standards.get(std) or (std == "4.1" and r.resettlement)))
            # A report that does not rate the standard (a screening letter) needs closer evidence.
            chosen = pick(mine, per_service, min_score=1.0, min_coverage=0.45 if rated_here or not std else 0.65)
            if std and not chosen and rated_here:
                # Fall back to the standard's own findings: they are what its rating rests on.
                own = [s for s in mine if s.section == std]
                chosen = pick(own, per_service, min_score=0.5, min_coverage=0.25)
            if not chosen and not r.standards:
                continue  # an unrated screening with nothing to say adds no row
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
        d.say("Overall ratings: " + "; ".join(parts) + ".")
    if no_evidence and grid and big:
        d.say(f"No standard was rated {grid} in the other {len(no_evidence)} services' reports.", trusted=True)
    elif no_evidence and grid:
        d.say(f"No standard was rated {grid} in: {', '.join(no_evidence)}.", trusted=True)
    elif no_evidence:
        d.say(f"No evidence on this topic was found in: {', '.join(no_evidence)}.", trusted=True)
    return d


def _cell_sentence(s: Sentence, r: Report, d: Draft) -> str:
    marker = d.cite_sentence(s, r)
    text = s.text.replace("|", "/")
    return f"{text[:-1]} {marker}{text[-1]}" if text[-1] in ".!?" else f"{text} {marker}"


# ----- methodology -----------------------------------------------------------------------------

def methodology(route: Route, lib: Library, index: Any) -> Draft:
    """Rules from ``assistant.rating_rules`` rendered by ``prompts/methodology.md``, each sentence
    cited to the first annex passage (2021 framework reports first) that the gate accepts."""
    from assistant.citations import CitationGate

    d = Draft()
    rules = get_rules("2021")
    b = dict((r, lo) for lo, r in rules.bands)
    values = {
        "b50": int(b["Requires improvement"]), "b65m": int(b["Good"]) - 1, "b65": int(b["Good"]),
        "b80m": int(b["Outstanding"]) - 1, "b80": int(b["Outstanding"]), "pp": int(rules.discretion.within_pp),
        "small": rules.discretion.small_sample, "n": len(rules.scored), "max": rules.max_score,
    }
    templates = prompts.phrases("methodology")
    reports = sorted(lib.reports, key=lambda r: (r.framework or "", r.published or ""), reverse=True)
    facts_by_report = [(r, annex_facts(r)) for r in reports]
    focus = _methodology_focus(route.question)
    if focus:
        # A specific question gets its rule(s) first, then the closely related ones in brief.
        related = [k for f in focus for k in _RELATED_RULES.get(f, ()) if k not in focus]
        order = list(dict.fromkeys(focus + related))
        templates = {k: templates[k] for k in order if k in templates}
    intro_done = False
    for key, template in templates.items():
        sentence = template.format(**values)
        chosen: list[tuple[Fact, str | None]] | None = None
        for r, facts in facts_by_report:
            for f in facts.get(key, []):
                cands = [(f, _cue_sentence(f, key))]
                if key == "inconsistent":
                    sf = score_fact(r)
                    if sf is not None:
                        cands.append((sf, None))
                probe = CitationGate([_probe_passage(x, q, i + 1) for i, (x, q) in enumerate(cands)], lib.lines_of)
                marks = "".join(f"[{i + 1}]" for i in range(len(cands)))
                if probe._verify_unit(f"{sentence[:-1]} {marks}.") is not None:
                    chosen = cands
                    break
            if chosen:
                break
        if not chosen:
            continue
        marks = "".join(d.cite_fact(f, q) for f, q in chosen)
        if focus and key in focus:
            d.say(f"{sentence[:-1]} {marks}.")  # the answer itself, before any list
            continue
        if not intro_done:
            if focus:
                d.say("")
            d.say(phrase("methodology_related" if focus else "methodology_intro"), trusted=True)
            intro_done = True
        d.say(f"- {sentence[:-1]} {marks}.")
    if not intro_done and not d.passages:
        d.say(phrase("methodology_none"), trusted=True)
    return d


# Which rule a specific methodology question asks about (none matched: all the rules).
_RULE_CUES: tuple[tuple[str, re.Pattern], ...] = (
    ("limiting", re.compile(r"resettlement|limiting", re.I)),
    ("discretion", re.compile(r"discretion|boundary|small sample", re.I)),
    ("bands", re.compile(r"%|percent|per cent|bands?\b|thresholds?|need (?:on|for|to)|needed|required", re.I)),
    ("lowest", re.compile(r"lowest|weakest key question|driven by", re.I)),
    ("qualitative", re.compile(r"domain (?:one|1)|organisational delivery|qualitative|how are (?:the )?(?:governance|staff|partnerships)", re.I)),
    ("points", re.compile(r"points?\b|overall (?:rating|score)|score (?:worked out|calculated)|out of 36|total", re.I)),
)
_RELATED_RULES: dict[str, tuple[str, ...]] = {
    "bands": ("lowest",), "lowest": ("bands",), "discretion": ("bands",), "limiting": ("overall",),
    "points": ("overall",), "qualitative": (), "overall": ("points",),
}


def _methodology_focus(question: str) -> list[str]:
    """The rule keys a specific methodology question is about; [] for a general one ('how are
    ratings worked out')."""
    if re.search(r"^\s*(?:how (?:are|is|do|does) (?:the )?ratings?\b(?! band)|(?:what are )?the (?:rating|scoring) rules|methodology\b)",
                 question, re.I) and not re.search(r"overall|resettlement|discretion|%|percent", question, re.I):
        return []
    found = [k for k, pat in _RULE_CUES if pat.search(question)]
    if "limiting" in found:
        found = ["limiting"]  # "does resettlement count towards the overall score": that rule alone
    if "points" in found:
        found = [k for k in found if k != "points"] + ["points", "overall"] if len(found) == 1 else found
    return found[:2]


def _probe_passage(f: Fact, quote: str | None, n: int) -> Passage:
    p = f.passage(n)
    if quote:
        p.quote = quote
        p.text = quote
    return p


def _cue_sentence(f: Fact, key: str) -> str | None:
    """The sentences of a long annex line around the one that states the rule."""
    from assistant.library import ANNEX_CUES

    text = f.text
    if f.line_end > f.line_start or len(text) < 400:
        return None
    sents = split_sentences(text)
    for i, s in enumerate(sents):
        if any(c in comparable(s) for c in ANNEX_CUES[key]):
            return " ".join(sents[max(0, i - 1) : i + 2])
    return None
