"""Lookup composer: the report sentences that answer a question about one or more services."""

from __future__ import annotations

import re
from typing import Any, Sequence

from assistant.compose.common import Draft, _OOCD, _same_domain, _search, _sentence_line, _standard_title, phrase
from assistant.evidence import Sentence, lexical_candidates, merge, pick, score_sentences, sentences_from_hits
from assistant.library import Library, label, standard_rating_fact
from assistant.rating_rules import get_rules
from assistant.answer_cues import FIGURE_CUES, asked
from assistant.parts import split_parts
from assistant.router import Route
from assistant.select import select, with_antecedents
from assistant.text import comparable
from yotassist.settings import get_settings
from assistant.tone import FIGURE_QUESTION, dangling, has_figure, tone_of
from ingest.model import Report

_BULLETS_Q = re.compile(r"\b(strengths?|areas? (?:for|of|requiring) improvement|improvements?|weakness(?:es)?|afis?)\b", re.I)


def bullet_lookup(route: Route, lib: Library, report: Report, std: str | None, max_bullets: int = 8) -> Draft | None:
    """'What were the areas for improvement in Kirklees resettlement?': the report's own published
    strengths / improvement bullets (for the standard when one is named), each cited to its line."""
    from assistant.drafting import bullets_for  # drafting imports common only: no cycle

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
_WHO_LED = re.compile(r"\bwho (?:led|was leading|headed|was (?:the )?lead)|\blead inspector\b|\bled (?:the|this) inspection\b|"
                      r"\bwhich (?:hm )?inspectors? led\b|\binspectors? (?:who )?led\b", re.I)
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
        if not _explicit_standard(route, std):
            # The standard was only inferred from a topic word ("custody numbers" -> 4.1): the
            # question is about the topic, which the report may well cover outside any standard.
            std = None
    if rep is not None and std and rep.framework and get_rules(rep.framework).standard(std) is None:
        # e.g. resettlement (4.1) asked of a report inspected under the 2018 framework
        d.say(phrase("lookup_no_such_standard", report=label(rep), framework=rep.framework, sid=std),
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
    # A figure question by its wording or by the kind of answer it asks for (a count, a share, a rate).
    want_figure = bool(FIGURE_QUESTION.search(q)) or any(c.name in FIGURE_CUES for c in asked(q))
    want_tone = -1 if _NEG_Q.search(q) else (1 if _POS_Q.search(q) else 0)
    topic = _QUESTION_FRAME.sub(" ", topic)
    # One fresh copy of each report's sentences per question (copying is the costly part).
    own = _Sentences(lib)
    lexical = [s for r in scope for s in own.lexical(r.source, topic)]
    if want_figure:
        # Figures printed only in data tables (caseloads, headcount, budget, rates) are evidence too.
        lexical += [s for r in scope for s in lexical_candidates(lib.table_rows(r.source), topic)]
    who = bool(_WHO_LED.search(q))
    if who:
        # Who led an inspection: the acknowledgements / sign-off line, even when two reports print
        # it word for word (same lead inspector) and it therefore counts as boilerplate.
        lexical += [s for r in scope for s in lib.raw_sentences(r.source)
                    if _LED_BY.search(s.text) and s.kind != "annex" and s.section not in ("methodology",)]
    # The rest of the best hits' sections: the sentence that answers in other words shares no term.
    lexical += section_candidates(hits[:3], own)
    # ... and the sentences of the reports in scope nearest to the question by embedding: the
    # answer may share no word with the question at all ("stop calling itself a YOT" -> "renamed").
    lexical += semantic_candidates(lib, [r.source for r in scope], route.expanded or route.text, own,
                                   get_settings().evidence.semantic_candidates)
    pool = [s for s in merge(lib.drop_boilerplate(sentences_from_hits(hits, lib.lines_of)), lexical)
            if _same_domain(s, std) and (who or comparable(s.text) not in lib.boilerplate() or s.kind == "table")]
    sents = score_sentences(pool, topic, standard=std, stats=lib.term_stats(), section_bonus=3.0 if std else 1.5)
    for s in sents:
        if who and _LED_BY.search(s.text):
            s.score += 3.0
            s.coverage = max(s.coverage, 0.5)
        if s.score <= 0:
            continue
        if want_figure and has_figure(s.text):
            s.score += 1.0  # "how many ...": the sentence that carries the number
        if want_tone and tone_of(s.text) == want_tone:
            s.score += 0.8  # "what was missing": a negative finding; "what went well": a positive one
        if dangling(s.text):
            s.score -= 0.3  # starts mid-thought: a self-contained sentence reads better
    sents.sort(key=lambda s: (-s.score, s.source, s.line))
    years = [y for y in range(2000, 2100) if str(y) in route.question]
    if years:
        sents = [s for s in sents if (s.published or "")[:4] in {str(y) for y in years}] or sents
    ask = route.expanded or route.text  # service names out: they are filtered on, not the topic
    sel = select(sents, ask, split_parts(ask), lib, k, stats=lib.term_stats(), standard=std)
    if not sel.lead:
        d.say(phrase("lookup_service_none", service=svc) if svc else phrase("lookup_none"), trusted=True)
        return d
    rest = _with_following(sel.all, sents, own, limit=k + 2)[len(sel.all):]
    rest += [s for s in lead_context(sel.lead, sel.all + rest, own, get_settings().evidence.lead_context_words)
             if not _dup_of(s, rest)]
    lead = with_antecedents(sel.lead, lib)
    rest = [s for s in with_antecedents(sel.rest + rest, lib) if not _dup_of(s, lead)]
    chosen = lead + rest
    sources = {s.source for s in chosen}
    many = len(sources) > 1
    # Direct answer first: the sentence(s) that answer, then the rest of the evidence in report order.
    for s in lead:
        d.say(_sentence_line(s, lib, d, with_label=True)[2:])
    r = lib.get(chosen[0].source)
    # The standard's rating line only for a question about the standard, not for a figure inside
    # it ("what was the vacancy rate" is not asking how Staff was rated).
    if std and svc and r is not None and r.service and _explicit_standard(route, std) and not want_figure:
        f = standard_rating_fact(r, std)
        rating = r.standards.get(std) or (r.resettlement if std == "4.1" else None)
        if f is not None and rating:
            title = _standard_title(r, std)
            d.say("- " + phrase("numeric_standard", service=r.service, year=r.year or "undated", rating=rating,
                                sid=std, title=title) + f" {d.cite_fact(f)}.")
    rest.sort(key=lambda s: (s.source, s.line, s.index))
    for s in rest:
        d.say(_sentence_line(s, lib, d, with_label=many))
    for part in sel.missing:
        d.say(phrase("lookup_part_missing", part=part.rstrip("?")), trusted=True)
    return d


def lead_context(lead: Sequence[Sentence], chosen: Sequence[Sentence], sentences_of, budget_words: int) -> list[Sentence]:
    """The sentence after each lead sentence in its paragraph, while the answer stays under
    ``budget_words``. Why: search shows whole passages, and the answer often sits in the sentence
    after the one that matches the question ("X was introduced. Its aim was to ..."); a short
    answer that stops at the matching sentence holds less than the search it sits on."""
    words = sum(len(s.text.split()) for s in chosen)
    out: list[Sentence] = []
    for s in lead:
        key = (s.source, s.line, s.index + 1)
        nxt = next((x for x in sentences_of(s.source) if (x.source, x.line, x.index) == key), None)
        if nxt is None or _dup_of(nxt, list(chosen) + out):
            continue
        n = len(nxt.text.split())
        if words + n > budget_words:
            break
        words += n
        out.append(nxt)
    return out


def _dup_of(s: Sentence, chosen: Sequence[Sentence]) -> bool:
    return any(c.source == s.source and c.line == s.line and c.index == s.index for c in chosen)


class _Sentences:
    """``lib.sentences(source)``, copied once per question and reused; each sentence is copied
    only when first reached, whether through the whole list or through ``lexical``, so a sentence
    is one object for the whole question whichever way it was found (composers compare by
    identity). Why lazily: the lexical pass used to copy every sentence of every report in scope
    to keep the few sharing a term with the question (``bench/profile_ask.py``)."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._got: dict[str, list[Sentence]] = {}
        self._copies: dict[str, dict[int, Sentence]] = {}

    def _copy(self, source: str, raw: Sequence[Sentence], i: int) -> Sentence:
        from assistant.evidence import fresh

        made = self._copies.setdefault(source, {})
        got = made.get(i)
        if got is None:
            got = made[i] = fresh(raw[i])
        return got

    def __call__(self, source: str) -> list[Sentence]:
        if source not in self._got:
            kept = getattr(self.lib, "_kept", None)
            if kept is None:  # not a Library (a test double of its interface): plain copies
                self._got[source] = self.lib.sentences(source)
            else:
                raw, _, keep = kept(source)
                self._got[source] = [self._copy(source, raw, i) for i, k in enumerate(keep) if k]
        return self._got[source]

    def lexical(self, source: str, topic: str) -> list[Sentence]:
        """Exactly ``evidence.lexical_candidates(self(source), topic)``, through the report's term
        index (``assistant.sentence_index``): only the matching sentences are copied."""
        kept = getattr(self.lib, "_kept", None)
        if kept is None or source in self._got:
            return lexical_candidates(self(source), topic)
        from assistant.evidence import QUERY_GENERIC
        from assistant.text import content_terms

        raw, postings, keep = kept(source)
        terms = set(content_terms(topic)) - QUERY_GENERIC
        hits: set[int] = set()
        for t in terms:
            hits.update(postings.get(t, ()))
        return [self._copy(source, raw, i) for i in sorted(hits) if keep[i]]


def semantic_candidates(lib: Library, sources: Sequence[str], question: str, sentences_of, n: int) -> list[Sentence]:
    """The ``n`` sentences of ``sources`` closest to the question by embedding (vectors are cached by
    content hash and warmed at start-up, so this is one matrix product)."""
    from assistant.select import vectors_of

    if n <= 0:
        return []
    pool = [s for src in sources for s in sentences_of(src)]
    if not pool:
        return []
    sims = vectors_of(lib).similarities(question, [s.text for s in pool])
    best = sorted(range(len(pool)), key=lambda i: -sims[i])[:n]
    return [pool[i] for i in best if sims[i] > 0]


def section_candidates(hits: Sequence[Any], sentences_of) -> list[Sentence]:
    """Every evidence sentence of the sections the given hits come from."""
    out: list[Sentence] = []
    seen: set[tuple[str, str]] = set()
    for h in hits:
        key = (h.source, h.section)
        if key in seen:
            continue
        seen.add(key)
        out += [s for s in sentences_of(h.source) if s.section == h.section]
    return out


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


def _with_following(chosen: list[Sentence], scored: Sequence[Sentence], sentences_of, limit: int) -> list[Sentence]:
    """Add the sentence that directly follows a chosen one in the same paragraph when it is on
    topic too, or when it leans on the chosen one ("Of these, nine ..."): reports often state a
    fact and then its figure in the next sentence."""
    from dataclasses import replace

    at = {(s.source, s.line, s.index): s for s in scored}
    out = list(chosen)
    for s in chosen:
        if len(out) >= limit:
            break
        key = (s.source, s.line, s.index + 1)
        nxt = at.get(key)
        if nxt is None:
            nxt = next((x for x in sentences_of(s.source) if (x.source, x.line, x.index) == key), None)
            if nxt is not None and dangling(nxt.text):
                nxt = replace(nxt, coverage=s.coverage, score=s.score)
            else:
                nxt = None
        if nxt is not None and (nxt.coverage >= 0.2 or dangling(nxt.text)) and all(
                (nxt.source, nxt.line, nxt.index) != (c.source, c.line, c.index) for c in out):
            out.append(nxt)
    return out


