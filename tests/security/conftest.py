"""Real data of two sides, each a gemeente with an aanbieder, for the authorization matrix.

Side "A": gemeente X (0141, Almelo) with aanbieder A (11110001); side "B": gemeente Y (0153, Enschede) with
aanbieder B (11110002). Each side gets, over the real interfaces of the session's stack: a test person in the
stand-in BRP, a contract line and the agreement (eligibility), a toewijzing issued by the gemeente (allocation;
its event reaches the declaration service), a 315 verzoek, a 305 start, a 323 declaratie judged into a 325
(declaration; the payments follow from it), a betaalblokkade, an eligibility check (audit) and a verblijf.

Every object carries random identifiers ("markers": BSNs, ids, a product code, a DeclaratieNummer), so a
listing that leaks can be recognised by searching the response for the other side's markers.

The data lives in the iWmo domain so that its DeclaratiePeriode never meets the jeugd periods the declaration
tests hand out for the same pairs (TR318 wants each period after the previous one per aanbieder, gemeente and
domein).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.allocation import Aanvraag, Client, Regel, new_ref, start, vot
from tests.builders.declaration import Declaratie, Prestatie, month_bounds
from tests.builders.declaration import new_id as new_declaratie_id
from tests.support import Api, api, next_bsn, unique_code

DOMEIN, STANDARD, CATEGORIE = "wmo", "iwmo", "02"
GEBOORTEDATUM = date(1960, 3, 1)
CONTACT = {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7607AB", "landcode": "NL"}, "telefoon": "0546123456"}
TARIEF = 6500  # eurocent per uur


@dataclass
class Side:
    """One gemeente, one aanbieder and everything created between them."""

    name: str
    gemeente: str
    aanbieder: str
    bsn: str = ""
    bsn_verzoek: str = ""
    code: str = ""
    contract_id: str = ""
    afspraak: dict[str, Any] = field(default_factory=dict)
    nummer: int = 0
    client_id: str = ""
    versie: int = 0
    bericht_301: str = ""
    bericht_315: str = ""
    retour_316: str = ""
    bericht_305: str = ""
    retour_306: str = ""
    verzoek_id: str = ""
    bericht_323: str = ""
    retour_325: str = ""
    declaratie_id: str = ""
    declaratie_nummer: str = ""
    periode: str = ""
    begin: date = date.min
    check_id: str = ""
    verblijf_id: str = ""
    identificaties: list[str] = field(default_factory=list)
    body_305: bytes = b""
    body_323: bytes = b""

    def markers(self) -> list[str]:
        """Strings that only this side's data contains: none of them may show up for the other side."""
        values = [self.bsn, self.bsn_verzoek, self.code, self.contract_id, self.client_id, self.bericht_301,
                  self.bericht_315, self.retour_316, self.bericht_305, self.retour_306, self.verzoek_id,
                  self.bericht_323, self.retour_325, self.declaratie_id, self.declaratie_nummer, self.check_id,
                  self.verblijf_id, *self.identificaties]
        return [v for v in values if v]

    def message_ids(self) -> list[str]:
        return [self.bericht_301, self.bericht_315, self.retour_316, self.bericht_305, self.retour_306,
                self.bericht_323, self.retour_325]


@dataclass
class Seed:
    stack: Stack
    a: Side
    b: Side
    since: str

    def api(self, service: str, party: str) -> Api:
        return api(self.stack, service, party)


def _code(prefix: str) -> str:
    return unique_code(prefix)


def _ok(resp: httpx.Response, *expected: int) -> httpx.Response:
    assert resp.status_code in (expected or (200,)), f"{resp.request.method} {resp.request.url}: {resp.status_code} {resp.text[:500]}"
    return resp


