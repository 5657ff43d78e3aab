"""The allocation migrations: all_0003 moves the 8 weeks of a verzoek 'in onderzoek' to the dagtekening of the
verzoek (OP274/OP346) and back on downgrade (SQLite file, or a fresh PostgreSQL schema with PostgreSQL)."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.engine import Engine

from services.allocation.models import Client, Verzoek
from services.common.migrate import downgrade, upgrade
from services.common.settings import CommonSettings
from tests.conftest import throwaway_database

DAGTEKENING, IN_ONDERZOEK_OP = date(2026, 3, 2), date(2026, 3, 6)


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[CommonSettings]:
    with throwaway_database("allocation", tmp_path) as s:
        yield s


def _engine(settings: CommonSettings) -> Engine:
    return create_engine(settings.resolved_database_url()).execution_options(
        schema_translate_map={None: settings.resolved_schema()})


def _verzoek(verzoek_id: str, status: str, uiterlijk: date) -> dict[str, object]:
    return dict(id=verzoek_id, soort="vow", gemeente="0141", domein="jeugd", aanbieder="11110001", client_id="c1",
                referentie_aanbieder=f"REF-{verzoek_id}", status=status, bericht_id="b-" + verzoek_id,
                dagtekening=DAGTEKENING, ontvangen_op=DAGTEKENING, uiterlijk=uiterlijk, inhoud={},
                voorcontrole="ok", in_onderzoek_op=IN_ONDERZOEK_OP if status == "in_onderzoek" else None)


def _uiterlijk(engine: Engine) -> dict[str, date]:
    with engine.connect() as conn:
        return dict(conn.execute(select(Verzoek.id, Verzoek.uiterlijk)).all())  # type: ignore[arg-type]


def test_all_0003_counts_in_onderzoek_from_the_dagtekening(settings: CommonSettings) -> None:
    upgrade("allocation", settings, "all_0002")
    engine = _engine(settings)
    oud = IN_ONDERZOEK_OP + timedelta(weeks=8)  # what all_0002's code stored
    open_uiterlijk = date(2026, 3, 9)
    try:
        with engine.begin() as conn:
            conn.execute(insert(Client.__table__), [dict(id="c1", gemeente="0141", bsn="999900006",
                                                         geboortedatum=date(2012, 5, 1), achternaam="Test")])
            conn.execute(insert(Verzoek.__table__), [_verzoek("v1", "in_onderzoek", oud),
                                                     _verzoek("v2", "open", open_uiterlijk)])
        upgrade("allocation", settings)
        assert _uiterlijk(engine) == {"v1": DAGTEKENING + timedelta(weeks=8), "v2": open_uiterlijk}
        downgrade("allocation", settings, "all_0002")
        assert _uiterlijk(engine) == {"v1": oud, "v2": open_uiterlijk}
    finally:
        engine.dispose()
