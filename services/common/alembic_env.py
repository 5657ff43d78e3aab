"""Shared Alembic env for every service: its own database or PostgreSQL schema, its own version table."""
from __future__ import annotations

from alembic import context
from sqlalchemy import text

from services.common.db import make_engine
from services.common.settings import CommonSettings


def run(service: str) -> None:
    config = context.config
    settings: CommonSettings = config.attributes.get("settings") or CommonSettings(service_name=service)
    version_table = config.get_main_option("version_table") or f"alembic_version_{service}"
    schema = settings.resolved_schema()
    engine = make_engine(settings)
    with engine.connect() as connection:
        if schema:
            connection.execute(text(f'SET search_path TO "{schema}"'))
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=None,
            version_table=version_table,
            version_table_schema=schema,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
