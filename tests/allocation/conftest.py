"""Helpers for the allocation tests: a `world` per test with its own client (a fresh BSN in the stand-in BRP)
and its own contract line (a product code of its own), so tests neither depend on each other nor on demo data.

    def test_x(world):
        w = world()                       # jeugd, inspanningsgericht, eenheid 04
        tw = w.toewijzing()               # POST /v1/toewijzingen as the gemeente → the created toewijzing
        resp, root = w.send(start(...))   # POST /v1/berichten as the aanbieder → the retour
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from lxml import etree

from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.allocation import Client
from tests.support import Api, api, next_bsn, parse_xml, unique_code

CATEGORIE = {"jeugd": "45", "wmo": "02"}
STANDARD = {"jeugd": "ijw", "wmo": "iwmo"}
PREFIX = {"jeugd": "JW", "wmo": "WMO"}
CONTACT = {"soort": "01", "adres": {"huisnummer": 12, "postcode": "7607AB", "straatnaam": "Grotestraat",
                                    "plaatsnaam": "Almelo", "landcode": "NL"}}


def new_code(prefix: str = "A") -> str:
    return unique_code(prefix)


def brp(stack: Stack, path: str, body: Any) -> None:
    response = httpx.post(stack.url("brp") + path, json=body, timeout=30)
    assert response.status_code == 200, response.text


@contextmanager
def brp_down(stack: Stack) -> Iterator[None]:
    """The stand-in BRP answers 503 inside the block, so the eligibility service cannot check anyone."""
    brp(stack, "/test/beschikbaarheid", {"beschikbaar": False})
    try:
        yield
    finally:
        brp(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 0})


@dataclass
class World:
    stack: Stack
    domein: str
    gemeente: str
    aanbieder: str
    bsn: str
    geboortedatum: date
    code: str
    categorie: str
    variant: str
    eenheid: str | None
    contracten: list[dict[str, Any]] = field(default_factory=list)

    @property
    def standard(self) -> str:
        return STANDARD[self.domein]

    @property
    def prefix(self) -> str:
        return PREFIX[self.domein]

    @property
    def gem(self) -> Api:
        return api(self.stack, "allocation", self.gemeente)

    @property
    def aan(self) -> Api:
        return api(self.stack, "allocation", self.aanbieder)

    def client(self, **overrides: Any) -> Client:
        return Client(self.bsn, **{"geboortedatum": self.geboortedatum, **overrides})

    def contract(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "gemeente": self.gemeente, "aanbieder": self.aanbieder, "domein": self.domein,
            "categorie": self.categorie, "code": self.code, "naam": "Testproduct", "perceel": "1",
            "uitvoeringsvariant": self.variant, "eenheid": self.eenheid,
            "tarief": 100 if self.eenheid == "83" else 6500,  # eenheid 83: 1 euro per euro
            "geldigVanaf": "2020-01-01", "geldigTot": None, "declaratiemoment": None,
            "startStopVerplicht": True, "budgetplafond": None, "lumpsum": None,
        }
        body.update(overrides)
        resp = api(self.stack, "eligibility", self.gemeente).post("/v1/contracten", json=body)
        assert resp.status_code == 201, resp.text
        self.contracten.append(resp.json())
        return resp.json()

    def toewijzing_body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "domein": self.domein, "aanbieder": self.aanbieder,
            "client": {"bsn": self.bsn, "geboortedatum": self.geboortedatum.isoformat(), "geslacht": "1",
                       "naam": {"achternaam": "Testpersoon", "voornamen": "Tom", "voorletters": "T"},
                       "contact": CONTACT},
            "product": {"categorie": self.categorie, "code": self.code},
            "ingangsdatum": today_nl().replace(day=1).isoformat(),
            "einddatum": date(today_nl().year + 1, 12, 31).isoformat(),
            "omvang": {"volume": 4, "eenheid": self.eenheid or "04", "frequentie": "2"},
        }
        body.update(overrides)
        return body

    def toewijzing(self, expect: int = 201, **overrides: Any) -> dict[str, Any]:
        resp = self.gem.post("/v1/toewijzingen", json=self.toewijzing_body(**overrides))
        assert resp.status_code == expect, resp.text
        return resp.json()

    def send(self, body: bytes, expect: int = 200, as_party: str | None = None) -> tuple[httpx.Response, etree._Element | None]:
        resp = api(self.stack, "allocation", as_party or self.aanbieder).post_xml(body)
        assert resp.status_code == expect, resp.text
        return resp, (parse_xml(resp.content) if resp.content and resp.headers.get("content-type", "").startswith("application/xml") else None)

    def inhoud(self, bericht_id: str, as_party: str | None = None) -> bytes:
        resp = api(self.stack, "allocation", as_party or self.aanbieder).get(f"/v1/berichten/{bericht_id}/inhoud")
        assert resp.status_code == 200, resp.text
        return resp.content

    def verzoeken(self, **params: Any) -> list[dict[str, Any]]:
        resp = self.gem.get("/v1/verzoeken", params=params)
        assert resp.status_code == 200, resp.text
        return [v for v in resp.json()["results"] if v["bsn"] == self.bsn]

    def nieuwe_berichten(self, berichttype: str, as_party: str | None = None) -> list[dict[str, Any]]:
        party = as_party or self.aanbieder
        resp = api(self.stack, "allocation", party).get("/v1/berichten", params={"status": "nieuw", "berichtType": berichttype,
                                                                                "pageSize": 500})
        assert resp.status_code == 200, resp.text
        return resp.json()["results"]


@pytest.fixture
def world(stack: Stack) -> Callable[..., World]:
    def _make(domein: str = "jeugd", variant: str = "inspanningsgericht", eenheid: str | None = "04",
              gemeente: str = "0141", aanbieder: str = "11110001", geboortedatum: date | None = None,
              contract: bool = True, woongemeente: str | None = None, categorie: str | None = None,
              **contract_overrides: Any) -> World:
        born = geboortedatum or (date(2012, 5, 1) if domein == "jeugd" else date(1960, 3, 1))
        bsn = next_bsn()
        brp(stack, "/test/personen", {"burgerservicenummer": bsn, "geboortedatum": born.isoformat(),
                                      "gemeenteVanInschrijving": woongemeente or gemeente,
                                      "geslachtsnaam": "Testpersoon", "voornamen": "Tom"})
        w = World(stack, domein, gemeente, aanbieder, bsn, born, new_code(), categorie or CATEGORIE[domein], variant, eenheid)
        if contract:
            w.contract(**contract_overrides)
        return w

    return _make


def codes_of(root: etree._Element) -> dict[str, list[str]]:
    from tests.support import retourcodes

    return retourcodes(root)


def valid_301(w: World, bericht_id: str) -> etree._Element:
    """A 301 from the aanbieder's mailbox, checked against the official XSD (the oracle) before it is read."""
    from tests.conformance import oracle

    xml = w.inhoud(bericht_id)
    assert oracle.validate(xml, f"{w.prefix}301") == []
    oracle.assert_same_verdict(xml, f"{w.prefix}301", expected=True)
    return parse_xml(xml)


def toegewezen_producten(root: etree._Element) -> dict[int, etree._Element]:
    return {int(tp.findtext("{*}ToewijzingNummer")): tp for tp in root.iter("{*}ToegewezenProduct")}  # type: ignore[arg-type]
