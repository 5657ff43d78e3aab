"""The contract catalogue over HTTP: contract lines, agreements, import, contractvoorwaarden."""
from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from services.common.auth import CallerDep

from ..contracts import service as contracts
from ..contracts.schemas import (
    AfspraakIn,
    AfspraakOut,
    ContractIn,
    ContractOut,
    ContractPage,
    ImportResult,
    Voorwaarden,
)
from .deps import CtxDep, problems

router = APIRouter(prefix="/v1", tags=["contracten"])

Gemeente = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="CBS-code", examples=["0141"])]
Aanbieder = Annotated[str, Path(pattern=r"^[0-9]{8}$", description="AGB-code", examples=["11110001"])]
IMPORT_YAML_EXAMPLE = """contracten:
  - gemeenten: ["0141", "0153"]
    aanbieder: "11110001"
    domein: jeugd
    categorie: "45"
    code: "45A03"
    naam: Ambulante begeleiding
    uitvoeringsvariant: inspanningsgericht
    eenheid: "01"
    tarief: 135
    geldigVanaf: "2025-01-01"
afspraken:
  - gemeente: "0141"
    aanbieder: "11110001"
    clientenstop: false
    werkgebied: ["0141", "0153"]
"""
IMPORT_CSV_EXAMPLE = (
    "gemeente;aanbieder;domein;categorie;code;naam;perceel;uitvoeringsvariant;eenheid;tarief;geldigVanaf;geldigTot\n"
    "0141;11110002;jeugd;45;45A03;Ambulante begeleiding;2;inspanningsgericht;01;130;2024-01-01;2024-12-31\n"
)


@router.get(
    "/contracten",
    summary="Contractregels (gemeente x aanbieder x product x periode)",
    description="Een gemeente ziet haar eigen contracten, een regio die van haar leden, een aanbieder de zijne, "
                "een dienst alles. Filters zijn optioneel; `peildatum` geeft alleen de regels die op die dag gelden.",
    response_model=ContractPage,
    responses=problems(400, 401),
)
def list_contracten(
    request: Request, caller: CallerDep, ctx: CtxDep,
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    domein: Literal["jeugd", "wmo"] | None = None,
    categorie: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    code: Annotated[str | None, Query(max_length=5)] = None,
    uitvoeringsvariant: Literal["inspanningsgericht", "outputgericht", "taakgericht"] | None = None,
    peildatum: date | None = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    filters = {"gemeente": gemeente, "aanbieder": aanbieder, "domein": domein, "categorie": categorie,
               "code": code, "uitvoeringsvariant": uitvoeringsvariant, "peildatum": peildatum}
    with ctx.db.session() as session:
        total, lines = contracts.list_lines(session=session, caller=caller, filters=filters, page=page,
                                            page_size=pageSize)
    nxt = str(request.url.include_query_params(page=page + 1)) if page * pageSize < total else None
    return {"count": total, "page": page, "pageSize": pageSize, "next": nxt,
            "results": [line.to_api() for line in lines]}


@router.post(
    "/contracten",
    status_code=201,
    summary="Een contractregel toevoegen",
    description="De aanroeper is de gemeente van het contract (of haar regio, of een dienst). Perioden van hetzelfde "
                "product (gemeente, aanbieder, domein, categorie, code) mogen niet overlappen (409).",
    response_model=ContractOut,
    responses=problems(400, 401, 403, 409),
)
def create_contract(body: ContractIn, caller: CallerDep, ctx: CtxDep, response: Response) -> dict[str, Any]:
    with ctx.db.transaction() as session:
        line = contracts.create_line(session=session, data=body, caller=caller)
    response.headers["Location"] = f"/v1/contracten/{line.id}"
    return line.to_api()


@router.post(
    "/contracten/import",
    summary="Contractregels en afspraken importeren (CSV of YAML)",
    description=(
        "`text/csv`: één contractregel per rij, kolommen zoals de JSON-velden (`lumpsumBedrag`, `lumpsumPeriode` "
        "voor een lumpsum; `0141|0153` in de kolom gemeente voor meerdere gemeenten). `application/yaml`: "
        "`{contracten: [...], afspraken: [...]}`, waarbij `gemeenten: [...]` één regel per gemeente oplevert. "
        "Alles wordt eerst gecontroleerd; bij één fout wordt niets opgeslagen (400 met alle fouten). "
        "Bestaande regels (zelfde product en geldigVanaf) worden bijgewerkt: opnieuw importeren is veilig."
    ),
    response_model=ImportResult,
    responses=problems(400, 401, 403, 409, 415),
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/yaml": {"schema": {"type": "string"}, "example": IMPORT_YAML_EXAMPLE},
        "text/csv": {"schema": {"type": "string"}, "example": IMPORT_CSV_EXAMPLE}}}},
)
async def import_contracten(request: Request, caller: CallerDep, ctx: CtxDep) -> ImportResult:
    from fastapi.concurrency import run_in_threadpool

    from services.common.mailbox import read_limited_body

    body = await read_limited_body(request, 20 * 1024 * 1024)
    payload = contracts.parse_import(request.headers.get("content-type", ""), body)

    def run() -> ImportResult:
        with ctx.db.transaction() as session:
            return contracts.import_contracts(session=session, payload=payload, caller=caller)

    return await run_in_threadpool(run)


