"""Drafting: strengths / areas for improvement bullets and a findings paragraph for a standard.

Why grounded in comparable inspections: a drafter wants wording in the register inspection
reports use, and wants to defend it; so bullets are the published bullets of inspections of
the same standard (same framework and a similar rating first), deduplicated, each cited to the
line that prints it. Findings use the rating module for ``--kq`` figures and weave the user's
own notes in, marked as theirs and never cited to someone else's report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.compose.common import Draft as Work, _standard_title, phrase
from assistant.evidence import Sentence, pick, score_sentences, sentences_from_lines
from assistant.library import Library, label, standard_rating_fact
from assistant.rating_rules import RATINGS, get_rules
from assistant.citations import Passage
from assistant.text import comparable, content_terms, jaccard, split_sentences
from assistant.tone import NEGATIVE, dangling, tone_of
from ingest.injection import usable_lines
from ingest.model import Report, Section

if TYPE_CHECKING:
    from assistant.draft_left_out import LeftOutLog

# Words that tie a domain-level bullet to one standard of that domain.
STANDARD_CUES: dict[str, tuple[str, ...]] = {
    "1.1": ("board", "governance", "leader", "strateg", "vision", "partnership arrangements"),
    "1.2": ("staff", "workload", "training", "supervision", "manager", "practitioner", "caseload"),
    "1.3": ("partner", "services", "provision", "health", "education", "ete", "interventions"),
    "1.4": ("polic", "guidance", "information", "facilities", "building", "ict", "data", "learning"),
    "2.1": ("assess",), "3.1": ("assess",),
    "2.2": ("plan",), "3.2": ("plan",),
    "2.3": ("deliver", "implement", "intervention", "services"), "3.3": ("deliver", "implement", "intervention"),
    "2.4": ("review",),
    "3.4": ("joint", "police", "panel", "decision", "out-of-court", "diversion", "policy", "caution"),
    "4.1": ("resettlement", "custody", "secure"),
}


@dataclass
class Bullet:
    text: str  # as published
    report: Report
    section: Section
    line: int

    def sentence(self) -> Sentence:
        return Sentence(
            text=self.text, source=self.report.source, service=self.report.service, section=self.section.id,
            title=self.section.title, line=self.line, page=self.report.page_of(self.line),
            published=self.report.published, bullet=True, terms=set(content_terms(self.text)),
        )


def _bullet_line(report: Report, section: Section, text: str) -> int | None:
    want = comparable(text)[:60]
    for i in range(section.line_start, section.line_end + 1):
        line = re.sub(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+", "", report.lines[i - 1])
        if comparable(line).startswith(want):
            return i
    return None


def bullets_for(report: Report, sid: str, kind: str) -> list[Bullet]:
    """Published strengths / improvement bullets of ``report`` that concern standard ``sid``:
    the standard's own list, else the domain's list filtered by the standard's cue words."""
    attr = "strengths" if kind == "strengths" else "improvements"
    sec = report.section(sid)
    found: list[Bullet] = []
    if sec is not None and getattr(sec, attr):
        for b in getattr(sec, attr):
            ln = _bullet_line(report, sec, b)
            if ln:
                found.append(Bullet(b, report, sec, ln))
        return found
    dom = report.section(f"domain-{sid[0]}")
    if dom is None or not getattr(dom, attr):
        return found
    cues = STANDARD_CUES.get(sid, ())
    for b in getattr(dom, attr):
        low = comparable(b)
        if cues and not any(c in low for c in cues):
            continue
        if sid[0] in "23" and sid[2] != "1" and "assess" in low and not any(c in low for c in cues if c != "assess"):
            continue
        ln = _bullet_line(report, dom, b)
        if ln:
            found.append(Bullet(b, report, dom, ln))
    return found


def _rank(rating: str | None) -> int | None:
    return RATINGS.index(rating) if rating in RATINGS else None


