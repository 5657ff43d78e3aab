"""Demo data of the declaration service (`berichten demo-data declaration`; idempotent).

The declaration service's own data is the toewijzing read model; normally the allocation service fills it
with events. For a demo (`berichten run`) a few toewijzingen arrive here as if from the allocation service
(fixed event ids, so loading twice changes nothing), for products of the eligibility service's demo
contracts and for the stand-in BRP's test persons:

- Almelo 2024 (0141 × 11110002, perceel 2): ambulante begeleiding 45A03 per minuut, 130 cent;
- the Twents model (0141 × 11110001, 2019-2024): OB2B as a monthly outputgericht price (eenheid 82).

A declaratie against them, for instance for March 2024:

    <Prestatie> ToewijzingNummer 990000001, 45/45A03, 2024-03-01..2024-03-31, 480 minuten (01), tarief 130,
    bedrag 62400 D </Prestatie>   → posted by demo-aanbieder-11110002 to POST /v1/berichten

The ToewijzingNummers (990000001 and up) stay far from the allocation service's own numbering.
"""
from __future__ import annotations

import uuid

from services.common.db import Database

from .events import ToewijzingEvent, apply_batch
from .settings import get_settings

NAMESPACE = uuid.UUID("6a0d3c2e-8f1b-4f4e-9a0e-5d3c1b2a9f10")

# (nummer, gemeente, aanbieder, domein, bsn, categorie, code, ingang, eind, omvang)
DEMO_TOEWIJZINGEN = (
    (990000001, "0141", "11110002", "jeugd", "999900006", "45", "45A03", "2024-01-01", "2026-12-31", (600, "01", "2")),
    (990000002, "0141", "11110002", "jeugd", "999990007", "45", "45A03", "2024-01-01", "2026-12-31", (480, "01", "2")),
    (990000003, "0141", "11110002", "jeugd", "999990019", "45", "45A03", "2024-03-01", "2025-02-28", (240, "01", "2")),
    # the Twents model (outputgericht) runs in Almelo until 2023-12-31 (seed 002: own purchasing from 2024)
    (990000004, "0141", "11110001", "jeugd", "999990020", "45", "OB2B", "2023-01-01", "2023-12-31", (1, "82", "4")),
)
DEMO_BSNS = frozenset(t[4] for t in DEMO_TOEWIJZINGEN)


def events() -> list[ToewijzingEvent]:
    out = []
    for nummer, gemeente, aanbieder, domein, bsn, cat, code, ingang, eind, (volume, eenheid, freq) in DEMO_TOEWIJZINGEN:
        out.append(ToewijzingEvent(
            eventId=str(uuid.uuid5(NAMESPACE, f"demo-{nummer}-1")), versie=1,
            toewijzing={"gemeente": gemeente, "aanbieder": aanbieder, "domein": domein, "bsn": bsn,
                        "toewijzingNummer": nummer, "product": {"categorie": cat, "code": code},
                        "ingangsdatum": ingang, "einddatum": eind,
                        "omvang": {"volume": volume, "eenheid": eenheid, "frequentie": freq}, "status": "actief"},
        ))
    return out


def load() -> None:
    db = Database(get_settings())
    try:
        with db.transaction() as session:
            counts = apply_batch(session, events(), "svc-allocation")
        print(f"declaration: {counts['toegepast']} demo-toewijzingen toegepast, {counts['alOntvangen']} al bekend")
    finally:
        db.engine.dispose()
