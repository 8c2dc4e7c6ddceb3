"""Opening the conversation database and bringing its schema up to date.

Why migrations run at start-up: a fresh demo must work with nothing to install or run, and an
upgraded server must never serve on an old schema. Two servers starting at once on one
PostgreSQL take an advisory lock so only one of them migrates. SQLite's own locking does not
serialise them (the schema check reads before any write lock is taken, so two workers of
``yotassist serve --workers 2`` both saw an empty database and the second failed on "table
conversations already exists", stopping the server): an exclusive ``fcntl`` lock on a file beside
the database does.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:  # pragma: no cover
    from api.conversations.repository import ConversationStore
    from yotassist.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_KEY = 7_311_002_013  # any constant: "yotassist conversation migrations"


def database_url(settings: "Settings") -> str:
    """``YOTASSIST_DATABASE_URL`` or an SQLite file in the data folder."""
    if settings.database_url:
        url = settings.database_url
        # plain postgresql:// means psycopg 3 here (the driver this package depends on)
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    home = Path(settings.home)
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'conversations.sqlite'}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # cascades need foreign keys on
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """Hold ``<database>.migrate.lock`` exclusively while migrating a file SQLite database (one
    process at a time; the others wait, then find the schema up to date)."""
    db = engine.url.database if engine.dialect.name == "sqlite" else None
    if not db or db == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: SQLite's own locking only
        yield
        return
    with open(f"{db}.migrate.lock", "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def migrate(engine: Engine) -> None:
    """Run every Alembic migration not yet applied (from empty on a new database)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    with _sqlite_migration_lock(engine), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def open_store(settings: "Settings", *, url: str | None = None) -> "ConversationStore":
    from api.conversations.repository import ConversationStore

    engine = make_engine(url or database_url(settings))
    migrate(engine)
    return ConversationStore(engine)


def settings_hash(settings: "Settings") -> str:
    """A short hash of the settings that shape an answer (model, retrieval, LLM), stored with
    every turn so feedback can be traced to the configuration that produced the answer."""
    import hashlib
    import json

    # Everything that shapes an answer; not secrets, folders, limits or serving details. Read
    # defensively: settings fields are added and renamed by other features.
    skip = ("key", "home", "index", "dir", "cors", "host", "port", "database", "max_", "history")
    data = settings.model_dump(mode="json")
    shape = {k: v for k, v in data.items() if not any(s in k for s in skip)}
    llm = dict(data.get("llm") or {})
    llm.pop("api_key", None)
    shape["llm"] = llm
    shape["embed"] = dict(data.get("embed") or {}, model=Path(str(settings.embed.model)).name)
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()[:16]
