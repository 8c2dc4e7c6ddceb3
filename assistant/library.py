"""The assistant's view of the index: parsed reports cached in memory, their evidence sentences
(with a term index per report, ``assistant.sentence_index``), boilerplate and term statistics.

Why: every question reads the library many times; it changes only when the index does, so all
of it is derived once per report set. The structured facts and the lines that print them live in
``assistant.facts`` (re-exported here).
"""

from __future__ import annotations

from typing import Any, Sequence

from assistant.facts import (  # noqa: F401 - re-exported: composers import them from here
    ANNEX_CUES, Fact, annex_facts, context_of, kq_fact, label, overall_fact, score_fact, standard_rating_fact,
)
from assistant.text import comparable
from ingest.injection import usable_lines
from ingest.model import Report


class Library:
    """Cached parsed reports of an index (``Index.reports()`` / ``Index.get_report``)."""

    def __init__(self, index: Any) -> None:
        import threading

        self.index = index
        self._reports: dict[str, Report] = {}
        self._sig: tuple | None = None
        # One thread builds the library-wide caches (report list, boilerplate, term statistics)
        # while concurrent first questions wait: at 500 reports building them takes seconds, and
        # 25 API threads each building their own copy at once starved the server.
        self._lock = threading.RLock()
        from pathlib import Path

        from assistant.sentence_store import SentenceStore

        folder = getattr(index, "dir", None)
        self._store = SentenceStore(Path(folder) / "views" / "sentences" if isinstance(folder, (str, Path)) else None)

    def refresh(self, force: bool = False) -> None:
        """Re-read the index's report list when it may have changed: at most every couple of
        seconds unless forced, and even then only when the index's change stamp moved (one
        ``stat`` or one small server read). Why: every question forces a refresh, and listing
        500 report records per question cost more than answering it."""
        import time

        now = time.monotonic()
        if not force and self._sig is not None and now - self.__dict__.get("_checked", 0.0) < 2.0:
            return
        gen = self._index_generation()
        if self._sig is not None and gen is not None and gen == self.__dict__.get("_gen"):
            self.__dict__["_checked"] = now
            return
        # Questions never wait for another thread's refresh once a report set is installed: they
        # go on with the current one (complete and consistent) until the new one is published
        # with its boilerplate and term statistics built (``_refresh``). Before, every question
        # of a worker queued here for seconds after each upload (bench/results/load.md).
        if not self._lock.acquire(blocking=self._sig is None):
            return
        try:
            if self._sig is not None and gen is not None and gen == self.__dict__.get("_gen"):
                return
            self._refresh(now)
            # The stamp read *before* listing: a change made meanwhile moves it again, so the
            # next refresh lists again.
            self.__dict__["_gen"] = gen
        finally:
            self._lock.release()

    def warm(self) -> None:
        """Build every library-wide cache now (servers call this at start-up, before serving):
        at 500 reports the first question would otherwise spend seconds cutting every report
        into sentences, counting boilerplate and term statistics."""
        self.refresh(force=True)
        self.term_stats()
        for r in list(self._reports.values()):
            self._kept(r.source)
            self.table_rows(r.source)
            annex_facts(r)

    def _index_generation(self) -> object | None:
        """The index's change stamp, or None when the index cannot tell (always re-list then)."""
        read = getattr(self.index, "generation", None)
        if not callable(read):
            return None
        try:
            return read()
        except Exception:
            return None

    def _refresh(self, now: float) -> None:
        self.__dict__["_checked"] = now
        summaries = self.index.reports()
        sig = tuple(sorted((s.source, s.sha256) for s in summaries))
        if sig == self._sig:
            return
        reports: dict[str, Report] = {}
        for s in summaries:
            old = self._reports.get(s.source)
            if old is not None and old.sha256 == s.sha256:
                reports[s.source] = old
                continue
            r = self.index.get_report(s.source)
            if r is not None:
                reports[s.source] = r
        self._reports = reports
        # Per-report caches of versions no longer in the index go (a long-running server sees
        # many uploads and removals).
        live = set(sig)
        self._store.prune({sha for _, sha in sig})
        for name in ("_sentences", "_comps", "_rows", "_terms_index"):
            cache = self.__dict__.get(name) or {}
            for key in [k for k in cache if k not in live]:
                cache.pop(key, None)
        kept = self.__dict__.get("_kept_cache") or {}
        for source in [k for k in kept if k not in reports]:
            kept.pop(source, None)
        # The library-wide statistics of the new set, built before it is published, so questions
        # answered meanwhile keep the old set's (matching ``_sig``) instead of waiting to rebuild.
        boiler = self._count_boilerplate(reports) if self._sig is not None else None
        stats = self._count_terms(reports) if self._sig is not None else None
        # Derived once per report set: read on every question (several times by some composers).
        self.__dict__["_sorted"] = sorted(reports.values(), key=lambda r: (r.service or "", r.published or ""))
        self.__dict__["_services"] = sorted({r.service for r in reports.values() if r.service})
        if boiler is not None and stats is not None:
            self.__dict__["_boiler"] = (sig, boiler)
            self.__dict__["_df"] = (sig, *stats)
        self._sig = sig

    @property
    def reports(self) -> list[Report]:
        self.refresh()
        return list(self.__dict__.get("_sorted", ()))

    def get(self, source: str) -> Report | None:
        self.refresh()
        r = self._reports.get(source)
        if r is None:
            r = self.index.get_report(source)
        return r

    def _raw_sentences(self, source: str) -> list:
        from assistant.evidence import Sentence, bridges, lead_in_of, sentences_from_lines, with_lead_in
        from assistant.text import content_terms

        r = self.get(source)
        if r is None:
            return []
        cache = self.__dict__.setdefault("_sentences", {})
        key = (source, r.sha256)
        if key not in cache and (stored := self._store.load(r.sha256)) is not None:
            cache[key] = stored[0]  # cut by an earlier process (``assistant.sentence_store``)
            self.__dict__.setdefault("_comps", {})[key] = stored[1]
        if key not in cache:
            owner: dict[int, Any] = {}
            for sec in sorted(r.sections, key=lambda s: -(s.line_end - s.line_start)):
                for ln in range(sec.line_start, sec.line_end + 1):
                    owner[ln] = sec  # smaller sections overwrite bigger ones
            out = []
            lead_in = ""  # "The Board should:" over a numbered list: its words count for the items
            lines = usable_lines(r)
            for i, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                sec = owner.get(i)
                lead_in, item = lead_in_of(line, lead_in)
                out += with_lead_in(sentences_from_lines(
                    [line], i, source=r.source, service=r.service, section=getattr(sec, "id", "front"),
                    title=getattr(sec, "title", ""), page=r.page_of(i), kind=getattr(sec, "kind", None),
                    rating=getattr(sec, "rating_in_text", None), framework=r.framework, published=r.published,
                    hit_rank=99,
                ), lead_in if item else "")
            # Sentences cut by a page break: joined across the break, placed at their first line.
            for first, last, pos, text, bullet in bridges(lines, 1):
                sec = owner.get(first)
                out.append(Sentence(
                    text=text, source=r.source, service=r.service, section=getattr(sec, "id", "front"),
                    title=getattr(sec, "title", ""), line=first, line_end=last, page=r.page_of(first),
                    kind=getattr(sec, "kind", None), rating=getattr(sec, "rating_in_text", None), framework=r.framework,
                    published=r.published, hit_rank=99, bullet=bullet, index=pos, terms=set(content_terms(text))))
            out.sort(key=lambda x: (x.line, x.index))
            cache[key] = out
            # Their comparable forms, once: boilerplate is recounted over every report whenever the
            # report set changes (each upload), and filtered out of every report's sentences.
            self.__dict__.setdefault("_comps", {})[key] = [comparable(s.text) for s in out]
            self._store.save(r.sha256, out, self.__dict__["_comps"][key])
        return cache[key]

    def _comparables(self, source: str) -> list[str]:
        """``comparable(s.text)`` of each of ``_raw_sentences(source)``, in order."""
        raw = self._raw_sentences(source)
        r = self.get(source)
        got = self.__dict__.get("_comps", {}).get((source, r.sha256 if r is not None else None))
        return got if got is not None and len(got) == len(raw) else [comparable(s.text) for s in raw]

    def table_rows(self, source: str) -> list:
        """Label + figure rows of the report's data tables as evidence sentences (fresh copies)."""
        from assistant.evidence import fresh, table_rows

        r = self.get(source)
        if r is None:
            return []
        cache = self.__dict__.setdefault("_rows", {})
        key = (source, r.sha256)
        if key not in cache:
            def section_of(line: int):
                best = None
                for s in r.sections:
                    if s.line_start <= line <= s.line_end and (best is None or s.line_end - s.line_start < best.line_end - best.line_start):
                        best = s
                return (best.id, best.title, best.kind) if best else ("front", "", None)

            cache[key] = table_rows(usable_lines(r), 1, source=r.source, service=r.service, section_of=section_of,
                                    published=r.published, framework=r.framework, page_of=r.page_of)
        return [fresh(s) for s in cache[key]]

    def raw_sentences(self, source: str) -> list:
        """Every sentence of a report, boilerplate included (e.g. an acknowledgements line that two
        reports share word for word because the same inspector led both)."""
        from assistant.evidence import fresh

        return [fresh(s) for s in self._raw_sentences(source)]

    def boilerplate(self) -> set[str]:
        """Sentences printed in two or more reports (standard descriptors, footnotes): they say
        nothing about a particular service, so composers skip them."""
        self.refresh()
        cached = self.__dict__.get("_boiler")
        if cached and cached[0] == self._sig:
            return cached[1]
        with self._lock:
            cached = self.__dict__.get("_boiler")
            if cached and cached[0] == self._sig:
                return cached[1]
            return self._build_boilerplate()

    def _build_boilerplate(self) -> set[str]:
        out = self._count_boilerplate(self._reports)
        self.__dict__["_boiler"] = (self._sig, out)
        return out

    def _count_boilerplate(self, reports: dict[str, Report]) -> set[str]:
        from collections import Counter

        counts: Counter[str] = Counter()
        for r in reports.values():
            counts.update(set(self._comparables(r.source)))
        return {t for t, c in counts.items() if c >= 2}

    def term_stats(self) -> tuple[dict[str, int], int]:
        """Document frequency of every term over all sentences of all reports, and their number:
        IDF from the whole library, so a term rare among candidates is not over-weighted."""
        self.refresh()
        cached = self.__dict__.get("_df")
        if cached and cached[0] == self._sig:
            return cached[1], cached[2]
        with self._lock:
            cached = self.__dict__.get("_df")
            if cached and cached[0] == self._sig:
                return cached[1], cached[2]
            return self._build_term_stats()

    def _build_term_stats(self) -> tuple[dict[str, int], int]:
        df, n = self._count_terms(self._reports)
        self.__dict__["_df"] = (self._sig, df, n)
        return df, n

    def _count_terms(self, reports: dict[str, Report]) -> tuple[dict[str, int], int]:
        from collections import Counter

        df: Counter[str] = Counter()
        n = 0
        for r in reports.values():
            for s in self._raw_sentences(r.source):
                df.update(s.terms)
                n += 1
        return dict(df), n

    def sentences(self, source: str) -> list:
        """Every evidence sentence of a report (boilerplate removed), fresh copies to score."""
        from assistant.evidence import fresh

        raw, _, keep = self._kept(source)
        return [fresh(s) for s, k in zip(raw, keep) if k]

    def _kept(self, source: str) -> tuple[list, dict, list[bool]]:
        """A report's sentences, their term index (both once per report version) and which of
        them are not boilerplate (once per report set: the boilerplate depends on the whole set,
        so an upload recomputes only this cheap mask, not the index)."""
        from assistant.sentence_index import term_index

        boiler = self.boilerplate()
        sig = self._sig
        raw = self._raw_sentences(source)
        r = self.get(source)
        key = (source, r.sha256 if r is not None else None)
        indexes = self.__dict__.setdefault("_terms_index", {})
        postings = indexes.get(key)
        if postings is None:
            postings = indexes[key] = term_index(raw)
        cache = self.__dict__.setdefault("_kept_cache", {})
        got = cache.get(source)
        if got is None or got[0] != (sig, key):
            got = cache[source] = ((sig, key), [c not in boiler for c in self._comparables(source)])
        return raw, postings, got[1]

    def lexical_candidates(self, sources: Sequence[str], query: str, min_terms: int = 1) -> list:
        """``evidence.lexical_candidates(self.sentences(source), query)`` for each source in turn
        (same sentences, same order, fresh copies) through each report's term index, so a question
        over 500 reports copies only the sentences it can use (``assistant.sentence_index``)."""
        from assistant.evidence import QUERY_GENERIC
        from assistant.sentence_index import matching
        from assistant.text import content_terms

        terms = set(content_terms(query)) - QUERY_GENERIC
        out: list = []
        for source in sources if terms else ():
            raw, postings, keep = self._kept(source)
            out.extend(matching(raw, postings, terms, min_terms, keep))
        return out

    def drop_boilerplate(self, sentences: list) -> list:
        boiler = self.boilerplate()
        return [s for s in sentences if comparable(s.text) not in boiler]

    def lines_of(self, source: str) -> Sequence[str] | None:
        r = self.get(source)
        return usable_lines(r) if r is not None else None

    def page_of(self, source: str, line: int) -> int | None:
        r = self.get(source)
        return r.page_of(line) if r is not None else None

    def services(self) -> list[str]:
        self.refresh()
        return list(self.__dict__.get("_services", ()))

    def for_service(self, service: str, years: Sequence[int] = ()) -> list[Report]:
        """Reports of a service, newest first; rated inspections before screenings."""
        rs = [r for r in self.reports if r.service == service]
        if years:
            rs = [r for r in rs if r.year in years] or rs
        return sorted(rs, key=lambda r: (bool(r.standards), r.published or ""), reverse=True)

    def main_report(self, service: str, years: Sequence[int] = ()) -> Report | None:
        rs = self.for_service(service, years)
        return rs[0] if rs else None
