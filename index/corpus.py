"""The visible chunks of a read view, with the per-chunk columns the retriever scores in numpy.

Why columns: at 500 reports a comparative question pools ~7,500 candidate chunks (each report's
best dense and lexical candidates); fusing, boosting, de-duplicating and ranking them one Python
object at a time was the slow tail of search (p95 0.2-0.5 s). Each view builds these arrays once
(when the index changes), so a query only does array arithmetic over its pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from index.model import Chunk

SUMMARY_SECTIONS = {"foreword", "introduction", "executive-summary", "overall-findings", "summary"}
LOW_VALUE_SECTIONS = {"contents", "acknowledgements", "cover", "glossary", "background", "further-information"}


def _codes(values: Sequence[object]) -> tuple[np.ndarray, dict[object, int]]:
    """Small integer per distinct value (None included), in first-seen order."""
    table: dict[object, int] = {}
    codes = np.fromiter((table.setdefault(v, len(table)) for v in values), dtype=np.int64, count=len(values))
    return codes, table


@dataclass
class Corpus:
    """The visible chunks, aligned with BM25 document order and the dense matrix rows."""

    chunks: list[Chunk]
    position: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        chunks = self.chunks
        self.position = {c.id: i for i, c in enumerate(chunks)}
        # Row -> small integer per source, for the vectorised "best n per report" of comparative questions.
        self.source_codes = _codes([c.source for c in chunks])[0]
        # Diversification groups by service (a service's reports share a slot), else by report.
        self.group_codes = _codes([c.service or c.source for c in chunks])[0]
        # The same paragraph stored twice in one report is one candidate.
        self.dup_codes = _codes([(c.source, c.text) for c in chunks])[0]
        self.service_codes, self._services = _codes([c.service for c in chunks])
        self.section_codes, self._sections = _codes([c.section for c in chunks])
        self.year_codes, self._years = _codes([c.year for c in chunks])
        kinds = [c.kind for c in chunks]
        self.is_table = np.array([k == "table" for k in kinds], dtype=bool)
        self.own_kind = np.array([k in ("standard", "table") for k in kinds], dtype=bool)
        self.is_summary = np.array([k == "domain" or c.section in SUMMARY_SECTIONS for k, c in zip(kinds, chunks)],
                                   dtype=bool)
        self.is_low_value = np.array([c.section in LOW_VALUE_SECTIONS for c in chunks], dtype=bool)

    def _mask(self, codes: np.ndarray, table: dict[object, int], values: Iterable[object]) -> np.ndarray:
        wanted = [table[v] for v in values if v in table]
        if not wanted:
            return np.zeros(len(codes), dtype=bool)
        return np.isin(codes, np.array(wanted, dtype=np.int64))

    def service_mask(self, services: Iterable[object]) -> np.ndarray:
        """Rows whose chunk belongs to one of ``services``."""
        return self._mask(self.service_codes, self._services, services)

    def section_mask(self, sections: Iterable[object]) -> np.ndarray:
        """Rows whose chunk lies in one of ``sections``."""
        return self._mask(self.section_codes, self._sections, sections)

    def year_mask(self, years: Iterable[object]) -> np.ndarray:
        return self._mask(self.year_codes, self._years, years)
