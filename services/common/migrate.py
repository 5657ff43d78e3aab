"""Run a service's Alembic migrations programmatically (CLI, run command, tests, the k8s Job)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from .db import ensure_schema
from .settings import REPO_ROOT, CommonSettings

SERVICES = ("allocation", "declaration", "eligibility", "reporting")


def alembic_config(service: str, settings: CommonSettings) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations" / service))
    cfg.set_main_option("version_table", f"alembic_version_{service}")
    cfg.attributes["settings"] = settings
    cfg.attributes["service"] = service
    return cfg


def upgrade(service: str, settings: CommonSettings, revision: str = "head") -> None:
    ensure_schema(settings)
    command.upgrade(alembic_config(service, settings), revision)


def downgrade(service: str, settings: CommonSettings, revision: str = "base") -> None:
    command.downgrade(alembic_config(service, settings), revision)
