"""The eligibility service goes away while aanbieders and a gemeente keep working.

- A 315 gets its 316 at once and is stored; the gemeente sees the verzoeken with the contract pre-check
  waiting (`voorcontrole: wacht`). When eligibility is back, the background loop finishes the pre-check
  without anyone sending anything again: the verzoek for a taakgericht product is answered with a 319
  (RedenAfwijzingVerzoek 4) in the aanbieder's mailbox, the other one is cleared for the case worker.
- What cannot be decided without eligibility is refused clearly and stores nothing: issuing a toewijzing
  and honouring a verzoek answer 503 problem+json, and so does a taakgericht 305 without ToewijzingNummer
  (whether start/stop is asked for is a term of the contract).
"""
from __future__ import annotations

import time
from datetime import date

import httpx
import pytest

from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.allocation import Aanvraag, Client, Regel, new_ref, start, vot
from tests.support import api, header_codes, next_bsn, parse_xml, unique_code

from .conftest import wait_until

pytestmark = pytest.mark.slow

GEMEENTE, AANBIEDER = "0164", "11110003"  # this test's pair (each resilience test has its own)
CONTACT = {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7607AB", "landcode": "NL"}, "telefoon": "0746123456"}


def _code(prefix: str) -> str:
    return unique_code(prefix)


def _contract(stack: Stack, code: str, variant: str) -> None:
    body = {"gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "categorie": "45", "code": code,
            "naam": "Veerkrachttest", "uitvoeringsvariant": variant, "geldigVanaf": "2020-01-01",
            "eenheid": None if variant == "taakgericht" else "04", "tarief": None if variant == "taakgericht" else 6500}
    resp = api(stack, "eligibility", GEMEENTE).post("/v1/contracten", json=body)
    assert resp.status_code == 201, resp.text


def _verzoeken(stack: Stack, refs: set[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    resp = api(stack, "allocation", GEMEENTE).get("/v1/verzoeken", params={"pageSize": 500})
    assert resp.status_code == 200, resp.text
    return {v["referentieAanbieder"]: v for v in resp.json()["results"] if v["referentieAanbieder"] in refs}


def test_315_while_eligibility_is_down_is_answered_and_finished_later(rstack: Stack) -> None:
    bsn = next_bsn()
    born = date(2012, 5, 1)
    httpx.post(rstack.url("brp") + "/test/personen", timeout=30, json={
        "burgerservicenummer": bsn, "geboortedatum": born.isoformat(), "gemeenteVanInschrijving": GEMEENTE,
        "geslachtsnaam": "Testpersoon", "voornamen": "Tom"}).raise_for_status()
    taak, inspanning = _code("T"), _code("I")
    _contract(rstack, taak, "taakgericht")
    _contract(rstack, inspanning, "inspanningsgericht")
    gem, aan = api(rstack, "allocation", GEMEENTE), api(rstack, "allocation", AANBIEDER)
    ingang, eind = today_nl(), date(today_nl().year + 1, 12, 31)
    ref_taak, ref_insp = new_ref("VTK"), new_ref("VIN")
    body = vot(AANBIEDER, GEMEENTE, Client(bsn, geboortedatum=born), [
        Aanvraag(ref_taak, "45", taak, ingang, eind, omvang=(4, "04", "2")),
        Aanvraag(ref_insp, "45", inspanning, ingang, eind, omvang=(4, "04", "2"))])

    rstack.stop(("eligibility",))
    try:
        # the 315: its 316 at once, no remarks, stored in the gemeente's mailbox
        started = time.monotonic()
        resp = aan.post_xml(body)
        elapsed = time.monotonic() - started
        assert resp.status_code == 200, resp.text
        assert header_codes(parse_xml(resp.content)) == [] and resp.headers["Berichten-Oordeel"] == "goedgekeurd"
        assert elapsed < 5, f"the 316 took {elapsed:.1f}s: an aanbieder must not wait for eligibility"
        stored = gem.get(f"/v1/berichten/{resp.headers['Bericht-Id']}")
        assert stored.status_code == 200 and stored.json()["status"] == "nieuw"
        # the case system sees both verzoeken, open, with the contract pre-check waiting
        verzoeken = _verzoeken(rstack, {ref_taak, ref_insp})
        assert {r: (v["status"], v["voorcontrole"]) for r, v in verzoeken.items()} == {
            ref_taak: ("open", "wacht"), ref_insp: ("open", "wacht")}

        # what needs eligibility now: a clear 503, nothing stored
        toewijzing = {"domein": "jeugd", "aanbieder": AANBIEDER, "product": {"categorie": "45", "code": inspanning},
                      "client": {"bsn": bsn, "geboortedatum": born.isoformat(), "naam": {"achternaam": "Testpersoon"},
                                 "contact": CONTACT},
                      "ingangsdatum": ingang.isoformat(), "einddatum": eind.isoformat(),
                      "omvang": {"volume": 4, "eenheid": "04", "frequentie": "2"}}
        refused = gem.post("/v1/toewijzingen", json=toewijzing)
        assert refused.status_code == 503, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "rechtmatigheid-onbereikbaar"
        honour = gem.post(f"/v1/verzoeken/{verzoeken[ref_insp]['id']}/toewijzingen", json={"contact": CONTACT})
        assert honour.status_code == 503, honour.text
        assert gem.post("/v1/toewijzingen/zoeken", json={"bsn": bsn}).json()["count"] == 0
        assert aan.get("/v1/berichten", params={"status": "nieuw", "berichtType": "JW301"}).json()["count"] == 0
        assert _verzoeken(rstack, {ref_insp})[ref_insp]["status"] == "open"
        taak_start = start(AANBIEDER, GEMEENTE, Client(bsn, geboortedatum=born),
                           [Regel(None, begindatum=ingang, categorie="45", code=taak)])
        not_taken = aan.post_xml(taak_start)
        assert not_taken.status_code == 503 and not_taken.json()["code"] == "contract-onbekend"
        assert not_taken.headers.get("Retry-After")
        sent = aan.get("/v1/berichten", params={"berichtType": "JW305"}).json()
        assert sent["count"] == 0, "a refused 305 must not be stored"
    finally:
        rstack.start(("eligibility",))

    # nobody sends anything again: the background loop finishes the pre-check
    def done() -> dict[str, dict] | None:  # type: ignore[type-arg]
        v = _verzoeken(rstack, {ref_taak, ref_insp})
        return v if all(x["voorcontrole"] != "wacht" for x in v.values()) else None

    verzoeken = wait_until(done, timeout=30, what="the contract pre-check after eligibility returned")
    assert (verzoeken[ref_taak]["status"], verzoeken[ref_taak]["voorcontrole"]) == ("afgewezen", "afgewezen")
    assert verzoeken[ref_taak]["redenAfwijzing"] == "4"
    assert (verzoeken[ref_insp]["status"], verzoeken[ref_insp]["voorcontrole"]) == ("open", "ok")
    mailbox = aan.get("/v1/berichten", params={"status": "nieuw", "berichtType": "JW319"}).json()["results"]
    assert [m["id"] for m in mailbox] == [verzoeken[ref_taak]["antwoordBerichtId"]]
    answer = parse_xml(aan.get(f"/v1/berichten/{mailbox[0]['id']}/inhoud").content)
    assert [e.text for e in answer.iter("{*}ReferentieAanbieder")] == [ref_taak]
    assert [e.text for e in answer.iter("{*}RedenAfwijzingVerzoek")] == ["4"]
    # and the case worker can now honour the other verzoek
    honour = gem.post(f"/v1/verzoeken/{verzoeken[ref_insp]['id']}/toewijzingen",
                      json={"contact": CONTACT, "verwijsdatum": ingang.isoformat()})
    assert honour.status_code == 201, honour.text
    assert honour.json()["besluit"] == "toegewezen"