def comparable_reports(lib: Library, sid: str, kind: str, target: Report | None, target_rating: str | None) -> list[Report]:
    """Rated reports ordered by likeness: same framework, then closeness of the standard's rating
    to the target rating (or, with no target, best-rated first for strengths, worst first for
    improvements)."""
    reports = [r for r in lib.reports if r.standards and (target is None or r.source != target.source)]
    fw = target.framework if target is not None else None
    tr = _rank(target_rating)

    def key(r: Report) -> tuple:
        rr = _rank(r.standards.get(sid) or (r.resettlement if sid == "4.1" else None))
        same_fw = 0 if (fw is None or r.framework == fw) else 1
        if tr is not None and rr is not None:
            dist = abs(tr - rr)
        elif rr is not None:
            dist = (3 - rr) if kind == "strengths" else rr
        else:
            dist = 9
        return (dist, same_fw, r.published or "")

    return sorted(reports, key=key)


def draft_bullets(lib: Library, sid: str, kind: str, service: str | None = None, kq: str | None = None,
                  max_bullets: int = 8, log: "LeftOutLog | None" = None) -> tuple[Work, str | None]:
    """Strengths or improvements bullets (markdown lines with markers) and the target rating.

    Evidence, in order: the service's own published bullets for the standard (when drafting for
    an inspected service that has them) and findings of the right tone from its own section;
    otherwise the published bullets of comparable inspections (same standard, same framework and
    a similar rating first), then findings of the right tone from their sections of the standard.
    A service without bullets of its own gets a lead line saying so, so the bullets are never
    mistaken for its own report's. What is dropped on the way goes to ``log`` with its reason."""
    w = Work()
    target = lib.main_report(service) if service else None
    target_rating, _ = _target_rating(lib, sid, target, kq)
    title = _standard_title(target, sid)
    items: list[tuple[Sentence, Report, bool]] = []  # (evidence, its report, the target's own)
    own_bullets = bullets_for(target, sid, kind) if target is not None else []
    if own_bullets:
        items += [(b.sentence(), b.report, True) for b in own_bullets]
        items += [(s, target, True) for s, _ in _narrative(lib, sid, kind, target, target_rating, max_bullets,
                                                            only_target=True)]
    else:
        if target is not None:
            own = [(s, target, True) for s, _ in _narrative(lib, sid, kind, target, target_rating, 3, only_target=True)]
            key = "draft_no_own_with_findings" if own else "draft_no_own"
            w.say(phrase(key, service=target.service, kind=_KIND_WORDS[kind], sid=sid, title=title), trusted=True)
            items += own
        reports = comparable_reports(lib, sid, kind, target, target_rating)
        for r in reports:
            items += [(b.sentence(), r, False) for b in bullets_for(r, sid, kind)]
        items += [(s, r, False) for s, r in _narrative(lib, sid, kind, target, target_rating, max_bullets)]
    items = _keep_polar(lib, sid, kind, items, log)
    chosen: list[tuple[Sentence, Report, bool]] = []
    for s, r, own in items:
        terms = s.terms or set(content_terms(s.text))
        if any(jaccard(terms, c.terms or set(content_terms(c.text))) > 0.45 for c, _, _ in chosen):
            if log is not None:
                log.add(s, "near_duplicate")
            continue
        if any(c.source == s.source and c.line == s.line and c.index == s.index for c, _, _ in chosen):
            continue
        chosen.append((s, r, own))
        if len(chosen) >= max_bullets:
            break
    for s, r, own in chosen:
        p = s.passage(0)
        p.context = f"{r.service} {r.year} {s.section} {s.title}"
        marker = w.cite(p)
        w.say(f"- {_register(s.text, r, own, p, lib)}".replace("\x00", marker))
    if not chosen:
        w.say(phrase("draft_no_evidence", kind=kind, sid=sid, title=title), trusted=True)
    return w, target_rating


def _keep_polar(lib: Library, sid: str, kind: str, items: list[tuple[Sentence, Report, bool]],
                log: "LeftOutLog | None" = None):
    """Borrowed evidence must have the list's polarity and belong to the standard (learnt
    classifiers, ``assistant.draft_new``); the target's own published bullets stay as published.
    Every dropped item was a candidate for this list (a published bullet of the list or a finding
    of its tone), so each goes to ``log`` with its reason."""
    from assistant.draft_left_out import polarity_verdict, top_standards
    from assistant.draft_new import _classify, _on_standard

    want = "strength" if kind == "strengths" else "improvement"
    todo = [i for i, (_, _, own) in enumerate(items) if not own]
    pol, std = _classify(lib, [items[i][0].text for i in todo])
    drop: set[int] = set()
    for i, ps, ss in zip(todo, pol, std):
        text = items[i][0].text
        why, detail = polarity_verdict(ps, text, want)
        if why is None and not _on_standard(ss, sid):
            why = "off_standard"
        if why is None and dangling(text):
            why = "dangling"
        if why is None:
            continue
        drop.add(i)
        if log is not None:
            log.add(items[i][0], why, top_standards(ss) if why == "off_standard" else detail)
    return [it for i, it in enumerate(items) if i not in drop]


