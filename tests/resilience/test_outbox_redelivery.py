"""Every toewijzing event reaches the declaration service exactly once in effect.

- The receiver is down while the gemeente changes toewijzingen: the events wait in allocation's outbox
  (visible as `outbox_depth`), delivery of the oldest is retried with growing backoff (it fails four times,
  1, 2 and 4 s apart) while the newer ones wait behind it in order, and once the
  receiver is back each event is applied once: the read model holds every toewijzing at its latest version,
  every outbox entry is marked delivered, the receiver's inbox holds each event id once, the depth is 0.
- The sender dies between delivering and marking: a slow receiver (a proxy that holds the answer back after
  the event was applied) gives the moment, allocation is SIGKILLed in it, and after the restart the same event
  is sent again. The receiver recognises it (`al-ontvangen`) and nothing changes twice.
"""
from __future__ import annotations

import json
import random
import string
import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from services.common.clock import today_nl
from services.common.devstack import Stack, free_port
from services.common.store.models import InboxEntry, OutboxEntry
from tests.support import api, next_bsn

from .conftest import db, metric, wait_until

pytestmark = pytest.mark.slow

GEMEENTE, AANBIEDER = "0141", "11110001"  # this module's pair
CONTACT = {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7607AB", "landcode": "NL"}, "telefoon": "0546123456"}
KIND = "toewijzing.gewijzigd"


def _product(stack: Stack) -> str:
    code = "O" + "".join(random.choices(string.ascii_uppercase + string.digits, k=4))
    resp = api(stack, "eligibility", GEMEENTE).post("/v1/contracten", json={
        "gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "categorie": "45", "code": code,
        "naam": "Outboxtest", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04", "tarief": 6500,
        "geldigVanaf": "2020-01-01"})
    assert resp.status_code == 201, resp.text
    return code


def _toewijzing(stack: Stack, code: str) -> dict[str, Any]:
    bsn = next_bsn()
    httpx.post(stack.url("brp") + "/test/personen", timeout=30, json={
        "burgerservicenummer": bsn, "geboortedatum": "2012-05-01", "gemeenteVanInschrijving": GEMEENTE,
        "geslachtsnaam": "Testpersoon", "voornamen": "Tom"}).raise_for_status()
    resp = api(stack, "allocation", GEMEENTE).post("/v1/toewijzingen", json={
        "domein": "jeugd", "aanbieder": AANBIEDER, "product": {"categorie": "45", "code": code},
        "client": {"bsn": bsn, "geboortedatum": "2012-05-01", "naam": {"achternaam": "Testpersoon"}, "contact": CONTACT},
        "ingangsdatum": today_nl().isoformat(), "einddatum": date(today_nl().year + 2, 12, 31).isoformat(),
        "omvang": {"volume": 4, "eenheid": "04", "frequentie": "2"}})
    assert resp.status_code == 201, resp.text
    return resp.json()["toewijzing"]  # type: ignore[no-any-return]


def _shorten(stack: Stack, nummer: int, year_offset: int) -> dict[str, Any]:
    eind = date(today_nl().year + 1, 12, 31 - year_offset)
    resp = api(stack, "allocation", GEMEENTE).patch(f"/v1/toewijzingen/{nummer}",
                                                    json={"redenWijziging": "04", "einddatum": eind.isoformat()})
    assert resp.status_code == 200, resp.text
    return resp.json()["toewijzing"]  # type: ignore[no-any-return]


def _events_of(stack: Stack, nummers: set[int]) -> list[OutboxEntry]:
    with db(stack, "allocation").session() as s:
        rows = s.scalars(select(OutboxEntry).where(OutboxEntry.kind == KIND).order_by(OutboxEntry.id)).all()
    # numbers are unique per gemeente only: the other resilience tests' gemeenten have the same ones
    return [r for r in rows if (json.loads(r.payload)["toewijzing"]["gemeente"] == GEMEENTE
                                and json.loads(r.payload)["toewijzing"]["toewijzingNummer"] in nummers)]


def _inbox(stack: Stack, event_ids: list[str]) -> list[str]:
    with db(stack, "declaration").session() as s:
        return list(s.scalars(select(InboxEntry.event_id).where(InboxEntry.event_id.in_(event_ids))))


def _copy(stack: Stack, nummer: int) -> dict[str, Any] | None:
    resp = api(stack, "declaration", GEMEENTE).get(f"/v1/toewijzingen/{nummer}",
                                                   params={"gemeente": GEMEENTE, "domein": "jeugd"})
    return resp.json() if resp.status_code == 200 else None


def test_events_wait_out_an_outage_and_are_applied_once(rstack: Stack) -> None:
    code = _product(rstack)
    failures_before = metric(rstack, "allocation", "outbox_failures_total", service="allocation", kind=KIND)
    rstack.stop(("declaration",))
    try:
        latest = {t["toewijzingNummer"]: t for t in (_toewijzing(rstack, code) for _ in range(4))}
        for nummer in list(latest)[:2]:  # two of them change twice more: versions 1, 2, 3
            for step in (1, 2):
                latest[nummer] = _shorten(rstack, nummer, step)
        events = _events_of(rstack, set(latest))
        assert len(events) == 8 and all(e.delivered_at is None for e in events)
        assert metric(rstack, "allocation", "outbox_depth", service="allocation") >= 8
        # the oldest event waits out several steps of the exponential backoff (1, 2 and 4 s; this stack caps
        # it at 4 s, production at 300); the newer ones queue behind it and never overtake it
        oldest = min(e.id for e in events)
        wait_until(lambda: next(e.attempts for e in _events_of(rstack, set(latest)) if e.id == oldest) >= 4,
                   timeout=60, what="four failed delivery attempts of the oldest event")
        assert all(e.attempts == 0 for e in _events_of(rstack, set(latest)) if e.id != oldest)
        assert metric(rstack, "allocation", "outbox_failures_total", service="allocation",
                      kind=KIND) >= failures_before + 4
    finally:
        rstack.start(("declaration",))
    wait_until(lambda: metric(rstack, "allocation", "outbox_depth", service="allocation") == 0, timeout=30,
               what="the outbox to drain")
    for nummer, tw in latest.items():
        copy = _copy(rstack, nummer)
        assert copy is not None and copy["versie"] == tw["versie"] and copy["einddatum"] == tw["einddatum"], (tw, copy)
    events = _events_of(rstack, set(latest))
    assert all(e.delivered_at is not None for e in events)
    assert max(e.attempts for e in events) >= 5, "four failed attempts, then the delivery"
    in_order = sorted(events, key=lambda e: e.id)
    assert [e.delivered_at for e in in_order] == sorted(e.delivered_at for e in in_order)  # delivered in order
    ids = [e.event_id for e in events]
    assert sorted(_inbox(rstack, ids)) == sorted(ids)  # each applied, each once (the inbox key is the event id)


class _SlowProxy:
    """Forwards POST /v1/events to the declaration service and holds the answer back for `hold` seconds after
    the receiver has applied the event: the window between delivery and marking, made wide."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.hold = 0.0
        self.seen: list[tuple[str, int, str]] = []  # (Event-Id, upstream status, EventResult.status)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                resp = httpx.post(proxy.upstream + self.path, content=body, headers=headers, timeout=30)
                status = resp.json().get("status", "") if resp.status_code == 200 else ""
                proxy.seen.append((self.headers.get("Event-Id", ""), resp.status_code, status))
                time.sleep(proxy.hold)
                try:
                    self.send_response(resp.status_code)
                    self.send_header("Content-Type", resp.headers.get("content-type", "application/json"))
                    self.send_header("Content-Length", str(len(resp.content)))
                    self.end_headers()
                    self.wfile.write(resp.content)
                except OSError:
                    pass  # the sender died while we held the answer: that is the point

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow_receiver(rstack: Stack) -> Iterator[_SlowProxy]:
    wait_until(lambda: metric(rstack, "allocation", "outbox_depth", service="allocation") == 0, timeout=30,
               what="an empty outbox before the receiver slows down")
    proxy = _SlowProxy(rstack.url("declaration"))
    alloc = rstack.procs["allocation"]
    rstack.stop(("allocation",))
    alloc.env["DECLARATION_URL"] = proxy.url
    rstack.start(("allocation",))
    try:
        yield proxy
    finally:
        rstack.stop(("allocation",))
        alloc.env["DECLARATION_URL"] = rstack.url("declaration")
        rstack.start(("allocation",))
        proxy.close()


def test_sender_killed_between_delivery_and_marking_redelivers_harmlessly(rstack: Stack,
                                                                         slow_receiver: _SlowProxy) -> None:
    code = _product(rstack)
    slow_receiver.hold = 30.0
    tw = _toewijzing(rstack, code)
    [event] = _events_of(rstack, {tw["toewijzingNummer"]})
    # the receiver applied it and answered; the answer is still on its way when the sender dies
    wait_until(lambda: slow_receiver.seen, timeout=30, what="the first delivery")
    assert slow_receiver.seen == [(event.event_id, 200, "toegepast")], "only this event was due"
    assert _copy(rstack, tw["toewijzingNummer"])["versie"] == tw["versie"]  # type: ignore[index]
    rstack.kill("allocation")
    [event] = _events_of(rstack, {tw["toewijzingNummer"]})
    assert event.delivered_at is None  # never marked: from the sender's side it was not delivered

    slow_receiver.hold = 0.0
    rstack.start(("allocation",))
    wait_until(lambda: len(slow_receiver.seen) >= 2, timeout=30, what="the redelivery")
    assert slow_receiver.seen[1] == (event.event_id, 200, "al-ontvangen")  # recognised, not applied again
    wait_until(lambda: _events_of(rstack, {tw["toewijzingNummer"]})[0].delivered_at is not None, timeout=30,
               what="the entry to be marked delivered")
    assert _inbox(rstack, [event.event_id]) == [event.event_id]
    copy = _copy(rstack, tw["toewijzingNummer"])
    assert copy is not None and copy["versie"] == tw["versie"] == 1
    assert len(slow_receiver.seen) == 2
