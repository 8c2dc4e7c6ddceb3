"""The answer path as a LangChain (LCEL) chain, over a real index of the fictitious samples
(real embedder, real Chroma): invoke, batch, stream and astream_events give the same verified
answer as ``Assistant.ask``; a callback handler sees every step by its run name; ChatOpenAI
against the SCRIPTED OpenAI-compatible peer (tests/openai_peer.py) takes the extractive
model's place and the citation gate catches what it makes up."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.documents import Document

from assistant.chain import ExtractiveChatModel, answer_chain, to_answer
from assistant.citations import recheck
from assistant.service import Assistant
from assistant_support import build_index
from llm_support import first_sentence, peer, script, seen, sources_in  # noqa: F401  (peer is a fixture)

pytestmark = [pytest.mark.slow]

LOOKUP = "What did inspectors say about Ashbridge's diversion panel with the police?"
NUMERIC = "What was Northwold's overall rating and score?"
COMPARATIVE = "Compare joint working with the police across the YOTs"
METHODOLOGY = "How are ratings worked out?"
DRAFTING = "Draft the strengths for 2.2 planning for Ashbridge"
QUESTIONS = {"lookup": LOOKUP, "numeric": NUMERIC, "comparative": COMPARATIVE, "methodology": METHODOLOGY,
             "drafting": DRAFTING}
STEPS = ["answer_chain", "understand", "retrieve", "by_kind", "select_evidence", "compose_and_verify", "compose",
         "prompt", "verify_citations"]


@pytest.fixture(scope="module")

def index(tmp_path_factory, samples_dir):
    paths = [samples_dir / n for n in ("ashbridge-2023.txt", "fenmarsh-2019.pdf", "kelderton-and-marsh-vale-2020.md",
                                       "northwold-2022.html")]
    return build_index(tmp_path_factory.mktemp("chain-index") / "index", paths)


@pytest.fixture(scope="module")
def assistant(index):
    a = Assistant(index, mode="extractive")
    a.warm()
    return a


@pytest.fixture(scope="module")
def chain(assistant):
    return answer_chain(assistant.index, lib=assistant.lib, settings=assistant.settings)


class StepNames(BaseCallbackHandler):
    """Every run the chain starts, by name, in start order (chains, chat models, retrievers)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.retrieved: list[Document] = []

    def _name(self, serialized: Any, kwargs: dict) -> None:
        # The run name when one is set, else the class's (a chat model's run carries no name).
        self.names.append(kwargs.get("name") or (serialized or {}).get("name") or "")

    def on_chain_start(self, serialized: Any, inputs: Any, **kwargs: Any) -> None:
        self._name(serialized, kwargs)

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self._name(serialized, kwargs)

    def on_retriever_start(self, serialized: Any, query: str, **kwargs: Any) -> None:
        self._name(serialized, kwargs)

    def on_retriever_end(self, documents: Any, **kwargs: Any) -> None:
        self.retrieved.extend(documents)


def _verified(assistant: Assistant, out: dict) -> None:
    assert out["answer"].strip()
    assert out["citations"] and all(recheck(out["citations"], assistant.lib.lines_of))
    markers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", out["answer"])})
    assert markers == [c.n for c in out["citations"]]


def test_invoke_gives_the_assistants_answer_with_the_retrieved_documents(assistant, chain):
    out = chain.invoke({"question": LOOKUP})
    assert out["kind"] == "lookup" and out["mode"] == "extractive" and out["route"].services == ["Ashbridge"]
    assert out["context"] and all(isinstance(d, Document) for d in out["context"])
    assert {d.metadata["source"] for d in out["context"]} == {"ashbridge-2023.txt"}
    _verified(assistant, out)
    assert "Diversion Panel" in out["answer"]
    assert to_answer(out) == _unstamped(assistant.ask(LOOKUP))


def test_invoke_refuses_an_empty_question(chain):
    with pytest.raises(ValueError, match="empty"):
        chain.invoke({"question": "   "})


def test_batch_answers_each_kind_as_invoke_does(assistant, chain):
    kinds = list(QUESTIONS)
    outs = chain.batch([{"question": QUESTIONS[k]} for k in kinds])
    assert [o["kind"] for o in outs] == kinds
    for kind, out in zip(kinds, outs):
        _verified(assistant, out)
        assert to_answer(out) == to_answer(chain.invoke({"question": QUESTIONS[kind]})), kind
    assert "Outstanding" in outs[1]["answer"] and "33/36" in outs[1]["answer"]