_KIND_WORDS = {"strengths": "strengths", "improvements": "areas for improvement", "findings": "findings"}
def _register(text: str, report: Report, own: bool, p: Passage, lib: Library) -> str:
    """The bullet exactly as published, with NUL where the marker goes: a quote is never altered
    (an earlier register rewrite, "Inspectors found that ..." dropped and names replaced, turned
    "Wigan YJS" into "The service YJS"); borrowed wording is the inspector's to rephrase."""
    return _with_marker(text, "\x00")


def _with_marker(text: str, marker: str) -> str:
    text = text.rstrip()
    return f"{text[:-1]} {marker}{text[-1]}" if text and text[-1] in ".!?" else f"{text} {marker}"


def _narrative(lib: Library, sid: str, kind: str, target: Report | None, target_rating: str | None,
               k: int, query: str = "", only_target: bool = False, per_report: int = 2) -> list[tuple[Sentence, Report]]:
    """Findings from the standard's own section: for strengths the positive ones, for
    improvements the negative ones (``assistant.tone``), never a sentence that starts mid-thought."""
    reports = ([target] if target is not None else [])
    if not only_target:
        reports += comparable_reports(lib, sid, kind, target, target_rating)
    out: list[tuple[Sentence, Report]] = []
    want = {"strengths": 1, "improvements": -1}.get(kind)
    for r in reports:
        sec = r.section(sid)
        if sec is None:
            continue
        sents = lib.drop_boilerplate(sentences_from_lines(
            usable_lines(r)[sec.line_start - 1 : sec.line_end], sec.line_start, source=r.source, service=r.service,
            section=sec.id, title=sec.title, published=r.published, kind=sec.kind,
        ))
        sents = [s for s in sents if not dangling(s.text) and _balanced(s.text)
                 and (kind == "findings" or not _RATING_LINE.search(s.text))]  # a bullet is a finding, not a rating
        title = _standard_title(r, sid)
        scored = score_sentences(sents, f"{title} {query}".strip(), standard=sid)
        if want is not None:
            # A finding with no cue either way reads as a strength in a standard rated Good or
            # better (inspectors there describe what works); a weakness needs an explicit cue.
            rated = r.standards.get(sid) or (r.resettlement if sid == "4.1" else None)
            lenient = want == 1 and rated in ("Good", "Outstanding")
            scored = [s for s in scored if tone_of(s.text) == want or (lenient and tone_of(s.text) == 0
                                                                       and not NEGATIVE.search(s.text))]
            for s in scored:
                s.score = max(s.score, 0.6)
        picked = pick(scored, per_report, min_score=0.5)
        out += [(s, r) for s in picked]
    final: list[tuple[Sentence, Report]] = []
    for s, r in out:
        if any(jaccard(s.terms, t.terms) > 0.45 for t, _ in final):
            continue
        final.append((s, r))
        if len(final) >= k:
            break
    return final


def _balanced(text: str) -> bool:
    """False for a piece of a longer quotation (an opening quote mark with no closing one)."""
    return text.count("\u201c") == text.count("\u201d") and text.count('"') % 2 == 0


_RATING_LINE = re.compile(r"^(?:Outstanding|Good|Requires improvement|Inadequate)\b|\bwe rated\b|\brated as\b", re.I)


def _target_rating(lib: Library, sid: str, target: Report | None, kq: str | None):
    """The rating drafting aims at: computed from --kq, else the service's published rating."""
    if kq:
        result = rate_kq(kq, target.framework if target is not None and target.framework else "2021")
        res = result.standards.get(sid)
        return (res.computed if res else None), result
    if target is not None:
        return target.standards.get(sid) or (target.resettlement if sid == "4.1" else None), None
    return None, None


_CONNECTIVE = re.compile(r"^(?:However|Furthermore|Moreover|Additionally|In addition|Also|Overall|Similarly|Again),\s+")