@router.get(
    "/contracten/{contract_id}",
    summary="Eén contractregel",
    description="404 als de regel niet bestaat of niet van u is (een andere gemeente of aanbieder).",
    response_model=ContractOut,
    responses=problems(401, 404),
)
def get_contract(contract_id: str, caller: CallerDep, ctx: CtxDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        return contracts.get_line(session=session, line_id=contract_id, caller=caller).to_api()


@router.put(
    "/contracten/{contract_id}",
    summary="Een contractregel vervangen",
    description="Vervangt alle velden; dezelfde controles als bij aanmaken (400, 403, 409 bij overlap).",
    response_model=ContractOut,
    responses=problems(400, 401, 403, 404, 409),
)
def put_contract(contract_id: str, body: ContractIn, caller: CallerDep, ctx: CtxDep) -> dict[str, Any]:
    with ctx.db.transaction() as session:
        return contracts.update_line(session=session, line_id=contract_id, data=body, caller=caller).to_api()


@router.delete(
    "/contracten/{contract_id}",
    status_code=204,
    summary="Een contractregel verwijderen",
    description="Alleen de gemeente van het contract (of haar regio, of een dienst). Een aanbieder kan lezen, niet "
                "wijzigen (403).",
    response_class=Response,
    responses=problems(401, 403, 404),
)
def delete_contract(contract_id: str, caller: CallerDep, ctx: CtxDep) -> Response:
    with ctx.db.transaction() as session:
        contracts.delete_line(session=session, line_id=contract_id, caller=caller)
    return Response(status_code=204)


@router.get(
    "/contractafspraken/{gemeente}/{aanbieder}",
    summary="Afspraken tussen een gemeente en een aanbieder (cliëntenstop, werkgebied)",
    description="Zonder vastgelegde afspraak maar met contractregels: geen cliëntenstop en geen beperking van het "
                "werkgebied. 404 als er niets is, of als het niet van u is.",
    response_model=AfspraakOut,
    responses=problems(400, 401, 404),
)
def get_afspraak(gemeente: Gemeente, aanbieder: Aanbieder, caller: CallerDep, ctx: CtxDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        return contracts.get_afspraak(session=session, gemeente=gemeente, aanbieder=aanbieder, caller=caller)


@router.put(
    "/contractafspraken/{gemeente}/{aanbieder}",
    summary="Afspraken vastleggen: cliëntenstop (geen nieuwe toewijzingen) en werkgebied (leeg = geen beperking)",
    description="201 bij de eerste keer, daarna 200. Het werkgebied zijn CBS-codes van de gemeenten waar de cliënt "
                "mag wonen; controles met een cliënt buiten het werkgebied geven BUITEN_WERKGEBIED.",
    response_model=AfspraakOut,
    responses={201: {"description": "Aangemaakt"}, **problems(400, 401, 403, 404)},
)
def put_afspraak(gemeente: Gemeente, aanbieder: Aanbieder, body: AfspraakIn, caller: CallerDep, ctx: CtxDep,
                 response: Response) -> dict[str, Any]:
    with ctx.db.transaction() as session:
        result, created = contracts.put_afspraak(session=session, gemeente=gemeente, aanbieder=aanbieder,
                                                 data=body, caller=caller)
    if created:
        response.status_code = 201
    return result


@router.get(
    "/contractvoorwaarden",
    summary="Alle contractvoorwaarden tussen één gemeente en één aanbieder",
    description=(
        "Voor de andere diensten (die dit mogen cachen): per product de uitvoeringsvariant, eenheid, tarief "
        "(eurocent), geldigheid, declaratiemoment, startStopVerplicht, budgetplafond en lumpsum, plus "
        "cliëntenstop en werkgebied. Zonder `peildatum` komen alle perioden terug. Eén geïndexeerde query; "
        "antwoordt met een `ETag` en 304 op `If-None-Match`. 404 als gemeente of aanbieder onbekend is."
    ),
    response_model=Voorwaarden,
    responses={304: {"description": "Ongewijzigd sinds de ETag"}, **problems(400, 401, 404)},
)
def get_voorwaarden(
    request: Request, caller: CallerDep, ctx: CtxDep,
    gemeente: Annotated[str, Query(pattern=r"^[0-9]{4}$", examples=["0141"])],
    aanbieder: Annotated[str, Query(pattern=r"^[0-9]{8}$", examples=["11110001"])],
    domein: Literal["jeugd", "wmo"] | None = None,
    peildatum: date | None = None,
) -> Response:
    with ctx.db.session() as session:
        data = contracts.voorwaarden(session=session, parties=ctx.parties, caller=caller, gemeente=gemeente,
                                     aanbieder=aanbieder, domein=domein, peildatum=peildatum)
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})
