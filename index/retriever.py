"""Hybrid retrieval: dense (Chroma) + BM25, fused, boosted by query understanding, diversified.

Why not plain RRF: reciprocal ranks throw away how much better the first hit is than the tenth,
and on this corpus naive RRF scored below BM25 alone. Here each retriever's scores are normalised
over the candidate pool (dense cosine min-max, BM25 divided by its maximum) and mixed with a weight;
then small multiplicative boosts prefer the standard a question names (and that standard's own
section over the foreword, summary or recommendations restating it), the services it names, and
key-question tables for numeric questions. Comparative questions get one or two best hits per service
before the global ranking fills the rest, so a report that holds the answer is not crowded out.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from index.corpus import LOW_VALUE_SECTIONS, SUMMARY_SECTIONS, Corpus
from index.model import Chunk, Hit
from index.query import QueryPlan
from yotassist.settings import RetrievalSettings, get_settings

__all__ = ["Corpus", "fuse", "hybrid_search", "rare_limits", "top_per_source", "diversify"]

#: Question words that ask for a figure (key-question and ratings tables get ``table_boost``).
NUMERIC_WORDS = re.compile(r"\b(percent\w*|%|how many|proportion|score[ds]?|figure[s]?|number of|rated|rating[s]?|key questions?)\b")


def _tuning(tuning: RetrievalSettings | None) -> RetrievalSettings:
    """The weights to rank with: the caller's, else the process settings (``Settings.retrieval``)."""
    return tuning if tuning is not None else get_settings().retrieval


def rare_limits(n_chunks: int, tuning: RetrievalSettings | None = None) -> tuple[int, int]:
    """(document frequency up to which a question's term counts as rare in an index of ``n_chunks``,
    the factor for its rarest term): arguments of ``LexicalIndex.rare_match``."""
    t = _tuning(tuning)
    return max(t.rare_min_df, int(t.rare_share * n_chunks)), t.rare_specific


def top_per_source(scores: np.ndarray, mask: np.ndarray, codes: np.ndarray, n: int) -> np.ndarray:
    """Rows holding each source's ``n`` best ``scores`` among ``mask`` (one sort, no per-report loop:
    at 500 reports the loop cost ~100 ms per comparative question)."""
    rows = np.flatnonzero(mask)
    if not rows.size:
        return rows
    order = rows[np.lexsort((-scores[rows], codes[rows]))]
    grouped = codes[order]
    starts = np.r_[0, np.flatnonzero(np.diff(grouped)) + 1]
    rank = np.arange(order.size) - np.repeat(starts, np.diff(np.r_[starts, order.size]))
    return order[rank < n]


def _norm_minmax(values: dict[int, float]) -> dict[int, float]:
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    if hi - lo < 1e-9:
        return {i: 1.0 for i in values}
    return {i: (v - lo) / (hi - lo) for i, v in values.items()}


def fuse(dense: dict[int, float], lexical: np.ndarray, candidates: int, dense_weight: float | None = None,
         allowed: np.ndarray | None = None) -> dict[int, float]:
    """Normalised score fusion over the union of both retrievers' top candidates (``dense_weight``:
    ``Settings.retrieval.dense_weight`` unless given)."""
    if dense_weight is None:
        dense_weight = _tuning(None).dense_weight
    lex = lexical.copy() if lexical.size else lexical
    if allowed is not None and lex.size:
        lex[~allowed] = 0.0
    top_lex = [int(i) for i in np.argsort(-lex)[:candidates] if lex[i] > 0] if lex.size else []
    pool = set(dense) | set(top_lex)
    d_norm = _norm_minmax({i: dense[i] for i in dense})
    # Dense scores for lexical-only candidates are unknown: give them the pool's floor (0 after min-max).
    lmax = float(lex.max()) if lex.size and lex.max() > 0 else 1.0
    return {i: dense_weight * d_norm.get(i, 0.0) + (1 - dense_weight) * (float(lex[i]) / lmax if lex.size else 0.0)
            for i in pool}


