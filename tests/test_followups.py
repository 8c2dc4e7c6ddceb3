"""Three-turn conversations whose later questions say only "that" / "it" / "which one": through the
real CLI (`yotassist ask --history`, subprocess, real index) and the real server (`POST /api/ask`
with a history, and the stored conversations the page uses). Bad histories are refused with one line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from api_support import ROOT, cli, server_env
from assistant_support import build_index
from dialogue_support import SERVICE, write_brackenmoor

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def cli_index(tmp_path_factory, samples_dir) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("followups-home")
    src = tmp_path_factory.mktemp("followups-src")
    index_dir = home / "index"
    build_index(index_dir, [write_brackenmoor(src), samples_dir / "ashbridge-2023.txt"])
    return home, index_dir


def _ask(cli_index, question: str, history: list | str | None = None) -> dict:
    home, index_dir = cli_index
    args = ["ask", question, "--json", "--index", str(index_dir)]
    if history is not None:
        args += ["--history", history if isinstance(history, str) else json.dumps(history)]
    proc = subprocess.run(cli(*args), cwd=ROOT, env=server_env(home), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _turns(*pairs: tuple[str, dict]) -> list[dict]:
    out = []
    for q, a in pairs:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": a["answer"]}]
    return out


def test_three_turns_through_the_cli_keep_service_and_standard(cli_index):
    q1 = f"What rating did {SERVICE} get for 2.2 planning?"
    a1 = _ask(cli_index, q1)
    assert "Inadequate" in a1["answer"]
    q2 = "what were the key question figures behind that?"
    a2 = _ask(cli_index, q2, _turns((q1, a1)))
    assert a2["kind"] == "numeric", a2
    assert "10 of 12" in a2["answer"] and "4 of 9" in a2["answer"], a2["answer"]
    assert {c["source"] for c in a2["citations"]} == {"brackenmoor-2020.md"}
    a3 = _ask(cli_index, "which key question dragged it down?", _turns((q1, a1), (q2, a2)))
    assert a3["kind"] == "whatif", a3
    assert "4/9 = 44.4%" in a3["answer"] and "other people" in a3["answer"], a3["answer"]
    # the referent can change service and keep the standard
    a4 = _ask(cli_index, "and what about Ashbridge specifically?", _turns((q1, a1)))
    assert "Requires improvement" in a4["answer"], a4["answer"]
    assert any(c["source"] == "ashbridge-2023.txt" and c["section"] in ("2.2", "ratings") for c in a4["citations"])
    assert all(c["source"] == "ashbridge-2023.txt" for c in a4["citations"])


def test_a_history_file_of_plain_questions_works(cli_index, tmp_path):
    f = tmp_path / "history.txt"
    f.write_text(f"What rating did {SERVICE} get for 2.2 planning?\n", encoding="utf-8")
    a = _ask(cli_index, "which key question dragged it down?", str(f))
    assert a["kind"] == "whatif" and "44.4%" in a["answer"]


@pytest.mark.parametrize("value, message", [
    ('{"role": "user", "content": "hi"}', "is a JSON object"),
    ("42", "neither a file nor a JSON list"),
    ('[{"role": "system", "content": "hi"}]', "turn 1 must be"),
    ('[{"role": "user"}]', "turn 1 must be"),
    ("[1, 2]", "turn 1 is int"),
    ("[\"unclosed", "not valid JSON"),
])
def test_bad_history_values_are_refused_with_one_line(cli_index, value, message):
    home, index_dir = cli_index
    proc = subprocess.run(cli("ask", "and it?", "--history", value, "--index", str(index_dir)), cwd=ROOT,
                          env=server_env(home), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("yotassist: error: --history") and message in lines[0], proc.stderr


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02binary\xff\xfe", "not UTF-8 text"),
    (b'{"turns": ["a"]}', "is a JSON object"),
    (b'[{"role": "user", "content": 5}]', "turn 1 must be"),
])
def test_bad_history_files_are_refused(cli_index, tmp_path, content, message):
    home, index_dir = cli_index
    f = tmp_path / "h.json"
    f.write_bytes(content)
    proc = subprocess.run(cli("ask", "and it?", "--history", str(f), "--index", str(index_dir)), cwd=ROOT,
                          env=server_env(home), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


# ----- the real server (sample index: Kelderton and Marsh Vale 2.2 is 8/12, 6/12, 4/10 -> Inadequate) -----

KMV_Q1 = "What rating did Kelderton and Marsh Vale get for 2.2 planning?"
KMV_Q2 = "what were the key question figures behind that?"
KMV_Q3 = "which key question dragged it down?"


def test_three_turns_through_api_ask(client: httpx.Client):
    history: list[dict] = []
    answers = []
    for q in (KMV_Q1, KMV_Q2, KMV_Q3):
        r = client.post("/api/ask", json={"question": q, "history": history})
        assert r.status_code == 200, r.text
        a = r.json()
        answers.append(a)
        history += [{"role": "user", "content": q}, {"role": "assistant", "content": a["answer"]}]
    assert "Inadequate" in answers[0]["answer"]
    assert answers[1]["kind"] == "numeric" and "4 of 10" in answers[1]["answer"], answers[1]["answer"]
    assert answers[2]["kind"] == "whatif" and "4/10 = 40%" in answers[2]["answer"], answers[2]["answer"]
    assert all(c["source"].startswith("kelderton") for c in answers[1]["citations"])


def test_three_turns_in_a_stored_conversation(client: httpx.Client):
    """The page's path: the server keeps the conversation and passes it as the history."""
    conv = client.post("/api/conversations", json={}).json()
    turns = []
    for q in (KMV_Q1, KMV_Q2, KMV_Q3):
        r = client.post(f"/api/conversations/{conv['id']}/ask", json={"question": q})
        assert r.status_code == 200, r.text
        turns.append(r.json()["turn"])
    assert turns[1]["kind"] == "numeric" and "4 of 10" in turns[1]["answer"], turns[1]["answer"]
    assert turns[2]["kind"] == "whatif" and "4/10 = 40%" in turns[2]["answer"], turns[2]["answer"]


@pytest.mark.parametrize("history", [
    {"role": "user", "content": "x"},
    "What rating did Ashbridge get?",
    [{"role": "system", "content": "x"}],
    [{"role": "user"}],
    [{"role": "user", "content": "x", "extra": 1}],
    [42],
])
def test_api_refuses_a_malformed_history_with_422(client: httpx.Client, history):
    r = client.post("/api/ask", json={"question": "and it?", "history": history})
    assert r.status_code == 422, r.text
    assert r.json()["detail"]


def test_api_documents_the_history_field_and_422(client: httpx.Client):
    spec = client.get("/openapi.json").json()
    ask = spec["paths"]["/api/ask"]["post"]
    assert "422" in ask["responses"]
    schema = spec["components"]["schemas"]["AskIn"]["properties"]["history"]
    assert schema["type"] == "array" and schema.get("description")
