"""Evidence selection: which of the scored candidate sentences an extractive answer shows.

Each candidate has a lexical score (``assistant.evidence.score_sentences``, plus the composer's
own boosts); here it is fused with the sentence's embedding similarity to the question (the
index's model, ``assistant.semantic``), the answer-type cues the question asks for
(``assistant.answer_cues``) and the retriever's rank. Weights and thresholds are settings
(``EvidenceSettings``). Three guarantees:

- every part of a multi-part question gets its own best sentence, or is reported missing;
- the best sentence of the retriever's top hits, when it is close to the question, is never
  dropped for a weaker one (the answer is never worse than the search it sits on);
- a sentence that leans on the one before it ("Of these, ...") comes with that sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Sequence

from assistant.answer_cues import asked, carries
from assistant.evidence import DOC_WORDS, QUERY_GENERIC, Sentence, score_sentences
from assistant.evidence_model import features, load_model
from assistant.parts import Part
from assistant.semantic import SentenceVectors
from assistant.text import content_terms, jaccard, normalise
from assistant.tone import dangling
from yotassist.settings import EvidenceSettings, get_settings


@dataclass
class Selection:
    """``lead``: the sentences that answer (one per part, best first); ``rest``: supporting
    evidence; ``missing``: the parts no candidate answers."""

    lead: list[Sentence] = field(default_factory=list)
    rest: list[Sentence] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[Sentence]:
        return self.lead + self.rest


#: Set by ``bench/fit_evidence.py`` to collect (question, candidates, feature rows); None in use.
RECORDER: Any = None


def vectors_of(lib: Any) -> SentenceVectors:
    """The library's sentence-vector cache (one per Library, so one per Assistant)."""
    v = lib.__dict__.get("_sentence_vectors")
    if v is None:
        v = lib.__dict__["_sentence_vectors"] = SentenceVectors(lib.index)
    return v


def warm_evidence(lib: Any, cfg: EvidenceSettings | None = None) -> int:
    """Embed every evidence sentence and table row of the library now (cached by content hash in
    the index folder, so only the first warm-up of an index encodes). Returns the count, 0 when the
    library is bigger than ``warm_max_sentences`` (then sentences are embedded as questions need them)."""
    cfg = cfg or get_settings().evidence
    texts: list[str] = []
    for r in lib.reports:
        texts += [s.text for s in lib.sentences(r.source)] + [s.text for s in lib.table_rows(r.source)]
        if len(texts) > cfg.warm_max_sentences:
            return 0
    vectors_of(lib).warm(texts)
    return len(texts)