def test_stream_head_then_answer_pieces_then_citations(assistant, chain):
    pieces = list(chain.stream({"question": LOOKUP}))
    assert {"question", "kind", "route", "context"} <= set(pieces[0]) and "answer" not in pieces[0]
    texts = [p["answer"] for p in pieces if "answer" in p]
    assert len(texts) >= 3  # the answer streams line by line, not at the end
    assert set(pieces[-1]) == {"citations", "unsupported", "mode"}
    total = pieces[0]
    for p in pieces[1:]:
        total = total + p
    assert total["answer"] == "".join(texts) == chain.invoke({"question": LOOKUP})["answer"]
    _verified(assistant, total)


def test_ask_stream_events_come_from_the_chain(assistant, chain):
    events = list(assistant.ask_stream(COMPARATIVE))
    kinds = [k for k, _ in events]
    assert kinds[0] == "route" and events[0][1] == "comparative" and kinds[-2:] == ["citations", "done"]
    done = events[-1][1]
    assert "".join(v for k, v in events if k == "token") == done.answer
    assert _unstamped(done) == to_answer(chain.invoke({"question": COMPARATIVE}))


def test_astream_events_show_each_step_and_the_streamed_answer(assistant, chain):
    async def run() -> list[dict]:
        return [e async for e in chain.astream_events({"question": LOOKUP}, version="v2")]

    events = asyncio.run(run())
    started = [e["name"] for e in events if e["event"].endswith("_start")]
    for step in STEPS + ["IndexRetriever", "ExtractiveChatModel", "answer_lookup"]:
        assert step in started, step
    tokens = "".join(e["data"]["chunk"].content for e in events if e["event"] == "on_chat_model_stream")
    assert "Diversion Panel" in tokens  # the composer's draft, written as a chat model streams
    streamed = [e["data"]["chunk"] for e in events if e["event"] == "on_chain_stream" and e["name"] == "answer_chain"]
    answer = "".join(c.get("answer", "") for c in streamed)
    assert answer == chain.invoke({"question": LOOKUP})["answer"]
    end = next(e for e in events if e["event"] == "on_chain_end" and e["name"] == "answer_chain")
    assert end["data"]["output"]["answer"] == answer


@pytest.mark.parametrize("kind", list(QUESTIONS))
def test_a_callback_handler_sees_every_step_by_name(chain, kind):
    handler = StepNames()
    out = chain.invoke({"question": QUESTIONS[kind]}, config={"callbacks": [handler]})
    assert out["kind"] == kind
    order = [n for n in handler.names if n in STEPS]
    assert [n for n in STEPS if n in order] == STEPS, handler.names
    firsts = [order.index(n) for n in STEPS]
    assert firsts == sorted(firsts), order  # understand before retrieve before ... verify
    assert f"answer_{kind}" in handler.names and "ExtractiveChatModel" in handler.names
    if kind in ("lookup", "comparative"):
        assert "IndexRetriever" in handler.names
        assert {d.id for d in handler.retrieved} == {d.id for d in out["context"]}


def test_extractive_chat_model_streams_its_text_as_message_chunks():
    model = ExtractiveChatModel(text="First line [1].\nSecond line [2].")
    chunks = [c for c in model.stream("ignored") if c.content]  # langchain adds an empty closing chunk
    assert [c.content for c in chunks] == ["First line [1].\n", "Second line [2]."]
    assert model.invoke("ignored").content == "First line [1].\nSecond line [2]."


# ----- the LLM composer swapped in ----------------------------------------------------------------

@pytest.fixture(scope="module")
def llm_chain(assistant, peer):
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(base_url=f"{peer}/v1", api_key="x", model="scripted-peer", temperature=0, timeout=20,
                       max_retries=0, streaming=True)
    return answer_chain(assistant.index, llm=model, lib=assistant.lib, settings=assistant.settings)


def _real_sentence(peer: str, llm_chain) -> tuple[int, str]:
    script(peer, "I cannot say.")
    llm_chain.invoke({"question": LOOKUP})
    passages = sources_in(seen(peer)[-1])
    assert passages, "the model was shown no sources"
    n = min(passages)
    return n, first_sentence(passages[n])