def boost_factors(rows: np.ndarray, corpus: Corpus, plan: QueryPlan, numeric: bool,
                  tuning: RetrievalSettings | None = None) -> np.ndarray:
    """The multiplicative boost of each of ``rows`` (terms added in a fixed order, so the result
    equals the one-chunk-at-a-time arithmetic it replaced)."""
    t = _tuning(tuning)
    factor = np.ones(len(rows), dtype=np.float64)
    if plan.standards:
        named = corpus.section_mask(plan.standards)[rows]
        explicit = corpus.section_mask(plan.explicit_standards)[rows] if plan.explicit_standards else np.zeros(len(rows), bool)
        factor += np.where(named, np.where(explicit, t.explicit_standard_boost, t.standard_boost), 0.0)
        factor += np.where(named & corpus.own_kind[rows], t.own_section_boost, 0.0)
    if plan.sections:
        factor += np.where(corpus.section_mask(plan.sections)[rows], t.standard_boost, 0.0)
    if plan.services and plan.is_comparative:
        factor += np.where(corpus.service_mask(plan.services)[rows], t.service_boost, 0.0)
    if plan.years:
        factor += np.where(corpus.year_mask(plan.years)[rows], t.year_boost, 0.0)
    if numeric:
        factor += np.where(corpus.is_table[rows], t.table_boost, 0.0)
    factor -= np.where(corpus.is_summary[rows], t.summary_penalty, 0.0)
    factor -= np.where(corpus.is_low_value[rows], t.front_penalty, 0.0)
    return factor


def _rare_pairs(query: str) -> list[tuple[str, str]]:
    """Adjacent term pairs of the question (names are word sequences: the words recur across
    reports, the sequence does not)."""
    from index.lexical import tokenize

    terms = tokenize(query)
    return [(a, b) for a, b in zip(terms, terms[1:]) if a != b] if len(terms) >= 2 else []


def _phrase_text(chunk: Chunk) -> str:
    return f"{chunk.title}\n{chunk.text}"


_PAIRS: dict[str, frozenset[tuple[str, str]]] = {}  # chunk id -> its adjacent term pairs (ids are immutable)


def _pair_share(pairs: list[tuple[str, str]], chunk: Chunk) -> float:
    from index.lexical import tokenize

    have = _PAIRS.get(chunk.id)
    if have is None:
        toks = tokenize(_phrase_text(chunk))
        have = frozenset(zip(toks, toks[1:]))
        if len(_PAIRS) > 50000:
            _PAIRS.clear()
        _PAIRS[chunk.id] = have
    return sum(1 for p in pairs if p in have) / len(pairs)


def _is_summary(chunk: Chunk) -> bool:
    return chunk.kind == "domain" or chunk.section in SUMMARY_SECTIONS


def diversify(ranked: list[int], corpus: Corpus, k: int, per_source: int, min_ratio: float,
              scores: dict[int, float], own_ratio: float | None = None) -> list[int]:
    """Round-robin the best hits per service (up to ``per_source`` each) before the global order.

    A report only takes part when its best hit scores at least ``min_ratio`` of the overall best,
    so a report that does not discuss the topic does not push out a good second hit elsewhere.
    ``own_ratio``: ``Settings.retrieval.own_section_ratio`` unless given.
    """
    if own_ratio is None:
        own_ratio = _tuning(None).own_section_ratio
    if not ranked:
        return []
    best = scores[ranked[0]] or 1.0
    by_source: dict[str, list[int]] = {}  # grouped by service (a service's reports share a slot)
    for i in ranked:
        by_source.setdefault(corpus.chunks[i].service or corpus.chunks[i].source, []).append(i)
    eligible = [s for s, items in by_source.items() if scores[items[0]] >= min_ratio * best]
    eligible.sort(key=lambda s: -scores[by_source[s][0]])
    # Within a service, prefer a standard's own section over a summary restating it when it
    # scores nearly as well (the design's "cite the standard, not the foreword" rule).
    for s in eligible:
        items = by_source[s]
        top = scores[items[0]]
        own = [i for i in items if not _is_summary(corpus.chunks[i])]
        if own and own[0] != items[0] and _is_summary(corpus.chunks[items[0]]) and scores[own[0]] >= own_ratio * top:
            items.remove(own[0])
            items.insert(0, own[0])
    # Each round (best per service, then second best...) in score order, rounds kept in sequence:
    # any prefix of the result is itself as diversified as it can be (callers may truncate).
    picked: list[int] = []
    for round_ in range(per_source):
        this_round = [by_source[s][round_] for s in eligible if round_ < len(by_source[s])]
        picked.extend(sorted(this_round, key=lambda i: -scores[i]))
    picked = picked[:k]
    chosen = set(picked)
    for i in ranked:
        if len(picked) >= k:
            break
        if i not in chosen:
            picked.append(i)
            chosen.add(i)
    return picked[:k]


