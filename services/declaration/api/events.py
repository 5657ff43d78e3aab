"""POST /v1/events: toewijzing events from the allocation service (docs/interfaces.md, binding)."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError

from services.common.app import get_ctx
from services.common.auth import Party, ServiceDep
from services.common.problems import PROBLEM_JSON, Problem

from ..events import EventBatch, ToewijzingEvent, apply_batch, apply_event

router = APIRouter(prefix="/v1/events", tags=["events"])

PROBLEMS = {
    400: {"description": "Ongeldig event", "content": {PROBLEM_JSON: {}}},
    401: {"description": "Geen of ongeldig token", "content": {PROBLEM_JSON: {}}},
    403: {"description": "Alleen de allocation-dienst stuurt toewijzing-events", "content": {PROBLEM_JSON: {}}},
    503: {"description": "Tijdelijk conflict; de afzender probeert het opnieuw", "content": {PROBLEM_JSON: {}}},
}


class EventResult(BaseModel):
    eventId: str
    status: Literal["toegepast", "al-ontvangen", "verouderd"]

    model_config = {"json_schema_extra": {"examples": [
        {"eventId": "4f1c2a9e-2b7d-4a51-9a59-0c1f0e8f6a11", "status": "toegepast"}]}}


class BatchResult(BaseModel):
    toegepast: int
    alOntvangen: int
    verouderd: int

    model_config = {"json_schema_extra": {"examples": [{"toegepast": 9998, "alOntvangen": 2, "verouderd": 0}]}}


def _allowed(request: Request, caller: Party) -> None:
    sources = getattr(get_ctx(request).settings, "event_sources", ["svc-allocation"])
    if caller.code not in sources:
        raise Problem(403, "geen-eventbron", f"{caller.code} mag geen toewijzing-events sturen.")


@router.post(
    "",
    summary="Een toewijzing-event ontvangen (toewijzing.gewijzigd)",
    description=(
        "De allocation-dienst meldt elke nieuwe of gewijzigde toewijzing (outbox → HTTP). Idempotent: een "
        "event-id dat al verwerkt is verandert niets (`al-ontvangen`), en per toewijzing (gemeente, domein, "
        "ToewijzingNummer) wint de hoogste `versie` (`verouderd` voor een oudere). Antwoordt 200 zodra het "
        "event is toegepast of al bekend was; alles anders laat de afzender het later opnieuw proberen."
    ),
    response_model=EventResult,
    responses=PROBLEMS,
)
def post_event(
    request: Request,
    caller: ServiceDep,
    event: ToewijzingEvent,
    event_id: Annotated[str | None, Header(alias="Event-Id", description="gelijk aan eventId in de body")] = None,
    event_kind: Annotated[str | None, Header(alias="Event-Kind")] = None,
) -> EventResult:
    _allowed(request, caller)
    if event_id and event_id != event.eventId:
        raise Problem(400, "event-id-verschilt", "De header Event-Id verschilt van eventId in de body.")
    if event_kind and event_kind != event.kind:
        raise Problem(400, "onbekend-event", f"Event-Kind {event_kind!r} wordt hier niet verwerkt.")
    ctx = get_ctx(request)
    for _attempt in range(3):
        try:
            with ctx.db.transaction() as session:
                status = apply_event(session, event, caller.code)
            return EventResult(eventId=event.eventId, status=status)  # type: ignore[arg-type]
        except IntegrityError:
            continue  # the same event or toewijzing arrived at the same moment: look again
    raise Problem(503, "event-conflict", "Het event botste herhaaldelijk met een gelijktijdig event; probeer opnieuw.",
                  headers={"Retry-After": "1"})


@router.post(
    "/batch",
    summary="Veel toewijzing-events tegelijk ontvangen (eerste vulling, herhaling)",
    description=(
        "Dezelfde regels als POST /v1/events, voor maximaal 10.000 events in één transactie, set-gewijs verwerkt "
        "(een paar queries in totaal). Bedoeld voor het (opnieuw) vullen van het leesmodel."
    ),
    response_model=BatchResult,
    responses=PROBLEMS,
)
def post_events(request: Request, caller: ServiceDep, batch: EventBatch) -> BatchResult:
    _allowed(request, caller)
    ctx = get_ctx(request)
    limit = getattr(ctx.settings, "max_events_per_batch", 10_000)
    if len(batch.events) > limit:
        raise Problem(400, "te-veel-events", f"Maximaal {limit} events per batch.")
    for _attempt in range(3):
        try:
            with ctx.db.transaction() as session:
                counts = apply_batch(session, batch.events, caller.code)
            return BatchResult(**counts)
        except IntegrityError:
            continue
    raise Problem(503, "event-conflict", "De batch botste herhaaldelijk met gelijktijdige events; probeer opnieuw.",
                  headers={"Retry-After": "1"})
