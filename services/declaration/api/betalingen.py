"""Payments: GET /v1/betalingen (+ /regels, /export.csv, /export.json), payment blocks
(/v1/betaalblokkades/{aanbieder}) and the taakgericht payment schedule (/v1/betaalschema)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from services.common.app import get_ctx
from services.common.auth import GemeenteDep, Party, require_kind
from services.common.problems import PROBLEM_JSON, Problem
from services.common.store.models import utcnow

from .. import payments
from ..models import Betaalblokkade

router = APIRouter(tags=["betalingen"])

PERIODE = Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="DeclaratiePeriode (maand)", examples=["2026-04"])
ReaderDep = Annotated[Party, require_kind("gemeente", "aanbieder", "regio")]
PROBLEMS = {
    400: {"description": "Ongeldige invoer", "content": {PROBLEM_JSON: {}}},
    401: {"description": "Geen of ongeldig token", "content": {PROBLEM_JSON: {}}},
    403: {"description": "Niet voor deze rol", "content": {PROBLEM_JSON: {}}},
}


class DeclaratieRef(BaseModel):
    id: str
    declaratieNummer: str
    domein: str
    ingediendBedrag: int
    toegekendBedrag: int
    oordeel: str


class Blokkade(BaseModel):
    gemeente: str
    aanbieder: str
    actief: bool
    sinds: str | None = None
    reden: str | None = Field(None, description="alleen zichtbaar voor de gemeente")
    gewijzigdDoor: str | None = None
    gewijzigdOp: str | None = None


class Regel(BaseModel):
    gemeente: str
    aanbieder: str
    periode: str
    declaratieNummer: str
    referentieNummer: str
    vorigReferentieNummer: str | None
    bsn: str
    toewijzingNummer: int
    categorie: str
    code: str
    begindatum: str
    einddatum: str
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int
    debetCredit: Literal["D", "C"]
    oordeel: Literal["goedgekeurd", "afgewezen"]
    retourcodes: list[str]
    regels: list[str]
    uitvoeringsvariant: str | None
    status: str | None = Field(description="te-betalen / aangehouden (alleen goedgekeurde regels)")


class Betaling(BaseModel):
    gemeente: str
    aanbieder: str
    periode: str
    goedgekeurdBedrag: int = Field(description="eurocent, debet min credit")
    afgewezenBedrag: int
    aantalPrestaties: int
    aantalGoedgekeurd: int
    aantalAfgewezen: int
    status: Literal["te-betalen", "aangehouden"]
    blokkade: Blokkade | None = None
    declaraties: list[DeclaratieRef]
    regels: list[Regel] | None = Field(None, description="met metRegels=true")


class Betalingen(BaseModel):
    periode: str
    betalingen: list[Betaling]

    model_config = {"json_schema_extra": {"examples": [{"periode": "2026-04", "betalingen": [{
        "gemeente": "0141", "aanbieder": "11110001", "periode": "2026-04", "goedgekeurdBedrag": 1234500,
        "afgewezenBedrag": 15600, "aantalPrestaties": 120, "aantalGoedgekeurd": 118, "aantalAfgewezen": 2,
        "status": "te-betalen", "blokkade": None,
        "declaraties": [{"id": "0b6f8a1e-5a55-4c3c-9b1e-2f8e1d2c3b4a", "declaratieNummer": "DN202604",
                         "domein": "jeugd", "ingediendBedrag": 1250100, "toegekendBedrag": 1234500,
                         "oordeel": "deels-afgekeurd"}]}]}]}}


class RegelsPage(BaseModel):
    count: int
    page: int
    pageSize: int
    results: list[Regel]


def _filter(periode: str, gemeente: str | None, aanbieder: str | None, domein: str | None) -> payments.PaymentFilter:
    return payments.PaymentFilter(periode=periode, gemeente=gemeente, aanbieder=aanbieder, domein=domein)


@router.get(
    "/v1/betalingen",
    summary="Te betalen per gemeente en aanbieder over een declaratieperiode",
    description="Per gemeente × aanbieder: het goedgekeurde en het afgewezen totaal (eurocent, credit negatief), "
                "de declaraties erachter en, met `metRegels=true`, de prestatieregels. Een gemeente ziet haar eigen "
                "betalingen, een aanbieder de zijne, een regio die van haar gemeenten. Een actieve betaalblokkade "
                "geeft status `aangehouden`.",
    response_model=Betalingen,
    responses=PROBLEMS,
)
def get_betalingen(
    request: Request,
    caller: ReaderDep,
    periode: Annotated[str, PERIODE],
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
    metRegels: bool = False,
) -> Betalingen:
    f = _filter(periode, gemeente, aanbieder, domein)
    with get_ctx(request).db.session() as s:
        rows = payments.summaries(s, caller, f)
        if metRegels:
            for row in rows:
                sub = _filter(periode, row["gemeente"], row["aanbieder"], domein)
                row["regels"] = list(payments.lines(s, caller, sub))
    return Betalingen(periode=periode, betalingen=[Betaling(**r) for r in rows])


@router.get("/v1/betalingen/regels", summary="De prestatieregels achter de betalingen (gepagineerd)",
            response_model=RegelsPage, responses=PROBLEMS)
def get_regels(
    request: Request,
    caller: ReaderDep,
    periode: Annotated[str, PERIODE],
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
    oordeel: Annotated[Literal["goedgekeurd", "afgewezen"] | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> RegelsPage:
    f = _filter(periode, gemeente, aanbieder, domein)
    with get_ctx(request).db.session() as s:
        total = payments.count_lines(s, caller, f, oordeel)
        rows = list(payments.lines(s, caller, f, offset=(page - 1) * pageSize, limit=pageSize, only=oordeel))
    return RegelsPage(count=total, page=page, pageSize=pageSize, results=[Regel(**r) for r in rows])


def _stream(request: Request, produce: Any) -> Iterator[bytes]:
    with get_ctx(request).db.session() as s:
        for chunk in produce(s):
            yield chunk.encode("utf-8")


@router.get(
    "/v1/betalingen/export.csv",
    summary="Export van de betalingsregels als CSV",
    description="Eén regel per prestatie (RFC 4180, komma's, bedragen in eurocent zonder teken, met DebetCredit), "
                "met oordeel, retourcodes en betaalstatus. Gestreamd, dus ook voor grote maanden.",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV"}, **PROBLEMS},
)
def export_csv(
    request: Request,
    caller: ReaderDep,
    periode: Annotated[str, PERIODE],
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
) -> StreamingResponse:
    f = _filter(periode, gemeente, aanbieder, domein)
    body = _stream(request, lambda s: payments.csv_rows(payments.lines(s, caller, f)))
    return StreamingResponse(body, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="betalingen-{periode}.csv"'})


@router.get(
    "/v1/betalingen/export.json",
    summary="Export van de betalingen met alle regels als JSON",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/json": {}}, "description": "JSON"}, **PROBLEMS},
)
def export_json(
    request: Request,
    caller: ReaderDep,
    periode: Annotated[str, PERIODE],
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
) -> StreamingResponse:
    f = _filter(periode, gemeente, aanbieder, domein)

    def produce(s: Any) -> Iterator[str]:
        rows = payments.summaries(s, caller, f)
        yield json.dumps({"periode": periode})[:-1] + ', "betalingen": ['
        for i, row in enumerate(rows):
            head = json.dumps(row)[:-1]
            yield ("," if i else "") + head + ', "regels": ['
            sub = _filter(periode, row["gemeente"], row["aanbieder"], domein)
            for j, line in enumerate(payments.lines(s, caller, sub)):
                yield ("," if j else "") + json.dumps(line)
            yield "]}"
        yield "]}"

    return StreamingResponse(_stream(request, produce), media_type="application/json",
                             headers={"Content-Disposition": f'attachment; filename="betalingen-{periode}.json"'})


# ---- payment blocks -----------------------------------------------------------------------------------
class BlokkadeIn(BaseModel):
    actief: bool = True
    reden: str = Field(min_length=1, max_length=500, examples=["Vermoeden van fraude; onderzoek loopt"])


def _known_aanbieder(request: Request, aanbieder: str) -> None:
    party = get_ctx(request).parties.get(aanbieder)
    if party is None or not party.is_aanbieder:
        raise Problem(404, "niet-gevonden", "Geen aanbieder met deze AGB-code op dit platform.")


@router.put(
    "/v1/betaalblokkades/{aanbieder}",
    summary="Betalingen aan een aanbieder aanhouden (of weer vrijgeven)",
    description="Alleen voor een gemeente, voor haar eigen betalingen. Declaraties worden gewoon beoordeeld en "
                "beantwoord; hun goedgekeurde bedragen krijgen status `aangehouden` tot de blokkade eraf is "
                "(`actief: false` of DELETE).",
    response_model=Blokkade,
    responses={**PROBLEMS, 404: {"description": "Onbekende aanbieder", "content": {PROBLEM_JSON: {}}}},
)
def put_blokkade(request: Request, caller: GemeenteDep, aanbieder: str, body: BlokkadeIn) -> Blokkade:
    _known_aanbieder(request, aanbieder)
    with get_ctx(request).db.transaction() as s:
        block = s.get(Betaalblokkade, (caller.code, aanbieder), with_for_update=True)
        now = utcnow()
        if block is None:
            block = Betaalblokkade(gemeente=caller.code, aanbieder=aanbieder, actief=body.actief, reden=body.reden,
                                   sinds=now, gewijzigd_op=now, gewijzigd_door=caller.code)
            s.add(block)
        else:
            if body.actief and not block.actief:
                block.sinds = now
            block.actief, block.reden = body.actief, body.reden
            block.gewijzigd_op, block.gewijzigd_door = now, caller.code
        s.flush()
        return Blokkade(**payments.block_json(block, caller))


@router.delete("/v1/betaalblokkades/{aanbieder}", summary="Een betaalblokkade opheffen", response_model=Blokkade,
               responses={**PROBLEMS, 404: {"description": "Geen blokkade", "content": {PROBLEM_JSON: {}}}})
def delete_blokkade(request: Request, caller: GemeenteDep, aanbieder: str) -> Blokkade:
    with get_ctx(request).db.transaction() as s:
        block = s.get(Betaalblokkade, (caller.code, aanbieder), with_for_update=True)
        if block is None:
            raise Problem(404, "niet-gevonden", "Er is geen betaalblokkade voor deze aanbieder.")
        block.actief = False
        block.gewijzigd_op, block.gewijzigd_door = utcnow(), caller.code
        s.flush()
        return Blokkade(**payments.block_json(block, caller))


@router.get("/v1/betaalblokkades", summary="Betaalblokkades: een gemeente ziet die zij zette, een aanbieder die op haar",
            response_model=list[Blokkade], responses=PROBLEMS)
def list_blokkades(request: Request, caller: ReaderDep, alleenActief: bool = True) -> list[Blokkade]:
    stmt = select(Betaalblokkade).where(payments.visible(caller, Betaalblokkade.gemeente, Betaalblokkade.aanbieder))
    if alleenActief:
        stmt = stmt.where(Betaalblokkade.actief.is_(True))
    with get_ctx(request).db.session() as s:
        return [Blokkade(**payments.block_json(b, caller)) for b in s.scalars(stmt.order_by(Betaalblokkade.aanbieder))]


# ---- taakgericht payment schedule ---------------------------------------------------------------------
class Termijn(BaseModel):
    termijn: str = Field(examples=["2026-01"], description="maand (YYYY-MM), kwartaal (YYYY-Qn) of jaar")
    bedrag: int
    status: Literal["te-betalen", "aangehouden"]


class SchemaRegel(BaseModel):
    gemeente: str
    aanbieder: str
    domein: str
    product: dict[str, str | None]
    contractId: str | None
    grondslag: Literal["lumpsum", "budget"]
    totaal: int
    status: Literal["te-betalen", "aangehouden"]
    termijnen: list[Termijn]


class Betaalschema(BaseModel):
    jaar: int
    schema_: list[SchemaRegel] = Field(alias="schema")

    model_config = {"populate_by_name": True}


@router.get(
    "/v1/betaalschema",
    summary="Betaalschema voor taakgerichte contracten (lumpsum of budget per periode)",
    description="Taakgerichte producten kennen geen declaratie per client; het contract (eligibility) noemt een "
                "lumpsum per maand/kwartaal/jaar of een jaarbudget. Dit geeft per gemeente × aanbieder × product de "
                "termijnen van het jaar, pro rata voor de maanden dat het contract geldt, en `aangehouden` bij een "
                "actieve betaalblokkade.",
    response_model=Betaalschema,
    response_model_by_alias=True,
    responses={**PROBLEMS, 503: {"description": "Contractvoorwaarden niet bereikbaar", "content": {PROBLEM_JSON: {}}}},
)
def get_betaalschema(
    request: Request,
    caller: ReaderDep,
    jaar: Annotated[int, Query(ge=2021, le=2100)],
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
) -> Betaalschema:
    ctx = get_ctx(request)
    registry = ctx.parties
    scope = set(caller.scope())
    if caller.kind == "aanbieder":
        gemeenten = [gemeente] if gemeente else [p.code for p in registry.gemeenten()]
        pairs = [(g, caller.code) for g in gemeenten]
    else:
        gemeenten = [g for g in ([gemeente] if gemeente else sorted(scope)) if g in scope]
        aanbieders = [aanbieder] if aanbieder else sorted(p.code for p in registry.all() if p.is_aanbieder)
        pairs = [(g, a) for g in gemeenten for a in aanbieders]
    with ctx.db.session() as s:
        rows = payments.betaalschema(ctx, s, caller, jaar, pairs, domein)
    return Betaalschema(jaar=jaar, schema=[SchemaRegel(**r) for r in rows])
