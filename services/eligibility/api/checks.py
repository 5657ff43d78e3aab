"""POST /v1/checks (one), POST /v1/checks/batch (many), the audit trail, reason catalogue and rules."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from services.common.auth import CallerDep
from services.common.problems import Problem

from ..reasons import catalogue
from ..rules import rule_table
from ..schemas import BatchAnswer, BatchRequest, CheckAnswer, CheckRequest, ControleOut, ControlePage
from ..service import brp_problem, get_controle, list_controles
from .deps import AskerDep, CtxDep, EligibilityDep, problems

router = APIRouter(prefix="/v1", tags=["controles"])


@router.post(
    "/checks",
    summary="Controleer recht, betaler en contract voor één cliënt",
    description=(
        "Is deze persoon op de peildatum gerechtigd (BRP: bestaat, leeft, leeftijd), welke gemeente betaalt "
        "(woonplaatsbeginsel), is de verwijzing geldig, en mag deze aanbieder dit product leveren (contract, "
        "cliëntenstop, werkgebied)? Antwoord 200 ook als het antwoord nee is: `redenen` noemt elke reden met "
        "een machinecode, Nederlandse en Engelse tekst en de RedenAfwijzingVerzoek van de standaard. "
        "Een ongeldig BSN (geen 9 cijfers of geen elfproef) krijgt 400 vóór al het andere. Als de BRP niet "
        "bereikbaar is: 503 `brp-onbereikbaar`. Elke controle wordt vastgelegd (audit), zonder BSN."
    ),
    response_model=CheckAnswer,
    responses=problems(400, 401, 403, 503),
)
def post_check(body: CheckRequest, caller: AskerDep, ctx: CtxDep, service: EligibilityDep) -> dict[str, Any]:
    with ctx.db.transaction() as session:
        result = service.check(session, caller, body)
    if "fout" in result:
        # the unanswered check is in the audit trail (committed above); the caller gets the 503 problem
        raise brp_problem(result["fout"].get("oorzaak", "onbekend"))
    return result


@router.post(
    "/checks/batch",
    summary="Veel controles in één aanroep (tot 10.000)",
    description=(
        "Elke check heeft de vorm van POST /v1/checks. Het antwoord heeft per check, in dezelfde volgorde, "
        "het antwoord of `{\"fout\": <problem>}` (bijvoorbeeld 400 voor een ongeldig BSN, 403 voor een andere "
        "gemeente, 503 als de BRP voor die persoon niet te vragen was). De BRP wordt per 20 personen tegelijk "
        "gevraagd en het antwoord gecachet."
    ),
    response_model=BatchAnswer,
    responses=problems(400, 401, 403),
)
def post_batch(body: BatchRequest, caller: AskerDep, ctx: CtxDep, service: EligibilityDep) -> JSONResponse:
    if len(body.checks) > ctx.settings.batch_max:  # type: ignore[attr-defined]
        raise Problem(400, "te-veel-checks", f"Hoogstens {ctx.settings.batch_max} checks per aanroep.")  # type: ignore[attr-defined]
    with ctx.db.transaction() as session:
        results = service.check_batch(session, caller, body.checks)
    # returned as-is: re-validating 10,000 answers through the response model costs more than the checks
    return JSONResponse({"resultaten": results})


@router.get(
    "/checks",
    summary="Vastgelegde controles (audit): wie vroeg wat, wanneer, met welke uitkomst",
    description="Nieuwste eerst. Een gemeente ziet de controles voor haar gemeente en die zij zelf deed; een dienst "
                "ziet alles. Er staat geen BSN in: alleen codes.",
    response_model=ControlePage,
    responses=problems(400, 401),
)
def get_checks(
    request: Request, caller: CallerDep, ctx: CtxDep,
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    uitkomst: Literal["toegestaan", "afgewezen", "brp-onbereikbaar"] | None = None,
    batchId: Annotated[str | None, Query(max_length=36)] = None,
    gevraagdDoor: Annotated[str | None, Query(max_length=20)] = None,
    vanaf: Annotated[datetime | None, Query(description="alleen controles vanaf dit tijdstip")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    filters = {"gemeente": gemeente, "aanbieder": aanbieder, "uitkomst": uitkomst, "batchId": batchId,
               "gevraagdDoor": gevraagdDoor, "vanaf": vanaf}
    with ctx.db.session() as session:
        total, rows = list_controles(session=session, caller=caller, filters=filters, page=page, page_size=pageSize)
    nxt = str(request.url.include_query_params(page=page + 1)) if page * pageSize < total else None
    return {"count": total, "page": page, "pageSize": pageSize, "next": nxt, "results": rows}


@router.get(
    "/checks/{check_id}",
    summary="Eén vastgelegde controle",
    description="De auditregel van één controle (het `id` uit het antwoord van POST /v1/checks): wie vroeg, wanneer, "
                "de uitkomst en de codes. 404 als de controle niet van u is.",
    response_model=ControleOut,
    responses=problems(401, 404),
)
def get_check(check_id: str, caller: CallerDep, ctx: CtxDep) -> dict[str, Any]:
    with ctx.db.session() as session:
        return get_controle(session=session, caller=caller, check_id=check_id)


@router.get(
    "/redenen",
    summary="Alle redenen en signalen met hun codes en teksten",
    description="De machinecodes die een controle kan geven, met de RedenAfwijzingVerzoek waar de standaard er een heeft.",
    response_model=dict,
    responses=problems(401),
)
def get_reasons(caller: CallerDep) -> dict[str, Any]:
    return {**catalogue(), "regels": rule_table()}


@router.get(
    "/regels",
    summary="De regelinstellingen die voor een gemeente gelden",
    description="Standaardwaarden uit regels.yaml met de afwijkingen van deze gemeente (leeftijdsgrenzen, verlenging, "
                "toegestane verwijzers, geldigheid van een huisartsverwijzing).",
    response_model=dict,
    responses=problems(400, 401),
)
def get_rules(caller: CallerDep, service: EligibilityDep,
              gemeente: Annotated[str, Query(pattern=r"^[0-9]{4}$", examples=["0141"])]) -> dict[str, Any]:
    return {"gemeente": gemeente, **service.rulebook.for_gemeente(gemeente).model_dump(mode="json")}