def _attributed(text: str, who: str) -> str:
    """'In Wigan (2021), planning was ...': another report's sentence, said to be theirs."""
    body = _CONNECTIVE.sub("", text)
    if body[:2].isupper() or body.split(" ", 1)[0] in ("YJS", "YOT", "YOS", "I"):
        return f"In {who}, {body}"
    return f"In {who}, {body[0].lower()}{body[1:]}"


def rate_kq(spec: str, framework: str):
    """Rate one standard from a --kq spec with the rating module (raises ValueError on bad input)."""
    from assistant.rating import parse_kq_spec, rate

    sid, kqs = parse_kq_spec(spec, framework)
    return rate({sid: kqs}, framework=framework)


def read_notes(notes: str | None) -> list[str]:
    """The user's notes as sentences (bullets and blank lines removed)."""
    if not notes:
        return []
    out: list[str] = []
    for line in notes.splitlines():
        line = re.sub(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+", "", line).strip()
        if line and not line.startswith("#"):
            out += split_sentences(line)
    return out


def draft_findings(lib: Library, sid: str, service: str | None = None, notes: str | None = None,
                   kq: str | None = None) -> tuple[Work, str | None]:
    """A findings paragraph: computed rating and why (--kq), the user's notes (marked as theirs),
    and cited sentences from the standard's findings in comparable inspections. For an indexed
    service without --kq, the paragraph comes from its own report (``assistant.draft_own``)."""
    from assistant.rating import explain_standard

    target = lib.main_report(service) if service else None
    if target is not None and not kq:  # this service's own report: assistant.draft_own
        from assistant.draft_own import own_findings

        return own_findings(lib, sid, target, read_notes(notes), phrase("draft_notes_mark")), None
    w = Work()
    fw = target.framework if target is not None and target.framework else "2021"
    title = _standard_title(target, sid)
    computed: str | None = None
    parts: list[str] = []
    mark_kq = phrase("draft_kq_mark")
    mark_notes = phrase("draft_notes_mark")
    if kq:
        result = rate_kq(kq, fw)
        kq_sid = next(iter(result.standards), None)
        res = result.standards.get(sid) or (result.standards.get(kq_sid) if kq_sid else None)
        if res is not None and res.computed:
            computed = res.computed
            lead = phrase("draft_lead_kq", title=title.lower() if title else sid, rating=res.computed)
            why = explain_standard(res, get_rules(fw))
            for s in [lead] + split_sentences(why):
                s = f"{s[:-1]} {mark_kq}{s[-1]}" if s[-1] in ".!?" else f"{s} {mark_kq}"
                parts.append(s)
                w.trusted.append(s)
    elif target is not None:
        rating = target.standards.get(sid) or (target.resettlement if sid == "4.1" else None)
        f = standard_rating_fact(target, sid)
        if rating and f is not None:
            parts.append(phrase("draft_lead_published", service=target.service, rating=rating, sid=sid, title=title)
                         + f" {w.cite_fact(f)}.")
    user = read_notes(notes)
    evidence = _narrative(lib, sid, "findings", target, computed, 3, query=" ".join(user))
    ev_sentences: list[str] = []
    for s, r in evidence:
        p = s.passage(0)
        p.context = f"{r.service} {r.year} {s.section} {s.title}"
        own = target is not None and r.source == target.source
        text = s.text if own else _attributed(s.text, label(r))
        ev_sentences.append(_with_marker(text, w.cite(p)))
    # Weave: one note after each evidence sentence, the rest at the end.
    notes_marked = []
    for n in user:
        m = f"{n[:-1]} {mark_notes}{n[-1]}" if n[-1] in ".!?" else f"{n} {mark_notes}."
        notes_marked.append(m)
        w.trusted.append(m)
    woven: list[str] = []
    for i in range(max(len(ev_sentences), len(notes_marked))):
        if i < len(notes_marked):
            woven.append(notes_marked[i])
        if i < len(ev_sentences):
            woven.append(ev_sentences[i])
    parts += woven
    if not parts:
        parts.append(phrase("draft_no_evidence", kind="findings", sid=sid, title=title))
        w.trusted.append(parts[-1])
    w.say(" ".join(parts))
    return w, computed
