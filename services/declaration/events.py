"""The toewijzing read model, fed by the allocation service's `toewijzing.gewijzigd` events.

Idempotent receiver: an event id seen before changes nothing (the kernel's inbox), and per toewijzing
(gemeente, domein, ToewijzingNummer) the highest `versie` wins, so events arriving twice or out of order
leave the same state. Judging a declaratie never waits on the allocation service.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import String, select
from sqlalchemy.orm import Session

from services.common.outbox import already_seen
from services.common.store.models import InboxEntry, utcnow

from .models import Toewijzing
from .store import key_filters

GEMEENTE = r"^[0-9]{4}$"
AGB = r"^[0-9]{8}$"


class ProductIn(BaseModel):
    categorie: str | None = Field(None, pattern=r"^[0-9]{2}$", examples=["45"])
    code: str | None = Field(None, min_length=1, max_length=5, examples=["45A03"])


class OmvangIn(BaseModel):
    volume: int = Field(ge=0, le=99_999_999, examples=[120])
    eenheid: str = Field(pattern=r"^(01|04|14|16|82|83|84)$", examples=["01"])
    frequentie: str = Field(pattern=r"^(1|2|4|6)$", examples=["2"])


class ToewijzingIn(BaseModel):
    gemeente: str = Field(pattern=GEMEENTE, examples=["0141"])
    aanbieder: str = Field(pattern=AGB, examples=["11110001"])
    domein: Literal["jeugd", "wmo"]
    bsn: str = Field(pattern=r"^[0-9]{9}$", examples=["999900006"])
    toewijzingNummer: int = Field(ge=0, le=999_999_999, examples=[300201])
    product: ProductIn | None = None
    ingangsdatum: date
    einddatum: date | None = None
    redenWijziging: str | None = Field(None, pattern=r"^[0-9]{2}$", examples=[None])
    omvang: OmvangIn | None = None
    budget: int | None = Field(None, ge=0, description="eurocent")
    status: Literal["actief", "verwijderd"] = "actief"
    berichtId: str | None = Field(None, max_length=36)


class ToewijzingEvent(BaseModel):
    eventId: str = Field(min_length=1, max_length=36, examples=["4f1c2a9e-2b7d-4a51-9a59-0c1f0e8f6a11"])
    kind: Literal["toewijzing.gewijzigd"] = "toewijzing.gewijzigd"
    versie: int = Field(ge=0, examples=[3])
    occurredAt: datetime | None = None
    toewijzing: ToewijzingIn

    model_config = {"json_schema_extra": {"examples": [{
        "eventId": "4f1c2a9e-2b7d-4a51-9a59-0c1f0e8f6a11", "kind": "toewijzing.gewijzigd", "versie": 1,
        "occurredAt": "2026-04-01T10:00:00Z",
        "toewijzing": {
            "gemeente": "0141", "aanbieder": "11110001", "domein": "jeugd", "bsn": "999900006",
            "toewijzingNummer": 300201, "product": {"categorie": "45", "code": "45A03"},
            "ingangsdatum": "2026-04-01", "einddatum": "2026-12-31", "redenWijziging": None,
            "omvang": {"volume": 120, "eenheid": "01", "frequentie": "2"}, "budget": None,
            "status": "actief", "berichtId": None}}]}}


class EventBatch(BaseModel):
    events: list[ToewijzingEvent] = Field(min_length=1)


def _values(event: ToewijzingEvent) -> dict[str, object]:
    t = event.toewijzing
    withdrawn = t.status == "verwijderd" or t.redenWijziging == "13"
    return {
        "gemeente": t.gemeente, "domein": t.domein, "toewijzing_nummer": t.toewijzingNummer,
        "aanbieder": t.aanbieder, "bsn": t.bsn,
        "categorie": t.product.categorie if t.product else None,
        "code": t.product.code if t.product else None,
        "ingangsdatum": t.ingangsdatum, "einddatum": t.einddatum,
        "volume": t.omvang.volume if t.omvang else None,
        "eenheid": t.omvang.eenheid if t.omvang else None,
        "frequentie": t.omvang.frequentie if t.omvang else None,
        "budget": t.budget, "status": "verwijderd" if withdrawn else "actief",
        "reden_wijziging": t.redenWijziging, "versie": event.versie, "bericht_id": t.berichtId,
        "event_id": event.eventId, "bijgewerkt_op": utcnow(),
    }


def apply_event(session: Session, event: ToewijzingEvent, source: str) -> str:
    """Apply one event in the caller's transaction: 'toegepast', 'al-ontvangen' or 'verouderd'."""
    if already_seen(session, event.eventId, source):
        return "al-ontvangen"
    t = event.toewijzing
    row = session.scalar(
        select(Toewijzing).where(Toewijzing.gemeente == t.gemeente, Toewijzing.domein == t.domein,
                                 Toewijzing.toewijzing_nummer == t.toewijzingNummer).with_for_update())
    values = _values(event)
    if row is None:
        session.add(Toewijzing(**values))
        session.flush()
        return "toegepast"
    if event.versie <= row.versie:
        return "verouderd"  # an older or repeated change: the newer state stays
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    return "toegepast"


def apply_batch(session: Session, events: Sequence[ToewijzingEvent], source: str) -> dict[str, int]:
    """Apply many events set-based (initial load of the read model, replays): a few queries in all."""
    counts = {"toegepast": 0, "alOntvangen": 0, "verouderd": 0}
    ids = [e.eventId for e in events]
    seen: set[str] = set()
    for where in key_filters(session, InboxEntry.event_id, ids, String):
        seen.update(session.scalars(select(InboxEntry.event_id).where(where)))
    fresh: list[ToewijzingEvent] = []
    for e in events:
        if e.eventId in seen:
            counts["alOntvangen"] += 1
        else:
            seen.add(e.eventId)
            fresh.append(e)
    session.add_all([InboxEntry(event_id=e.eventId, source=source) for e in fresh])

    latest: dict[tuple[str, str, int], ToewijzingEvent] = {}
    for e in fresh:
        key = (e.toewijzing.gemeente, e.toewijzing.domein, e.toewijzing.toewijzingNummer)
        if key in latest and latest[key].versie >= e.versie:
            counts["verouderd"] += 1
            continue
        if key in latest:
            counts["verouderd"] += 1
        latest[key] = e

    existing: dict[tuple[str, str, int], Toewijzing] = {}
    by_scope: dict[tuple[str, str], list[int]] = {}
    for g, d, n in latest:
        by_scope.setdefault((g, d), []).append(n)
    for (g, d), nummers in by_scope.items():
        for where in key_filters(session, Toewijzing.toewijzing_nummer, nummers, Toewijzing.toewijzing_nummer.type):
            stmt = select(Toewijzing).where(Toewijzing.gemeente == g, Toewijzing.domein == d, where).with_for_update()
            for row in session.scalars(stmt):
                existing[(row.gemeente, row.domein, row.toewijzing_nummer)] = row
    new_rows: list[dict[str, object]] = []
    for key, e in latest.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(_values(e))
            counts["toegepast"] += 1
        elif e.versie > row.versie:
            for k, v in _values(e).items():
                setattr(row, k, v)
            counts["toegepast"] += 1
        else:
            counts["verouderd"] += 1
    session.flush()
    if new_rows:
        session.execute(Toewijzing.__table__.insert(), new_rows)
    return counts


__all__ = ["EventBatch", "ToewijzingEvent", "apply_batch", "apply_event"]
