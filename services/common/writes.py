"""Writes a handler leaves to the kernel, so that a small message costs two round trips on PostgreSQL.

A handler marked `single_statement` (services.common.pipeline) reads what it needs, judges, and instead of
executing its inserts and updates it puts them in `msg.writes`. The kernel then writes them together with
the inbound message and its retour:

- on PostgreSQL as ONE statement (`WITH w0 AS (UPDATE ...), w1 AS (INSERT ...) INSERT INTO bericht ...`) on a
  connection in autocommit mode. A single statement is atomic on its own: it is all written or, on any error
  (a duplicate caught by the message's unique key, a constraint), nothing. No BEGIN and no COMMIT travel, and
  no SQLAlchemy statement is compiled per message: the SQL text per shape is built once and cached.
- anywhere else (SQLite, or the kernel's second attempt after a duplicate) as ordinary Core statements in the
  surrounding transaction, in the same order.

The read before it runs in autocommit too (READ COMMITTED gives each statement its own snapshot either way,
so a transaction around read and write would not have protected anything more). A handler that does write
directly in that mode (an ORM flush, a Core INSERT) is stopped by `Database.autocommit_reads` before the statement
reaches the database (`NeedsTransaction`), and the kernel runs the message again in an ordinary transaction.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Select, Table, insert, update
from sqlalchemy.orm import Session

from .db import NeedsTransaction
from .onloop import on_loop, wait


@dataclass(frozen=True)
class _Insert:
    table: Table
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class _Update:
    table: Table
    columns: tuple[str, ...]
    values: tuple[Any, ...]
    ids: tuple[Any, ...]


@dataclass
class Writes:
    """Inserts and updates by primary key, in the order the handler asked for them."""

    ops: list[_Insert | _Update] = field(default_factory=list)

    def insert(self, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.ops.append(_insert_op(table, rows))

    def update_by_id(self, table: Table, ids: Sequence[Any], values: dict[str, Any]) -> None:
        """UPDATE table SET values WHERE id IN ids (the table's primary key column must be `id`)."""
        if ids:
            self.ops.append(_Update(table, tuple(values), tuple(values.values()), tuple(ids)))

    def write_with(self, session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                   one_statement: bool) -> None:
        """Every op, then `rows` into `table`: one statement (in Database.autocommit_reads, PostgreSQL), or
        Core statements in the session's transaction."""
        if not one_statement:
            self.apply(session)
            session.connection().execute(_insert_stmt(table), list(rows))
            return
        if session.new or session.dirty or session.deleted:  # ORM changes never flushed: not in the statement
            raise NeedsTransaction("ORM")
        self.execute_as_one(session.connection(), table, rows)

    # ---- anywhere: Core statements in the caller's transaction ---------------------------------
    def apply(self, session: Session) -> None:
        conn = session.connection()
        for op in self.ops:
            if isinstance(op, _Insert):
                conn.execute(_insert_stmt(op.table), [dict(zip(op.columns, row)) for row in op.rows])
            else:
                conn.execute(update(op.table).where(op.table.c.id.in_(op.ids))
                             .values(dict(zip(op.columns, op.values))))

    # ---- PostgreSQL: everything, plus the caller's last insert, in one statement ----------------
    def execute_as_one(self, conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        """Every op and then the insert of `rows` into `table` (the kernel's: the message and its retour) as
        one statement, on a connection in autocommit mode."""
        dialect = conn.dialect
        parts, params = [], []
        for op in (*self.ops, _insert_op(table, rows)):
            sql, values = _render(dialect, op, len(params))
            parts.append(sql)
            params.extend(values)
        *ctes, sql = parts
        if ctes:
            sql = "WITH " + ", ".join(f"w{i} AS ({p})" for i, p in enumerate(ctes)) + " " + sql
        execute_raw(conn, sql, params)


def _insert_op(table: Table, rows: Sequence[dict[str, Any]]) -> _Insert:
    columns = tuple(rows[0])
    if any(tuple(r) != columns for r in rows[1:]):
        raise ValueError(f"rows for {table.name} must name the same columns in the same order")
    return _Insert(table, columns, tuple(tuple(r.values()) for r in rows))


def fetch_rows(session: Session, stmt: Select, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
    """The rows of a Core SELECT. On PostgreSQL its text is compiled once per statement and run on a RawCursor
    (no compilation, result metadata or row objects per call: on the 305 path these cost more than the query
    itself); an expanding IN parameter becomes `= ANY($n)` with the list as one array. For statements built
    once (module constants): the text is cached per statement object. Elsewhere the statement runs through
    SQLAlchemy as usual."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return conn.execute(stmt, params).all()
    sql, names, defaults, procs = _select_sql(conn.dialect, stmt)
    # a value written into the statement itself (status == "actueel") is a bound parameter with its default
    rows = execute_raw(conn, sql, [params[n] if n in params else defaults[n] for n in names], fetch=True)
    if any(p is not None for p in procs):
        rows = [tuple(v if p is None else p(v) for p, v in zip(procs, row)) for row in rows]
    return rows


@lru_cache(maxsize=64)
def _select_sql(dialect: Dialect, stmt: Select) -> tuple[str, tuple[str, ...], dict[str, Any], tuple[Any, ...]]:
    compiled = stmt.compile(dialect=dialect)
    names: list[str] = []

    def number(name: str) -> str:
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    sql = str(compiled)
    if "NOT IN (__[POSTCOMPILE_" in sql:
        raise ValueError("fetch_rows: NOT IN with an expanding parameter is not supported")
    def any_of(name: str) -> str:
        # typed as the column's array: psycopg sends a list of small ints as smallint[], and PostgreSQL has
        # to plan `bigint = ANY(smallint[])` across types
        element = dialect.type_compiler_instance.process(compiled.binds[name].type)
        return f"= ANY({number(name)}::{element}[])"

    sql = re.sub(r"IN \(__\[POSTCOMPILE_(\w+)\]\)", lambda m: any_of(m[1]), sql)
    sql = re.sub(r"%\((\w+)\)s", lambda m: number(m[1]), sql).replace("%%", "%")
    procs = tuple(c.type._cached_result_processor(dialect, None) for c in stmt.selected_columns)
    return sql, tuple(names), dict(compiled.params), procs


def execute_raw(conn: Connection, sql: str, params: Sequence[Any], fetch: bool = False) -> list[tuple[Any, ...]]:
    """Run SQL with PostgreSQL's own $n placeholders on a psycopg RawCursor: psycopg neither parses nor (past
    50 parameters) re-parses the text per call, and prepares it after a few calls. Errors come out as
    SQLAlchemy's (IntegrityError for a duplicate, OperationalError for a lost connection, which is then
    not pooled again), as from any other statement."""
    import psycopg
    from sqlalchemy import exc as sa_exc

    driver = conn.connection.driver_connection
    try:
        # on the driver itself: SQLAlchemy's events (autocommit_reads' guard among them) do not see it
        with psycopg.RawCursor(driver) as cursor:
            if on_loop():
                try:
                    _execute_on_loop(driver, cursor, sql, params)
                except BaseException:
                    # cancelled with the statement in flight (the server stopping, the request abandoned):
                    # the connection is mid-query and must not go back to the pool as if idle. In autocommit
                    # the one statement committed or not; a resend gets the stored answer or a fresh one.
                    if driver.pgconn.transaction_status == psycopg.pq.TransactionStatus.ACTIVE:
                        conn.invalidate()
                    raise
            else:
                cursor.execute(sql, params)
            return cursor.fetchall() if fetch else []
    except psycopg.Error as error:
        if conn.dialect.is_disconnect(error, driver, None):
            conn.invalidate(error)
        # hide_parameters: the values are message bytes and BSNs, and an exception's text may end up in a log
        raise sa_exc.DBAPIError.instance(sql, params, error, psycopg.Error, hide_parameters=True) from error


def _execute_on_loop(driver: Any, cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """What cursor.execute does, with its waits awaited on the event loop instead of blocking the thread
    (services.common.onloop): the same generator psycopg's own Cursor and AsyncCursor drive."""
    from psycopg import waiting

    with driver.lock:  # the connection is this greenlet's alone (checked out of the pool); as execute does
        wait(waiting.wait_async(cursor._execute_gen(sql, params), driver.pgconn.socket,
                                interval=_WAIT_INTERVAL))


_WAIT_INTERVAL = 0.1  # as psycopg's own: how often a wait wakes up to look again


def _render(dialect: Dialect, op: _Insert | _Update, offset: int) -> tuple[str, list[Any]]:
    """The op's SQL (placeholders numbered from offset + 1) and its parameters, converted as SQLAlchemy would."""
    procs = _processors(dialect, op.table, op.columns)
    if isinstance(op, _Insert):
        values: list[Any] = []
        for row in op.rows:
            values.extend(v if p is None or v is None else p(v) for p, v in zip(procs, row))
        return _insert_sql(dialect, op.table, op.columns, len(op.rows), offset), values
    values = [v if p is None or v is None else p(v) for p, v in zip(procs, op.values)]
    id_proc = _processors(dialect, op.table, ("id",))[0]
    values.append([i if id_proc is None else id_proc(i) for i in op.ids])
    return _update_sql(dialect, op.table, op.columns, offset), values


# The SQL text and the type conversions per shape (table, columns, number of rows), built once: a 305 has
# one or two shapes, so after the first message nothing is compiled on the hot path.
@lru_cache(maxsize=64)
def _insert_stmt(table: Table) -> Any:
    return insert(table)  # built once per table: building it per message costs more than running it


@lru_cache(maxsize=256)
def _processors(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(table.c[c].type._cached_bind_processor(dialect) for c in columns)


@lru_cache(maxsize=256)
def _insert_sql(dialect: Dialect, table: Table, columns: tuple[str, ...], nrows: int, offset: int) -> str:
    q, n = dialect.identifier_preparer, len(columns)
    rows = ", ".join("(" + ", ".join(f"${offset + r * n + i + 1}" for i in range(n)) + ")" for r in range(nrows))
    return f"INSERT INTO {q.format_table(table)} ({', '.join(q.quote(c) for c in columns)}) VALUES {rows}"


@lru_cache(maxsize=256)
def _update_sql(dialect: Dialect, table: Table, columns: tuple[str, ...], offset: int) -> str:
    q = dialect.identifier_preparer
    sets = ", ".join(f"{q.quote(c)} = ${offset + i + 1}" for i, c in enumerate(columns))
    return f"UPDATE {q.format_table(table)} SET {sets} WHERE {q.quote('id')} = ANY(${offset + len(columns) + 1})"
