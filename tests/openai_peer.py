"""SCRIPTED TEST PEER: a real HTTP server speaking the OpenAI chat-completions protocol.

It is not a model. It replies with text that a test scripted beforehand, so the LLM path of the
assistant (langchain-openai ChatOpenAI -> HTTP -> gate) can be tested end to end, including
replies with fabricated citations and markers. Run as a process:

    python tests/openai_peer.py PORT

Control endpoints (test-only): POST /control/script {"reply": "..."} sets the next replies
(a list or one string; the last one repeats; optional "delay" seconds between streamed tokens); GET /control/requests returns every chat request
received (JSON bodies), so a test can check what the model was shown.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from sse_starlette.sse import EventSourceResponse

app = FastAPI(title="scripted OpenAI-compatible test peer")
STATE: dict[str, Any] = {"replies": ["(no script set)"], "requests": [], "delay": 0.0}


@app.post("/control/script")
async def script(request: Request) -> dict[str, Any]:
    body = await request.json()
    reply = body.get("reply", "")
    STATE["replies"] = list(reply) if isinstance(reply, list) else [reply]
    STATE["requests"] = []
    STATE["delay"] = float(body.get("delay", 0.0))  # seconds between streamed tokens (a slow model)
    return {"ok": True, "replies": len(STATE["replies"])}


@app.get("/control/requests")
async def requests_seen() -> list[dict[str, Any]]:
    return STATE["requests"]


def _next_reply() -> str:
    replies = STATE["replies"]
    return replies.pop(0) if len(replies) > 1 else replies[0]


def _tokens(text: str) -> list[str]:
    """Split like a tokenizer would, roughly: words with their leading space, and brackets apart."""
    out, cur = [], ""
    for ch in text:
        if ch in " [" and cur:
            out.append(cur)
            cur = ""
        cur += ch
    if cur:
        out.append(cur)
    return out


@app.post("/v1/chat/completions")
async def chat(request: Request):
    body = await request.json()
    STATE["requests"].append(body)
    reply = _next_reply()
    created = int(time.time())
    if not body.get("stream"):
        return {
            "id": "chatcmpl-scripted", "object": "chat.completion", "created": created, "model": body.get("model", "m"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }

    async def events():
        first = True
        for tok in _tokens(reply):
            if STATE["delay"]:
                await asyncio.sleep(STATE["delay"])
            delta = {"role": "assistant", "content": tok} if first else {"content": tok}
            first = False
            yield {"data": json.dumps({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created,
                                       "model": body.get("model", "m"),
                                       "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})}
        yield {"data": json.dumps({"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": created,
                                   "model": body.get("model", "m"),
                                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})}
        yield {"data": "[DONE]"}

    return EventSourceResponse(events())


@app.get("/health")
async def health() -> dict[str, bool]:
    return {"ok": True}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
