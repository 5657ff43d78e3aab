"""The kernel's pipelined transaction (services.common.db.Database.pipelined_transaction), the one the 305/307
hot path runs in: on PostgreSQL its statements travel in psycopg's pipeline mode, on SQLite it is a plain
transaction. Both must behave the same to the code inside: reads see the rows, writes are committed together,
an error in any statement (even one that surfaces only at the commit) rolls back everything, and the pooled
connection comes back as an ordinary one."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from services.common.db import Database, ensure_schema

from ..conftest import throwaway_database

metadata = MetaData()
rij = Table("pipeline_rij", metadata, Column("id", Integer, primary_key=True), Column("naam", String(20)))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with throwaway_database("pipeline", tmp_path) as settings:
        ensure_schema(settings)
        database = Database(settings)
        metadata.create_all(database.engine)
        yield database
        database.engine.dispose()


def _names(db: Database) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(rij.c.naam).order_by(rij.c.id)))


def test_reads_see_rows_and_writes_commit_together(db: Database) -> None:
    with db.transaction() as session:
        session.execute(insert(rij), [{"id": 1, "naam": "eerste"}])
    with db.pipelined_transaction() as session:
        assert session.execute(select(rij.c.naam).where(rij.c.id == 1)).scalar_one() == "eerste"
        session.execute(insert(rij), [{"id": 2, "naam": "tweede"}, {"id": 3, "naam": "derde"}])
        # a read after queued writes sees them (the read syncs the pipeline)
        assert session.execute(select(rij.c.id).order_by(rij.c.id)).scalars().all() == [1, 2, 3]
        session.execute(insert(rij), [{"id": 4, "naam": "vierde"}])
    assert _names(db) == ["eerste", "tweede", "derde", "vierde"]


def test_an_error_at_the_commit_rolls_back_every_statement(db: Database) -> None:
    with db.transaction() as session:
        session.execute(insert(rij), [{"id": 1, "naam": "eerste"}])
    with pytest.raises(IntegrityError):
        with db.pipelined_transaction() as session:
            session.execute(insert(rij), [{"id": 2, "naam": "tweede"}])
            session.execute(insert(rij), [{"id": 1, "naam": "dubbel"}])  # queued: fails at the commit
    assert _names(db) == ["eerste"]


def test_statements_queued_behind_the_error_do_not_break_the_rollback(db: Database) -> None:
    """The duplicate of a message is found by its unique key at the commit, with more rows and the COMMIT queued
    behind the failing INSERT: the caller gets the IntegrityError (and retries as a replay), never the
    "pipeline aborted" of the statements skipped after it."""
    with db.transaction() as session:
        session.execute(insert(rij), [{"id": 1, "naam": "eerste"}])
    for attempt in range(20):
        with pytest.raises(IntegrityError):
            with db.pipelined_transaction() as session:
                assert session.execute(select(rij.c.id)).scalars().all() == [1]
                session.execute(insert(rij), [{"id": 1, "naam": "dubbel"}, {"id": 100 + attempt, "naam": "na"}])
                session.execute(insert(rij), [{"id": 200 + attempt, "naam": "erachter"}])
    assert _names(db) == ["eerste"]
    _assert_ordinary_connections(db, rows=1)


def test_an_exception_in_the_code_rolls_back(db: Database) -> None:
    with pytest.raises(RuntimeError):
        with db.pipelined_transaction() as session:
            session.execute(insert(rij), [{"id": 5, "naam": "weg"}])
            raise RuntimeError("handler failed")
    assert _names(db) == []


def test_the_pooled_connection_comes_back_ordinary(db: Database) -> None:
    """After a pipelined transaction the same pooled connection reports row counts again (in pipeline mode
    they are unknown until the sync), and ORM code runs on it as before."""
    with db.pipelined_transaction() as session:
        session.execute(insert(rij), [{"id": 1, "naam": "a"}, {"id": 2, "naam": "b"}])
    _assert_ordinary_connections(db, rows=2)


def _assert_ordinary_connections(db: Database, rows: int) -> None:
    """Every connection the pool hands out reports row counts and returns rows (not so in pipeline mode)."""
    for _ in range(db.settings.db_pool_size + 1):
        with db.transaction() as session:
            assert session.execute(update(rij).values(naam="c")).rowcount == rows
            assert len(session.execute(select(rij.c.id)).all()) == rows
