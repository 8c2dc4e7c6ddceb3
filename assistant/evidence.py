"""Evidence sentences: retrieved hits cut into sentences with exact line spans, then scored.

Why sentences: a reader wants the one quotable sentence, not a 900-character chunk; and the
quote shown must be cut from the source text itself, so each sentence keeps its line number
(lines in these reports are paragraphs, so a sentence never spans two lines).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

from assistant.citations import Passage
from assistant.text import comparable, content_terms, jaccard, looks_like_instruction, normalise, split_sentences, stem

_LIST_PREFIX = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])\s+")
_TABLEISH = re.compile(r"\t|\s{3,}|^\W*$")
_FOOTNOTE_LINE = re.compile(r"^\s*[\u00b9\u00b2\u00b3\u2070-\u209f]+\s")
# Boilerplate repeated in every report: never useful evidence.
_BOILERPLATE = (
    "rating for the standard is driven by the lowest score",
    "we inspect against",
    "based on the following key questions",
    "our key findings were as follows",
    "in making a judgement about",
    "open government licence",
    # standard descriptors (the framework's wording, printed under every standard heading)
    "well-informed, analytical and personalised, actively involving",
    "well-informed, holistic and personalised, actively involving",
    "personalised and coordinated services are delivered",
    "supports the delivery of high-quality, personalised and coordinated services",
    "there is a high-quality, evidence-based",
)


# Words that relate a topic rather than name it ("police relationship", "joint working on X"):
# they count, but much less than the topic word itself.
WEAK_TERMS = frozenset(content_terms(
    "relationship relationships work working worked works joint approach approaches quality practice "
    "arrangements arrangement use used support supported effective effectiveness good well area areas "
    "say said think view views overall level levels issue issues aspect aspects standard"
))


DOC_WORDS = frozenset(content_terms("screening screenings sqs letter inspection inspections report reports document"))
# Words of the asking, not of the topic ("how many cases were looked at", "what did they mention
# about"): in a question they would match report sentences literally ("we looked at").
QUERY_GENERIC = frozenset(content_terms(
    "look looked looking see seen saw happen happened happening mention mentioned describe described think "
    "thought know knew anything something thing things kind sort lot get got like want need often frequently"
))


@dataclass
class Sentence:
    text: str
    source: str
    service: str | None
    section: str
    title: str
    line: int
    page: int | None = None
    kind: str | None = None
    rating: str | None = None
    framework: str | None = None
    published: str | None = None
    hit_rank: int = 0
    hit_score: float = 0.0
    bullet: bool = False
    index: int = 0  # position of the sentence within its line
    score: float = 0.0
    coverage: float = 0.0  # share of the query's (IDF-weighted) terms the sentence contains
    terms: set[str] = field(default_factory=set)
    quote: str | None = None  # the source text when ``text`` is a rendering of it (a table row)
    line_end: int | None = None  # last line, for a sentence cut by a page break (``bridges``)
    lexical: float = 0.0  # the lexical score before fusion (``assistant.select``)
    similarity: float = 0.0  # embedding cosine with the question (``assistant.semantic``)
    learned: float = 0.0  # learned probability that it answers (``assistant.evidence_model``)

    def passage(self, n: int) -> Passage:
        q = self.quote or self.text
        return Passage(
            n=n, source=self.source, service=self.service, section=self.section, title=self.title,
            line_start=self.line, line_end=self.line_end or self.line, page=self.page, text=q, quote=q,
        )


def fresh(s: "Sentence") -> "Sentence":
    """A fresh copy of an evidence sentence to score: the same as ``dataclasses.replace(s)`` (a new
    object with the same field values; ``terms`` shared, as ``replace`` shares it) at a third of
    the cost. Why: composers copy every sentence of the reports in scope on each question, and
    ``replace`` (which calls ``__init__`` with every field by keyword) was about a third of an
    ask's CPU time (``bench/profile_ask.py``). Sentence has no ``__post_init__`` and no
    ``init=False`` field, so copying the instance dict is exact."""
    new = object.__new__(s.__class__)
    new.__dict__.update(s.__dict__)
    return new


def sentences_from_lines(
    lines: Sequence[str], line_start: int, *, source: str, service: str | None, section: str, title: str,
    page: int | None = None, kind: str | None = None, rating: str | None = None, framework: str | None = None,
    published: str | None = None, hit_rank: int = 0, hit_score: float = 0.0,
) -> list[Sentence]:
    """Cut consecutive source lines (starting at ``line_start``) into evidence sentences."""
    out: list[Sentence] = []
    for i, raw in enumerate(lines):
        for pos, s, bullet, terms in _line_sentences(raw):
            out.append(
                Sentence(
                    text=s, source=source, service=service, section=section, title=title,
                    line=line_start + i, page=page, kind=kind, rating=rating, framework=framework,
                    published=published, hit_rank=hit_rank, hit_score=hit_score, bullet=bullet,
                    index=pos, terms=set(terms),
                )
            )
    if len(lines) > 1:
        for first, last, pos, text, bullet in bridges(lines, line_start):
            out.append(Sentence(
                text=text, source=source, service=service, section=section, title=title, line=first, line_end=last,
                page=page, kind=kind, rating=rating, framework=framework, published=published, hit_rank=hit_rank,
                hit_score=hit_score, bullet=bullet, index=pos, terms=set(content_terms(text))))
        out.sort(key=lambda x: (x.line, x.index))
    return out


_TERMINAL = re.compile(r"[.!?][\"'\u201d\u2019)*]{0,3}$")


def bridges(lines: Sequence[str], line_start: int, max_gap: int = 8) -> list[tuple[int, int, int, str, bool]]:
    """Sentences cut in two by a page break or a hard wrap: a line whose last sentence has no end
    punctuation, followed (after at most ``max_gap`` blank lines) by a line that opens in lower
    case. Each is (first line, last line, position in the first line, joined text, bullet). Why:
    the line-by-line cut drops both halves (neither is a quotable sentence), so the evidence was
    missing altogether; the joined sentence is still verbatim, since quotes are checked on the
    whitespace-normalised text of all the lines they span."""
    out = []
    n = len(lines)
    for i, raw in enumerate(lines):
        if not raw.strip() or _FOOTNOTE_LINE.match(raw):
            continue
        bullet = bool(_LIST_PREFIX.match(raw))
        body = _LIST_PREFIX.sub("", raw).strip()
        if (_TABLEISH.search(body) and not bullet) or _TERMINAL.search(body) or body.endswith(":"):
            continue
        j = i + 1
        while j < n and j - i <= max_gap and not lines[j].strip():
            j += 1
        if j >= n or j - i > max_gap:
            continue
        nxt = lines[j].strip()
        if not nxt[:1].islower() or _LIST_PREFIX.match(lines[j]) or _TABLEISH.search(nxt) or _FOOTNOTE_LINE.match(lines[j]):
            continue
        pieces, head = split_sentences(body), split_sentences(nxt)
        if not pieces or not head:
            continue
        text = normalise(f"{pieces[-1]} {head[0]}")
        if (not _TERMINAL.search(text) or len(text) < 25 or not (text[0].isupper() or text[0] in "\"'\u201c\u2018")
                or any(b in comparable(text) for b in _BOILERPLATE) or looks_like_instruction(text)):
            continue
        out.append((line_start + i, line_start + j, len(pieces) - 1, text, bullet and len(pieces) == 1))
    return out


def lead_in_of(line: str, current: str) -> tuple[str, bool]:
    """(lead-in line now in force, whether ``line`` is a list item): a short line ending with ':'
    ("Kirklees Clinical Commissioning Group should:") introduces the list items after it."""
    if _LIST_PREFIX.match(line):
        return current, True
    return (line if line.rstrip().endswith(":") and len(line) < 200 else ""), False


def with_lead_in(sentences: list[Sentence], lead_in: str) -> list[Sentence]:
    """A list item is about what its lead-in names (who should act): the lead-in's words count for
    matching; the quote stays the item itself."""
    if lead_in:
        extra = set(content_terms(lead_in))
        for s in sentences:
            s.terms |= extra
    return sentences


@lru_cache(maxsize=65536)
def _line_sentences(raw: str) -> tuple[tuple[int, str, bool, frozenset[str]], ...]:
    """The quotable sentences of one source line: (position in the line, text, bullet, terms).

    Cached by line text: the same retrieved lines are cut again on every question that finds
    them (a comparative answer cuts ~80 chunks), and the cut depends on the line alone."""
    if not raw.strip() or _FOOTNOTE_LINE.match(raw):
        return ()
    bullet = bool(_LIST_PREFIX.match(raw))
    body = _LIST_PREFIX.sub("", raw)
    if _TABLEISH.search(body.strip()) and not bullet:
        return ()  # table rows and layout debris are figures, handled from structured data
    low = comparable(body)
    if any(b in low for b in _BOILERPLATE):
        return ()
    out = []
    for pos, s in enumerate(split_sentences(body)):
        if looks_like_instruction(s):
            continue  # addressed to a model, not evidence about a service
        if not re.search(r"[.!?][\"'\u201d\u2019)*]{0,3}$", s):
            continue  # cut off by a page break: not a quotable sentence
        # A list item may open in lower case ("3. undertake a health needs analysis ..."): the
        # numbered recommendations read that way, and they are what "what did they recommend" wants.
        if len(s) < 25 or s.endswith("?") or s.endswith(":") or not (
                s[0].isupper() or s[0] in "\"'\u201c\u2018" or (bullet and pos == 0 and s[0].islower())):
            continue
        out.append((pos, s, bullet, frozenset(content_terms(s))))
    return tuple(out)


def sentences_from_hits(hits: Iterable, report_lines=None) -> list[Sentence]:
    """Sentences of every hit. ``report_lines(source)`` (optional) gives the exact source lines,
    so sentences are cut from ``Report.lines`` rather than the stored chunk text."""
    out: list[Sentence] = []
    seen: set[tuple[str, int, str]] = set()
    for rank, h in enumerate(hits):
        lines = None
        if report_lines is not None:
            all_lines = report_lines(h.source)
            if all_lines:
                lines = list(all_lines[h.line_start - 1 : h.line_end])
        if lines is None:
            lines = h.text.split("\n")
        for s in sentences_from_lines(
            lines, h.line_start, source=h.source, service=h.service, section=h.section, title=h.title,
            page=h.page, kind=h.kind, rating=h.rating, framework=h.framework, published=h.published,
            hit_rank=rank, hit_score=h.score,
        ):
            key = (s.source, s.line, s.text)
            if key not in seen:
                seen.add(key)
                out.append(s)
    return out


def score_sentences(
    sentences: list[Sentence], query: str, *, standard: str | None = None, prefer_kinds: Sequence[str] = ("standard",),
    stats: tuple[dict[str, int], int] | None = None, section_bonus: float = 1.5, keep_known: bool = False,
) -> list[Sentence]:
    """Score by IDF-weighted query-term overlap, with small boosts for the standard's own section
    and the retriever's rank; returns the list sorted best first."""
    # Years and words naming the document itself select a report; they are not the topic.
    q_terms = [t for t in dict.fromkeys(content_terms(query))
               if not re.fullmatch(r"(?:19|20)\d\d", t) and t not in DOC_WORDS and t not in QUERY_GENERIC]
    if not sentences:
        return []
    n = len(sentences)
    df = Counter(t for s in sentences for t in set(s.terms) if t in q_terms)
    # A term no candidate contains (an abbreviation the reports spell out) cannot discriminate;
    # leaving it in would only dilute every sentence's coverage.
    groups = _concept_groups(q_terms)  # before dropping: the abbreviation may be absent here
    all_terms = list(q_terms)
    gdf, gn = stats if stats is not None else (df, n)
    # ``keep_known`` (one report of a comparison): a term other reports contain still counts, so a
    # report without the topic word is not scored as if its other words were the whole topic.
    q_terms = [t for t in q_terms if df[t] > 0 or (keep_known and gdf.get(t, 0) > 0)] or q_terms
    weights = {t: (1.0 + math.log((gn + 1) / (gdf.get(t, df[t]) + 0.5))) * (0.35 if t in WEAK_TERMS else 1.0)
               for t in all_terms}
    grouped = {t for g in groups for t in g}
    singles = [t for t in q_terms if t not in grouped]
    total = (sum(weights[t] for t in singles) + sum(max(weights[t] for t in g) for g in groups)) or 1.0
    implied: set[str] = set()
    if standard:
        # A sentence in the standard's own section is about that standard: the words that name
        # it ("out-of-court", "planning") are implied even when the sentence does not repeat them.
        domain = " out-of-court disposal oocd" if standard.startswith("3.") else (" court" if standard.startswith("2.") else "")
        title = next((x.title for x in sentences if x.section == standard), "")
        implied = set(content_terms(title + domain))
    for s in sentences:
        terms = s.terms | implied if (standard and s.section == standard) else s.terms
        overlap = 0.0
        for t in singles:
            if t in terms:
                overlap += weights[t]
        for g in groups:
            # an abbreviation and its spelled-out form are one concept: either counts, once
            abbr, rest = g[0], g[1:]
            if abbr in terms or (rest and sum(t in terms for t in rest) >= max(1, (2 * len(rest) + 2) // 3)):
                overlap += max(weights[t] for t in g)
        s.coverage = overlap / total
        # Phrase bonus: consecutive query terms appearing together in the sentence.
        low = comparable(s.text)
        qt = content_terms(query)
        for a, b in zip(qt, qt[1:]):
            if a in s.terms and b in s.terms and re.search(re.escape(a[:4]) + r"\w*\W+(?:\w+\W+)?" + re.escape(b[:4]), low):
                overlap += 0.8
        length = len(s.text)
        length_factor = 1.0 if 60 <= length <= 420 else 0.75
        bonus = 0.0
        if standard and s.section == standard:
            bonus += section_bonus
        if s.kind in prefer_kinds:
            bonus += 0.3
        bonus += 0.6 / (1 + s.hit_rank)
        s.score = overlap * length_factor + (bonus if overlap > 0 else 0.0)
    return sorted(sentences, key=lambda s: (-s.score, s.source, s.line))


def _concept_groups(q_terms: Sequence[str]) -> list[list[str]]:
    """[abbreviation, expansion terms...] for each abbreviation in the query whose expansion is
    also there (the router adds it): ``index.query.ABBREVIATIONS`` is the shared vocabulary."""
    try:
        from index.query import ABBREVIATIONS
    except Exception:  # pragma: no cover - index package absent
        return []
    present = set(q_terms)
    out: list[list[str]] = []
    for abbr, full in ABBREVIATIONS.items():
        a = stem(abbr)
        if a not in present:
            continue
        rest = [t for t in dict.fromkeys(content_terms(full)) if t in present and t != a]
        if rest:
            out.append([a] + rest)
    return out


def pick(sentences: Sequence[Sentence], k: int, *, min_score: float = 0.5, max_sim: float = 0.55,
         per_source: int | None = None, min_coverage: float = 0.0) -> list[Sentence]:
    """Best ``k`` sentences, skipping near-duplicates (the same fact repeated in the summary and
    the standard's section) and, optionally, more than ``per_source`` from one report."""
    chosen: list[Sentence] = []
    counts: Counter[str] = Counter()
    for s in sentences:
        if s.score < min_score:
            break
        if s.coverage < min_coverage:
            continue
        if any(jaccard(s.terms, c.terms) > max_sim or normalise(s.text) == normalise(c.text) for c in chosen):
            continue
        if per_source is not None and counts[s.source] >= per_source:
            continue
        chosen.append(s)
        counts[s.source] += 1
        if len(chosen) >= k:
            break
    return chosen


def merge(*groups: Iterable[Sentence]) -> list[Sentence]:
    """Union of candidate sentences; the first occurrence (e.g. from a retrieved hit, which keeps
    its rank) wins, with the terms of later copies added (the library's copy of a list item also
    carries its lead-in line's words)."""
    out: list[Sentence] = []
    seen: dict[tuple[str, int, str], Sentence] = {}
    for g in groups:
        for s in g:
            key = (s.source, s.line, s.text)
            first = seen.get(key)
            if first is None:
                seen[key] = s
                out.append(s)
            elif not s.terms <= first.terms:
                first.terms = first.terms | s.terms
    return out


def lexical_candidates(sentences: Iterable[Sentence], query: str, min_terms: int = 1) -> list[Sentence]:
    """Sentences of a whole report sharing at least ``min_terms`` query terms: a cheap exhaustive
    pass that catches what the retriever's top-k missed."""
    q = set(content_terms(query)) - QUERY_GENERIC
    return [s for s in sentences if len(q & s.terms) >= min_terms]


_CELL_SPLIT = re.compile(r"\t+|\s{3,}|\s*\|\s*")
_LABEL_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]+")


def table_rows(
    lines: Sequence[str], line_start: int, *, source: str, service: str | None, section_of, published: str | None = None,
    framework: str | None = None, page_of=None,
) -> list[Sentence]:
    """Label + figure rows of data tables ('Total staff headcount (FTE)<tab>43.7', '267<tab>First-time
    entrant rate ...') as evidence: the text is rendered 'label: figure.' so it reads as a sentence,
    the quote is the row itself, so the gate checks it against the line verbatim.

    Why: contextual facts and inspection-data annexes print caseloads, headcounts, budgets and
    rates only in tables; without this, a lookup for such a figure has nothing to cite."""
    out: list[Sentence] = []
    for i, raw in enumerate(lines):
        body = raw.strip()
        if not body or len(body) > 300 or not _TABLEISH.search(body) and "|" not in body:
            continue
        cells = [c.strip() for c in _CELL_SPLIT.split(_FOOTNOTE_MARKS.sub("", body)) if c.strip() and not re.fullmatch(r"-+|:?-+:?", c.strip())]
        labels = [c for c in cells if len(_LABEL_WORD.findall(c)) >= 2 and not re.match(r"[\d\u00a3$\u20ac]", c)]
        values = [c for c in cells if c not in labels and re.search(r"\d", c)]
        if len(labels) != 1 or not values or len(values) > 2:
            continue
        label = labels[0].rstrip(" :")
        sec_id, title, kind = section_of(line_start + i)
        values = [v for v in values if not re.fullmatch(r"\d\.\d\.?", v)]  # standard numbers, not figures
        if (not values or label.endswith("?") or sec_id in ("contents", "cover", "ratings", "methodology")
                or re.search(r"\.{4,}", label)):
            continue  # key-question rows are numeric answers' job; contents lines are page numbers
        text = f"{label}: {' / '.join(values)}."
        out.append(Sentence(
            text=text, source=source, service=service, section=sec_id, title=title, line=line_start + i,
            page=page_of(line_start + i) if page_of else None, kind="table", framework=framework,
            published=published, hit_rank=99, terms=set(content_terms(label)), quote=normalise(raw),
        ))
    return out


_FOOTNOTE_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f]+")
