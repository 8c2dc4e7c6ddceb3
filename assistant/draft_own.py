"""Findings for an indexed service from its own report (no --kq): the old drafting path.

Why its own module and shape: the paragraph is about this service, so it is built from this
service's own section only, one passage per key question of the standard (the report's own
key-question table, else the standard's themes), each from the section's sentences most about
that key question (embedding cosine). The inspector's notes are placed with the key question
each is most about, marked "(your notes)", never cited to a report; every note appears. Another
service appears at most once, in a sentence framed as a comparison (``assistant.draft_compare``),
never as a finding of this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.compose_extractive import Draft as Work
from assistant.evidence import Sentence, sentences_from_lines
from assistant.library import Library, standard_rating_fact
from assistant.tone import dangling, share
from ingest.injection import usable_lines
from ingest.model import Report

PER_KEY_QUESTION = 2


@dataclass
class Group:
    """One key question's passage: its anchor text, the report's sentences and the notes."""

    anchor: str
    sentences: list[Sentence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    comparison: str | None = None


def own_sentences(lib: Library, r: Report, sid: str) -> list[Sentence]:
    """The section's findings that stand on their own (no opening pronoun, no half quotation,
    no rating line: the rating is stated once, by the lead)."""
    from assistant.drafting import _RATING_LINE, _balanced

    sec = r.section(sid)
    if sec is None:
        return []
    sents = lib.drop_boilerplate(sentences_from_lines(
        usable_lines(r)[sec.line_start - 1 : sec.line_end], sec.line_start, source=r.source, service=r.service,
        section=sec.id, title=sec.title, published=r.published, kind=sec.kind))
    out = [s for s in sents if not dangling(s.text) and _balanced(s.text) and not _RATING_LINE.search(s.text)
           and len(s.text.split()) >= 6]
    for s in out:
        s.page = r.page_of(s.line)
    return out


def anchors_for(r: Report, sid: str) -> list[str]:
    """What the passages are about: the report's key questions, else the standard's themes."""
    from assistant.rating_rules import get_rules

    kqs = r.key_questions.get(sid) or []
    if kqs:
        return [k.question for k in kqs]
    try:
        rule = get_rules(r.framework or "2021").standard(sid)
    except ValueError:
        rule = None
    return [f"{rule.title}: {t}" for t in rule.themes] if rule is not None and rule.themes else []


def note_anchors(r: Report, sid: str, anchors: list[str]) -> list[str]:
    """Each key question in the words a note uses for it: the question plus its theme's words
    (``prompts/kq_themes.md``), so "helped to stop offending" finds the desistance question."""
    from assistant import prompts
    from assistant.rating_arithmetic import theme_of
    from assistant.rating_rules import get_rules

    try:
        rule = get_rules(r.framework or "2021").standard(sid)
    except ValueError:
        rule = None
    words = prompts.phrases("kq_themes")
    out = []
    for i, a in enumerate(anchors):
        theme = theme_of(a, i, rule) or (rule.themes[i] if rule is not None and i < len(rule.themes) else None)
        out.append(f"{a} {words.get(theme or '', '')}".strip())
    return out


def group_findings(lib: Library, r: Report, sid: str, notes: list[str]) -> list[Group]:
    """Sentences and notes placed with the key question each is most about (cosine)."""
    from assistant.draft_compare import vectors

    sents = own_sentences(lib, r, sid)
    anchors = anchors_for(r, sid)
    if not anchors:  # one passage: the section's findings in order
        groups = [Group(anchor=r.standard_titles.get(sid, sid), sentences=sents[: 2 * PER_KEY_QUESTION])]
        groups[0].notes = list(notes)
        return groups
    groups = [Group(anchor=a) for a in anchors]
    if sents:
        sims = vectors(lib, [s.text for s in sents]) @ vectors(lib, anchors).T
        best = sims.argmax(axis=1)
        for j, g in enumerate(groups):
            mine = sorted((i for i in range(len(sents)) if best[i] == j), key=lambda i: -sims[i, j])
            g.sentences = sorted((sents[i] for i in mine[:PER_KEY_QUESTION]), key=lambda s: (s.line, s.index))
    if notes:
        where = (vectors(lib, notes) @ vectors(lib, note_anchors(r, sid, anchors)).T).argmax(axis=1)
        for n, j in zip(notes, where):
            groups[int(j)].notes.append(n)
    return groups


def comparable_same_band(lib: Library, target: Report, sid: str) -> list[Report]:
    """Other rated reports of the same framework with the same published rating for ``sid``."""
    rating = target.standards.get(sid) or (target.resettlement if sid == "4.1" else None)
    return [r for r in lib.reports if r.source != target.source and r.service != target.service
            and r.framework == target.framework and rating is not None
            and (r.standards.get(sid) or (r.resettlement if sid == "4.1" else None)) == rating]


def own_findings(lib: Library, sid: str, target: Report, notes: list[str], mark: str) -> Work:
    """The paragraph: published rating (cited), one passage per key question with its notes,
    at most one comparison sentence."""
    from assistant.compose_extractive import _standard_title, phrase
    from assistant.draft_compare import comparison, polarity
    from assistant.draft_new import _section_sentences

    w = Work()
    title = _standard_title(target, sid)
    parts: list[str] = []
    rating = target.standards.get(sid) or (target.resettlement if sid == "4.1" else None)
    f = standard_rating_fact(target, sid)
    if rating and f is not None:
        parts.append(phrase("draft_lead_published", service=target.service, rating=rating, sid=sid, title=title)
                     + f" {w.cite_fact(f)}.")
    groups = group_findings(lib, target, sid, notes)
    own = [(s, g) for g in groups for s in g.sentences]
    if own:
        cands = [(s, r) for r in comparable_same_band(lib, target, sid) for s in _section_sentences(lib, r, sid)]
        texts = [s.text for s, _ in own]
        c = comparison(w, lib, texts, polarity(lib, texts), cands, anchor_share=[share(t) for t in texts])
        if c is not None:
            own[c.anchor][1].comparison = c.text
    for g in groups:
        for s in g.sentences:
            p = s.passage(0)
            p.context = f"{target.service} {target.year} {s.section} {s.title}"
            text = s.text.rstrip()
            marker = w.cite(p)
            parts.append(f"{text[:-1]} {marker}{text[-1]}" if text[-1] in ".!?" else f"{text} {marker}.")
        for n in g.notes:
            m = f"{n[:-1]} {mark}{n[-1]}" if n[-1] in ".!?" else f"{n} {mark}."
            parts.append(m)
            w.trusted.append(m)
        if g.comparison:
            parts.append(g.comparison)
    if not parts:
        parts.append(phrase("draft_no_evidence", kind="findings", sid=sid, title=title))
        w.trusted.append(parts[-1])
    w.say(" ".join(parts))
    return w
