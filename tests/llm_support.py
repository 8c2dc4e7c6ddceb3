"""Helpers for tests of the LLM path: the SCRIPTED OpenAI-compatible peer (tests/openai_peer.py,
a real HTTP server process), scripting its replies and reading what it was sent.

Test modules import the ``peer`` fixture from here (``from llm_support import peer``)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_peer() -> tuple[str, subprocess.Popen]:
    """Start the scripted peer on a free port; (base URL without /v1, process)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "openai_peer.py"), str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return base, proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise RuntimeError(f"scripted peer did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def peer() -> Iterator[str]:
    base, proc = start_peer()
    yield base
    stop(proc)


def script(peer: str, reply, delay: float = 0.0) -> None:
    """Set the peer's next reply (a string) or replies (a list; the last one repeats); ``delay``
    seconds between streamed tokens makes it a slow model (for stopping a stream)."""
    httpx.post(f"{peer}/control/script", json={"reply": reply, "delay": delay}, timeout=5).raise_for_status()


def seen(peer: str) -> list[dict]:
    """Every chat request the peer received since the last ``script``."""
    return httpx.get(f"{peer}/control/requests", timeout=5).json()


def sources_in(request: dict) -> dict[int, str]:
    """The numbered source blocks of a chat request's last (user) message: {n: text}."""
    user = request["messages"][-1]["content"]
    return {int(n): body for n, body in re.findall(r"<source n=(\d+)[^>]*>\n(.*?)\n</source>", user, re.S)}


def first_sentence(text: str, min_len: int = 40) -> str:
    """A real sentence of a source block, as a model would quote it."""
    return next(s for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")) if len(s) > min_len and s.lstrip('\u201c"\'')[:1].isupper())
