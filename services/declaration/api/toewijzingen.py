"""GET /v1/toewijzingen/{nummer}: the declaration service's copy of a toewijzing (its read model).

For support and the end-to-end tests: "which version of toewijzing 300201 does the declaration service judge
against?" A gemeente sees its own toewijzingen, an aanbieder those given to it; anything else is a 404.
The BSN is in the body, never in the URL. The allocation service asks it too (with its service token, giving
gemeente and domein) before it withdraws a toewijzing: `goedgekeurdePrestaties` is what TR385 looks at.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import func, select, true

from services.common.app import get_ctx
from services.common.auth import CallerDep
from services.common.problems import PROBLEM_JSON, Problem

from ..models import Prestatie, Toewijzing
from ..payments import visible

router = APIRouter(prefix="/v1/toewijzingen", tags=["toewijzingen"])


class ToewijzingKopie(BaseModel):
    gemeente: str
    aanbieder: str
    domein: str
    toewijzingNummer: int
    bsn: str
    product: dict[str, str | None] | None
    ingangsdatum: str
    einddatum: str | None
    omvang: dict[str, object] | None
    budget: int | None
    status: Literal["actief", "verwijderd"]
    redenWijziging: str | None
    versie: int
    bijgewerktOp: str
    goedgekeurdePrestaties: int = Field(
        description="Goedgekeurde, niet gecrediteerde debet-prestaties op deze toewijzing: zolang dit meer dan 0 is, "
                    "mag de toewijzing niet verwijderd worden (TR385, retourcode 9385)")

    model_config = {"json_schema_extra": {"examples": [{
        "gemeente": "0141", "aanbieder": "11110001", "domein": "jeugd", "toewijzingNummer": 300201,
        "bsn": "999900006", "product": {"categorie": "45", "code": "45A03"}, "ingangsdatum": "2026-04-01",
        "einddatum": "2026-12-31", "omvang": {"volume": 120, "eenheid": "01", "frequentie": "2"}, "budget": None,
        "status": "actief", "redenWijziging": None, "versie": 3, "bijgewerktOp": "2026-04-01T10:00:01+00:00",
        "goedgekeurdePrestaties": 4}]}}


@router.get(
    "/{nummer}",
    summary="De kopie van een toewijzing waartegen declaraties worden beoordeeld",
    description="Het leesmodel wordt gevuld door de toewijzing-events van de allocation-dienst; de hoogste versie "
                "wint. Met `gemeente` en `domein` kiest u als hetzelfde nummer in meer gemeenten of domeinen bestaat.",
    response_model=ToewijzingKopie,
    responses={404: {"description": "Onbekend of niet van u", "content": {PROBLEM_JSON: {}}}},
)
def get_toewijzing(
    request: Request,
    caller: CallerDep,
    nummer: Annotated[int, Path(ge=0, le=999_999_999, description="ToewijzingNummer")],
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
) -> ToewijzingKopie:
    # the platform's own services (service token) see every copy; they must name gemeente and domein
    scope = true() if caller.is_service else visible(caller, Toewijzing.gemeente, Toewijzing.aanbieder)
    stmt = select(Toewijzing).where(Toewijzing.toewijzing_nummer == nummer, scope)
    if gemeente:
        stmt = stmt.where(Toewijzing.gemeente == gemeente)
    if domein:
        stmt = stmt.where(Toewijzing.domein == domein)
    with get_ctx(request).db.session() as s:
        rows = s.scalars(stmt.limit(2)).all()
        if not rows:
            raise Problem(404, "niet-gevonden", "Geen toewijzing met dit nummer voor u.")
        if len(rows) > 1:
            raise Problem(400, "nummer-niet-eenduidig", "Dit nummer bestaat in meer gemeenten of domeinen: geef "
                                                        "gemeente en domein mee.")
        t = rows[0]
        goedgekeurd = s.scalar(select(func.count()).select_from(Prestatie).where(
            Prestatie.gemeente == t.gemeente, Prestatie.domein == t.domein,
            Prestatie.toewijzing_nummer == t.toewijzing_nummer, Prestatie.aanbieder == t.aanbieder,
            Prestatie.goedgekeurd.is_(True), Prestatie.debet.is_(True), Prestatie.gecrediteerd.is_(False))) or 0
    return ToewijzingKopie(
        gemeente=t.gemeente, aanbieder=t.aanbieder, domein=t.domein, toewijzingNummer=t.toewijzing_nummer, bsn=t.bsn,
        product=None if t.categorie is None else {"categorie": t.categorie, "code": t.code},
        ingangsdatum=t.ingangsdatum.isoformat(), einddatum=t.einddatum.isoformat() if t.einddatum else None,
        omvang=None if t.volume is None else {"volume": t.volume, "eenheid": t.eenheid, "frequentie": t.frequentie},
        budget=t.budget, status=t.status, redenWijziging=t.reden_wijziging, versie=t.versie,  # type: ignore[arg-type]
        bijgewerktOp=t.bijgewerkt_op.isoformat(), goedgekeurdePrestaties=goedgekeurd,
    )