def _free_period(stack: Stack, aanbieders: tuple[str, ...]) -> tuple[int, int]:
    """The first month after every declaratie the seed's aanbieders have sent so far, in any gemeente and
    domein: TR318 wants a later period, and a period that holds no other test's data of either aanbieder
    keeps the listing probes honest (the bulk tests declare for nearly every test BSN, so a later listing
    of their period would "show" the other side's BSN). The earliest is the month five years ago, the
    oldest TR335 still accepts."""
    today = today_nl()
    latest = (today.year - 5, today.month)
    for aanbieder in aanbieders:
        for d in _all_pages(api(stack, "declaration", aanbieder), "/v1/declaraties", {}):
            y, m = (int(x) for x in d["periode"].split("-"))
            latest = max(latest, (y, m))
    y, m = latest
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    assert (y, m) < (today.year, today.month), "no free iWmo declaratie period left for the seed"
    return y, m


def _build_side(stack: Stack, side: Side, aanbieders: tuple[str, ...]) -> None:
    g, a = side.gemeente, side.aanbieder
    eli_g = api(stack, "eligibility", g)
    alloc_g, alloc_a = api(stack, "allocation", g), api(stack, "allocation", a)
    decl_g, decl_a = api(stack, "declaration", g), api(stack, "declaration", a)

    # persons in the stand-in BRP
    side.bsn, side.bsn_verzoek = next_bsn(), next_bsn()
    for bsn in (side.bsn, side.bsn_verzoek):
        _ok(httpx.post(stack.url("brp") + "/test/personen", timeout=30, json={
            "burgerservicenummer": bsn, "geboortedatum": GEBOORTEDATUM.isoformat(), "gemeenteVanInschrijving": g,
            "geslachtsnaam": "Testpersoon", "voornamen": "Tom"}))

    # contract line and the agreement (an existing agreement is written back unchanged)
    side.code = _code("Z" + side.name)
    line = _ok(eli_g.post("/v1/contracten", json={
        "gemeente": g, "aanbieder": a, "domein": DOMEIN, "categorie": CATEGORIE, "code": side.code,
        "naam": "Autorisatietest", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04", "tarief": TARIEF,
        "geldigVanaf": "2020-01-01", "geldigTot": None}), 201).json()
    side.contract_id = line["id"]
    current = eli_g.get(f"/v1/contractafspraken/{g}/{a}")
    afspraak = ({"clientenstop": current.json()["clientenstop"], "werkgebied": current.json()["werkgebied"]}
                if current.status_code == 200 else {"clientenstop": False, "werkgebied": []})
    side.afspraak = _ok(eli_g.put(f"/v1/contractafspraken/{g}/{a}", json=afspraak), 200, 201).json()

    # the toewijzing from the first day of a free declaratie period; its event reaches the declaration service
    year, month = _free_period(stack, aanbieders)
    begin, eind = month_bounds(year, month)
    side.periode, side.begin = f"{year:04d}-{month:02d}", begin
    mutatie = _ok(alloc_g.post("/v1/toewijzingen", json={
        "domein": DOMEIN, "aanbieder": a,
        "client": {"bsn": side.bsn, "geboortedatum": GEBOORTEDATUM.isoformat(), "geslacht": "1",
                   "naam": {"achternaam": "Testpersoon", "voornamen": "Tom", "voorletters": "T"}, "contact": CONTACT},
        "product": {"categorie": CATEGORIE, "code": side.code}, "ingangsdatum": begin.isoformat(),
        "einddatum": date(today_nl().year + 1, 12, 31).isoformat(),
        "omvang": {"volume": 10, "eenheid": "04", "frequentie": "2"}}), 201).json()
    tw = mutatie["toewijzing"]
    side.nummer, side.client_id, side.versie, side.bericht_301 = (
        tw["toewijzingNummer"], tw["clientId"], tw["versie"], mutatie["berichtId"])

    # a 315 (another client) → 316 at once, a verzoek for the gemeente
    ref = new_ref("AUT")
    body = vot(a, g, Client(side.bsn_verzoek, geboortedatum=GEBOORTEDATUM),
               [Aanvraag(ref, CATEGORIE, side.code, today_nl(), date(today_nl().year + 1, 12, 31),
                         omvang=(4, "04", "2"))], standard=STANDARD)
    resp = _ok(alloc_a.post_xml(body))
    side.bericht_315, side.retour_316 = resp.headers["Bericht-Id"], resp.headers["Retour-Id"]
    side.verzoek_id = next(v["id"] for v in _all_pages(alloc_g, "/v1/verzoeken", {"status": "open"})
                           if v["referentieAanbieder"] == ref)

    # a 305 on the toewijzing → 306
    side.body_305 = start(a, g, Client(side.bsn, geboortedatum=GEBOORTEDATUM),
                          [Regel(side.nummer, begindatum=begin)], standard=STANDARD)
    resp = _ok(alloc_a.post_xml(side.body_305))
    side.bericht_305, side.retour_306 = resp.headers["Bericht-Id"], resp.headers["Retour-Id"]

    # a 323 once the declaration service knows the toewijzing → 325, a declaratie, payments
    deadline = time.monotonic() + 30
    while decl_g.get(f"/v1/toewijzingen/{side.nummer}", params={"gemeente": g, "domein": DOMEIN}).status_code != 200:
        assert time.monotonic() < deadline, "the toewijzing event did not reach the declaration service"
        time.sleep(0.2)
    d = Declaratie(afzender=a, ontvanger=g, periode=(year, month), standard=STANDARD,
                   nummer=new_declaratie_id(12))
    d.add(side.bsn, Prestatie(ref="R" + new_declaratie_id(11), toewijzing=side.nummer, categorie=CATEGORIE,
                              code=side.code, begin=begin, eind=eind, volume=20, eenheid="04", tarief=TARIEF))
    side.body_323 = d.to_bytes()
    resp = _ok(decl_a.post_xml(side.body_323))
    side.bericht_323, side.retour_325 = resp.headers["Bericht-Id"], resp.headers["Retour-Id"]
    side.declaratie_id, side.declaratie_nummer = resp.headers["Declaratie-Id"], d.nummer
    side.identificaties += [d.identificatie]

    # eligibility: a check (audit record) and a verblijf of this gemeente
    check = _ok(eli_g.post("/v1/checks", json={
        "bsn": side.bsn, "peildatum": begin.isoformat(), "gemeente": g, "domein": DOMEIN, "aanbieder": a,
        "product": {"categorie": CATEGORIE, "code": side.code}})).json()
    side.check_id = check["id"]
    side.verblijf_id = _ok(eli_g.post("/v1/verblijven", json={
        "bsn": side.bsn, "gemeenteVoorVerblijf": g, "ingangsdatum": begin.isoformat()}), 201).json()["id"]

    # identificaties of every message of this side (they are random: markers too)
    for bericht_id in side.message_ids():
        meta = _ok(api(stack, "allocation" if bericht_id not in (side.bericht_323, side.retour_325) else "declaration",
                       a).get(f"/v1/berichten/{bericht_id}")).json()
        side.identificaties.append(meta["identificatie"])


