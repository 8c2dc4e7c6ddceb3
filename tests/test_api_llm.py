"""The LLM path end to end through the HTTP API: a real `yotassist serve` process whose
YOTASSIST_LLM_BASE_URL points to the SCRIPTED OpenAI-compatible peer (tests/openai_peer.py).
Streamed answers arrive as token events, then verified citations; fabricated markers never
reach the page; `mode` picks extractive or LLM per request."""

from __future__ import annotations

import json
import shutil
from typing import Iterator

import httpx
import pytest

from api_support import Server, start_server
from llm_support import first_sentence, peer, script, seen, sources_in  # noqa: F401  (peer is a fixture)
from test_api import check_citations, sse

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

QUESTION = "What did inspectors say about planning in Ashbridge?"


@pytest.fixture(scope="module")
def llm_server(built_index, peer, tmp_path_factory) -> Iterator[Server]:
    """`yotassist serve` on a copy of the sample index (embedded Chroma is one process's), with the peer as its LLM."""
    home, index_dir = built_index
    own = tmp_path_factory.mktemp("llm-serve")
    shutil.copytree(index_dir, own / "index")
    server = start_server(own / "index", own, YOTASSIST_LLM_BASE_URL=f"{peer}/v1",
                          YOTASSIST_LLM_MODEL="scripted-peer", YOTASSIST_LLM_API_KEY="test-key")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def llm_client(llm_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=llm_server.base_url, timeout=120) as c:
        yield c


def test_stream_tokens_then_verified_citations_with_fabricated_marker_removed(llm_client, peer):
    script(peer, "I cannot say.")
    first = llm_client.post("/api/ask", json={"question": QUESTION})
    assert first.status_code == 200, first.text
    req = seen(peer)[-1]
    assert req["model"] == "scripted-peer" and req["stream"] is True
    src = sources_in(req)
    assert src, "the model was shown no sources"
    n = min(src)
    real = first_sentence(src[n])
    script(peer, f"{real[:-1]} [{n}][42]. The service ran a fleet of hovercraft for children on remand [{n}].")
    with llm_client.stream("POST", "/api/ask/stream", json={"question": QUESTION}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = sse(r.read().decode())
    kinds = [k for k, _ in events]
    assert kinds[0] == "route" and json.loads(events[0][1]) in ("lookup", "comparative")
    assert kinds.count("token") >= 1 and kinds[-2:] == ["citations", "done"], kinds
    assert kinds.index("citations") > max(i for i, k in enumerate(kinds) if k == "token")
    tokens = "".join(json.loads(d) for k, d in events if k == "token")
    done = json.loads(events[-1][1])
    assert done["mode"] == "llm"
    assert tokens.strip() == done["answer"]
    assert "[42]" not in tokens and "hovercraft" not in tokens
    assert done["answer"] == f"{real[:-1]} [1]."
    assert done["unsupported"] == ["The service ran a fleet of hovercraft for children on remand."]
    citations = json.loads(events[-2][1])
    assert citations == done["citations"] and [c["n"] for c in citations] == [1]
    check_citations(llm_client, citations)


def test_mode_per_request(llm_client, peer):
    script(peer, "I cannot say.")
    ext = llm_client.post("/api/ask", json={"question": QUESTION, "mode": "extractive"})
    assert ext.status_code == 200 and ext.json()["mode"] == "extractive"
    assert seen(peer) == []  # the extractive answer never calls the model
    d = llm_client.post("/api/draft", json={"standard": "2.2", "kind": "strengths", "mode": "llm"})
    assert d.status_code == 200, d.text
    src = sources_in(seen(peer)[-1])
    n = min(src)
    sentence = first_sentence(src[n], 20)
    script(peer, f"- {sentence[:-1]} [{n}].\n- Every plan was written in verse [77].")
    d = llm_client.post("/api/draft", json={"standard": "2.2", "kind": "strengths", "mode": "llm"}).json()
    assert d["mode"] == "llm" and d["bullets"] == [f"{sentence[:-1]} [1]."]
    assert d["unsupported"] == ["Every plan was written in verse."]
    check_citations(llm_client, d["citations"])
    assert llm_client.post("/api/draft", json={"standard": "2.2", "kind": "strengths", "mode": "poetry"}).status_code == 422


def test_llm_mode_without_an_endpoint_is_refused(client):
    for path, body in (("/api/ask", {"question": QUESTION, "mode": "llm"}),
                       ("/api/ask/stream", {"question": QUESTION, "mode": "llm"}),
                       ("/api/draft", {"standard": "2.2", "kind": "strengths", "mode": "llm"})):
        r = client.post(path, json=body)
        assert r.status_code == 422, (path, r.text)
        assert "no language model endpoint" in r.json()["detail"]
    assert client.post("/api/ask", json={"question": QUESTION, "mode": "extractive"}).json()["mode"] == "extractive"
