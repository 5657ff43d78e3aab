"""Database engine and sessions. Each service has its own database (SQLite file) or PostgreSQL schema.

A service never reads another service's tables: on PostgreSQL every connection's search_path is pinned
to the service's own schema, so even a shared database keeps the services apart.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .settings import CommonSettings


class KernelBase(DeclarativeBase):
    """Tables that every service has in its own database: messages, outbox, inbox, audit."""


def make_engine(settings: CommonSettings) -> Engine:
    url = settings.resolved_database_url()
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_size"] = settings.db_pool_size
        kwargs["max_overflow"] = settings.db_pool_size
        schema = settings.resolved_schema()
        if schema:
            kwargs["connect_args"] = {"options": f"-csearch_path={schema}"}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - driver callback
        cur = dbapi_conn.cursor()
        # WAL lets the mailbox readers run while a declaratie is being written; foreign keys are off by
        # default in SQLite; a busy timeout instead of "database is locked" under concurrent writers.
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()


def ensure_schema(settings: CommonSettings) -> None:
    """Create the service's PostgreSQL schema if needed (migrations run inside it)."""
    schema = settings.resolved_schema()
    if not schema:
        return
    from sqlalchemy import text

    engine = create_engine(settings.resolved_database_url())
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()


class Database:
    """Engine plus session factory for one service process."""

    def __init__(self, settings: CommonSettings):
        self.settings = settings
        self.engine = make_engine(settings)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.session() as session:
            with session.begin():
                yield session

    def ping(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
