"""The facade the CLI and the API call: ``Assistant(index, settings)``.

``ask`` runs the answer chain (``assistant.chain``: route the question with the conversation so
far, retrieve, select evidence, compose -- extractive by default, the LLM when configured and
asked for -- and the citation gate); ``ask_stream`` yields the same as events; ``draft`` writes strengths / improvements / findings
for a standard. Bad input raises ``ValueError`` with a message fit to show a user.
"""

from __future__ import annotations

import re
import threading
from typing import Any, AsyncIterator, Iterator, Literal, Sequence

from assistant import compose_extractive as cx
from assistant.chain.kinds import compose_route
from assistant.chain.state import checked_question, history_turns as _history_turns, to_answer
from assistant.citations import CitationGate, Passage
from assistant.draft_left_out import LeftOutLog
from assistant.library import Library
from assistant.model import Answer, Draft
from assistant.router import Route, route
from yotassist.settings import Settings, get_settings

Mode = Literal["extractive", "llm"]
KINDS = ("strengths", "improvements", "findings")
_STANDARD = re.compile(r"^[1-4]\.[1-4]$")


class Assistant:
    def __init__(self, index: Any, settings: Settings | None = None, mode: Mode | None = None) -> None:
        self.index = index
        self.settings = settings or get_settings()
        self.lib = Library(index)
        self.mode: Mode = mode or ("llm" if self.settings.llm.base_url else "extractive")
        self._llm = None
        self._chains: dict[str, Any] = {}
        self._chains_lock = threading.Lock()

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
        from assistant.select import warm_evidence

        warm_evidence(self.lib, self.settings.evidence)  # sentence vectors for evidence selection
        from assistant.chain.kinds import import_all

        import_all()  # a server's first what-if or drafting question should not pay their imports

    def _check_question(self, question: str) -> str:
        return checked_question(question, self.settings.max_question_chars)

    def _gate(self, passages: Sequence[Passage], trusted: Sequence[str] = ()) -> CitationGate:
        return CitationGate(passages, self.lib.lines_of, trusted=trusted, page_of=self.lib.page_of)

    def route(self, question: str, history: Sequence[Any] | None = None) -> Route:
        return route(question, self.lib.services(), _history_turns(history),
                     embedder=getattr(self.index, "embedder", None), settings=self.settings)

    def _compose(self, r: Route, index: Any = None) -> cx.Draft:
        """The extractive answer for a routed question: the chain's select-evidence step calls
        this with the index as the retrieve step left it (``chain.retrieve.RetrievedIndex``)."""
        return compose_route(r, self.lib, self.index if index is None else index)

    def _chain_composer(self, r: Route, lib: Any, index: Any) -> cx.Draft:
        return self._compose(r, index)

    # ----- ask -------------------------------------------------------------------------------
    def chain(self, mode: Mode | None = None) -> Any:
        """The answer chain for ``mode`` (built once): extractive, or with the configured LLM
        (``LLMProvider``'s ``ChatOpenAI``) writing lookups and comparisons."""
        mode = mode or self.mode
        with self._chains_lock:
            if mode not in self._chains:
                from assistant.chain.build import answer_chain  # langchain-core: only when answering

                llm = endpoint = None
                if mode == "llm":
                    provider = self._provider()
                    llm, endpoint = provider.chat, provider.settings.base_url
                self._chains[mode] = answer_chain(self.index, llm=llm, lib=self.lib, settings=self.settings,
                                                  endpoint=endpoint, composer=self._chain_composer)
            return self._chains[mode]

    @staticmethod
    def _inputs(question: str, history: Sequence[Any] | None) -> dict[str, Any]:
        return {"question": question, "history": list(history or [])}

    def _stamped(self, made: Any) -> Any:
        """Record the settings hash and index generation an Answer or Draft was made with."""
        made.settings_hash = self.settings.fingerprint()
        tag = getattr(self.index, "generation_tag", None)
        made.index_generation = tag() if callable(tag) else None
        return made

    def ask(self, question: str, history: Sequence[Any] | None = None, mode: Mode | None = None) -> Answer:
        return self._stamped(to_answer(self.chain(mode).invoke(self._inputs(question, history))))

    def ask_stream(self, question: str, history: Sequence[Any] | None = None,
                   mode: Mode | None = None) -> Iterator[tuple[str, Any]]:
        """Events: ("route", kind), ("token", text)..., ("citations", [Citation]), ("done", Answer)."""
        total: Any = None
        for piece in self.chain(mode).stream(self._inputs(question, history)):
            yield from _events(piece)
            total = piece if total is None else total + piece
        ans = self._stamped(to_answer(total or {}))
        yield ("citations", ans.citations)
        yield ("done", ans)

    async def aask_stream(self, question: str, history: Sequence[Any] | None = None,
                          mode: Mode | None = None) -> AsyncIterator[tuple[str, Any]]:
        """``ask_stream`` on the chain's ``astream`` (the API's event stream)."""
        total: Any = None
        async for piece in self.chain(mode).astream(self._inputs(question, history)):
            for event in _events(piece):
                yield event
            total = piece if total is None else total + piece
        ans = self._stamped(to_answer(total or {}))
        yield ("citations", ans.citations)
        yield ("done", ans)

    def _provider(self):
        if self._llm is None:
            from assistant.llm import LLMProvider

            self._llm = LLMProvider(self.settings.llm)
        return self._llm

    # ----- draft -----------------------------------------------------------------------------
    def draft(self, standard: str, kind: str, service: str | None = None, notes: str | None = None,
              kq: str | None = None, mode: Mode | None = None, framework: str | None = None) -> Draft:
        """Extractive draft; in LLM mode the model rewrites its evidence (``assistant.draft_llm``).
        With ``framework`` the draft is for a new inspection (``assistant.draft_service``)."""
        return self._stamped(self._draft(standard, kind, service, notes, kq, mode, framework))

    def _draft(self, standard: str, kind: str, service: str | None, notes: str | None,
               kq: str | None, mode: Mode | None, framework: str | None) -> Draft:
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
        from assistant.drafting import draft_bullets, draft_findings

        log = LeftOutLog(want="improvement" if kind == "improvements" else "strength")  # what was dropped, why
        if kind == "findings":
            work, computed = draft_findings(self.lib, standard, service, notes, kq)
        else:
            work, computed = draft_bullets(self.lib, standard, kind, service, kq, log=log)
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
                    computed_rating=computed, left_out=log.result(verified.unsupported))
        if mode == "llm":
            from assistant.draft_llm import llm_draft

            return llm_draft(self, ext, work, notes=notes)
        return ext


def _events(piece: Any) -> Iterator[tuple[str, Any]]:
    """The events one streamed piece of the chain's output stands for."""
    if "kind" in piece:
        yield ("route", piece["kind"])
    if piece.get("answer"):
        yield ("token", piece["answer"])
