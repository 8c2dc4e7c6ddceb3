"""The verification gate: nothing reaches a reader until its citations are checked here.

Whatever produced an answer (the extractive composer or an LLM), its text goes through
``CitationGate``: markers ``[n]`` that point to no retrieved passage are dropped; every kept
citation gets a quote that is a whitespace-normalised, verbatim passage of the cited lines of
the cited source (checked against ``Report.lines`` through ``lines_of``); sentences with no
valid marker, or whose cited passages do not lexically support them (content words, numbers,
rating words), are moved to ``unsupported``. Markers are renumbered in order of appearance.

It works on a whole text (``verify``) or incrementally on a token stream (``feed`` /
``finish``), so the API can stream verified sentences and then the citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from pydantic import BaseModel

from assistant.model import Citation
from assistant.text import comparable, content_terms, looks_like_instruction, normalise, numbers, split_sentences

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_MARKER_AFTER_END = re.compile(r"([.!?][\"'\u201d\u2019)\]]?)((?:\s*\[\d+(?:\s*,\s*\d+)*\])+)")
_LIST_PREFIX = re.compile(r"^(\s*(?:[-*+\u2022]|\d+[.)])\s+)")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}")
RATING_WORDS = ("Inadequate", "Requires improvement", "Outstanding", "Good")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per cent|percent)")

# Words that frame a claim rather than carry it ("X was rated ... overall"): need no support.
NEUTRAL = frozenset(content_terms(
    "rated rating ratings overall score scored standard standards key question questions relevant cases case "
    "inspectors inspected reported report state stated states say says noted note described describes "
    "according found also however while whereas both"
))

LinesOf = Callable[[str], "Sequence[str] | None"]


class Passage(BaseModel):
    """One numbered piece of retrieved evidence, as shown to a composer or an LLM.

    ``quote`` is set when the composer already chose the exact sentence (extractive mode);
    otherwise the gate picks the passage sentence that best supports the claim."""

    n: int
    source: str
    service: str | None = None
    section: str
    title: str
    line_start: int
    line_end: int
    page: int | None = None
    text: str
    quote: str | None = None
    context: str = ""  # who/when/which section: support for naming, never quoted


@dataclass
class Verified:
    text: str
    citations: list[Citation] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def move_markers_before_stop(text: str) -> str:
    """'was strong. [1] Next' -> 'was strong [1]. Next' so a marker stays with its sentence."""
    return _MARKER_AFTER_END.sub(lambda m: " " + " ".join(m.group(2).split()) + m.group(1), text)


def strip_markers(text: str) -> str:
    return normalise(MARKER.sub("", text)).replace(" .", ".").replace(" ,", ",")


def _word_terms(text: str) -> set[str]:
    """Content terms that must find support; figures are checked separately (see numbers)."""
    return {t for t in content_terms(text) if not re.fullmatch(r"[\d/.]+", t)} - NEUTRAL


def quote_in_lines(quote: str, lines: Sequence[str], line_start: int, line_end: int) -> bool:
    """The one containment test: normalised quote inside the normalised cited lines."""
    if not quote or line_start < 1 or line_end < line_start or line_end > len(lines):
        return False
    return comparable(quote) in comparable("\n".join(lines[line_start - 1 : line_end]))


def _renumber(unit: str, mapping: dict[int, int]) -> str:
    """Markers stay where the writer put them; numbers are mapped, unknown ones dropped."""

    def sub(m: re.Match) -> str:
        ns = []
        for part in m.group(1).split(","):
            new = mapping.get(int(part))
            if new is not None and new not in ns:
                ns.append(new)
        return "".join(f"[{n}]" for n in ns)

    out = MARKER.sub(sub, unit)
    out = re.sub(r"\s+([.,;:!?])", r"\1", normalise(out))
    return re.sub(r"([^\s\]])\[", r"\1 [", out)


def _derivable_percent(p: float, ints: list[int]) -> bool:
    """A percentage is supported when the cited text holds counts a/b that round to it."""
    for b in ints:
        if b <= 0:
            continue
        for a in ints:
            if a <= b and (round(100 * a / b) == round(p) or int(100 * a / b) == int(p)):
                return True
    return False


class CitationGate:
    """Verify answer text against numbered passages; see module docstring."""

    def __init__(
        self,
        passages: Sequence[Passage],
        lines_of: LinesOf,
        *,
        trusted: Iterable[str] = (),
        min_overlap: float = 0.6,
        page_of: Callable[[str, int], int | None] | None = None,
    ) -> None:
        self.passages = {p.n: p for p in passages}
        self.lines_of = lines_of
        self.page_of = page_of
        self.trusted = set()
        for t in trusted:
            if t.strip():
                body = _LIST_PREFIX.sub("", strip_markers(t))
                self.trusted.add(comparable(body))
                self.trusted.update(comparable(x) for x in split_sentences(body))
        self.min_overlap = min_overlap
        self.citations: list[Citation] = []
        self.unsupported: list[str] = []
        self._key_to_n: dict[tuple[int, str], int] = {}
        self._lines_cache: dict[str, Sequence[str] | None] = {}
        self._buffer = ""

    # ----- passage helpers -------------------------------------------------------------
    def _lines(self, source: str) -> Sequence[str] | None:
        if source not in self._lines_cache:
            try:
                self._lines_cache[source] = self.lines_of(source)
            except Exception:
                self._lines_cache[source] = None
        return self._lines_cache[source]

    def _candidate_quotes(self, p: Passage) -> list[tuple[str, int, int]]:
        """Sentences of the passage with the line each sits on (quotes never span lines)."""
        if p.quote:
            return [(normalise(p.quote), p.line_start, p.line_end)]
        out: list[tuple[str, int, int]] = []
        for i, line in enumerate(p.text.split("\n")):
            ln = p.line_start + i
            body = _LIST_PREFIX.sub("", line)
            for s in split_sentences(body):
                if not looks_like_instruction(s):
                    out.append((s, ln, ln))
        return out

    def _support_body(self, p: Passage) -> str:
        """What a passage can support: its sentences, minus any addressed to a model."""
        if p.quote:
            return "" if looks_like_instruction(p.quote) else p.quote
        return " ".join(q for q, _, _ in self._candidate_quotes(p))

    def _support_text(self, p: Passage) -> str:
        return f"{self._support_body(p)}\n{p.context}"

    def _best_quote(self, p: Passage, claim_terms: set[str]) -> tuple[str, int, int] | None:
        lines = self._lines(p.source)
        if lines is None:
            return None
        best: tuple[float, tuple[str, int, int]] | None = None
        for q, a, b in self._candidate_quotes(p):
            if not quote_in_lines(q, lines, a, b):
                continue
            terms = set(content_terms(q))
            score = len(claim_terms & terms) + 0.001 * min(len(q), 300) / 300
            if best is None or score > best[0]:
                best = (score, (q, a, b))
        return best[1] if best else None

    def _cite(self, p: Passage, quote: tuple[str, int, int]) -> int:
        q, a, b = quote
        key = (p.n, q)
        if key not in self._key_to_n:
            n = len(self.citations) + 1
            self._key_to_n[key] = n
            page = p.page
            if self.page_of is not None:
                try:
                    page = self.page_of(p.source, a) or page
                except Exception:
                    pass
            self.citations.append(
                Citation(
                    n=n, source=p.source, service=p.service, section=p.section, title=p.title,
                    line_start=a, line_end=b, page=page, quote=q,
                )
            )
        return self._key_to_n[key]

    # ----- support test ----------------------------------------------------------------
    def _supported(self, claim: str, passages: Sequence[Passage]) -> bool:
        """Lexical support: the claim's content words (beyond who/when/which section, which the
        passage context may supply) mostly appear in the cited text; every number appears there (or
        is a percentage of printed counts); every rating word appears there."""
        body = "\n".join(self._support_body(p) for p in passages)
        context = " ".join(p.context for p in passages)
        support = f"{body}\n{context}"
        body_terms = set(content_terms(body))
        core = _word_terms(claim) - (set(content_terms(context)) - body_terms)
        if core:
            hit = len(core & body_terms)
            if hit / len(core) < self.min_overlap or (len(core) <= 2 and hit < len(core)):
                return False
        sup_numbers = numbers(support)
        ints = sorted({int(float(x)) for x in sup_numbers if x.replace(".", "", 1).isdigit()})
        percents = {m.group(1) for m in _PERCENT.finditer(comparable(claim))}
        for num in numbers(claim):
            if num in sup_numbers:
                continue
            if num in percents and _derivable_percent(float(num), ints):
                continue
            return False
        low = comparable(support)
        body = claim.strip()
        for word in RATING_WORDS:
            for m in re.finditer(re.escape(word), body):
                if m.start() == 0 and word == "Good":
                    continue  # a sentence starting "Good joint working ..." is not a rating claim
                if word.casefold() not in low:
                    return False
        return True

    def _individual_overlap(self, claim_terms: set[str], text: str) -> float:
        if not claim_terms:
            return 1.0
        return len(claim_terms & set(content_terms(text))) / len(claim_terms)

    # ----- units -------------------------------------------------------------------------
    def _verify_unit(self, unit: str, *, allow_plain: bool = False) -> str | None:
        """Return the unit with renumbered markers, or None (moved to unsupported)."""
        claim = strip_markers(unit)
        if not claim:
            return ""
        if comparable(claim) in self.trusted:
            return claim
        refs: list[int] = []
        for m in MARKER.finditer(unit):
            for part in m.group(1).split(","):
                n = int(part)
                if n not in refs:
                    refs.append(n)
        valid = [self.passages[n] for n in refs if n in self.passages]
        claim_terms = _word_terms(claim)
        if not valid:
            if allow_plain or not claim_terms:
                return claim
            self.unsupported.append(claim)
            return None
        scored = [(self._individual_overlap(claim_terms, self._support_text(p)), p) for p in valid]
        best = max(s for s, _ in scored)
        claim_nums = numbers(claim)
        keep = [p for s, p in scored
                if s > 0 or s == best or (claim_nums & numbers(self._support_text(p)))]
        if not self._supported(claim, keep):
            self.unsupported.append(claim)
            return None
        mapping: dict[int, int] = {}
        for p in keep:
            quote = self._best_quote(p, claim_terms)
            if quote is None:
                continue
            mapping[p.n] = self._cite(p, quote)
        if not mapping:
            self.unsupported.append(claim)
            return None
        return _renumber(unit, mapping)

    def _verify_table_row(self, line: str) -> str:
        cells = line.strip().strip("|").split("|")
        out = []
        for cell in cells:
            if MARKER.search(cell):
                body = move_markers_before_stop(cell.strip())
                kept = [v for v in (self._verify_unit(x) for x in split_sentences(body)) if v]
                out.append(" ".join(kept) if kept else "not verified")
            else:
                out.append(cell.strip())
        return "| " + " | ".join(out) + " |"

    def _verify_line(self, line: str) -> str | None:
        if not line.strip():
            return line
        stripped = line.strip()
        if stripped.startswith("#") or _TABLE_SEP.match(stripped):
            return strip_markers(line) if stripped.startswith("#") else line
        if stripped.startswith("|"):
            return self._verify_table_row(stripped)
        prefix_m = _LIST_PREFIX.match(line)
        prefix = prefix_m.group(1) if prefix_m else ""
        body = move_markers_before_stop(line[len(prefix):])
        kept = [v for v in (self._verify_unit(s) for s in split_sentences(body)) if v]
        if not kept:
            return None
        return prefix + " ".join(kept)

    # ----- public API --------------------------------------------------------------------
    def verify(self, text: str) -> Verified:
        """Verify a whole answer text at once."""
        out = self.feed(text)
        out += self.flush()
        return Verified(text=out.strip("\n"), citations=list(self.citations), unsupported=list(self.unsupported))

    def feed(self, chunk: str) -> str:
        """Take more streamed text; return the verified text that is now final."""
        self._buffer += chunk
        out: list[str] = []
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            v = self._verify_line(line)
            if v is not None:
                out.append(v + "\n")
        # Inside a prose line, sentences are final once the next sentence has started.
        buf = self._buffer
        if buf.strip() and not buf.lstrip().startswith(("|", "#")):
            prefix_m = _LIST_PREFIX.match(buf)
            prefix = prefix_m.group(1) if prefix_m else ""
            sents = split_sentences(move_markers_before_stop(buf[len(prefix):]))
            if len(sents) >= 2 and not MARKER.fullmatch(sents[-1].strip()) and len(sents[-1]) > 3:
                done = sents[:-1]
                kept = [v for v in (self._verify_unit(s) for s in done) if v]
                rest = sents[-1] + (" " if buf[-1:].isspace() else "")
                if kept:
                    out.append(prefix + " ".join(kept) + " ")
                    self._buffer = rest
                else:
                    self._buffer = prefix + rest
        return "".join(out)

    def flush(self) -> str:
        """End of stream: verify what is left in the buffer."""
        buf, self._buffer = self._buffer, ""
        if not buf.strip():
            return ""
        v = self._verify_line(buf)
        return v or ""

    def finish(self) -> Verified:
        """Flush and return the citations and unsupported sentences gathered so far."""
        tail = self.flush()
        return Verified(text=tail, citations=list(self.citations), unsupported=list(self.unsupported))


def recheck(citations: Sequence[Citation], lines_of: LinesOf) -> list[bool]:
    """Independent re-verification of finished citations (used by tests and the bench)."""
    out = []
    for c in citations:
        lines = lines_of(c.source)
        out.append(bool(lines) and quote_in_lines(c.quote, lines, c.line_start, c.line_end))
    return out
