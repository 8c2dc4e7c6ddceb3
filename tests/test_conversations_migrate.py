"""Several server processes migrating one new SQLite conversation database at once all succeed.

Why: ``yotassist serve --workers 2`` on a fresh data folder started both workers' migrations
together; the second failed on "table conversations already exists" and uvicorn stopped the
server (seen in the load benchmark). Real processes, real SQLite files, real Alembic.
"""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from sqlalchemy import inspect


def _migrate(url: str, start, out) -> None:  # noqa: ANN001 - multiprocessing objects
    from api.conversations.db import make_engine, migrate

    engine = make_engine(url)
    start.wait(30)
    try:
        migrate(engine)
        out.put("ok")
    except Exception as exc:  # reported to the test, which fails on it
        out.put(f"{type(exc).__name__}: {exc}"[:300])


def test_concurrent_migrations_of_a_new_database(tmp_path: Path) -> None:
    ctx = mp.get_context("spawn")
    for trial in range(3):  # the race needs the processes to overlap: several fresh databases
        url = f"sqlite:///{tmp_path / f'conv-{trial}.sqlite'}"
        start, out = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_migrate, args=(url, start, out)) for _ in range(4)]
        for p in procs:
            p.start()
        results = [out.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(30)
        assert results == ["ok"] * 4, results
        from api.conversations.db import make_engine

        assert "conversations" in inspect(make_engine(url)).get_table_names()
