"""Stand-in BRP for development and tests: speaks Haal Centraal BRP Personen Bevragen over HTTP.

    POST /haalcentraal/api/brp/personen   {"type": "RaadpleegMetBurgerservicenummer",
                                            "burgerservicenummer": [...], "fields": [...]}   (X-API-KEY)

answers as the specification (../shared/standards/brp/openapi.yaml) says: only the requested fields,
dates as AbstractDatum (Datum / JaarMaandDatum / JaarDatum / DatumOnbekend), deceased persons with
overlijden and opschortingBijhouding (reden O), problem+json errors. So the eligibility service's
client works unchanged against the real API (BRP_URL, BRP_API_KEY).

One extension, never sent by the real BRP: a youth staying in an institution carries
`standinVerblijf: {"instelling": true, "gemeenteVoorVerblijf": {"code": "0164"}}`. The real BRP does
not know the gemeente before a stay; in production the eligibility service's own verblijf register
(POST /v1/verblijven, recorded by the gemeente) or the check request supplies it.

Test-only endpoints (no BSN in a URL, so a person goes in a body):
    POST /test/personen         one person (or a list) to add or replace
    POST /test/beschikbaarheid  {"beschikbaar": false} answers 503 everywhere; {"vertragingMs": 500} slows down;
                                {"status": 400} or {"status": 429, "retryAfter": "2"} answers that status

Environment: BRP_API_KEY (default "demo-brp-key"), BRP_STANDIN_FIXTURE (YAML with `personen:`).
"""
from __future__ import annotations

import asyncio
import os
import re
import threading
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from services.common.clock import today_nl

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "personen.yaml"
HC_JSON = "application/json; charset=utf-8"
PROBLEM = "application/problem+json"
BSN_RE = re.compile(r"^[0-9]{9}$")
FIELD_RE = re.compile(r"^[a-zA-Z0-9._]{1,200}$")
PARTIAL_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
AUTOMATIC = {"inOnderzoek", "geheimhoudingPersoonsgegevens", "opschortingBijhouding", "rni", "verificatie"}
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december"]
GEMEENTEN = {
    "0141": "Almelo", "0147": "Borne", "0153": "Enschede", "0158": "Haaksbergen", "0163": "Hellendoorn",
    "0164": "Hengelo", "0168": "Losser", "0173": "Oldenzaal", "0183": "Tubbergen", "0189": "Wierden",
    "1700": "Twenterand", "1735": "Hof van Twente", "1742": "Rijssen-Holten", "1774": "Dinkelland",
    "1640": "Leudal", "0946": "Nederweert", "0988": "Weert", "0983": "Venlo",
    "1999": "Registratie Niet Ingezetenen (RNI)",
}


class TestPersoon(BaseModel):
    """A test person as the test endpoints take it (docs/interfaces.md)."""

    model_config = ConfigDict(extra="forbid")

    burgerservicenummer: str = Field(pattern=r"^[0-9]{9}$")
    geboortedatum: str | None = Field(None, description="YYYY-MM-DD, YYYY-MM or YYYY (incomplete), null = unknown")
    gemeenteVanInschrijving: str = Field(pattern=r"^[0-9]{4}$")
    overlijdensdatum: str | None = None
    verblijfInstelling: bool = False
    gemeenteVoorVerblijf: str | None = Field(None, pattern=r"^[0-9]{4}$")
    verblijfBuitenland: bool = False
    verblijfplaatsOnbekend: bool = Field(False, description="verblijfplaats VerblijfplaatsOnbekend")
    adresSinds: str | None = Field("2015-01-01", description="verblijfplaats.datumVan: YYYY-MM-DD, YYYY-MM, YYYY; "
                                                             "null = DatumOnbekend")
    verblijftNietOpAdres: bool = Field(False, description="verblijfplaats.indicatieVastgesteldVerblijftNietOpAdres")
    opschorting: Literal["E", "M", "R", "F", "."] | None = Field(
        None, description="opschortingBijhouding.reden (O follows from overlijdensdatum)")
    opschortingDatum: str | None = None
    geslachtsnaam: str = "Test"
    voornamen: str = "Persoon"