def _sim_scale(sims: Sequence[float], cfg: EvidenceSettings) -> tuple[float, float]:
    """(low, high) for normalising cosines within one candidate pool: MiniLM cosines of on- and
    off-topic sentences differ by a few tenths, so the pool's median (at least the floor) maps to 0
    and its best to 1."""
    if not sims:
        return cfg.semantic_floor, 1.0
    xs = sorted(sims)
    lo = max(cfg.semantic_floor, xs[len(xs) // 2])
    return lo, max(lo + 0.05, xs[-1])


def _norm_sim(sim: float, scale: tuple[float, float]) -> float:
    lo, hi = scale
    return min(1.0, max(0.0, sim - lo) / (hi - lo))


def fused(s: Sentence, sim: float, lex_top: float, wanted: list, cfg: EvidenceSettings,
          scale: tuple[float, float] = (0.3, 1.0), question: str = "") -> float:
    """The fused score of one sentence against one question (or one part of it)."""
    rank = 1.0 / (1 + s.hit_rank) if s.hit_rank < 50 else 0.0
    return (cfg.lexical_weight * max(0.0, s.lexical) / lex_top + cfg.semantic_weight * _norm_sim(sim, scale)
            + cfg.cue_weight * carries(s.text, wanted, question) + cfg.rank_weight * rank)


def _eligible(s: Sentence, cfg: EvidenceSettings, min_score: float, min_coverage: float, semantic: bool = True) -> bool:
    """Close enough to be shown at all: lexically (the old gate) or, when ``semantic``, by its
    similarity alone (an answer in other words)."""
    return ((s.lexical >= min_score and s.coverage >= min_coverage)
            or (semantic and s.similarity >= cfg.semantic_alone))


def _dup(s: Sentence, chosen: Sequence[Sentence], max_sim: float = 0.55) -> bool:
    return any(s is c or jaccard(s.terms, c.terms) > max_sim or normalise(s.text) == normalise(c.text) for c in chosen)


def select(sents: list[Sentence], question: str, parts: Sequence[Part], lib: Any, k: int, *,
           stats: Any = None, standard: str | None = None, min_score: float = 1.0, min_coverage: float = 0.34,
           protect: bool = True, cfg: EvidenceSettings | None = None) -> Selection:
    """Pick the answer's sentences from lexically scored candidates (``s.score``, best first)."""
    cfg = cfg or get_settings().evidence
    sel = Selection()
    if not sents:
        sel.missing = [p.text for p in parts] if len(parts) > 1 else []
        return sel
    for s in sents:
        s.lexical = s.score
    vec = vectors_of(lib)
    texts = [s.text for s in sents]
    sims = vec.similarities(question, texts)
    for s, x in zip(sents, sims):
        s.similarity = x
    lex_top = max(1.0, max(s.lexical for s in sents))
    wanted = asked(question)
    scale = _sim_scale(sims, cfg)
    for s in sents:
        s.score = fused(s, s.similarity, lex_top, wanted, cfg, scale, question)
    model = load_model() if cfg.learned else None
    if model is not None or RECORDER is not None:
        pool = (max(s.score for s in sents), max(s.similarity for s in sents), max(s.coverage for s in sents))
        rows = [features(s, _norm_sim(s.similarity, scale), lex_top, wanted, question, pool) for s in sents]
        if RECORDER is not None:
            RECORDER(question, sents, rows)
        if model is not None:
            for s, x in zip(sents, rows):
                s.learned = model.probability(x)
    # Order by the learned score when there is one (the fused score still gates what may be shown).
    ranked = sorted(sents, key=lambda s: ((-s.learned, -s.score) if model is not None else (-s.score,)) + (s.source, s.line))
    # A comparison (protect=False) shows a report only on lexical evidence: a sentence that is
    # merely similar ("children", "volunteers") is not evidence on the topic.
    ok = [s for s in ranked if s.score >= cfg.min_fused and _eligible(s, cfg, min_score, min_coverage, protect)]
    if len(parts) > 1:
        top_fused = max(s.score for s in sents) or 1.0
        for p in parts:
            best = _best_for_part(p, sents, lib, top_fused, stats, standard, cfg, min_coverage, sel.lead)
            if best is None:
                sel.missing.append(p.text)
            elif not any(best is c for c in sel.lead):
                sel.lead.append(best)
    if not sel.lead and ok:
        sel.lead.append(ok[0])
    if not sel.lead and not protect:
        return sel
    # Never worse than search: the best sentence of the top hits, when close to the question.
    top = [s for s in ranked if s.hit_rank < cfg.protect_rank and s.similarity >= cfg.protect_similarity]
    if protect and top and not _dup(top[0], sel.all):
        sel.rest.append(top[0])
    # ... and the best sentence by the words of the question: fusion may rank it below sentences
    # that are merely similar, but a sentence naming what was asked about is never dropped for them.
    lex_best = max(sents, key=lambda s: s.lexical) if protect else None
    if lex_best is not None and lex_best.coverage >= min_coverage and lex_best.lexical >= min_score \
            and not _dup(lex_best, sel.all):
        sel.rest.append(lex_best)
    for s in ok:
        if len(sel.all) >= max(k, len(sel.lead)):
            break
        if not _dup(s, sel.all):
            sel.rest.append(s)
    return sel


def _best_for_part(p: Part, sents: list[Sentence], lib: Any, top_fused: float, stats: Any, standard: str | None,
                   cfg: EvidenceSettings, min_coverage: float, taken: Sequence[Sentence] = ()) -> Sentence | None:
    """The candidate that best answers one part: the part's own lexical coverage, similarity and
    cues, on top of the sentence's relevance to the whole question (its subject)."""
    own_terms = _own_terms(p)
    part_lex: dict[int, tuple[float, float]] = {}
    if own_terms:
        copies = [replace(s, terms=set(s.terms)) for s in sents]
        score_sentences(copies, own_terms, standard=standard, stats=stats)  # scores the copies in place
        part_lex = {id(orig): (c.score, c.coverage) for orig, c in zip(sents, copies)}
    sims = vectors_of(lib).similarities(p.query, [s.text for s in sents])
    wanted = asked(p.text)
    scale = _sim_scale(sims, cfg)
    top = max([1.0] + [v[0] for v in part_lex.values()])
    best, best_score = None, -1.0
    for s, sim in zip(sents, sims):
        lex, cov = part_lex.get(id(s), (0.0, 0.0))
        score = (cfg.lexical_weight * max(0.0, lex) / top + cfg.semantic_weight * _norm_sim(sim, scale)
                 + 2 * cfg.cue_weight * carries(s.text, wanted, p.query) + cfg.part_subject_weight * s.score / top_fused
                 - (cfg.part_repeat_penalty if any(s is t for t in taken) else 0.0))
        relevant = s.coverage >= min_coverage * 0.5 or max(sim, s.similarity) >= cfg.part_similarity
        # It answers this part when it carries the kind of token asked for (a name, a date, a
        # figure) or, for a part with no such cue, most of the part's own words.
        answers = carries(s.text, wanted, p.query) > 0 if wanted else (cov >= 0.5 if part_lex else True)
        if relevant and answers and score > best_score:
            best, best_score = s, score
    return best if best is not None and best_score >= cfg.part_min_fused else None


def _own_terms(p: Part) -> str:
    """The words of a part that are its own (not the subject carried over from the question),
    without the words of asking ("how often does it", "what was")."""
    terms = [t for t in content_terms(p.text) if t not in QUERY_GENERIC and t not in DOC_WORDS]
    return " ".join(terms)


def with_antecedents(chosen: list[Sentence], lib: Any) -> list[Sentence]:
    """Each chosen sentence that starts by pointing back ("Of these, ...", "This meant ...") is
    preceded by the sentence before it in the report (same line, or the end of the previous
    paragraph in the same section)."""
    out: list[Sentence] = []
    order: dict[str, list[Sentence]] = {}
    for s in chosen:
        if dangling(s.text) and not any(o.source == s.source and o.line == s.line and o.index == s.index - 1 for o in out):
            # Read only (the one picked is copied below): the library's own list, not a copy of it.
            seq = order.setdefault(s.source, _raw_shared(lib, s.source))
            prev = _previous(seq, s)
            if prev is not None and not any(prev.line == o.line and prev.index == o.index and prev.source == o.source
                                            for o in out + chosen):
                out.append(replace(prev, score=s.score, similarity=s.similarity))
        out.append(s)
    return out


def _raw_shared(lib: Any, source: str) -> Sequence[Sentence]:
    """The library's cached sentences of a report, not copied (callers only read them); copying
    all of them per dangling sentence was a tenth of a lookup's CPU time."""
    shared = getattr(lib, "_raw_sentences", None)
    return shared(source) if callable(shared) else lib.raw_sentences(source)


def _previous(seq: Sequence[Sentence], s: Sentence) -> Sentence | None:
    before = [x for x in seq if (x.line, x.index) < (s.line, s.index) and x.section == s.section]
    if not before:
        return None
    prev = max(before, key=lambda x: (x.line, x.index))
    return prev if s.line - prev.line <= 2 else None
