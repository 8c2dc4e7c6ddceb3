"""Drafting for a new inspection: findings, strengths and areas for improvement from the
inspector's own figures and notes, with comparable inspections beside them.

Why a separate path: a new inspection has no report in the index. Its paragraph may only say
what its own figures and notes say (``assistant.draft_findings``), and its lists open with the
inspector's notes and figures of the list's polarity. Comparable inspections (same standard and
framework, closest rating first) supply the rest of a list and, for findings, a cited list of
how they put the same findings; inside the paragraph, at most one sentence framed as a
comparison (``assistant.draft_compare``), never another service's finding as this one's. Every
borrowed sentence:

- comes from the requested standard's own section (not a domain-wide list);
- has the list's polarity by the learnt classifier (``assistant.classifiers``) and the cue
  lexicon, and belongs to the standard by the standard classifier;
- stands on its own (no opening pronoun), is quoted unaltered, is not a near-duplicate, and
  does not name its own service (it would read as this service's finding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.compose.common import Draft as Work
from assistant.draft_findings import FigureFindings, from_figures, good_floor
from assistant.draft_left_out import LeftOutLog
from assistant.evidence import Sentence, sentences_from_lines
from assistant.library import Library
from assistant.rating_rules import RATINGS
from assistant.text import comparable, content_terms, jaccard
from assistant.tone import dangling, tone_of
from ingest.injection import usable_lines
from ingest.model import Report

_RATING_LINE = re.compile(r"^(?:Outstanding|Good|Requires improvement|Inadequate)\b|\bwe rated\b|\brated as\b|"
                          r"\bour rating\b", re.I)
_NOTE_LIST = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
_WANT = {"strengths": "strength", "improvements": "improvement"}


@dataclass
class NewDraft:
    """What the service turns into a ``Draft``: gated lines, lists and the computed rating."""

    work: Work
    computed: str | None
    comparable: list[str] = field(default_factory=list)  # markdown lines with markers (findings)
    left: LeftOutLog = field(default_factory=LeftOutLog)  # what the lists dropped, and why


def phrase(key: str, **values) -> str:
    from assistant import prompts

    return prompts.phrases("draft_findings")[key].format(**values)


def read_notes(notes: str | None) -> list[str]:
    """The inspector's notes, one per line (a list marker removed); a line is one note."""
    out = []
    for line in (notes or "").splitlines():
        line = _NOTE_LIST.sub("", line).strip()
        if line and not line.startswith("#"):
            out.append(line if line[-1] in ".!?" else line + ".")
    return out


def mark_note(note: str) -> str:
    m = phrase("note_mark")
    return f"{note[:-1]} {m}{note[-1]}" if note[-1] in ".!?" else f"{note} {m}."


def _rank(r: str | None) -> int | None:
    return RATINGS.index(r) if r in RATINGS else None


def comparable_reports(lib: Library, sid: str, framework: str, rating: str | None, exclude: str | None) -> list[Report]:
    """Rated reports with the standard: same framework first, then closest rating to ``rating``."""
    tr = _rank(rating)

    def key(r: Report):
        rr = _rank(r.standards.get(sid) or (r.resettlement if sid == "4.1" else None))
        dist = abs(tr - rr) if tr is not None and rr is not None else 5
        return (0 if r.framework == framework else 1, dist, -(r.year or 0))

    return sorted((r for r in lib.reports if r.standards and r.section(sid) is not None and r.source != exclude
                   and r.service != exclude), key=key)


def _section_sentences(lib: Library, r: Report, sid: str) -> list[Sentence]:
    sec = r.section(sid)
    if sec is None:
        return []
    sents = lib.drop_boilerplate(sentences_from_lines(  # lines flagged as planted instructions are blank
        usable_lines(r)[sec.line_start - 1 : sec.line_end], sec.line_start, source=r.source, service=r.service,
        section=sec.id, title=sec.title, published=r.published, kind=sec.kind))
    names = {r.service or "", *(r.service or "").split(" and ")} - {""}
    out = []
    for s in sents:
        t = s.text
        if dangling(t) or _RATING_LINE.search(t) or t.count('"') % 2 or t.count("\u201c") != t.count("\u201d"):
            continue
        if any(len(n) > 3 and n in t for n in names):
            continue  # names its own service: would read as this service's finding
        s.page = r.page_of(s.line)
        out.append(s)
    return out


def _classify(lib: Library, texts: list[str]):
    from assistant.classifiers import for_library

    clf = for_library(lib)
    if clf is None or not texts:
        return [None] * len(texts), [None] * len(texts)
    return clf.polarity_scores(texts), clf.standard(texts)


