"""From toewijzing to payment across the three services over real HTTP: the gemeente issues a toewijzing
through the allocation JSON API, the allocation service's outbox delivers the toewijzing event to the
declaration service, the aanbieder declares against it with a JW323 and gets the 325 in the response, the
gemeente sees what to pay; a change (shorter toewijzing) and a withdrawal reach the declaration service the
same way. A toewijzing with approved prestaties cannot be withdrawn until they are credited (TR385)."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tests.allocation.conftest import World as AllocationWorld
from tests.allocation.conftest import world as world  # noqa: PLC0414  (the fixture, shared)
from tests.builders.declaration import Declaratie, Prestatie, month_bounds
from tests.declaration.conftest import _PERIODS, new_ref
from tests.support import api, parse_xml


def wait_for_copy(stack, gemeente: str, nummer: int, versie: int, timeout: float = 20.0) -> dict:  # type: ignore[no-untyped-def]
    """Poll the declaration service's read model until the event of this versie has arrived."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        resp = api(stack, "declaration", gemeente).get(f"/v1/toewijzingen/{nummer}", params={"gemeente": gemeente})
        if resp.status_code == 200 and resp.json()["versie"] >= versie:
            return resp.json()  # type: ignore[no-any-return]
        last = resp
        time.sleep(0.2)
    raise AssertionError(f"toewijzing {nummer} versie {versie} never reached the declaration service: {last and last.text}")


def post_323(stack, d: Declaratie):  # type: ignore[no-untyped-def]
    resp = api(stack, "declaration", d.afzender).post_xml(d.to_bytes())
    assert resp.status_code == 200, resp.text
    return resp, parse_xml(resp.content)


def codes(root, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.text for c in root.findall(path)]


def test_toewijzing_to_declaratie_to_payment(world: Callable[..., AllocationWorld], stack) -> None:  # type: ignore[no-untyped-def]
    gemeente, aanbieder = "0164", "11110001"
    probe = api(stack, "allocation", gemeente).get("/v1/toewijzingen")
    if probe.status_code == 404:
        pytest.skip("the allocation JSON API (/v1/toewijzingen) is not there yet")
    (y1, m1), (y2, m2), (y3, m3), (y4, m4) = _PERIODS.take(gemeente, aanbieder, "jeugd", 4)
    w = world(gemeente=gemeente, aanbieder=aanbieder, eenheid="04")  # contract line: 65 euro an hour
    begin1, end1 = month_bounds(y1, m1)
    tw = w.toewijzing(ingangsdatum=begin1.isoformat(), einddatum=date(y3 + 1, 12, 31).isoformat(),
                      omvang={"volume": 4, "eenheid": "04", "frequentie": "2"})
    nummer = tw["toewijzing"]["toewijzingNummer"]
    copy = wait_for_copy(stack, gemeente, nummer, 1)
    assert copy["product"] == {"categorie": w.categorie, "code": w.code} and copy["bsn"] == w.bsn

    # month 1: 12 hours at the contract tariff → fully approved, in the 325 of the same HTTP response
    d = Declaratie(afzender=aanbieder, ontvanger=gemeente, periode=(y1, m1))
    maand1 = Prestatie(ref=new_ref(), toewijzing=nummer, categorie=w.categorie, code=w.code, begin=begin1,
                       eind=end1, volume=12, eenheid="04", tarief=6500)
    d.add(w.bsn, maand1)
    _resp, root = post_323(stack, d)
    assert codes(root, "{*}DeclaratieAntwoord/{*}RetourCodes/{*}RetourCode") == ["8001"]
    betalingen = api(stack, "declaration", gemeente).get("/v1/betalingen", params={
        "periode": f"{y1:04d}-{m1:02d}", "aanbieder": aanbieder}).json()["betalingen"]
    assert betalingen[0]["goedgekeurdBedrag"] >= 12 * 6500

    # the gemeente shortens the toewijzing to the 10th of month 2 → versie 2 reaches the declaration service
    begin2, end2 = month_bounds(y2, m2)
    cut = w.gem.patch(f"/v1/toewijzingen/{nummer}", json={"redenWijziging": "05",
                                                           "einddatum": (begin2 + timedelta(days=9)).isoformat()})
    assert cut.status_code == 200, cut.text
    wait_for_copy(stack, gemeente, nummer, 2)
    d = Declaratie(afzender=aanbieder, ontvanger=gemeente, periode=(y2, m2))
    late = Prestatie(ref=new_ref(), toewijzing=nummer, categorie=w.categorie, code=w.code, begin=begin2, eind=end2,
                     volume=2, eenheid="04", tarief=6500)
    d.add(w.bsn, late)
    _resp, root = post_323(stack, d)
    assert codes(root, ".//{*}Prestatie/{*}RetourCodes/{*}RetourCode") == ["9308", "9388"]  # after the new Einddatum, and not on it (TR388)

    # TR385: month 1 is approved, so the toewijzing may not be withdrawn; nothing changes
    assert wait_for_copy(stack, gemeente, nummer, 2)["goedgekeurdePrestaties"] == 1
    refused = w.gem.delete(f"/v1/toewijzingen/{nummer}")
    assert refused.status_code == 409 and refused.json()["code"] == "TR385", refused.text
    assert "9385" in refused.json()["detail"]
    assert w.gem.get(f"/v1/toewijzingen/{nummer}").json()["status"] != "verwijderd"

    # the aanbieder credits month 1 (TR323: VorigReferentieNummer points at it) → now it may be withdrawn
    d = Declaratie(afzender=aanbieder, ontvanger=gemeente, periode=(y3, m3))
    d.add(w.bsn, maand1.credit_of(new_ref()))
    _resp, root = post_323(stack, d)
    assert codes(root, "{*}DeclaratieAntwoord/{*}RetourCodes/{*}RetourCode") == ["8001"]
    assert wait_for_copy(stack, gemeente, nummer, 2)["goedgekeurdePrestaties"] == 0

    # withdrawn (RedenWijziging 13): nothing can be declared on it any more (TR384)
    gone = w.gem.delete(f"/v1/toewijzingen/{nummer}")
    assert gone.status_code == 200, gone.text
    copy = wait_for_copy(stack, gemeente, nummer, 3)
    assert copy["status"] == "verwijderd"
    d = Declaratie(afzender=aanbieder, ontvanger=gemeente, periode=(y4, m4))
    d.add(w.bsn, Prestatie(ref=new_ref(), toewijzing=nummer, categorie=w.categorie, code=w.code, begin=begin1,
                           eind=begin1, volume=1, eenheid="04", tarief=6500))
    _resp, root = post_323(stack, d)
    assert "9384" in codes(root, ".//{*}Prestatie/{*}RetourCodes/{*}RetourCode")
