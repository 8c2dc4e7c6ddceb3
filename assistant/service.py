"""The facade the CLI and the API call: ``Assistant(index, settings)``.

``ask`` routes a question (with the conversation so far), composes an answer (extractive by
default, the LLM when configured and asked for), and passes it through the citation gate;
``ask_stream`` yields the same as events; ``draft`` writes strengths / improvements / findings
for a standard. Bad input raises ``ValueError`` with a message fit to show a user.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Literal, Sequence

from assistant import compose_extractive as cx
from assistant.citations import CitationGate, Passage
from assistant.drafting import draft_bullets, draft_findings
from assistant.library import Library, context_of
from assistant.model import Answer, Draft
from assistant.router import Route, route
from yotassist.settings import Settings, get_settings

Mode = Literal["extractive", "llm"]
KINDS = ("strengths", "improvements", "findings")
_STANDARD = re.compile(r"^[1-4]\.[1-4]$")


def _history_questions(history: Sequence[Any] | None) -> list[str]:
    """Earlier user questions from strings, {"role","content"} / {"question"} dicts, or Answers."""
    out: list[str] = []
    for h in history or []:
        if isinstance(h, str):
            out.append(h)
        elif isinstance(h, Answer):
            out.append(h.question)
        elif isinstance(h, dict):
            if h.get("role", "user") == "user" and h.get("content"):
                out.append(str(h["content"]))
            elif h.get("question"):
                out.append(str(h["question"]))
    return out


class Assistant:
    def __init__(self, index: Any, settings: Settings | None = None, mode: Mode | None = None) -> None:
        self.index = index
        self.settings = settings or get_settings()
        self.lib = Library(index)
        self.mode: Mode = mode or ("llm" if self.settings.llm.base_url else "extractive")
        self._llm = None

    # ----- helpers ---------------------------------------------------------------------------
    def warm(self) -> None:
        """Load reports, their sentence caches (``Library.warm``) and the embedder (one search)
        so the first question is fast."""
        self.lib.warm()
        if hasattr(self.index, "warm"):
            self.index.warm()
        try:
            self.index.search("warm up", k=1)
        except Exception:
            pass

    def _check_question(self, question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise ValueError("the question is empty")
        if len(q) > self.settings.max_question_chars:
            raise ValueError(f"the question is too long ({len(q)} characters; limit {self.settings.max_question_chars})")
        return q

    def _gate(self, passages: Sequence[Passage], trusted: Sequence[str] = ()) -> CitationGate:
        return CitationGate(passages, self.lib.lines_of, trusted=trusted, page_of=self.lib.page_of)

    def route(self, question: str, history: Sequence[Any] | None = None) -> Route:
        return route(question, self.lib.services(), _history_questions(history))

    def _compose(self, r: Route) -> cx.Draft:
        if r.unknown_places and r.kind != "methodology":
            # "What rating did the Leeds YOT get?" with no Leeds report: say so, never answer from others.
            out = cx.Draft()
            out.say(cx.phrase("unknown_place", place=" or ".join(r.unknown_places)), trusted=True)
            return out
        if r.kind == "drafting":
            return self._compose_drafting(r)
        if r.kind == "methodology":
            return cx.methodology(r, self.lib, self.index)
        if r.kind == "numeric":
            return cx.numeric(r, self.lib, self.index)
        if r.kind == "comparative":
            return cx.comparative(r, self.lib, self.index)
        return cx.lookup(r, self.lib, self.index)

    def _compose_drafting(self, r: Route) -> cx.Draft:
        """'Draft the strengths and areas for improvement for 2.2 Planning' typed as a question:
        the drafting composers, one headed block per kind asked for."""
        if not r.standards:
            return cx.lookup(r, self.lib, self.index)
        # A follow-up ("and for St Helens?") keeps the kinds asked for in the resolved text.
        q = (r.question + (" " + r.text if r.follow_up else "")).lower()
        kinds = [k for k, cue in (("strengths", r"strength"), ("improvements", r"improvement|weakness|afi"),
                                  ("findings", r"finding")) if re.search(cue, q)] or ["strengths"]
        service = r.services[0] if r.services else None
        sid = r.standards[0]
        out = cx.Draft()
        heads = {"strengths": "Strengths", "improvements": "Areas for improvement", "findings": "Findings"}
        for kind in kinds:
            if kind == "findings":
                work, _ = draft_findings(self.lib, sid, service)
            else:
                work, _ = draft_bullets(self.lib, sid, kind, service)
            title = f"**{sid} {heads[kind]}**" + (f" ({service})" if service else "")
            out.say(title, trusted=True)
            mapping = {p.n: out.cite(p) for p in work.passages}
            for line in work.lines:
                out.say(re.sub(r"\[(\d+)\]", lambda m: mapping.get(int(m.group(1)), ""), line))
            out.trusted.extend(work.trusted)
            out.say("")
        return out

    # ----- ask -------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Any] | None = None, mode: Mode | None = None) -> Answer:
        answer = None
        for kind, value in self.ask_stream(question, history, mode):
            if kind == "done":
                answer = value
        assert answer is not None
        return answer

    def ask_stream(self, question: str, history: Sequence[Any] | None = None,
                   mode: Mode | None = None) -> Iterator[tuple[str, Any]]:
        """Events: ("route", kind), ("token", text)..., ("citations", [Citation]), ("done", Answer)."""
        q = self._check_question(question)
        self.lib.refresh(force=True)
        r = self.route(q, history)
        yield ("route", r.kind)
        mode = mode or self.mode
        if mode == "llm" and r.kind in ("lookup", "comparative"):
            yield from self._llm_stream(q, r)
            return
        work = self._compose(r)
        gate = self._gate(work.passages, work.trusted)
        verified = gate.verify(work.text)
        for line in verified.text.splitlines(keepends=True):
            yield ("token", line)
        ans = Answer(question=q, answer=verified.text, citations=verified.citations, mode="extractive",
                     unsupported=verified.unsupported, kind=r.kind)
        yield ("citations", ans.citations)
        yield ("done", ans)

    def _llm_passages(self, r: Route, k: int = 6) -> list[Passage]:
        """Retrieved chunks as numbered passages (text cut from Report.lines); one or two per
        service for comparative questions."""
        query = r.expanded or r.text
        if r.kind == "comparative":
            hits = []
            compared = cx.compared_services(r, r.services if len(r.services) > 1 else self.lib.services(),
                                            self.index, query)
            for svc in compared.services:
                hits += cx._search(self.index, query, 2, service=svc)
        elif r.services:
            hits = cx._search(self.index, query, k, service=r.services[0])
        else:
            hits = cx._search(self.index, query, k)
        passages: list[Passage] = []
        for h in hits:
            rep = self.lib.get(h.source)
            text = rep.text_of(h.line_start, h.line_end) if rep is not None else h.text
            passages.append(Passage(
                n=len(passages) + 1, source=h.source, service=h.service, section=h.section, title=h.title,
                line_start=h.line_start, line_end=h.line_end, page=h.page, text=text,
                context=context_of(rep, h.section, h.title) if rep is not None else "",
            ))
        return passages

    def _provider(self):
        if self._llm is None:
            from assistant.llm import LLMProvider

            self._llm = LLMProvider(self.settings.llm)
        return self._llm

    def _llm_stream(self, q: str, r: Route) -> Iterator[tuple[str, Any]]:
        from assistant.llm import LLMError

        passages = self._llm_passages(r)
        gate = self._gate(passages)
        parts: list[str] = []
        try:
            provider = self._provider()
            for token in provider.stream(r.text if r.follow_up else q, passages, self.settings.prompts_dir):
                out = gate.feed(token)
                if out:
                    parts.append(out)
                    yield ("token", out)
        except LLMError:
            raise
        tail = gate.finish()
        if tail.text:
            parts.append(tail.text)
            yield ("token", tail.text)
        text = "".join(parts).strip()
        if not text:
            # Nothing the model wrote could be verified: show the extractive answer instead,
            # and keep the model's sentences in ``unsupported`` so the reader sees what was held back.
            work = self._compose(r)
            verified = self._gate(work.passages, work.trusted).verify(work.text)
            for line in verified.text.splitlines(keepends=True):
                yield ("token", line)
            ans = Answer(question=q, answer=verified.text, citations=verified.citations, mode="extractive",
                         unsupported=tail.unsupported + verified.unsupported, kind=r.kind)
            yield ("citations", ans.citations)
            yield ("done", ans)
            return
        ans = Answer(question=q, answer=text, citations=tail.citations, mode="llm",
                     unsupported=tail.unsupported, kind=r.kind)
        yield ("citations", ans.citations)
        yield ("done", ans)

    # ----- draft -----------------------------------------------------------------------------
    def draft(self, standard: str, kind: str, service: str | None = None, notes: str | None = None,
              kq: str | None = None, mode: Mode | None = None, framework: str | None = None) -> Draft:
        """Extractive draft; in LLM mode the model rewrites its evidence (``assistant.draft_llm``).
        With ``framework`` the draft is for a new inspection (``assistant.draft_service``)."""
        mode = mode or self.mode
        if mode == "llm" and not self.settings.llm.base_url:
            raise ValueError("LLM mode needs an LLM endpoint (set YOTASSIST_LLM_BASE_URL)")
        standard = (standard or "").strip()
        if not _STANDARD.match(standard):
            raise ValueError(f"bad standard {standard!r}: expected an id like 2.2 or 3.4")
        if kind not in KINDS:
            raise ValueError(f"bad kind {kind!r}: expected one of {', '.join(KINDS)}")
        if framework is not None:
            from assistant.draft_service import new_inspection_draft

            return new_inspection_draft(self, standard, kind, (service or "").strip() or None, notes, kq, framework,
                                        mode or "extractive")
        self.lib.refresh(force=True)
        if service:
            known = self.lib.services()
            match = next((s for s in known if s.lower() == service.strip().lower()), None)
            if match is None:
                from index.query import find_services

                found = find_services(service, known)
                match = found[0] if len(found) == 1 else None
            if match is None:
                raise ValueError(f"unknown service {service!r}; indexed: {', '.join(known) or 'none'}")
            service = match
        if kq:
            if not kq.strip().startswith(standard + "="):
                raise ValueError(f"--kq {kq!r} is for a different standard than --standard {standard}")
            target = self.lib.main_report(service) if service else None
            fw = target.framework if target is not None and target.framework else "2021"
            from assistant.rating import parse_kq_spec

            parse_kq_spec(kq, fw)  # raises ValueError with a user-facing message
            if kind == "findings":  # findings from figures speak of this service only (assistant.draft_new)
                from assistant.draft_service import new_inspection_draft

                return new_inspection_draft(self, standard, kind, service, notes, kq, fw, mode)
        if kind == "findings":
            work, computed = draft_findings(self.lib, standard, service, notes, kq)
        else:
            work, computed = draft_bullets(self.lib, standard, kind, service, kq)
            if not kq:
                computed = None
        gate = self._gate(work.passages, work.trusted)
        verified = gate.verify(work.text)
        bullets = [ln[2:] for ln in verified.text.splitlines() if ln.startswith("- ")]
        # With bullets, the paragraph is the lead line (e.g. "the report has no bullets of its own").
        lead = "\n".join(ln for ln in verified.text.splitlines() if ln.strip() and not ln.startswith("- "))
        paragraph = (lead or None) if bullets else verified.text.strip() or None
        ext = Draft(standard=standard, kind=kind, service=service, bullets=bullets, paragraph=paragraph,
                    citations=verified.citations, mode="extractive", unsupported=verified.unsupported,
                    computed_rating=computed)
        if mode == "llm":
            from assistant.draft_llm import llm_draft

            return llm_draft(self, ext, work, notes=notes)
        return ext
