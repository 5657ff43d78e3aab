"""The verblijf register over HTTP (no BSN in any URL: search is a POST with the BSN in the body)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from .. import verblijven
from ..schemas import VerblijfIn, VerblijfList, VerblijfOut, VerblijfZoek
from .deps import AskerDep, CtxDep, EligibilityDep, problems

router = APIRouter(prefix="/v1/verblijven", tags=["verblijven"])


@router.post(
    "",
    status_code=201,
    summary="Vastleggen dat een jeugdige in een instelling verblijft, met de gemeente van vóór het verblijf",
    description=(
        "Jeugdwet art. 1.1 (woonplaats, 2°): bij verblijf in een instelling blijft de gemeente waar de jeugdige "
        "direct vóór het verblijf woonde verantwoordelijk. De BRP kent dat niet; die gemeente legt het hier vast. "
        "Controles in de periode van het verblijf gebruiken het. Het BSN wordt niet bewaard, alleen een sleutel-hash."
    ),
    response_model=VerblijfOut,
    responses=problems(400, 401, 403),
)
def create_verblijf(body: VerblijfIn, caller: AskerDep, ctx: CtxDep, service: EligibilityDep,
                    response: Response) -> dict[str, Any]:
    with ctx.db.transaction() as session:
        out = verblijven.create(session=session, caller=caller, data=body, bsn_hash=service.hash(body.bsn))
    response.headers["Location"] = f"/v1/verblijven/{out['id']}"
    return out


@router.post(
    "/zoeken",
    summary="Vastgelegde verblijven van een persoon (BSN in de body, nooit in de URL)",
    description="Geeft de verblijven die u mag zien: die u zelf vastlegde of die uw gemeente betreffen.",
    response_model=VerblijfList,
    responses=problems(400, 401, 403),
)
def search_verblijven(body: VerblijfZoek, caller: AskerDep, ctx: CtxDep, service: EligibilityDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        return {"results": verblijven.search(session=session, caller=caller, bsn_hash=service.hash(body.bsn))}


@router.delete(
    "/{verblijf_id}",
    status_code=204,
    summary="Een vastgelegd verblijf verwijderen",
    description="Alleen de gemeente van vóór het verblijf (of een dienst); 404 als het niet van u is.",
    response_class=Response,
    responses=problems(401, 403, 404),
)
def delete_verblijf(verblijf_id: str, caller: AskerDep, ctx: CtxDep) -> Response:
    with ctx.db.transaction() as session:
        verblijven.delete(session=session, caller=caller, verblijf_id=verblijf_id)
    return Response(status_code=204)