def _on_standard(probs: dict[str, float] | None, sid: str) -> bool:
    """The standard classifier puts ``sid`` (or its twin in the other domain: 2.2 / 3.2) among its
    three likeliest standards."""
    if probs is None:
        return True
    top = sorted(probs, key=probs.get, reverse=True)[:3]
    twins = {sid, f"{'3' if sid[0] == '2' else '2'}{sid[1:]}"}
    return bool(twins & set(top))


def _polarity_ok(scores: dict[str, float] | None, text: str, want: str) -> bool:
    """Both the learnt classifier and the cue lexicon agree the sentence has the list's polarity
    (``assistant.draft_left_out.polarity_reason`` says why not)."""
    from assistant.draft_left_out import polarity_reason

    return polarity_reason(scores, text, want) is None


def _near_duplicate(s: Sentence, chosen: list[Sentence]) -> bool:
    terms = s.terms or set(content_terms(s.text))
    return any(jaccard(terms, c.terms or set(content_terms(c.text))) > 0.45 or comparable(c.text) == comparable(s.text)
               for c in chosen)


def borrowed(lib: Library, sid: str, kind: str, framework: str, rating: str | None, exclude: str | None,
             k: int, already: list[str] = (), log: LeftOutLog | None = None) -> list[tuple[Sentence, Report]]:
    """Up to ``k`` sentences of ``kind`` polarity from comparable inspections' ``sid`` sections,
    none a near-duplicate of another or of the lines ``already`` in the list. What was plausible
    for the list and dropped goes to ``log`` with its reason."""
    from assistant.draft_left_out import plausible, polarity_verdict, top_standards

    want = _WANT[kind]
    mine = [Sentence(text=t, source="", service=None, section="", title="", line=0) for t in already]
    cands: list[tuple[Sentence, Report]] = []
    for r in comparable_reports(lib, sid, framework, rating, exclude):
        cands += [(s, r) for s in _section_sentences(lib, r, sid)]
    pol, std = _classify(lib, [s.text for s, _ in cands])
    chosen: list[tuple[Sentence, Report]] = []
    per: dict[str, int] = {}
    for (s, r), ps, ss in zip(cands, pol, std):
        if len(chosen) >= k:
            break
        why, detail = polarity_verdict(ps, s.text, want)
        if why is None and not _on_standard(ss, sid):
            why = "off_standard"
        if why is None and _near_duplicate(s, [c for c, _ in chosen] + mine):
            why = "near_duplicate"
        if why is not None:
            if log is not None and why != "neutral" and plausible(ps, s.text, want):
                log.add(s, why, top_standards(ss) if why == "off_standard" else detail)
            continue
        if per.get(r.source, 0) >= max(2, k // 2):
            continue
        chosen.append((s, r))
        per[r.source] = per.get(r.source, 0) + 1
    return chosen


def _cite(w: Work, s: Sentence, r: Report) -> str:
    p = s.passage(0)
    p.context = f"{r.service} {r.year} {s.section} {s.title}"
    return w.cite(p)


def _with_marker(text: str, marker: str) -> str:
    text = text.rstrip()
    return f"{text[:-1]} {marker}{text[-1]}" if text and text[-1] in ".!?" else f"{text} {marker}"


def _place_notes(lib: Library, notes: list[str], anchors: list[str]) -> list[int]:
    """For each note, the index of the anchor passage it is most about (embedding similarity)."""
    if not notes or not anchors:
        return [len(anchors) - 1] * len(notes)
    import numpy as np

    emb = lib.index.embedder
    a = np.asarray(emb.embed_documents(anchors))
    n = np.asarray([emb.embed_query(x) for x in notes])
    a = a / np.linalg.norm(a, axis=1, keepdims=True)
    n = n / np.linalg.norm(n, axis=1, keepdims=True)
    return [int(i) for i in (n @ a.T).argmax(axis=1)]


def note_polarity(lib: Library, notes: list[str]) -> list[str]:
    """Each note's polarity (strength / improvement / neutral): cue lexicon first, classifier else."""
    pol, _ = _classify(lib, notes)
    out = []
    for note, ps in zip(notes, pol):
        cue = tone_of(note)
        if cue:
            out.append("strength" if cue > 0 else "improvement")
        elif ps is not None:
            out.append(max(("strength", "improvement"), key=lambda c: ps.get(c, 0)))
        else:
            out.append("neutral")
    return out


def computed_of(ff: FigureFindings | None) -> str | None:
    return ff.result.computed if ff and ff.result else None


def _comparison(w: Work, lib: Library, ff: FigureFindings | None, framework: str, same_band: list[Report],
                cands: list[tuple[Sentence, Report]]):
    """At most one sentence framed as a comparison (``assistant.draft_compare``): a same-band
    inspection's finding about the same key question, pointing the same way as its figure."""
    if ff is None or not ff.passages or not same_band:
        return None
    from assistant.draft_compare import MIN_COSINE_FIGURES, comparison

    floor = float(good_floor(framework))
    same = {r.source for r in same_band}
    pol = [1 if p.percent >= floor else -1 for p in ff.passages]
    return comparison(w, lib, [p.text for p in ff.passages], pol, [c for c in cands if c[1].source in same],
                      MIN_COSINE_FIGURES, [p.percent / 100 for p in ff.passages])


def draft_findings_new(lib: Library, sid: str, service: str | None, framework: str, kq: str | None,
                       notes: str | None) -> NewDraft:
    """The findings paragraph (see ``assistant.draft_findings``) and the comparable list."""
    w = Work()
    ff: FigureFindings | None = from_figures(sid, kq, framework) if kq else None
    passages = [p.text for p in ff.passages] if ff else []
    user = read_notes(notes)
    where = _place_notes(lib, user, passages)
    reports = comparable_reports(lib, sid, framework, computed_of(ff), service)
    same_band = [r for r in reports if r.framework == framework
                 and (computed_of(ff) is None or r.standards.get(sid) == computed_of(ff))]
    cands: list[tuple[Sentence, Report]] = []
    for r in (same_band or reports[:2]):
        cands += [(s, r) for s in _section_sentences(lib, r, sid)]
    compare = _comparison(w, lib, ff, framework, same_band, cands)
    parts: list[str] = []
    for i, text in enumerate(passages):
        parts.append(text)
        parts += [mark_note(n) for n, j in zip(user, where) if j == i]
        if compare is not None and compare.anchor == i:
            parts.append(compare.text)
    if not passages:
        parts += [mark_note(n) for n in user]
    if ff:
        parts += ff.rating_sentences
    w.trusted += [x for x in parts if compare is None or x != compare.text]  # the comparison is cited, gated
    computed = computed_of(ff)
    w.say(" ".join(parts))
    # Beside the paragraph: how comparable inspections put the same findings, cited.
    side: list[str] = []
    themes = passages or [sid]
    seen: list[Sentence] = [compare.sentence] if compare is not None else []
    if cands:
        idx = _place_notes(lib, [s.text for s, _ in cands], themes)
        for t in range(len(themes)):
            best = [c for c, j in zip(cands, idx) if j == t and not _near_duplicate(c[0], seen)][:2]
            for s, r in best:
                seen.append(s)
                side.append(f"- {_with_marker(s.text, _cite(w, s, r))}")
    return NewDraft(w, computed, side)


def draft_list_new(lib: Library, sid: str, kind: str, service: str | None, framework: str, kq: str | None,
                   notes: str | None, max_bullets: int = 8) -> NewDraft:
    """Strengths or areas for improvement: the inspector's notes and figures of the list's
    polarity first (marked / trusted), then borrowed, cited sentences of comparable inspections."""
    from assistant.draft_findings import KQPassage

    w = Work()
    want = _WANT[kind]
    ff = from_figures(sid, kq, framework) if kq else None
    computed = ff.result.computed if ff and ff.result else None
    title = ff.title if ff else (next((r.standard_titles.get(sid) for r in lib.reports if r.standard_titles.get(sid)), sid))
    lead = (phrase("lead_new", service=service, sid=sid, title=title) if service
            else phrase("lead_new_noservice", sid=sid, title=title))
    w.say(lead, trusted=True)
    user = read_notes(notes)
    own: list[str] = [mark_note(n) for n, p in zip(user, note_polarity(lib, user)) if p == want]
    floor = float(good_floor(framework))
    figs: list[KQPassage] = ff.passages if ff else []
    own += [p.text for p in figs if (p.percent >= floor) == (want == "strength")]
    for line in own:
        w.say(f"- {line}", trusted=True)
    log = LeftOutLog(want=want)
    for s, r in borrowed(lib, sid, kind, framework, computed, service, max(0, max_bullets - len(own)), own, log):
        w.say(f"- {_with_marker(s.text, _cite(w, s, r))}")
    return NewDraft(w, computed, left=log)