class Beschikbaarheid(BaseModel):
    beschikbaar: bool = True
    vertragingMs: int = Field(0, ge=0, le=60_000)
    status: int | None = Field(None, ge=400, le=599, description="answer every personen request with this status")
    retryAfter: str | None = Field(None, description="Retry-After header with that status")


class State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.persons: dict[str, TestPersoon] = {}
        self.available = True
        self.delay_ms = 0
        self.status: int | None = None
        self.retry_after: str | None = None
        self.requests = 0

    def load(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("personen", []):
            p = TestPersoon.model_validate(item)
            self.persons[p.burgerservicenummer] = p


STATE = State()
STATE.load(Path(os.environ.get("BRP_STANDIN_FIXTURE") or FIXTURE))
API_KEY = os.environ.get("BRP_API_KEY") or "demo-brp-key"

app = FastAPI(
    title="Stand-in BRP (Haal Centraal BRP Personen Bevragen)",
    description=__doc__,
    version="2.7.0-standin",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _problem(status: int, title: str, code: str, detail: str = "", invalid: list[dict[str, str]] | None = None,
             request: Request | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": f"https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.{status}",
                            "title": title, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    if invalid:
        body["invalidParams"] = invalid
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


# ---- building a Haal Centraal persoon --------------------------------------------------------------
def _datum(value: str | None) -> dict[str, Any]:
    if not value:
        return {"type": "DatumOnbekend", "onbekend": True, "langFormaat": "onbekend"}
    m = PARTIAL_DATE_RE.match(value)
    if m:
        year, month = m.group(1), m.group(2)
        if month:
            return {"type": "JaarMaandDatum", "jaar": int(year), "maand": int(month),
                    "langFormaat": f"{MONTHS[int(month) - 1]} {year}"}
        return {"type": "JaarDatum", "jaar": int(year), "langFormaat": year}
    d = date.fromisoformat(value)
    return {"type": "Datum", "datum": d.isoformat(), "langFormaat": f"{d.day} {MONTHS[d.month - 1]} {d.year}"}


def _waarde(code: str) -> dict[str, str]:
    return {"code": code, "omschrijving": GEMEENTEN.get(code, f"Gemeente {code}")}


def _leeftijd(value: str | None, today: date) -> int | None:
    if not value or PARTIAL_DATE_RE.match(value):
        return None
    b = date.fromisoformat(value)
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def build_persoon(p: TestPersoon, today: date | None = None) -> dict[str, Any]:
    """The full persoon as the stand-in knows it; the fields filter cuts it down."""
    today = today or today_nl()
    persoon: dict[str, Any] = {
        "burgerservicenummer": p.burgerservicenummer,
        "geslacht": {"code": "O", "omschrijving": "onbekend"},
        "naam": {"voornamen": p.voornamen, "geslachtsnaam": p.geslachtsnaam,
                 "voorletters": "".join(f"{n[0]}." for n in p.voornamen.split() if n),
                 "volledigeNaam": f"{p.voornamen} {p.geslachtsnaam}"},
        "geboorte": {"datum": _datum(p.geboortedatum), "plaats": _waarde(p.gemeenteVanInschrijving),
                     "land": {"code": "6030", "omschrijving": "Nederland"}},
        "gemeenteVanInschrijving": _waarde(p.gemeenteVanInschrijving),
        "datumInschrijvingInGemeente": _datum("2015-01-01"),
    }
    leeftijd = _leeftijd(p.geboortedatum, today)
    if leeftijd is not None and not p.overlijdensdatum:
        persoon["leeftijd"] = leeftijd
    persoon["verblijfplaats"] = _verblijfplaats(p)
    if p.overlijdensdatum:
        persoon["overlijden"] = {"datum": _datum(p.overlijdensdatum),
                                 "plaats": _waarde(p.gemeenteVanInschrijving),
                                 "land": {"code": "6030", "omschrijving": "Nederland"}}
        persoon["opschortingBijhouding"] = {"reden": {"code": "O", "omschrijving": "overlijden"},
                                            "datum": _datum(p.overlijdensdatum)}
    elif p.opschorting:
        reden = {"code": p.opschorting, "omschrijving": OPSCHORTING[p.opschorting]}
        persoon["opschortingBijhouding"] = {"reden": reden, "datum": _datum(p.opschortingDatum)}
    return persoon


# opschortingBijhouding.reden as the Haal Centraal API describes it (LO GBA table 67.20); W (wissen) is never sent
OPSCHORTING = {"O": "overlijden", "E": "emigratie", "M": "ministerieel besluit", "R": "pl is aangelegd in de rni",
               "F": "fout", ".": "onbekend"}


def _verblijfplaats(p: TestPersoon) -> dict[str, Any]:
    if p.verblijfBuitenland:
        return {"type": "VerblijfplaatsBuitenland",
                "verblijfadres": {"land": {"code": "6029", "omschrijving": "Duitsland"},
                                  "regel1": "Teststrasse 1", "regel2": "48529 Nordhorn"},
                "datumVan": _datum("2024-01-01")}
    if p.verblijfplaatsOnbekend:
        return {"type": "VerblijfplaatsOnbekend", "datumVan": _datum(p.adresSinds)}
    adres: dict[str, Any] = {
        "type": "Adres",
        "verblijfadres": {"officieleStraatnaam": "Teststraat", "korteStraatnaam": "Teststraat",
                          "huisnummer": 1, "postcode": "7600AA",
                          "woonplaats": GEMEENTEN.get(p.gemeenteVanInschrijving, "Testdorp")},
        "functieAdres": {"code": "W", "omschrijving": "woonadres"},
        "datumVan": _datum(p.adresSinds),
    }
    if p.verblijftNietOpAdres:
        adres["indicatieVastgesteldVerblijftNietOpAdres"] = True
    return adres


def _paths(value: Any, prefix: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}{key}"
            out.add(path)
            if key not in ("datum", "datumVan", "datumInschrijvingInGemeente"):
                out |= _paths(sub, path + ".")
    return out


# every field path a client may ask for: the paths of a person that has every optional part
_TEMPLATE = build_persoon(TestPersoon(burgerservicenummer="000000000", geboortedatum="2000-01-01",
                                      gemeenteVanInschrijving="0141", overlijdensdatum="2020-01-01",
                                      verblijftNietOpAdres=True))
_TEMPLATE["verblijfplaats"]["verblijfadres"].update({"land": {}, "regel1": "", "regel2": ""})
KNOWN_FIELDS = {f for f in _paths(_TEMPLATE) if f.split(".")[0] not in AUTOMATIC} | {"leeftijd", "verblijfplaats.type"}


def _select(source: dict[str, Any], path: list[str], target: dict[str, Any]) -> None:
    key = path[0]
    if key not in source:
        return
    if len(path) == 1 or not isinstance(source[key], dict):
        target[key] = source[key]
        return
    sub = target.setdefault(key, {})
    if isinstance(sub, dict):
        _select(source[key], path[1:], sub)


def filter_fields(persoon: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields:
        _select(persoon, f.split("."), out)
    # a verblijfplaats always says what kind it is (discriminator)
    if "verblijfplaats" in out and "verblijfplaats" in persoon:
        out["verblijfplaats"].setdefault("type", persoon["verblijfplaats"]["type"])
    for key in AUTOMATIC:
        if key in persoon:
            out[key] = persoon[key]
    return out


# ---- endpoints -----------------------------------------------------------------------------------
@app.get("/health/live", summary="Het proces leeft")
def live() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/haalcentraal/api/brp/personen", summary="Personen raadplegen (RaadpleegMetBurgerservicenummer)")
async def personen(request: Request) -> JSONResponse:
    with STATE.lock:
        STATE.requests += 1
        available, delay, forced, retry_after = STATE.available, STATE.delay_ms, STATE.status, STATE.retry_after
    if delay:
        await asyncio.sleep(delay / 1000)  # a slow BRP, for timeout tests
    if not available:
        return _problem(503, "Bronservice BRP is tijdelijk niet beschikbaar.", "sourceUnavailable",
                        request=request)
    if forced is not None:
        return _forced(forced, retry_after, request)
    if request.headers.get("x-api-key") != API_KEY:
        return _problem(401, "Niet correct geauthenticeerd.", "authentication", request=request)
    try:
        body = await request.json()
    except ValueError:
        return _problem(400, "De foutieve parameter(s) zijn: body.", "paramsValidation", request=request)
    if not isinstance(body, dict):
        return _problem(400, "De foutieve parameter(s) zijn: body.", "paramsValidation", request=request)
    invalid: list[dict[str, str]] = []
    if body.get("type") != "RaadpleegMetBurgerservicenummer":
        invalid.append({"name": "type", "code": "value", "reason": "De stand-in kent alleen RaadpleegMetBurgerservicenummer."})
    bsns = body.get("burgerservicenummer")
    if not isinstance(bsns, list) or not 1 <= len(bsns) <= 20:
        invalid.append({"name": "burgerservicenummer", "code": "array", "reason": "1 tot 20 burgerservicenummers."})
        bsns = []
    for i, b in enumerate(bsns):
        if not isinstance(b, str) or not BSN_RE.match(b):
            invalid.append({"name": f"burgerservicenummer[{i}]", "code": "pattern",
                            "reason": "Waarde voldoet niet aan patroon ^[0-9]{9}$."})
    fields = body.get("fields")
    if not isinstance(fields, list) or not 1 <= len(fields) <= 130:
        invalid.append({"name": "fields", "code": "array", "reason": "1 tot 130 velden."})
        fields = []
    for i, f in enumerate(fields):
        if not isinstance(f, str) or not FIELD_RE.match(f) or f not in KNOWN_FIELDS:
            invalid.append({"name": f"fields[{i}]", "code": "field",
                            "reason": "Parameter bevat een niet bestaande veldnaam."})
    if invalid:
        return _problem(400, "Een of meerdere parameters zijn niet correct.", "paramsValidation",
                        invalid=invalid, request=request)
    today = today_nl()
    result = []
    with STATE.lock:
        found = [STATE.persons[b] for b in dict.fromkeys(bsns) if b in STATE.persons]
    for p in found:
        item = filter_fields(build_persoon(p, today), fields)
        if p.verblijfInstelling:
            ext: dict[str, Any] = {"instelling": True}
            if p.gemeenteVoorVerblijf:
                ext["gemeenteVoorVerblijf"] = _waarde(p.gemeenteVoorVerblijf)
            item["standinVerblijf"] = ext
        result.append(item)
    return JSONResponse({"type": "RaadpleegMetBurgerservicenummer", "personen": result}, media_type=HC_JSON)


def _forced(status: int, retry_after: str | None, request: Request) -> JSONResponse:
    """A status the test asked for, shaped as the real API would send it."""
    if status == 400:
        response = _problem(400, "Een of meerdere parameters zijn niet correct.", "paramsValidation",
                            invalid=[{"name": "fields[0]", "code": "field",
                                      "reason": "Parameter bevat een niet bestaande veldnaam."}], request=request)
    elif status == 429:
        response = _problem(429, "Te veel verzoeken.", "tooManyRequests", request=request)
    else:
        response = _problem(status, "Fout.", "error", request=request)
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response


@app.post("/test/personen", summary="Testpersoon (of een lijst) toevoegen of vervangen (alleen stand-in)")
def add_personen(body: TestPersoon | list[TestPersoon]) -> dict[str, int]:
    items = body if isinstance(body, list) else [body]
    for p in items:
        for value in (p.geboortedatum, p.overlijdensdatum, p.adresSinds, p.opschortingDatum):
            if value:
                _datum(value)  # refuses an impossible date before storing it
    with STATE.lock:
        for p in items:
            STATE.persons[p.burgerservicenummer] = p
        total = len(STATE.persons)
    return {"opgeslagen": len(items), "totaal": total}


@app.post("/test/beschikbaarheid", summary="De stand-in laten uitvallen of vertragen (alleen stand-in)")
def set_availability(body: Beschikbaarheid) -> dict[str, Any]:
    with STATE.lock:
        STATE.available = body.beschikbaar
        STATE.delay_ms = body.vertragingMs
        STATE.status, STATE.retry_after = body.status, body.retryAfter
    return {"beschikbaar": body.beschikbaar, "vertragingMs": body.vertragingMs, "status": body.status}


@app.get("/test/statistiek", summary="Aantal ontvangen personen-verzoeken (voor cache-tests)")
def stats() -> dict[str, int]:
    with STATE.lock:
        return {"verzoeken": STATE.requests, "personen": len(STATE.persons)}
