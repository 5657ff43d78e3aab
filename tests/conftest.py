"""The whole platform, started once per test session as real processes over real HTTP.

Databases: SQLite files in a temp dir by default; when TEST_DATABASE_URL or DATABASE_URL points at
PostgreSQL, every service gets its own fresh schema in that database (dropped afterwards).
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sqlalchemy import create_engine, text

from services.common.devstack import Stack
from services.common.settings import CommonSettings

from .support import Api, api

REPO = Path(__file__).resolve().parents[1]
OFFICIAL = Path(os.environ.get("OFFICIAL_STANDARDS_DIR", REPO.parent / "shared" / "standards"))


def database_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


@contextmanager
def throwaway_database(service: str, tmp_path: Path) -> Iterator[CommonSettings]:
    """Settings for one service on a database no other test uses, for migration tests: a fresh PostgreSQL schema
    when the suite runs against PostgreSQL (dropped afterwards), else a SQLite file in `tmp_path`."""
    url = database_url()
    if url is None:
        yield CommonSettings(service_name=service, database_url=f"sqlite:///{tmp_path / (service + '.db')}")
        return
    settings = CommonSettings(service_name=service, database_url=url,
                              database_schema=f"mig_{uuid.uuid4().hex[:8]}_{service}")
    try:
        yield settings
    finally:
        engine = create_engine(settings.resolved_database_url())
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{settings.resolved_schema()}" CASCADE'))
        engine.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `last` look back over the whole session (e.g. every log line): run them at the end."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


def pytest_report_header(config: pytest.Config) -> str:
    url = database_url()
    return f"database: {'PostgreSQL ' + url.split('@')[-1] if url else 'SQLite (temp files)'}"


@contextmanager
def own_stack(base_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    """A whole platform of its own (migrated, demo data, every service started), stopped and its schemas
    dropped afterwards: the session's shared one, and the packages that must not share theirs."""
    st = Stack(base_dir=base_dir, database_url=database_url(), extra_env=extra_env or {})
    try:
        st.migrate()
        st.load_demo()
        st.start()
        yield st
    finally:
        st.stop()
        st.drop_schemas()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # parts of 64 KiB instead of 1 MiB: every declaratie over ~100 KB takes the parts path of
    # services.common.xml.parts, the small ones the whole-document path
    with own_stack(tmp_path_factory.mktemp("stack"), {"XML_PART_BYTES": str(64 * 1024)}) as st:
        yield st


@pytest.fixture
def allocation_as(stack: Stack):  # type: ignore[no-untyped-def]
    def _api(party: str) -> Api:
        return api(stack, "allocation", party)
    return _api


@pytest.fixture
def declaration_as(stack: Stack):  # type: ignore[no-untyped-def]
    def _api(party: str) -> Api:
        return api(stack, "declaration", party)
    return _api


@pytest.fixture
def eligibility_as(stack: Stack):  # type: ignore[no-untyped-def]
    def _api(party: str) -> Api:
        return api(stack, "eligibility", party)
    return _api


@pytest.fixture(scope="session")
def official_dir() -> Path:
    if not (OFFICIAL / "xsd").is_dir():
        pytest.skip(f"official standards not found at {OFFICIAL}: set OFFICIAL_STANDARDS_DIR")
    return OFFICIAL
