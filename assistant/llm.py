"""LLM provider: any OpenAI-compatible endpoint through LangChain's ``ChatOpenAI``.

Why this shape: the model only rewrites retrieved evidence into prose. It sees the passages as
numbered, delimited *data* (``<source n=...>...</source>``) with a system prompt that says so,
and whatever it writes goes through the same citation gate as the extractive composer, so a
fabricated marker or an unsupported sentence never reaches the reader.

For answers, ``LLMProvider.chat`` is the chat model that takes the extractive model's place in
the answer chain (``answer_chain(index, llm=provider.chat)``, see ``assistant.chain``); the
prompt is ``build_messages``. Drafting sends its own messages through ``stream_messages``.
Imported only when the LLM path is used (langchain-openai is heavy).
"""

from __future__ import annotations

from typing import Iterator, Sequence

from assistant import prompts
from assistant.citations import Passage
from yotassist.settings import LLMSettings

_ESCAPES = {"<source": "&lt;source", "</source": "&lt;/source"}


def escape_data(text: str) -> str:
    """Source text cannot close or open a delimiter: a report saying '</source>' stays data."""
    out = text
    for a, b in _ESCAPES.items():
        out = out.replace(a, b).replace(a.upper(), b)
    return out


def source_block(passages: Sequence[Passage], prompts_dir=None) -> str:
    blocks = []
    for p in passages:
        blocks.append(prompts.render(
            "source_block", prompts_dir, n=p.n, source=escape_data(p.source), service=escape_data(p.service or ""),
            section=p.section, title=escape_data(p.title).replace('"', "'"), line_start=p.line_start,
            line_end=p.line_end, text=escape_data(p.text),
        ))
    return "\n\n".join(blocks)


def build_messages(question: str, passages: Sequence[Passage], prompts_dir=None) -> list[tuple[str, str]]:
    """(role, content) pairs: the system rules, then sources-as-data plus the question."""
    system = prompts.load("answer_system", prompts_dir)
    user = prompts.render("answer_user", prompts_dir, sources=source_block(passages, prompts_dir),
                          question=question.strip())
    return [("system", system), ("human", user)]


class LLMError(RuntimeError):
    """The endpoint could not be reached or answered badly (one line for the user)."""


class LLMProvider:
    def __init__(self, settings: LLMSettings) -> None:
        if not settings.base_url:
            raise LLMError("no LLM endpoint configured (set YOTASSIST_LLM_BASE_URL)")
        from langchain_openai import ChatOpenAI

        self.settings = settings
        self.chat = ChatOpenAI(
            base_url=settings.base_url, api_key=settings.api_key or "not-needed", model=settings.model,
            temperature=settings.temperature, timeout=settings.timeout_s, max_retries=0, streaming=True,
        )

    def stream_messages(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]:
        """Yield text tokens for ready-made (role, content) messages (drafting builds its own)."""
        try:
            for chunk in self.chat.stream(list(messages)):
                content = chunk.content
                if isinstance(content, list):
                    content = "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
                if content:
                    yield content
        except Exception as exc:  # network / protocol errors become one clear line
            raise LLMError(f"LLM endpoint {self.settings.base_url} failed: {type(exc).__name__}: {str(exc)[:200]}") from exc
