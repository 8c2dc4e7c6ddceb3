"""Step 5, verify citations: the citation gate as a streaming step over the composed chunks.

Each chunk goes through ``CitationGate.feed``; what comes out is final (verified) text and is
streamed on at once as ``{"answer": piece}``. The pieces add up to exactly the answer text:
leading blank space is dropped and trailing blank space held back until more text follows.
After ``finish`` the step emits ``citations``, ``unsupported`` and ``mode``. When a model wrote
nothing that verifies and a ``fallback`` (the extractive answer) is given, the fallback answers
instead and the model's sentences stay listed in ``unsupported``.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator, Mapping

from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.utils import AddableDict

from assistant.chain.compose import chunk_text
from assistant.citations import CitationGate, Verified


class _Trim:
    """Makes streamed pieces add up to the stripped text (no lookahead beyond blank space)."""

    def __init__(self) -> None:
        self.started = False
        self.pending = ""
        self.text = ""

    def push(self, piece: str) -> str:
        if not self.started:
            piece = piece.lstrip()
            if not piece:
                return ""
            self.started = True
        piece = self.pending + piece
        body = piece.rstrip()
        self.pending = piece[len(body):]
        self.text += body
        return body


class VerifyCitations(Runnable[Any, AddableDict]):
    """Gate one composed answer. Built per question (the gate holds that question's passages)."""

    def __init__(self, gate: CitationGate, *, mode: str, head: Mapping[str, Any] | None = None,
                 fallback: Runnable | None = None, fallback_input: Any = None) -> None:
        self.gate = gate
        self.mode = mode
        self.head = dict(head) if head else None
        self.fallback = fallback
        self.fallback_input = fallback_input
        self.name = "verify_citations"

    # ----- the work ------------------------------------------------------------------------
    def _pieces(self, trim: _Trim, text: str) -> Iterator[AddableDict]:
        out = trim.push(self.gate.feed(text))
        if out:
            yield AddableDict(answer=out)

    def _end(self, trim: _Trim) -> tuple[list[AddableDict], bool]:
        """Final pieces, and whether the fallback must answer instead."""
        tail: Verified = self.gate.finish()
        out = [AddableDict(answer=t) for t in [trim.push(tail.text)] if t]
        if not trim.text and self.fallback is not None:
            return out + [AddableDict(unsupported=list(tail.unsupported))], True
        return out + [AddableDict(citations=list(tail.citations), unsupported=list(tail.unsupported),
                                  mode=self.mode)], False

    def _run(self, chunks: Iterator[Any], config: RunnableConfig) -> Iterator[AddableDict]:
        if self.head:
            yield AddableDict(self.head)
        trim = _Trim()
        for chunk in chunks:
            yield from self._pieces(trim, chunk_text(chunk))
        end, fall_back = self._end(trim)
        yield from end
        if fall_back:
            yield from self.fallback.stream(self.fallback_input, config)

    async def _arun(self, chunks: AsyncIterator[Any], config: RunnableConfig) -> AsyncIterator[AddableDict]:
        if self.head:
            yield AddableDict(self.head)
        trim = _Trim()
        async for chunk in chunks:
            for piece in self._pieces(trim, chunk_text(chunk)):
                yield piece
        end, fall_back = self._end(trim)
        for piece in end:
            yield piece
        if fall_back:
            async for piece in self.fallback.astream(self.fallback_input, config):
                yield piece

    # ----- Runnable protocol ---------------------------------------------------------------
    def transform(self, input: Iterator[Any], config: RunnableConfig | None = None,
                  **kwargs: Any) -> Iterator[AddableDict]:
        yield from self._transform_stream_with_config(input, self._run, config, **kwargs)

    async def atransform(self, input: AsyncIterator[Any], config: RunnableConfig | None = None,
                         **kwargs: Any) -> AsyncIterator[AddableDict]:
        async for piece in self._atransform_stream_with_config(input, self._arun, config, **kwargs):
            yield piece

    def stream(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Iterator[AddableDict]:
        return self.transform(iter([input]), config, **kwargs)

    async def astream(self, input: Any, config: RunnableConfig | None = None,
                      **kwargs: Any) -> AsyncIterator[AddableDict]:
        async def one() -> AsyncIterator[Any]:
            yield input

        async for piece in self.atransform(one(), config, **kwargs):
            yield piece

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> AddableDict:
        total = AddableDict()
        for piece in self.stream(input, config, **kwargs):
            total = total + piece
        return total
