"""Database engine and sessions. Each service has its own database (SQLite file) or PostgreSQL schema.

A service never reads another service's tables: on PostgreSQL every connection's search_path is pinned
to the service's own schema, so even a shared database keeps the services apart.
"""
from __future__ import annotations

import hashlib
import select
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from .onloop import NeedsThread, leave_loop, on_loop
from .settings import CommonSettings


class KernelBase(DeclarativeBase):
    """Tables that every service has in its own database: messages, outbox, inbox, audit."""


def make_engine(settings: CommonSettings, autocommit: bool = False) -> Engine:
    url = settings.resolved_database_url()
    # hide_parameters: a database error's text never carries the values (BSNs, names, message bytes), wherever
    # it is logged or shown
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if autocommit:
        # connections born in autocommit mode that stay so: no isolation level set at each checkout and reset
        # at each checkin, and nothing to roll back when one comes back (Database.autocommit_reads)
        kwargs.update(isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_size"] = settings.db_pool_size
        kwargs["max_overflow"] = settings.db_pool_size
        schema = settings.resolved_schema()
        # the service (and its schema) by name in pg_stat_activity, for operators and the fault tests
        kwargs["connect_args"] = {"application_name": f"berichten {schema or settings.service_name}"[:63]}
        if schema:
            kwargs["connect_args"]["options"] = f"-csearch_path={schema}"
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _tune_sqlite(engine)
    else:
        _ping_when_idle(engine)
        _refuse_writes_in_autocommit_reads(engine)
    return engine


class NeedsTransaction(Exception):
    """Code running in Database.autocommit_reads tried to write: the write was not sent; redo it in a
    transaction."""


_READS_ONLY = "berichten.reads-only"


def _refuse_writes_in_autocommit_reads(engine: Engine) -> None:
    """In autocommit_reads every statement would commit on its own, so a write there would not be undone with
    the rest: stop it before it reaches the database (one dict lookup per statement)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:  # pragma: no cover - driver callback
        leave_loop("sqlalchemy")  # on the event loop this statement would block it (services.common.onloop)
        if conn.info.get(_READS_ONLY) and not statement.lstrip()[:6].upper().startswith(("SELECT", "SHOW")):
            raise NeedsTransaction(statement.split(None, 1)[0])


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


def advisory_key(*parts: str) -> int:
    """A signed 64-bit key (what pg_advisory_lock takes) derived from the parts; stable across processes."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


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
        self._autocommit_engine: Engine | None = None

    @property
    def autocommit_engine(self) -> Engine:
        """A second pool, of autocommit connections, made on first use (only the single_statement path on
        PostgreSQL needs one)."""
        if self._autocommit_engine is None:
            self._autocommit_engine = make_engine(self.settings, autocommit=True)
        return self._autocommit_engine

    def dispose(self) -> None:
        self.engine.dispose()
        if self._autocommit_engine is not None:
            self._autocommit_engine.dispose()

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def advisory_key(self, *parts: str) -> int:
        """A PostgreSQL advisory lock key for `parts` within this service's schema.

        Advisory locks belong to the whole database, not to a schema: two platforms sharing one database (a
        test and an acceptance stack, two tenants) would otherwise wait for each other's locks, or be refused
        them, on the same name."""
        return advisory_key(self.settings.resolved_schema() or "", *parts)

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

    @contextmanager
    def autocommit_reads(self) -> Iterator[Session]:
        """A session on a connection in autocommit mode that only reads: no BEGIN or COMMIT round trip. Any
        write through SQLAlchemy is refused with NeedsTransaction before it is sent; the one statement of
        services.common.writes, atomic on its own, goes to the driver directly and is not. PostgreSQL only
        (SQLite: use transaction())."""
        engine = self.autocommit_engine
        if on_loop() and not _pool_has_room(engine):
            raise NeedsThread("pool")  # on the event loop, waiting for a free connection would stop it
        with engine.connect() as conn:
            conn.info[_READS_ONLY] = True
            try:
                with self.session_factory(bind=conn) as session:
                    yield session
            finally:
                conn.info.pop(_READS_ONLY, None)

    def ping(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))


def _pool_has_room(engine: Engine) -> bool:
    """Whether a checkout can be served without waiting for another user of the pool to give one back."""
    pool = engine.pool
    size, overflow = getattr(pool, "size", None), getattr(pool, "_max_overflow", None)
    if size is None or overflow is None:
        return False
    return bool(pool.checkedout() < size() + max(overflow, 0))  # type: ignore[attr-defined]


PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use without a round trip per request.

    pool_pre_ping would ask the server 'SELECT 1' on every checkout: a round trip that measured as a seventh of
    a 305's whole processing. Instead, at checkout:
    - an idle connection has nothing to read; when its socket is readable, the server has sent its last words
      (a restart, a failover, an administrator ending it: PostgreSQL says FATAL and closes), so it is dead;
    - one that sat unused longer than PING_AFTER_IDLE_SECONDS (a silent network drop, an idle timeout) is
      pinged as pre_ping would.
    A dead connection is replaced before the request sees it. One that dies while in use raises
    OperationalError, which the problem handlers answer with 503 and nothing stored (see problems.py)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:  # pragma: no cover - pool callback
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:  # pragma: no cover - pool callback
        since = record.info.get("idle_since")
        if since is None:
            return  # just connected
        if _socket_readable(dbapi_conn):
            raise DisconnectionError("the server closed the connection while it was idle")
        if time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure means: use another connection
            raise DisconnectionError() from exc


def _socket_readable(dbapi_conn: Any) -> bool:
    try:
        fd = dbapi_conn.pgconn.socket
        readable, _, _ = select.select([fd], [], [], 0)
    except Exception:  # noqa: BLE001 - no usable socket: as good as closed
        return True
    return bool(readable)
