"""Helpers for the reporting tests: a `region` per test with its own products (codes and a segment name of its
own, so the figures of one test are never mixed with another's), its own clients in the stand-in BRP, and
shortcuts that go through the real services: toewijzingen via the allocation gemeente API, 315/305/307/302
as XML from the aanbieder, 323 as XML to the declaration service; then a pull of the reporting service and
its reports over HTTP.

    def test_x(region):
        r = region()
        code = r.product(tarief=6500)                 # contract line, segment r.segment
        bsn = r.person(date(2012, 5, 1))
        tw = r.toewijzing(bsn, code, date(2026, 1, 1), date(2026, 6, 30))
        r.sync()
        rows = r.report("zorggebruik", van="2026-01", tot="2026-06")
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest

from services.common.devstack import Stack
from tests.builders.allocation import Aanvraag, Client, Regel, RetourCodes, retour_op, start, stop, vot
from tests.builders.declaration import Declaratie, Prestatie
from tests.support import Api, api, next_bsn, parse_xml, unique_code

CONTACT = {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7607AB", "landcode": "NL"}, "telefoon": "0546123456"}
CATEGORIE = {"jeugd": "45", "wmo": "02"}
STANDARD = {"jeugd": "ijw", "wmo": "iwmo"}


def new_code(prefix: str = "R") -> str:
    return unique_code(prefix)


def sync(stack: Stack) -> dict[str, Any]:
    resp = api(stack, "reporting", "svc-reporting").post("/v1/synchronisaties")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert all(b["fout"] is None for b in body["bronnen"]), body
    return body


@dataclass
class Region:
    stack: Stack
    gemeente: str = "0141"
    aanbieder: str = "11110001"
    domein: str = "jeugd"
    segment: str = field(default_factory=lambda: f"Test {uuid.uuid4().hex[:10]}")
    codes: list[str] = field(default_factory=list)

    @property
    def categorie(self) -> str:
        return CATEGORIE[self.domein]

    @property
    def standard(self) -> str:
        return STANDARD[self.domein]

    def as_(self, service: str, party: str | None = None) -> Api:
        return api(self.stack, service, party or self.gemeente)

    # ---- contracts -----------------------------------------------------------------------------------
    def product(self, *, code: str | None = None, variant: str = "inspanningsgericht", eenheid: str | None = "04",
                tarief: int | None = 6500, gemeente: str | None = None, aanbieder: str | None = None,
                segment: str | None = None, **extra: Any) -> str:
        code = code or new_code()
        body: dict[str, Any] = {
            "gemeente": gemeente or self.gemeente, "aanbieder": aanbieder or self.aanbieder, "domein": self.domein,
            "categorie": self.categorie, "code": code, "naam": f"Testproduct {code}",
            "perceel": segment or self.segment, "uitvoeringsvariant": variant, "eenheid": eenheid, "tarief": tarief,
            "geldigVanaf": "2020-01-01", "geldigTot": None, "declaratiemoment": None, "startStopVerplicht": True,
            "budgetplafond": None, "lumpsum": None,
        }
        body.update(extra)
        resp = self.as_("eligibility", gemeente or self.gemeente).post("/v1/contracten", json=body)
        assert resp.status_code == 201, resp.text
        self.codes.append(code)
        return code

    # ---- persons and toewijzingen ---------------------------------------------------------------------
    def person(self, born: date = date(2012, 5, 1), gemeente: str | None = None) -> str:
        bsn = next_bsn()
        resp = httpx.post(self.stack.url("brp") + "/test/personen", timeout=30, json={
            "burgerservicenummer": bsn, "geboortedatum": born.isoformat(),
            "gemeenteVanInschrijving": gemeente or self.gemeente, "geslachtsnaam": "Testpersoon",
            "voornamen": "Tom"})
        assert resp.status_code == 200, resp.text
        return bsn

    def toewijzing(self, bsn: str, code: str, ingang: date, eind: date | None, *, born: date = date(2012, 5, 1),
                   omvang: tuple[int, str, str] | None = (40, "04", "4"), budget: int | None = None,
                   aanbieder: str | None = None, gemeente: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "domein": self.domein, "aanbieder": aanbieder or self.aanbieder,
            "client": {"bsn": bsn, "geboortedatum": born.isoformat(), "geslacht": "1",
                       "naam": {"achternaam": "Testpersoon", "voornamen": "Tom", "voorletters": "T"},
                       "contact": CONTACT},
            "product": {"categorie": self.categorie, "code": code}, "ingangsdatum": ingang.isoformat(),
        }
        if eind:
            body["einddatum"] = eind.isoformat()
        if omvang:
            body["omvang"] = {"volume": omvang[0], "eenheid": omvang[1], "frequentie": omvang[2]}
        if budget is not None:
            body["budget"] = budget
        resp = self.as_("allocation", gemeente).post("/v1/toewijzingen", json=body)
        assert resp.status_code == 201, resp.text
        return resp.json()["toewijzing"]

    def change(self, nummer: int, **body: Any) -> dict[str, Any]:
        resp = self.as_("allocation").patch(f"/v1/toewijzingen/{nummer}", json=body)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def withdraw(self, nummer: int) -> dict[str, Any]:
        resp = self.as_("allocation").delete(f"/v1/toewijzingen/{nummer}")
        assert resp.status_code == 200, resp.text
        return resp.json()

    # ---- messages of the aanbieder --------------------------------------------------------------------
    def send(self, service: str, body: bytes, expect: int = 200, party: str | None = None) -> httpx.Response:
        resp = api(self.stack, service, party or self.aanbieder).post_xml(body)
        assert resp.status_code == expect, resp.text[:2000]
        return resp

    def start(self, bsn: str, nummer: int, begin: date, dagtekening: date, *, born: date = date(2012, 5, 1),
              status: str = "1") -> httpx.Response:
        return self.send("allocation", start(self.aanbieder, self.gemeente, Client(bsn, geboortedatum=born),
                                             [Regel(nummer, begin, status=status)], standard=self.standard,
                                             dagtekening=dagtekening))

    def stop(self, bsn: str, nummer: int, begin: date, eind: date, dagtekening: date, *,
             born: date = date(2012, 5, 1), reden: str | None = None) -> httpx.Response:
        return self.send("allocation", stop(self.aanbieder, self.gemeente, Client(bsn, geboortedatum=born),
                                            [Regel(nummer, begin, einddatum=eind, reden=reden)],
                                            standard=self.standard, dagtekening=dagtekening))

    def verzoek(self, bsn: str, code: str, ingang: date, eind: date, dagtekening: date, *,
                verwijzer: tuple[str, str | None, str | None] = ("02", "Huisarts Jansen", None),
                born: date = date(2012, 5, 1)) -> dict[str, Any]:
        ref = f"V-{uuid.uuid4().hex[:12]}"
        body = vot(self.aanbieder, self.gemeente, Client(bsn, geboortedatum=born),
                   [Aanvraag(ref, self.categorie, code, ingang, eind, omvang=(4, "04", "2"), verwijzer=verwijzer)],
                   standard=self.standard, dagtekening=dagtekening)
        resp = self.send("allocation", body)
        assert resp.headers["Berichten-Oordeel"] == "goedgekeurd", resp.text
        found = [v for v in self.as_("allocation").get("/v1/verzoeken", params={"pageSize": 500}).json()["results"]
                 if v["referentieAanbieder"] == ref]
        assert found, ref
        return found[0]

    def honour(self, verzoek_id: str, verwijsdatum: date) -> dict[str, Any]:
        resp = self.as_("allocation").post(f"/v1/verzoeken/{verzoek_id}/toewijzingen",
                                           json={"contact": CONTACT, "verwijsdatum": verwijsdatum.isoformat()})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def refuse(self, verzoek_id: str, reden: str = "3") -> dict[str, Any]:
        resp = self.as_("allocation").post(f"/v1/verzoeken/{verzoek_id}/afwijzingen",
                                           json={"redenAfwijzingVerzoek": reden})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def investigate(self, verzoek_id: str) -> dict[str, Any]:
        resp = self.as_("allocation").post(f"/v1/verzoeken/{verzoek_id}/onderzoeken")
        assert resp.status_code == 201, resp.text
        return resp.json()

    def retour_302(self, bericht_id: str, dagtekening_retour: date | None = None) -> httpx.Response:
        xml = api(self.stack, "allocation", self.aanbieder).get(f"/v1/berichten/{bericht_id}/inhoud").content
        body = retour_op(xml, RetourCodes())
        if dagtekening_retour is not None:
            root = parse_xml(body)
            el = root.find("{*}Header/{*}DagtekeningRetour")
            assert el is not None
            el.text = dagtekening_retour.isoformat()
            from lxml import etree

            body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return self.send("allocation", body, expect=202)

    def wait_declaration(self, *nummers: int, timeout: float = 30.0) -> None:
        """Toewijzingen reach the declaration service through the outbox: wait until it knows them."""
        import time

        deadline = time.monotonic() + timeout
        for nummer in nummers:
            while True:
                resp = self.as_("declaration").get(f"/v1/toewijzingen/{nummer}", params={"gemeente": self.gemeente})
                if resp.status_code == 200:
                    break
                assert time.monotonic() < deadline, f"toewijzing {nummer} never reached the declaration service"
                time.sleep(0.2)

    def declaratie(self, year: int, month: int, *prestaties: tuple[str, Prestatie],
                   aanbieder: str | None = None) -> httpx.Response:
        d = Declaratie(afzender=aanbieder or self.aanbieder, ontvanger=self.gemeente, periode=(year, month),
                       standard=self.standard)
        for bsn, p in prestaties:
            d.add(bsn, p)
        return self.send("declaration", d.to_bytes(), party=aanbieder)

    # ---- reporting ------------------------------------------------------------------------------------
    def sync(self) -> dict[str, Any]:
        return sync(self.stack)

    def report(self, name: str, *, party: str = "TWENTE", expect: int = 200, **params: Any) -> list[dict[str, Any]]:
        params.setdefault("segment", self.segment)
        resp = api(self.stack, "reporting", party).get(f"/v1/rapportages/{name}", params=params)
        assert resp.status_code == expect, resp.text
        return resp.json()["rijen"] if expect == 200 else []


@pytest.fixture
def region(stack: Stack) -> Callable[..., Region]:
    def _make(**kw: Any) -> Region:
        return Region(stack, **kw)
    return _make


@pytest.fixture
def reporting_as(stack: Stack) -> Callable[[str], Api]:
    def _api(party: str) -> Api:
        return api(stack, "reporting", party)
    return _api


def prestatie(ref: str, nummer: int, code: str, year: int, month: int, volume: int, tarief: int = 6500,
              categorie: str = "45", eenheid: str = "04", **kw: Any) -> Prestatie:
    from tests.builders.declaration import month_bounds

    begin, eind = month_bounds(year, month)
    return Prestatie(ref=ref, toewijzing=nummer, categorie=categorie, code=code, begin=begin, eind=eind,
                     volume=volume, eenheid=eenheid, tarief=tarief, **kw)


# ---- a generated year (reduced scale) in a stack of its own ---------------------------------------------
@dataclass
class DemoYear:
    stack: Stack
    plan: Any
    result: Any
    pull: dict[str, Any]
    seconds: float


@pytest.fixture(scope="session")
def demo_year(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A Twente-like year at reduced scale (REPORTING_DEMO_CLIENTS, default 1,500 clients and 40 aanbieders),
    generated through the services' APIs by bench/demo_year.py into a stack of its own (it needs a parties
    file with 14 gemeenten and its own aanbieders), then pulled by the reporting service."""
    import os
    import time

    from bench.demo_year import generate, pull, start_stack
    from tests.conftest import database_url

    clients = int(os.environ.get("REPORTING_DEMO_CLIENTS", "1500"))
    aanbieders = int(os.environ.get("REPORTING_DEMO_AANBIEDERS", "40"))
    started = time.perf_counter()
    stack, plan = start_stack(tmp_path_factory.mktemp("demo-year"), clients, aanbieders, database_url())
    try:
        result = generate(stack, plan, workers=6)
        pulled = pull(stack)
        yield DemoYear(stack, plan, result, pulled, time.perf_counter() - started)
    finally:
        stack.stop()
        stack.drop_schemas()
