"""The kernel's single-statement write path (services.common.writes, Database.autocommit_reads), the one the
305/307 hot path runs in. On PostgreSQL a handler reads in autocommit mode and its writes travel with the
message and its retour as one statement; elsewhere the same Writes run as Core statements in a transaction.
Both must behave the same to the code that uses them: everything is written or nothing is, a direct write in
autocommit mode is refused before it reaches the database, and the pooled connection comes back ordinary."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import JSON, Column, Date, Integer, MetaData, String, Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from services.common.db import Database, NeedsTransaction, ensure_schema
from services.common.onloop import NeedsThread, run_on_loop
from services.common.writes import Writes, execute_raw, fetch_rows

from ..conftest import throwaway_database

metadata = MetaData()
rij = Table("kernel_rij", metadata, Column("id", Integer, primary_key=True), Column("naam", String(20)),
            Column("datum", Date, nullable=True), Column("codes", JSON, nullable=True))
bericht = Table("kernel_bericht", metadata, Column("id", Integer, primary_key=True), Column("soort", String(8)))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    with throwaway_database("kernel", tmp_path) as settings:
        ensure_schema(settings)
        database = Database(settings)
        metadata.create_all(database.engine)
        yield database
        database.dispose()


def _write(db: Database, writes: Writes, rows: list[dict]) -> None:
    """What the pipeline does with a handler's writes and the message rows."""
    if db.is_postgres:
        with db.autocommit_reads() as session:
            writes.write_with(session, bericht, rows, one_statement=True)
    else:
        with db.transaction() as session:
            writes.write_with(session, bericht, rows, one_statement=False)


def _state(db: Database) -> tuple[list[tuple], list[int]]:
    with db.transaction() as session:
        rijen = [tuple(r) for r in session.execute(select(rij).order_by(rij.c.id))]
        berichten = list(session.scalars(select(bericht.c.id).order_by(bericht.c.id)))
    return rijen, berichten


def _seed(db: Database) -> None:
    with db.transaction() as session:
        session.execute(insert(rij), [{"id": 1, "naam": "eerste", "datum": None, "codes": None},
                                      {"id": 2, "naam": "tweede", "datum": None, "codes": None}])


def test_the_writes_and_the_message_rows_land_together(db: Database) -> None:
    _seed(db)
    writes = Writes()
    writes.update_by_id(rij, [1, 2], {"naam": "verwijderd"})
    writes.insert(rij, [{"id": 3, "naam": "derde", "datum": date(2026, 1, 31), "codes": ["TR019", "TR326"]},
                        {"id": 4, "naam": "vierde", "datum": None, "codes": None}])
    _write(db, writes, [{"id": 10, "soort": "JW305"}, {"id": 11, "soort": "JW306"}])
    assert _state(db) == ([(1, "verwijderd", None, None), (2, "verwijderd", None, None),
                           (3, "derde", date(2026, 1, 31), ["TR019", "TR326"]), (4, "vierde", None, None)],
                          [10, 11])


@pytest.mark.parametrize("breaks", ["the message rows", "an earlier insert"])
def test_an_error_anywhere_writes_nothing(db: Database, breaks: str) -> None:
    """A duplicate message (caught by its unique key) or a broken row of the handler's: not half of it."""
    _seed(db)
    with db.transaction() as session:
        session.execute(insert(bericht), [{"id": 10, "soort": "JW305"}])
    writes = Writes()
    writes.update_by_id(rij, [1], {"naam": "gewijzigd"})
    writes.insert(rij, [{"id": 2 if breaks == "an earlier insert" else 5, "naam": "dubbel", "datum": None,
                         "codes": None}])
    message = [{"id": 10 if breaks == "the message rows" else 20, "soort": "JW305"}]
    with pytest.raises(IntegrityError) as caught:  # SQLAlchemy's, as from any statement: the replay pass
        _write(db, writes, message)
    assert "dubbel" not in str(caught.value) and "gewijzigd" not in str(caught.value)  # no values in the text
    assert _state(db) == ([(1, "eerste", None, None), (2, "tweede", None, None)], [10])


def test_rows_must_name_the_same_columns() -> None:
    with pytest.raises(ValueError):
        Writes().insert(rij, [{"id": 1, "naam": "a"}, {"naam": "b", "id": 2}])


def test_a_select_reads_the_same_rows_on_every_database(db: Database) -> None:
    _seed(db)
    stmt = select(rij.c.id, rij.c.naam).where(rij.c.id.in_(bindparam("ids", expanding=True)),
                                              rij.c.naam != bindparam("niet"), rij.c.naam != "vijfde"
                                              ).order_by(rij.c.id)
    with db.transaction() as session:
        assert [tuple(r) for r in fetch_rows(session, stmt, {"ids": [1, 2, 3], "niet": "tweede"})] == [(1, "eerste")]
        assert [tuple(r) for r in fetch_rows(session, stmt, {"ids": [2], "niet": "x"})] == [(2, "tweede")]


def _postgres_only(db: Database) -> None:
    if not db.is_postgres:
        pytest.skip("autocommit_reads is the PostgreSQL path; SQLite runs the same handlers in a transaction")


@pytest.mark.parametrize("how", ["core", "orm"])
def test_a_direct_write_in_autocommit_mode_is_refused_before_it_is_sent(db: Database, how: str) -> None:
    """It would commit on its own, apart from the rest: the pipeline gets NeedsTransaction and runs the
    message again in a transaction."""
    _postgres_only(db)
    from sqlalchemy.orm import registry

    class Rij:  # an ORM class of its own for the flush
        pass

    mapper_registry = registry()
    mapper_registry.map_imperatively(Rij, rij)
    with pytest.raises(NeedsTransaction):
        with db.autocommit_reads() as session:
            assert session.execute(select(rij.c.id)).all() == []  # reads are fine
            if how == "core":
                session.execute(insert(rij), [{"id": 7, "naam": "los", "datum": None, "codes": None}])
            else:
                obj = Rij()
                obj.id, obj.naam = 7, "los"  # type: ignore[attr-defined]
                session.add(obj)
                session.flush()
    mapper_registry.dispose()
    assert _state(db) == ([], [])


