"""The toewijzing read model: events from the allocation service (docs/interfaces.md), idempotent, highest
versie wins, only the allocation service may send them."""
from __future__ import annotations

import uuid
from datetime import timedelta

from tests.support import next_bsn

from .conftest import World, next_nummer


def event(nummer: int, versie: int, bsn: str, **toewijzing: object) -> dict:
    body = {
        "gemeente": "0141", "aanbieder": "11110001", "domein": "jeugd", "bsn": bsn, "toewijzingNummer": nummer,
        "product": {"categorie": "45", "code": "45A03"}, "ingangsdatum": "2026-01-01", "einddatum": "2026-12-31",
        "redenWijziging": None, "omvang": {"volume": 120, "eenheid": "01", "frequentie": "2"}, "budget": None,
        "status": "actief", "berichtId": None,
    }
    body.update(toewijzing)
    return {"eventId": str(uuid.uuid4()), "kind": "toewijzing.gewijzigd", "versie": versie,
            "occurredAt": "2026-01-01T10:00:00Z", "toewijzing": body}


def test_event_idempotent_and_highest_versie_wins(world: World) -> None:
    svc = world.declaration("svc-allocation")
    case = world.case()
    begin, _end = case.bounds()
    # versie 2 shortens the toewijzing to the 10th; a late versie 1 must not undo that
    v2 = event(case.nummer, 2, case.bsn, gemeente=world.gemeente, aanbieder=world.aanbieder, product={"categorie": "45", "code": case.code},
               ingangsdatum=begin.isoformat(), einddatum=(begin + timedelta(days=9)).isoformat(),
               omvang={"volume": 10, "eenheid": "04", "frequentie": "2"})
    assert svc.post("/v1/events", json=v2).json()["status"] == "toegepast"
    assert svc.post("/v1/events", json=v2).json()["status"] == "al-ontvangen"
    v1 = event(case.nummer, 1, case.bsn, gemeente=world.gemeente, aanbieder=world.aanbieder, product={"categorie": "45", "code": case.code},
               ingangsdatum=begin.isoformat(), einddatum="2030-12-31",
               omvang={"volume": 10, "eenheid": "04", "frequentie": "2"})
    assert svc.post("/v1/events", json=v1).json()["status"] == "verouderd"
    a = case.post(0, case.prestatie())  # to the end of the month: after the (versie 2) Einddatum, not on it
    assert list(a.prestatie_codes().values()) == [["9308", "9388"]]


def test_only_the_allocation_service_sends_events(world: World) -> None:
    body = event(next_nummer(), 1, next_bsn())
    for party in ("svc-eligibility", "0141", "11110001"):
        resp = world.declaration(party).post("/v1/events", json=body)
        assert resp.status_code == 403, (party, resp.text)
        assert resp.headers["content-type"].startswith("application/problem+json")


def test_invalid_event_is_400_without_echo(world: World) -> None:
    bad = event(next_nummer(), 1, "12345")
    resp = world.declaration("svc-allocation").post("/v1/events", json=bad)
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert "12345" not in resp.text
    mismatch = event(next_nummer(), 1, next_bsn())
    resp = world.declaration("svc-allocation").post("/v1/events", json=mismatch, headers={"Event-Id": "other"})
    assert resp.status_code == 400


def test_event_batch_set_based(world: World) -> None:
    svc = world.declaration("svc-allocation")
    nummer = next_nummer()
    bsn = next_bsn()
    first, second = event(nummer, 1, bsn), event(nummer, 2, bsn, einddatum="2026-06-30")
    other = event(next_nummer(), 1, next_bsn())
    resp = svc.post("/v1/events/batch", json={"events": [first, second, other]})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"toegepast": 2, "alOntvangen": 0, "verouderd": 1}
    again = svc.post("/v1/events/batch", json={"events": [first, other]}).json()
    assert again == {"toegepast": 0, "alOntvangen": 2, "verouderd": 0}
    assert svc.post("/v1/events", json=event(nummer, 1, bsn)).json()["status"] == "verouderd"


def test_demo_toewijzingen_loaded(world: World) -> None:
    # `berichten demo-data declaration` (the test stack loads it) fills the read model as events would
    resp = world.declaration("11110002").get("/v1/toewijzingen/990000001", params={"gemeente": "0141"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["product"] == {"categorie": "45", "code": "45A03"} and resp.json()["versie"] == 1
    # another aanbieder does not see it (404, so its existence does not leak)
    assert world.declaration("11110003").get("/v1/toewijzingen/990000001").status_code == 404