def test_chatopenai_takes_the_composers_place_and_the_gate_catches_its_inventions(assistant, llm_chain, peer):
    n, real = _real_sentence(peer, llm_chain)
    script(peer, f"{real[:-1]} [{n}].\nAshbridge closed its youth court and sent every child to a private panel "
                 f"in 2019 [{n}].\n{real[:-1]} [99].\nThe YJS was rated Inadequate for everything [{n}].")
    handler = StepNames()
    pieces = list(llm_chain.stream({"question": LOOKUP}, config={"callbacks": [handler]}))
    total = pieces[0]
    for p in pieces[1:]:
        total = total + p
    assert total["mode"] == "llm" and "ChatOpenAI" in handler.names and "ExtractiveChatModel" not in handler.names
    assert "answer_lookup_model" in handler.names and "verify_citations" in handler.names
    assert "[99]" not in total["answer"] and "private panel" not in total["answer"]
    assert "Inadequate for everything" not in total["answer"]
    assert any("private panel" in u for u in total["unsupported"])
    assert any("Inadequate for everything" in u for u in total["unsupported"])
    _verified(assistant, total)
    assert [c.n for c in total["citations"]] == [1]
    # Numeric questions stay with the extractive composer: the model is not asked.
    script(peer, "Northwold was rated Inadequate [1].")
    out = llm_chain.invoke({"question": NUMERIC})
    assert out["mode"] == "extractive" and seen(peer) == [] and "Outstanding" in out["answer"]


def test_when_nothing_the_model_wrote_verifies_the_extractive_answer_is_shown(assistant, chain, llm_chain, peer):
    script(peer, "Ashbridge closed its youth court and sent every child to a private panel in 1850 [1].")
    handler = StepNames()
    out = llm_chain.invoke({"question": LOOKUP}, config={"callbacks": [handler]})
    assert "extractive_fallback" in handler.names and "ChatOpenAI" in handler.names
    assert out["mode"] == "extractive"
    assert any("private panel" in u for u in out["unsupported"])
    assert out["answer"] == chain.invoke({"question": LOOKUP})["answer"]
    _verified(assistant, out)


def test_a_new_kind_gets_its_own_branch_from_the_composer_table(assistant, monkeypatch):
    """Room for kinds the router learns later ('whatif' rating reasoning): one COMPOSERS entry,
    and the chain answers it on a branch of its own, through the same gate."""
    from dataclasses import replace

    import assistant.chain.understand as understand
    from assistant import compose_extractive as cx
    from assistant.chain.kinds import COMPOSERS

    def whatif(route, lib, index):
        d = cx.Draft()
        d.say("Scenario answer for a what-if question.", trusted=True)
        d.say("An unverifiable claim about 7 of 9 cases [1].")
        return d

    real_route = understand.route
    monkeypatch.setattr(understand, "route", lambda q, services, history, **kw: replace(real_route(q, services, history, **kw),
                                                                                  kind="whatif"))
    monkeypatch.setitem(COMPOSERS, "whatif", whatif)
    chain = answer_chain(assistant.index, lib=assistant.lib, settings=assistant.settings)
    handler = StepNames()
    out = chain.invoke({"question": "What if 2.2 had 7 of 9?"}, config={"callbacks": [handler]})
    assert out["kind"] == "whatif" and "answer_whatif" in handler.names
    assert out["answer"] == "Scenario answer for a what-if question."
    assert out["unsupported"] == ["An unverifiable claim about 7 of 9 cases."]


def test_the_assistants_composer_is_called_with_the_retrieved_index(assistant):
    """``Assistant.ask`` answers through its own ``_compose`` (where a kind may be dispatched),
    handed the index as the retrieve step left it: the lookup's search is not made twice."""
    from assistant.chain.retrieve import RetrievedIndex

    seen_index: list = []
    original = assistant._compose

    def spy(r, index=None):
        seen_index.append(index)
        return original(r, index)

    assistant._compose = spy
    try:
        assistant._chains.clear()
        ans = assistant.ask(LOOKUP)
    finally:
        del assistant._compose
        assistant._chains.clear()
    assert ans.citations and len(seen_index) == 1 and isinstance(seen_index[0], RetrievedIndex)
    assert seen_index[0].documents
    assert seen_index[0].extra_searches == 0, (
        "the lookup composer searched beyond what the retrieve step planned: align "
        "assistant/chain/retrieve.py search_plan (LOOKUP_K...) with the composer's search")


def _unstamped(ans):
    """The Answer without what Assistant stamps on it (settings hash, index generation)."""
    return ans.model_copy(update={"settings_hash": None, "index_generation": None})
