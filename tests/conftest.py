"""The whole platform, started once per test session as real processes over real HTTP.

Databases: SQLite files in a temp dir by default; when TEST_DATABASE_URL or DATABASE_URL points at
PostgreSQL, every service gets its own fresh schema in that database (dropped afterwards).
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.common.devstack import Stack

from .support import Api, api

REPO = Path(__file__).resolve().parents[1]
OFFICIAL = Path(os.environ.get("OFFICIAL_STANDARDS_DIR", REPO.parent / "shared" / "standards"))


def database_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url if url and url.startswith("postgresql") else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `last` look back over the whole session (e.g. every log line): run them at the end."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


def pytest_report_header(config: pytest.Config) -> str:
    url = database_url()
    return f"database: {'PostgreSQL ' + url.split('@')[-1] if url else 'SQLite (temp files)'}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    st = Stack(base_dir=tmp_path_factory.mktemp("stack"), database_url=database_url())
    try:
        st.migrate()
        st.load_demo()
        st.start()
        yield st
    finally:
        st.stop()
        st.drop_schemas()


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
