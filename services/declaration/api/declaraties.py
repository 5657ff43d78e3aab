"""GET /v1/declaraties[/{id}[/prestaties]]: the judged declaraties and their prestaties with verdicts.

A gemeente sees the declaraties sent to it, an aanbieder its own, a regio its members'; anything else is a
404, so that existence does not leak.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from services.common.app import get_ctx
from services.common.auth import CallerDep, Party
from services.common.problems import PROBLEM_JSON, Problem

from ..models import Declaratie, Prestatie
from ..payments import visible

router = APIRouter(prefix="/v1/declaraties", tags=["declaraties"])

NOT_FOUND = {404: {"description": "Onbekend of niet van u", "content": {PROBLEM_JSON: {}}}}


class DeclaratieOut(BaseModel):
    id: str
    berichtId: str
    gemeente: str
    aanbieder: str
    domein: str
    declaratieNummer: str
    periode: str
    declaratieDagtekening: str
    ingediendBedrag: int = Field(description="eurocent, negatief = credit")
    toegekendBedrag: int
    afgewezenBedrag: int
    aantalPrestaties: int
    aantalAfgewezen: int
    oordeel: str
    antwoordIdentificatie: str
    ontvangenOp: str

    model_config = {"json_schema_extra": {"examples": [{
        "id": "0b6f8a1e-5a55-4c3c-9b1e-2f8e1d2c3b4a", "berichtId": "6d2f…", "gemeente": "0141",
        "aanbieder": "11110001", "domein": "jeugd", "declaratieNummer": "DN202604", "periode": "2026-04",
        "declaratieDagtekening": "2026-05-06", "ingediendBedrag": 79000, "toegekendBedrag": 55000,
        "afgewezenBedrag": 24000, "aantalPrestaties": 4, "aantalAfgewezen": 1, "oordeel": "deels-afgekeurd",
        "antwoordIdentificatie": "K7Q2M4X9A1B3", "ontvangenOp": "2026-05-06T09:12:00+00:00"}]}}


class DeclaratiesPage(BaseModel):
    count: int
    page: int
    pageSize: int
    results: list[DeclaratieOut]


class PrestatieOut(BaseModel):
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
    bedrag: int = Field(description="eurocent, negatief = credit")
    oordeel: Literal["goedgekeurd", "afgewezen"]
    retourcodes: list[str]
    regels: list[str] = Field(description="de regels van de standaard achter de retourcodes")
    uitvoeringsvariant: str | None
    gecrediteerd: bool


class PrestatiesPage(BaseModel):
    count: int
    page: int
    pageSize: int
    results: list[PrestatieOut]


def _out(d: Declaratie) -> DeclaratieOut:
    return DeclaratieOut(
        id=d.id, berichtId=d.bericht_id, gemeente=d.gemeente, aanbieder=d.aanbieder, domein=d.domein,
        declaratieNummer=d.declaratie_nummer, periode=d.periode,
        declaratieDagtekening=d.declaratie_dagtekening.isoformat(), ingediendBedrag=d.ingediend_cents,
        toegekendBedrag=d.toegekend_cents, afgewezenBedrag=d.afgewezen_cents, aantalPrestaties=d.aantal_prestaties,
        aantalAfgewezen=d.aantal_afgewezen, oordeel=d.oordeel, antwoordIdentificatie=d.antwoord_identificatie,
        ontvangenOp=d.ontvangen_op.isoformat(),
    )


def _visible_declaratie(request: Request, caller: Party, declaratie_id: str) -> Declaratie:
    with get_ctx(request).db.session() as s:
        d = s.scalar(select(Declaratie).where(Declaratie.id == declaratie_id,
                                              visible(caller, Declaratie.gemeente, Declaratie.aanbieder)))
    if d is None:
        raise Problem(404, "niet-gevonden", "Geen declaratie met dit id voor u.")
    return d


@router.get("", summary="Beoordeelde declaraties van of voor de ingelogde partij, nieuwste eerst",
            response_model=DeclaratiesPage)
def list_declaraties(
    request: Request,
    caller: CallerDep,
    periode: Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", examples=["2026-04"])] = None,
    declaratieNummer: Annotated[str | None, Query(max_length=12)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DeclaratiesPage:
    stmt = select(Declaratie).where(visible(caller, Declaratie.gemeente, Declaratie.aanbieder))
    if periode:
        stmt = stmt.where(Declaratie.periode == periode)
    if declaratieNummer:
        stmt = stmt.where(Declaratie.declaratie_nummer == declaratieNummer)
    with get_ctx(request).db.session() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.scalars(stmt.order_by(Declaratie.ontvangen_op.desc(), Declaratie.id)
                         .offset((page - 1) * pageSize).limit(pageSize)).all()
    return DeclaratiesPage(count=total, page=page, pageSize=pageSize, results=[_out(d) for d in rows])


@router.get("/{declaratie_id}", summary="Eén beoordeelde declaratie met haar totalen", response_model=DeclaratieOut,
            responses=NOT_FOUND)
def get_declaratie(request: Request, caller: CallerDep, declaratie_id: str) -> DeclaratieOut:
    return _out(_visible_declaratie(request, caller, declaratie_id))


@router.get(
    "/{declaratie_id}/prestaties",
    summary="De prestaties van een declaratie met oordeel, retourcodes en de regels erachter",
    response_model=PrestatiesPage,
    responses=NOT_FOUND,
)
def list_prestaties(
    request: Request,
    caller: CallerDep,
    declaratie_id: str,
    oordeel: Annotated[Literal["goedgekeurd", "afgewezen"] | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> PrestatiesPage:
    _visible_declaratie(request, caller, declaratie_id)
    stmt = select(Prestatie).where(Prestatie.declaratie_id == declaratie_id)
    if oordeel:
        stmt = stmt.where(Prestatie.goedgekeurd.is_(oordeel == "goedgekeurd"))
    with get_ctx(request).db.session() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = s.scalars(stmt.order_by(Prestatie.id).offset((page - 1) * pageSize).limit(pageSize)).all()
    return PrestatiesPage(count=total, page=page, pageSize=pageSize, results=[_prestatie(p) for p in rows])


def _prestatie(p: Prestatie) -> PrestatieOut:
    data: dict[str, Any] = {
        "referentieNummer": p.referentie_nummer, "vorigReferentieNummer": p.vorig_referentie_nummer, "bsn": p.bsn,
        "toewijzingNummer": p.toewijzing_nummer, "categorie": p.categorie, "code": p.code,
        "begindatum": p.begindatum.isoformat(), "einddatum": p.einddatum.isoformat(), "volume": p.volume, "eenheid": p.eenheid,
        "tarief": p.tarief, "bedrag": p.bedrag_cents, "oordeel": "goedgekeurd" if p.goedgekeurd else "afgewezen",
        "retourcodes": (p.retourcodes or "").split(), "regels": (p.regels or "").split(), "uitvoeringsvariant": p.variant,
        "gecrediteerd": p.gecrediteerd,
    }
    return PrestatieOut(**data)
