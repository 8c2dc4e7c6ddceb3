"""Step 4, compose: a chat model writes the answer, streamed as ``AIMessageChunk``s.

Both ways of writing are chat models behind the same prompt step, so one can take the other's
place without touching retrieval, selection or the gate:

- ``ExtractiveChatModel`` (the default) writes the extractive composer's draft, a line per
  chunk, like a canned model (it ignores the prompt: the draft already is the answer);
- any LangChain chat model, e.g. ``ChatOpenAI`` against an OpenAI-compatible endpoint
  (``assistant.llm.LLMProvider``), writes from the numbered passages in the prompt.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Iterator, Mapping

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.prompt_values import ChatPromptValue
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.chain.state import Evidence
from assistant.llm import LLMError, build_messages


class ExtractiveChatModel(BaseChatModel):
    """A chat model whose reply is ``text`` (the extractive draft), streamed line by line."""

    text: str = ""

    @property
    def _llm_type(self) -> str:
        return "yotassist-extractive"

    def _pieces(self) -> list[str]:
        return self.text.splitlines(keepends=True)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=self.text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for piece in self._pieces():
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager is not None:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk


def prompt_for(state: Mapping[str, Any], prompts_dir: Any = None) -> ChatPromptValue:
    """System rules, then the passages as delimited data and the question (``prompts/answer_*``).
    A follow-up is asked as resolved by the router ("and Wigan?" -> the topic plus Wigan)."""
    route = state["route"]
    evidence: Evidence = state["evidence"]
    question = route.text if route.follow_up else str(state["question"]).strip()
    roles = {"system": SystemMessage, "human": HumanMessage}
    messages = [roles[role](content=text) for role, text in build_messages(question, evidence.passages, prompts_dir)]
    return ChatPromptValue(messages=messages)


def prompt_step(prompts_dir: Any = None) -> Runnable:
    return RunnableLambda(lambda state: prompt_for(state, prompts_dir)).with_config(run_name="prompt")


class EndpointErrors(Runnable):
    """The chat model as given, except that a failure of its endpoint becomes one ``LLMError``
    line (what the CLI prints and the API answers with 502), not the HTTP client's traceback.
    Not a run of its own: the model's run is traced as usual."""

    def __init__(self, model: Runnable, endpoint: str) -> None:
        self.model = model
        self.endpoint = endpoint
        self.name = getattr(model, "name", None) or type(model).__name__

    def _error(self, exc: Exception) -> LLMError:
        return LLMError(f"LLM endpoint {self.endpoint} failed: {type(exc).__name__}: {str(exc)[:200]}")

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        try:
            return self.model.invoke(input, config, **kwargs)
        except LLMError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        try:
            return await self.model.ainvoke(input, config, **kwargs)
        except LLMError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    def transform(self, input: Iterator[Any], config: Any = None, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from self.model.transform(input, config, **kwargs)
        except LLMError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[Any]:
        return self.transform(iter([input]), config, **kwargs)

    async def atransform(self, input: AsyncIterator[Any], config: Any = None, **kwargs: Any) -> AsyncIterator[Any]:
        try:
            async for chunk in self.model.atransform(input, config, **kwargs):
                yield chunk
        except LLMError:
            raise
        except Exception as exc:
            raise self._error(exc) from exc

    async def astream(self, input: Any, config: Any = None, **kwargs: Any) -> AsyncIterator[Any]:
        async def one() -> AsyncIterator[Any]:
            yield input

        async for chunk in self.atransform(one(), config, **kwargs):
            yield chunk


_QUESTION_ONLY = RunnableLambda(lambda s: [HumanMessage(content=str(s["question"]).strip())]).with_config(
    run_name="prompt")


def extractive_compose(state: Mapping[str, Any]) -> Runnable:
    """The extractive composer's draft, written by ``ExtractiveChatModel`` (built per question,
    like a canned model). The draft already is the answer: the model is asked the bare
    question, without the passages."""
    model = ExtractiveChatModel(text=state["evidence"].draft or "")
    return (_QUESTION_ONLY | model).with_config(run_name="compose")


def model_compose(model: Runnable, endpoint: str, prompts_dir: Any = None) -> Runnable:
    """A chat model (``ChatOpenAI``...) writing from the passages in the prompt."""
    return (prompt_step(prompts_dir) | EndpointErrors(model, endpoint)).with_config(run_name="compose")


def chunk_text(chunk: Any) -> str:
    """The text of a streamed piece (an ``AIMessageChunk``, content blocks, or a plain string)."""
    content = getattr(chunk, "content", chunk)
    if isinstance(content, list):
        return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return content if isinstance(content, str) else str(content or "")
