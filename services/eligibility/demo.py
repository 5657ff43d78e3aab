"""Demo data of the eligibility service (`berichten demo-data eligibility`; idempotent).

The contract catalogue comes from services/eligibility/demo/ (YAML for Twente and the Wmo products,
CSV for Almelo 2024) and goes through the same import code as POST /v1/contracten/import, as the
eligibility service itself (a service party). The database settings come from the environment, as
the service's own do. The stand-in BRP loads its test persons itself (brp/fixtures/personen.yaml);
one youth in residential care also gets a record in the verblijf register, to show that route.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from services.common.auth import Party
from services.common.db import Database

from .bsn import bsn_hash
from .contracts.service import import_contracts, parse_import
from .models import Verblijf
from .settings import get_settings

DEMO_DIR = Path(__file__).resolve().parent / "demo"
FILES = (("twente.yaml", "application/yaml"), ("almelo-2024.csv", "text/csv"))
DEMO_VERBLIJVEN = (("999990111", "0164", date(2025, 9, 1)),)  # the youth in residential care of the fixture


def load() -> None:
    settings = get_settings()
    db = Database(settings)
    me = Party(code="svc-eligibility", kind="service", name="eligibility demo loader")
    try:
        for name, ctype in FILES:
            payload = parse_import(ctype, (DEMO_DIR / name).read_bytes())
            with db.transaction() as session:
                result = import_contracts(session=session, payload=payload, caller=me)
            print(f"{name}: {result.regels} regels ({result.aangemaakt} nieuw, {result.bijgewerkt} bijgewerkt), "
                  f"{result.afspraken} afspraken")
        with db.transaction() as session:
            for bsn, gemeente, start in DEMO_VERBLIJVEN:
                h = bsn_hash(settings.bsn_hash_key, bsn)
                if session.scalar(select(Verblijf.id).where(Verblijf.bsn_hash == h).limit(1)) is None:
                    session.add(Verblijf(bsn_hash=h, gemeente_voor_verblijf=gemeente, ingangsdatum=start,
                                         geregistreerd_door=me.code))
    finally:
        db.engine.dispose()