def test_unflushed_orm_changes_are_not_silently_dropped(db: Database) -> None:
    _postgres_only(db)
    from sqlalchemy.orm import registry

    class Rij:
        pass

    mapper_registry = registry()
    mapper_registry.map_imperatively(Rij, rij)
    with pytest.raises(NeedsTransaction):
        with db.autocommit_reads() as session:
            obj = Rij()
            obj.id, obj.naam = 8, "niet geflusht"  # type: ignore[attr-defined]
            session.add(obj)
            Writes().write_with(session, bericht, [{"id": 30, "soort": "JW305"}], one_statement=True)
    mapper_registry.dispose()
    assert _state(db) == ([], [])


def test_the_pooled_connection_comes_back_ordinary(db: Database) -> None:
    """After autocommit_reads every pooled connection is transactional again (a rollback undoes a write) and
    writes directly without the guard."""
    _postgres_only(db)
    for _ in range(3):
        with db.autocommit_reads() as session:
            session.execute(select(rij.c.id)).all()
    for _ in range(db.settings.db_pool_size + 1):
        with pytest.raises(RuntimeError):
            with db.transaction() as session:
                session.execute(insert(rij), [{"id": 9, "naam": "terug", "datum": None, "codes": None}])
                raise RuntimeError("rolled back")
    assert _state(db) == ([], [])
    with db.transaction() as session:
        session.execute(insert(rij), [{"id": 9, "naam": "blijft", "datum": None, "codes": None}])
    assert _state(db)[0] == [(9, "blijft", None, None)]


# ---- on the event loop (services.common.onloop) ------------------------------------------------------
def test_on_the_loop_the_reads_and_the_one_statement_are_awaited(db: Database) -> None:
    """Two 'messages' on one loop: while the first waits on PostgreSQL (pg_sleep), the second runs to the
    end; both writes land."""
    _postgres_only(db)
    order: list[str] = []

    def message(ident: int, pause: float) -> None:
        with db.autocommit_reads() as session:
            execute_raw(session.connection(), "SELECT pg_sleep($1)", [pause], fetch=True)
            w = Writes()
            w.write_with(session, bericht, [{"id": ident, "soort": "305"}], one_statement=True)
        order.append(f"klaar {ident}")

    async def main() -> None:
        await asyncio.gather(run_on_loop(message, 1, 0.5), run_on_loop(message, 2, 0.0))

    asyncio.run(main())
    assert order == ["klaar 2", "klaar 1"]
    assert _state(db)[1] == [1, 2]


def test_on_the_loop_an_orm_statement_stops_before_it_is_sent(db: Database) -> None:
    """A statement through SQLAlchemy would block the loop: NeedsThread, and nothing reached the database."""
    _postgres_only(db)

    def reads_through_the_orm() -> None:
        with db.autocommit_reads() as session:
            session.execute(select(rij.c.id)).all()

    async def main() -> None:
        with pytest.raises(NeedsThread):
            await run_on_loop(reads_through_the_orm)

    asyncio.run(main())
    reads_through_the_orm()  # the same off the loop: runs


def test_a_statement_cancelled_on_the_loop_does_not_go_back_to_the_pool(db: Database) -> None:
    """A request cancelled while its statement is in flight leaves a connection mid-query: it is dropped,
    and the next user of the pool gets one that answers."""
    _postgres_only(db)

    def slow() -> None:
        with db.autocommit_reads() as session:
            execute_raw(session.connection(), "SELECT pg_sleep(5)", [], fetch=True)

    async def main() -> None:
        task = asyncio.ensure_future(run_on_loop(slow))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    for _ in range(3):
        with db.autocommit_reads() as session:
            assert execute_raw(session.connection(), "SELECT 1", [], fetch=True) == [(1,)]


def test_advisory_keys_are_per_schema(tmp_path: Path) -> None:
    """Advisory locks belong to the whole PostgreSQL database: the kernel's keys carry the service's schema, so
    two platforms in one database (a test stack beside the demo year's, two tenants) never wait for, or are
    refused, each other's locks, while two replicas of one service still exclude each other."""
    with throwaway_database("kernel", tmp_path) as first, throwaway_database("kernel", tmp_path / "b") as second:
        a, a_again, b = Database(first), Database(first), Database(second)
        try:
            key = a.advisory_key("rapportage-bron", "declaration")
            assert key == a_again.advisory_key("rapportage-bron", "declaration")  # stable across processes
            assert -2**63 <= key < 2**63
            if not a.is_postgres:
                return  # SQLite has no advisory locks (one writer at a time anyway)
            assert key != b.advisory_key("rapportage-bron", "declaration")
            with a.engine.connect() as holder, a_again.engine.connect() as replica, b.engine.connect() as other:
                assert holder.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar() is True
                assert replica.exec_driver_sql(f"SELECT pg_try_advisory_lock({key})").scalar() is False
                other_key = b.advisory_key("rapportage-bron", "declaration")
                assert other.exec_driver_sql(f"SELECT pg_try_advisory_lock({other_key})").scalar() is True
                holder.exec_driver_sql(f"SELECT pg_advisory_unlock({key})")
                other.exec_driver_sql(f"SELECT pg_advisory_unlock({other_key})")
        finally:
            for d in (a, a_again, b):
                d.dispose()