def _all_pages(client: Api, path: str, params: dict[str, Any], size: int = 500) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        body = _ok(client.get(path, params={**params, "page": page, "pageSize": size})).json()
        out.extend(body["results"])
        if page * size >= body["count"]:
            return out
        page += 1


@pytest.fixture(scope="module")
def seed(stack: Stack) -> Any:
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    a, b = Side("A", "0141", "11110001"), Side("B", "0153", "11110002")
    for side in (a, b):
        _build_side(stack, side, (a.aanbieder, b.aanbieder))
    # a betaalblokkade of gemeente X on aanbieder A (lifted again afterwards: other tests pay this pair)
    _ok(api(stack, "declaration", a.gemeente).put(f"/v1/betaalblokkades/{a.aanbieder}",
                                                  json={"actief": True, "reden": "Autorisatietest"}))
    if "reporting" in stack.procs:  # the reporting service reads the flow now, not at its next round
        resp = httpx.post(stack.url("reporting") + "/v1/synchronisaties", timeout=600,
                          headers={"Authorization": "Bearer demo-service-reporting"})
        _ok(resp)
    try:
        yield Seed(stack, a, b, since)
    finally:
        api(stack, "declaration", a.gemeente).delete(f"/v1/betaalblokkades/{a.aanbieder}")
