"""The reporting migrations create exactly the tables and columns the models describe, and go down and up
again (SQLite file, or a fresh PostgreSQL schema when the suite runs against PostgreSQL)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect

from services.common.migrate import downgrade, upgrade
from services.common.settings import CommonSettings
from services.reporting.models import ReportingBase
from tests.conftest import throwaway_database


def _columns(settings: CommonSettings) -> dict[str, set[str]]:
    engine = create_engine(settings.resolved_database_url())
    try:
        insp = inspect(engine)
        schema = settings.resolved_schema()
        return {t: {c["name"] for c in insp.get_columns(t, schema=schema)} for t in insp.get_table_names(schema=schema)}
    finally:
        engine.dispose()


def test_migrations_match_the_models_and_go_down_and_up(tmp_path: Path) -> None:
    with throwaway_database("reporting", tmp_path) as settings:
        upgrade("reporting", settings)
        tables = _columns(settings)
        for table in ReportingBase.metadata.sorted_tables:
            assert tables.get(table.name) == {c.name for c in table.columns}, table.name
        assert {"bericht", "outbox", "inbox", "alembic_version_reporting"} <= set(tables)
        downgrade("reporting", settings, "rep_0001")
        assert not ({t.name for t in ReportingBase.metadata.sorted_tables} & set(_columns(settings)))
        upgrade("reporting", settings)
        assert {t.name for t in ReportingBase.metadata.sorted_tables} <= set(_columns(settings))
