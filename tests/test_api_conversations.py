"""Conversation API against a real `yotassist serve`, on SQLite (the default) and on a real
PostgreSQL server (tests/pg_support.py): create, list, rename, delete, export; ask within a
conversation with the history taken from the store; feedback; stored drafts; migrations from
empty; `yotassist feedback export`; two servers on one PostgreSQL share conversations."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
from typing import Iterator

import httpx
import pytest
from sqlalchemy import inspect, text

from api_support import ROOT, Server, cli, server_env, start_server
from pg_support import pg_server  # noqa: F401  (session fixture)
from test_api import check_citations, sse

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

Q1 = "What are the strengths in planning at Northwold?"
Q2 = "And Ashbridge?"
Q3 = "What about its overall score?"


@pytest.fixture(scope="module")
def pg_servers(built_index, pg_server, tmp_path_factory) -> Iterator[list[Server]]:
    """Two `yotassist serve` processes on one PostgreSQL database (each on its own copy of the
    sample index: embedded Chroma belongs to one process)."""
    home, index_dir = built_index
    url = pg_server.create_db("conversations_api")
    servers = []
    try:
        for name in ("a", "b"):
            own = tmp_path_factory.mktemp(f"pg-serve-{name}")
            shutil.copytree(index_dir, own / "index")
            servers.append(start_server(own / "index", own, YOTASSIST_DATABASE_URL=url))
        yield servers
    finally:
        for s in servers:
            s.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_server(request) -> Server:
    if request.param == "sqlite":
        return request.getfixturevalue("live_server")
    return request.getfixturevalue("pg_servers")[0]


@pytest.fixture()
def api(db_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=db_server.base_url, timeout=120) as c:
        yield c


def new_conversation(api: httpx.Client, title: str | None = None) -> dict:
    r = api.post("/api/conversations", json={"title": title} if title else {})
    assert r.status_code == 201, r.text
    return r.json()


def test_chat_config_names_the_database(api, db_server) -> None:
    cfg = api.get("/api/chat/config").json()
    assert cfg["database"] == ("postgresql" if "YOTASSIST_DATABASE_URL" in db_server.extra else "sqlite")
    assert cfg["llm_available"] is False and cfg["default_mode"] == "extractive"


def test_create_list_rename_delete(api) -> None:
    conv = new_conversation(api)
    assert conv["title"] == "New conversation" and conv["turn_count"] == 0
    listed = api.get("/api/conversations").json()
    assert listed[0]["id"] == conv["id"]
    r = api.patch(f"/api/conversations/{conv['id']}", json={"title": "  Planning across services  "})
    assert r.status_code == 200 and r.json()["title"] == "Planning across services"
    assert api.get(f"/api/conversations/{conv['id']}").json()["title"] == "Planning across services"
    assert api.patch(f"/api/conversations/{conv['id']}", json={"title": ""}).status_code == 422
    assert api.delete(f"/api/conversations/{conv['id']}").json() == {"id": conv["id"], "removed": True}
    assert api.get(f"/api/conversations/{conv['id']}").status_code == 404
    assert api.delete(f"/api/conversations/{conv['id']}").status_code == 404
    assert conv["id"] not in {c["id"] for c in api.get("/api/conversations").json()}
    assert api.patch("/api/conversations/no-such-id", json={"title": "x"}).status_code == 404


def test_three_turns_history_from_the_store(api) -> None:
    conv = new_conversation(api)
    cid = conv["id"]
    first = api.post(f"/api/conversations/{cid}/ask", json={"question": Q1})
    assert first.status_code == 200, first.text
    t1 = first.json()["turn"]
    assert t1["position"] == 1 and "Northwold" in t1["answer"]
    check_citations(api, t1["citations"])
    assert t1["timings"]["total_ms"] >= 0 and len(t1["settings_hash"]) == 16

    # The follow-up carries no history in the request: the server takes it from the store.
    with api.stream("POST", f"/api/conversations/{cid}/ask/stream", json={"question": Q2}) as r:
        assert r.status_code == 200
        events = sse(r.read().decode())
    kinds = [k for k, _ in events]
    assert kinds[-3:] == ["citations", "done", "turn"], kinds
    t2 = json.loads(events[-1][1])
    assert t2["position"] == 2 and t2["timings"]["first_token_ms"] is not None
    assert {c["source"] for c in t2["citations"]} == {"ashbridge-2023.txt"}
    assert any(c["section"] == "2.2" for c in t2["citations"]), t2["citations"]  # still about planning
    check_citations(api, t2["citations"])

    t3 = api.post(f"/api/conversations/{cid}/ask", json={"question": Q3}).json()["turn"]
    assert t3["position"] == 3 and "Ashbridge" in t3["answer"]

    full = api.get(f"/api/conversations/{cid}").json()
    assert [t["question"] for t in full["turns"]] == [Q1, Q2, Q3]
    assert full["title"] == Q1 and full["turn_count"] == 3
    assert full["turns"][1]["answer"] == json.loads(events[-2][1])["answer"]
    assert api.get("/api/conversations").json()[0]["id"] == cid  # most recently used first
    api.delete(f"/api/conversations/{cid}")


def test_ask_refusals(api) -> None:
    conv = new_conversation(api)
    assert api.post("/api/conversations/nope/ask", json={"question": Q1}).status_code == 404
    assert api.post(f"/api/conversations/{conv['id']}/ask", json={"question": "   "}).status_code == 422
    assert api.post(f"/api/conversations/{conv['id']}/ask", json={"question": "x", "mode": "llm"}).status_code == 422
    assert api.post(f"/api/conversations/{conv['id']}/ask", json={"question": "x", "history": []}).status_code == 422
    assert api.get(f"/api/conversations/{conv['id']}").json()["turns"] == []
    api.delete(f"/api/conversations/{conv['id']}")


def test_feedback_and_export(api, db_server, tmp_path) -> None:
    conv = new_conversation(api, "Feedback check")
    turn = api.post(f"/api/conversations/{conv['id']}/ask", json={"question": Q1}).json()["turn"]
    r = api.put(f"/api/turns/{turn['id']}/feedback", json={"rating": "down", "comment": "too long"})
    assert r.status_code == 200 and r.json()["rating"] == "down"
    r = api.put(f"/api/turns/{turn['id']}/feedback", json={"rating": "up", "comment": "useful: quotes the plan"})
    assert r.json() == {**r.json(), "rating": "up", "comment": "useful: quotes the plan"}
    assert api.put("/api/turns/999999/feedback", json={"rating": "up"}).status_code == 404
    assert api.put(f"/api/turns/{turn['id']}/feedback", json={"rating": "meh"}).status_code == 422
    stored = api.get(f"/api/conversations/{conv['id']}").json()["turns"][0]["feedback"]
    assert stored["rating"] == "up" and stored["comment"] == "useful: quotes the plan"

    md = api.get(f"/api/conversations/{conv['id']}/export", params={"format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert 'filename="conversation-feedback-check.md"' in md.headers["content-disposition"]
    body = md.text
    assert body.startswith("# Feedback check") and f"## Q1: {Q1}" in body and "Sources:" in body
    c = turn["citations"][0]
    assert f"[{c['n']}] " in body and c["quote"][:40] in body and "Feedback: helpful" in body

    docx = api.get(f"/api/conversations/{conv['id']}/export", params={"format": "docx"})
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    from docx import Document

    doc_text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert Q1 in doc_text and "Sources" in doc_text and c["quote"][:40] in doc_text
    assert api.get(f"/api/conversations/{conv['id']}/export", params={"format": "pdf"}).status_code == 422

    # `yotassist feedback export` reads the same database the server writes.
    out = tmp_path / "feedback.jsonl"
    db_args = ["--database-url", db_server.extra["YOTASSIST_DATABASE_URL"]] if "YOTASSIST_DATABASE_URL" in db_server.extra else []
    proc = subprocess.run(cli("feedback", "export", "--out", str(out), "--rating", "up", *db_args), cwd=ROOT,
                          env=server_env(db_server.home), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    mine = [r for r in rows if r["turn_id"] == turn["id"]]
    assert len(mine) == 1 and mine[0]["question"] == Q1 and mine[0]["comment"] == "useful: quotes the plan"
    assert mine[0]["citations"] and mine[0]["history"] == [] and mine[0]["rating"] == "up"
    api.delete(f"/api/conversations/{conv['id']}")
    # deleting a conversation deletes its turns and their feedback
    proc = subprocess.run(cli("feedback", "export", *db_args), cwd=ROOT, env=server_env(db_server.home),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and str(turn["id"]) not in [str(json.loads(x)["turn_id"]) for x in proc.stdout.splitlines()]


def test_drafts_are_stored(api) -> None:
    conv = new_conversation(api)
    r = api.post("/api/drafts", json={"standard": "2.2", "kind": "strengths", "kq": [{"yes": 5, "relevant": 8}],
                                      "conversation_id": conv["id"]})
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["draft"]["standard"] == "2.2" and rec["request"]["kq"][0]["yes"] == 5
    assert rec["conversation_id"] == conv["id"]
    assert api.get("/api/drafts").json()[0]["id"] == rec["id"]
    assert api.post("/api/drafts", json={"standard": "2.2", "kind": "strengths",
                                         "conversation_id": "nope"}).status_code == 404
    api.delete(f"/api/conversations/{conv['id']}")
    assert api.get("/api/drafts").json()[0]["conversation_id"] is None  # the draft outlives its conversation


def test_two_servers_share_conversations_on_postgresql(pg_servers) -> None:
    a, b = pg_servers
    with httpx.Client(base_url=a.base_url, timeout=120) as ca, httpx.Client(base_url=b.base_url, timeout=120) as cb:
        conv = new_conversation(ca, "Shared thread")
        ca.post(f"/api/conversations/{conv['id']}/ask", json={"question": Q1}).raise_for_status()
        assert conv["id"] in {c["id"] for c in cb.get("/api/conversations").json()}
        # the follow-up asked on the other server continues the same thread
        t2 = cb.post(f"/api/conversations/{conv['id']}/ask", json={"question": Q2}).json()["turn"]
        assert t2["position"] == 2 and {c["source"] for c in t2["citations"]} == {"ashbridge-2023.txt"}
        seen = ca.get(f"/api/conversations/{conv['id']}").json()
        assert [t["question"] for t in seen["turns"]] == [Q1, Q2]
        cb.patch(f"/api/conversations/{conv['id']}", json={"title": "Renamed on B"})
        assert ca.get(f"/api/conversations/{conv['id']}").json()["title"] == "Renamed on B"
        cb.delete(f"/api/conversations/{conv['id']}")
        assert ca.get(f"/api/conversations/{conv['id']}").status_code == 404


# ---- migrations from empty -------------------------------------------------------------------

TABLES = {"conversations", "turns", "feedback", "drafts", "alembic_version"}


def _migrate_from_empty(url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from api.conversations.db import MIGRATIONS, make_engine, migrate

    engine = make_engine(url)
    assert not inspect(engine).get_table_names()
    migrate(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0001"
    migrate(engine)  # a second start changes nothing
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_migrations_from_empty_sqlite(tmp_path) -> None:
    _migrate_from_empty(f"sqlite:///{tmp_path / 'fresh.sqlite'}")


def test_migrations_from_empty_postgresql(pg_server) -> None:
    from api.conversations.db import database_url
    from yotassist.settings import Settings

    _migrate_from_empty(database_url(Settings(database_url=pg_server.create_db("fresh_migrations"))))


def test_default_store_is_sqlite_in_the_data_folder(live_server) -> None:
    path = live_server.home / "conversations.sqlite"
    assert path.is_file()
    with sqlite3.connect(path) as db:
        assert db.execute("select version_num from alembic_version").fetchone() == ("0001",)