def to_hit(chunk: Chunk, score: float) -> Hit:
    return Hit(text=chunk.text, source=chunk.source, service=chunk.service, section=chunk.section,
               title=chunk.title, kind=chunk.kind, rating=chunk.rating, framework=chunk.framework,
               published=chunk.published, line_start=chunk.line_start, line_end=chunk.line_end,
               page=chunk.page, score=round(float(score), 6), chunk_id=chunk.id)


def hybrid_search(
    plan: QueryPlan,
    corpus: Corpus,
    lexical_scores: np.ndarray,
    dense_search: Callable[[dict | None, int], list[tuple[str, float]]],
    k: int,
    *,
    candidates: int = 50,
    service: str | None = None,
    standard: str | None = None,
    diversify_results: bool | None = None,
    rare_match: np.ndarray | None = None,
    dense_sims: np.ndarray | None = None,
    tuning: RetrievalSettings | None = None,
) -> list[Hit]:
    """Rank the visible chunks for ``plan``.

    ``dense_search(where, n)`` returns (chunk id, cosine) pairs from Chroma for a metadata filter.
    ``service``/``standard`` are hard filters (from the caller); services named in a
    non-comparative question also become a filter, named standards only a boost.
    ``rare_match`` (``LexicalIndex.rare_match``): per chunk, the share of the question's rare terms
    it holds; such chunks get up to ``rare_term_boost``. ``dense_sims``: the cosine of every corpus
    row when the caller has them (exact in-memory search), so per-report candidates need no loop (see bench/results/scale.md: without it
    recall@5 of named facts fell from 97% at 50 reports to 76% at 500, BM25 alone kept 99.7%).
    ``tuning``: the weights (``Settings.retrieval`` unless given).
    """
    t = _tuning(tuning)
    dense_weight = t.dense_weight
    n_rows = len(corpus.chunks)
    if not n_rows:
        return []
    services = [service] if service else ([] if plan.is_comparative else plan.services)
    allowed = np.ones(n_rows, dtype=bool)
    if services:
        allowed &= corpus.service_mask(services)
    if standard:
        allowed &= corpus.section_mask([standard])
    if not allowed.any():
        return []

    where: dict | None = None
    conds = []
    if services:
        conds.append({"service": services[0]} if len(services) == 1 else {"service": {"$in": services}})
    if standard:
        conds.append({"section": standard})
    if conds:
        where = conds[0] if len(conds) == 1 else {"$and": conds}

    do_div = plan.is_comparative if diversify_results is None else diversify_results
    # Dense candidates: row -> best cosine (NaN: not a dense candidate).
    dense = np.full(n_rows, np.nan, dtype=np.float64)

    def take(pairs: list[tuple[str, float]]) -> None:
        for cid, sim in pairs:
            pos = corpus.position.get(cid)
            if pos is not None and allowed[pos]:
                dense[pos] = sim if np.isnan(dense[pos]) else max(sim, dense[pos])

    take(dense_search(where, candidates))
    if do_div and not services:
        # Make sure every report has dense candidates, not only those that dominate the global top.
        if dense_sims is not None and len(dense_sims) == n_rows:
            rows = top_per_source(dense_sims, allowed, corpus.source_codes, max(5, candidates // 5))
            new = dense_sims[rows].astype(np.float64)
            dense[rows] = np.where(np.isnan(dense[rows]), new, np.fmax(dense[rows], new))
        else:
            for src in sorted({c.source for c in corpus.chunks}):
                src_where = {"source": src} if where is None else {"$and": [where, {"source": src}]}
                take(dense_search(src_where, max(5, candidates // 5)))

    # Fusion (as ``fuse``, over arrays): dense min-max over its candidates, BM25 over its maximum.
    lex = lexical_scores if len(lexical_scores) == n_rows else np.zeros(n_rows, dtype=np.float32)
    lex64 = lex.astype(np.float64)
    lex_allowed = np.where(allowed, lex64, 0.0)
    in_dense = ~np.isnan(dense)
    d_norm = np.zeros(n_rows, dtype=np.float64)
    if in_dense.any():
        lo, hi = float(dense[in_dense].min()), float(dense[in_dense].max())
        d_norm[in_dense] = 1.0 if hi - lo < 1e-9 else (dense[in_dense] - lo) / (hi - lo)
    take_n = min(candidates, n_rows)
    top_lex = np.argpartition(-lex_allowed, take_n - 1)[:take_n] if take_n < n_rows else np.arange(n_rows)
    top_lex = top_lex[lex_allowed[top_lex] > 0]
    fused = np.full(n_rows, np.nan, dtype=np.float64)
    pool = in_dense.copy()
    pool[top_lex] = True
    lmax = float(lex_allowed.max()) if lex_allowed.max() > 0 else 1.0
    fused[pool] = dense_weight * d_norm[pool] + (1 - dense_weight) * (lex_allowed[pool] / lmax)
    lmax_all = float(lex64.max()) if lex64.max() > 0 else 1.0
    if do_div:
        # BM25 scores every chunk anyway: add each report's best lexical candidates to the pool.
        rows = top_per_source(lex, allowed & (lex > 0), corpus.source_codes, 5)
        rows = rows[np.isnan(fused[rows])]
        fused[rows] = dense_weight * d_norm[rows] + (1 - dense_weight) * lex64[rows] / lmax_all

    numeric = bool(NUMERIC_WORDS.search(plan.query.lower()))
    if rare_match is not None:
        # Chunks naming the question's rare terms join the pool even if neither top list had them.
        rare = rare_match.astype(np.float64)
        join = (rare > 0) & allowed & np.isnan(fused)
        fused[join] = (1 - dense_weight) * lex64[join] / max(float(lex64.max()), 1e-9)
        pooled = ~np.isnan(fused)
        fused[pooled] *= 1.0 + t.rare_term_boost * rare[pooled]
        holders = np.flatnonzero(pooled & (rare > 0))
        pairs = _rare_pairs(plan.text) if holders.size else []
        if pairs:
            # Only the best few holders are read word by word (a phrase check costs a tokenisation).
            for i in holders[np.argsort(-fused[holders], kind="stable")[:t.phrase_checks]]:
                got = _pair_share(pairs, corpus.chunks[int(i)])
                if got:
                    fused[i] *= 1.0 + t.phrase_boost * got
    rows = np.flatnonzero(~np.isnan(fused))
    scores = fused[rows] * boost_factors(rows, corpus, plan, numeric, t)
    order = np.argsort(-scores, kind="stable")
    ranked, ranked_scores = rows[order], scores[order]
    # Drop exact duplicate texts (the same paragraph stored twice) keeping the best.
    first = np.sort(np.unique(corpus.dup_codes[ranked], return_index=True)[1])
    unique, unique_scores = ranked[first], ranked_scores[first]
    if not do_div:
        return [to_hit(corpus.chunks[int(i)], float(s)) for i, s in zip(unique[:k], unique_scores[:k])]
    groups = corpus.group_codes[unique]
    per = 2 if k >= 2 * len(np.unique(groups[:50])) else 1
    keep = _diversify_prefix(groups, corpus.is_summary[unique], 2 * k)
    scored = {int(i): float(s) for i, s in zip(unique[keep], unique_scores[keep])}
    chosen = diversify(list(scored), corpus, k, per_source=max(1, per), min_ratio=t.diversify_min_ratio,
                       scores=scored, own_ratio=t.own_section_ratio)
    return [to_hit(corpus.chunks[i], scored[i]) for i in chosen]


def _diversify_prefix(groups: np.ndarray, summary: np.ndarray, top: int) -> np.ndarray:
    """Positions of a ranked list that ``diversify`` can pick (same result as the whole list):
    the first ``top`` overall (its final fill), each group's best three (its rounds, per group at
    most two) and each group's best non-summary (its "own section first" swap)."""
    n = len(groups)
    order = np.lexsort((np.arange(n), groups))  # by group, rank order kept within a group
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g)) + 1] if n else np.zeros(0, np.int64)
    rank_in_group = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n])) if n else np.zeros(0, np.int64)
    keep = np.zeros(n, dtype=bool)
    keep[:top] = True
    keep[order[rank_in_group < 3]] = True
    own = order[~summary[order]]  # non-summary positions, grouped, rank order within a group
    if own.size:
        og = groups[own]
        keep[own[np.r_[True, og[1:] != og[:-1]]]] = True
    return np.flatnonzero(keep)
