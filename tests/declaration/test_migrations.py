"""The declaration migrations create the tables, unique constraints and indexes the models describe, and go
down and up again (SQLite file, or a fresh PostgreSQL schema when the suite runs against PostgreSQL).

dec_0003 drops uq_declaratie_periode: IV090 allows a second declaratie for the same DeclaratiePeriode, TR318
only refuses an earlier one."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from services.common.migrate import downgrade, upgrade
from services.common.settings import CommonSettings
from services.declaration.models import DeclarationBase
from tests.conftest import throwaway_database


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[CommonSettings]:
    with throwaway_database("declaration", tmp_path) as s:
        yield s


def _keys(settings: CommonSettings, table: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(unique constraints, indexes) of a table as the database has them: name → columns."""
    engine = create_engine(settings.resolved_database_url())
    try:
        insp = inspect(engine)
        schema = settings.resolved_schema()
        uniques = {u["name"]: tuple(u["column_names"]) for u in insp.get_unique_constraints(table, schema=schema)}
        indexes = {i["name"]: tuple(i["column_names"]) for i in insp.get_indexes(table, schema=schema)
                   if not i.get("unique") and not i.get("duplicates_constraint")}
        return uniques, indexes
    finally:
        engine.dispose()


def _model_keys(table: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    t = DeclarationBase.metadata.tables[table]
    uniques = {c.name: tuple(col.name for col in c.columns) for c in t.constraints
               if c.__class__.__name__ == "UniqueConstraint"}
    indexes = {i.name: tuple(col.name for col in i.columns) for i in t.indexes}
    return uniques, indexes


def _insert_declaratie(settings: CommonSettings, nummer: str) -> None:
    """Two declaraties of one aanbieder to one gemeente for one period (IV090), differing in number only."""
    engine = create_engine(settings.resolved_database_url())
    schema = settings.resolved_schema()
    try:
        with engine.begin() as conn:
            if schema:
                conn.execute(text(f'SET search_path TO "{schema}"'))
            conn.execute(text(
                "INSERT INTO declaratie (id, bericht_id, gemeente, aanbieder, domein, declaratie_nummer, "
                "periode, periode_begin, periode_eind, declaratie_dagtekening, ingediend_cents, "
                "toegekend_cents, afgewezen_cents, aantal_prestaties, aantal_afgewezen, oordeel, "
                "antwoord_identificatie, ontvangen_op) "
                "VALUES (:id, :id, '0141', '11110001', 'jeugd', :nummer, '2026-05', :begin, :eind, :eind, "
                "100, 100, 0, 1, 0, 'goedgekeurd', 'X', :ontvangen)"),
                {"id": str(uuid.uuid4()), "nummer": nummer, "begin": date(2026, 5, 1), "eind": date(2026, 5, 31),
                 "ontvangen": "2026-06-01 10:00:00+00:00"})
    finally:
        engine.dispose()


def test_migrations_match_the_models_and_go_down_and_up(settings: CommonSettings) -> None:
    upgrade("declaration", settings)
    for table in ("toewijzing", "declaratie", "prestatie"):
        assert _keys(settings, table) == _model_keys(table), table
    uniques, indexes = _keys(settings, "declaratie")
    assert "uq_declaratie_periode" not in uniques
    assert indexes["ix_declaratie_periode_begin"] == ("aanbieder", "gemeente", "domein", "periode_begin")

    # down to dec_0002: the constraint is back and refuses a second declaratie for the same period …
    downgrade("declaration", settings, "dec_0002")
    uniques, indexes = _keys(settings, "declaratie")
    assert uniques["uq_declaratie_periode"] == ("aanbieder", "gemeente", "domein", "periode_begin")
    assert "ix_declaratie_periode_begin" not in indexes
    _insert_declaratie(settings, "N1")
    with pytest.raises(IntegrityError):
        _insert_declaratie(settings, "N2")

    # … and up again it accepts one (the row of dec_0002 survives the SQLite table copy)
    upgrade("declaration", settings)
    _insert_declaratie(settings, "N2")
    assert _keys(settings, "declaratie") == _model_keys("declaratie")


def test_dec_0006_fills_the_running_totals_from_the_prestaties_already_judged(settings: CommonSettings) -> None:
    upgrade("declaration", settings)
    downgrade("declaration", settings, "dec_0005")
    engine = create_engine(settings.resolved_database_url())
    schema = settings.resolved_schema()
    rows = [  # (ref, toewijzing, volume_norm, bedrag, debet, goedgekeurd, gecrediteerd)
        ("R1", 7001, 240, 24000, True, True, False),  # counts
        ("R2", 7001, 60, 6000, True, True, False),  # counts
        ("R3", 7001, 120, 12000, True, True, True),  # credited: does not count
        ("R4", 7001, 120, -12000, False, True, False),  # the credit itself: not a debet
        ("R5", 7002, 600, 60000, True, False, False),  # rejected
        ("R6", 7003, 30, 3000, True, True, False),
    ]
    try:
        with engine.begin() as conn:
            if schema:
                conn.execute(text(f'SET search_path TO "{schema}"'))
            for ref, nummer, vnorm, bedrag, debet, ok, credited in rows:
                conn.execute(text(
                    "INSERT INTO prestatie (declaratie_id, gemeente, aanbieder, domein, periode, bsn, "
                    "referentie_nummer, ref_claim, toewijzing_nummer, categorie, code, begindatum, einddatum, volume, "
                    "volume_norm, eenheid, bedrag_cents, debet, goedgekeurd, gecrediteerd) VALUES ('d', '0141', "
                    "'11110001', 'jeugd', '2026-05', '999993653', :ref, :ref, :nummer, '45', '45A01', :begin, :eind, "
                    ":vnorm, :vnorm, '01', :bedrag, :debet, :ok, :credited)"),
                    {"ref": ref, "nummer": nummer, "vnorm": vnorm, "bedrag": bedrag, "debet": debet, "ok": ok,
                     "credited": credited, "begin": date(2026, 5, 1), "eind": date(2026, 5, 31)})
        upgrade("declaration", settings)
        with engine.connect() as conn:
            if schema:
                conn.execute(text(f'SET search_path TO "{schema}"'))
            found = {tuple(r) for r in conn.execute(text(
                "SELECT gemeente, domein, toewijzing_nummer, volume_norm, bedrag_cents FROM verbruik"))}
    finally:
        engine.dispose()
    assert found == {("0141", "jeugd", 7001, 300, 30000), ("0141", "jeugd", 7003, 30, 3000)}
