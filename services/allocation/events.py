"""Toewijzing events for the other services (docs/interfaces.md, binding): one `toewijzing.gewijzigd` per
new version of a toewijzing, written to the outbox in the same transaction as the change and relayed to
POST {DECLARATION_URL}/v1/events until it is accepted."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from services.common.outbox import enqueue
from services.common.store.models import new_id

from .models import Toewijzing

KIND = "toewijzing.gewijzigd"
DESTINATIONS = ("declaration",)


def toewijzing_payload(tw: Toewijzing, bericht_id: str | None) -> dict[str, Any]:
    return {
        "gemeente": tw.gemeente,
        "aanbieder": tw.aanbieder,
        "domein": tw.domein,
        "bsn": tw.client.bsn,
        "toewijzingNummer": tw.nummer,
        "product": {"categorie": tw.categorie, "code": tw.code} if tw.categorie else None,
        "ingangsdatum": tw.ingangsdatum.isoformat(),
        "einddatum": tw.einddatum.isoformat() if tw.einddatum else None,
        "redenWijziging": tw.reden_wijziging,
        "omvang": ({"volume": tw.volume, "eenheid": tw.eenheid, "frequentie": tw.frequentie}
                   if tw.eenheid else None),
        "budget": tw.budget,
        "status": "verwijderd" if tw.verwijderd else "actief",
        "berichtId": bericht_id,
    }


def publish_toewijzing(session: Session, tw: Toewijzing, bericht_id: str | None) -> None:
    """Queue the event for every interested service (one outbox row each, own event id)."""
    occurred = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    body = {"kind": KIND, "versie": tw.versie, "occurredAt": occurred,
            "toewijzing": toewijzing_payload(tw, bericht_id)}
    for destination in DESTINATIONS:
        event_id = new_id()
        enqueue(session, kind=KIND, destination=destination, payload={"eventId": event_id, **body},
                event_id=event_id)
