"""POST /v1/checks (one), POST /v1/checks/batch (many), the audit trail, reason catalogue and rules."""
from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from services.common.app import get_ctx
from services.common.auth import CallerDep, party_of
from services.common.problems import Problem

from ..reasons import catalogue
from ..rules import rule_table
from ..schemas import BatchAnswer, BatchRequest, CheckAnswer, CheckRequest, ControleOut, ControlePage
from ..service import get_controle, list_controles, problem_of
from .deps import AskerDep, CtxDep, EligibilityDep, get_service, problems

router = APIRouter(prefix="/v1", tags=["controles"])
UITKOMSTEN = Literal["toegestaan", "afgewezen", "ongeldige-invoer", "niet-uw-gemeente", "verkeerde-rol",
                     "brp-onbereikbaar", "brp-verzoek-ongeldig"]


class AuditedChecks(APIRoute):
    """POST /v1/checks and /v1/checks/batch: a check refused before the handler runs (the schema, an invalid
    BSN first of all; the wrong role) is answered as the kernel answers it, and recorded all the same."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        batch = self.path.endswith("/batch")

        async def audited(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                if not batch:  # a batch refused as a whole (its shape, its size) holds no checks to record
                    await _record(request, _validation_problem(exc), batch=False)
                raise
            except Problem as exc:
                if exc.code == "verkeerde-rol":
                    await _record(request, exc, batch=batch)
                raise

        return audited


def _validation_problem(exc: RequestValidationError) -> Problem:
    # only the error codes matter for the record (BSN_ONGELDIG, missing, ...); the kernel builds the answer
    return Problem(400, "ongeldige-invoer", "De invoer voldoet niet aan het schema.",
                   invalid_params=[{"code": str(e.get("type", "invalid"))} for e in exc.errors()])


async def _record(request: Request, problem: Problem, batch: bool) -> None:
    try:
        body = await request.json()  # FastAPI has read and cached the body already
    except ValueError:
        body = None  # not JSON at all: a record with no input but the caller
    raws: Any = body.get("checks") if batch and isinstance(body, dict) else [body]
    if not isinstance(raws, list):
        return
    await run_in_threadpool(_record_sync, request, raws, problem, batch)


def _record_sync(request: Request, raws: list[Any], problem: Problem, batch: bool) -> None:
    try:
        caller = party_of(request)
    except Problem:
        return  # not authenticated: there is nobody to record as the asker
    ctx = get_ctx(request)
    limit = int(getattr(ctx.settings, "batch_max", 10_000))
    with ctx.db.transaction() as session:
        get_service(request).record_refused(session, caller, raws[:limit], problem, batch=batch)


def _audited_post(path: str, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """router.post with the AuditedChecks route class (the decorator itself takes no route class)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(path, func, methods=["POST"], route_class_override=AuditedChecks, **kwargs)
        return func

    return decorate


@_audited_post(
    "/checks",
    summary="Controleer recht, betaler en contract voor één cliënt",
    description=(
        "Is deze persoon op de peildatum gerechtigd (BRP: bestaat, leeft, leeftijd), welke gemeente betaalt "
        "(woonplaatsbeginsel), is de verwijzing geldig, en mag deze aanbieder dit product leveren (contract, "
        "cliëntenstop, werkgebied)? Antwoord 200 ook als het antwoord nee is: `redenen` noemt elke reden met "
        "een machinecode, Nederlandse en Engelse tekst en de RedenAfwijzingVerzoek van de standaard; `afwijzing` "
        "geeft de ene RedenAfwijzingVerzoek voor een 319 (met de gemeente bij woonplaatsbeginsel). "
        "Een ongeldig BSN (geen 9 cijfers of geen elfproef) krijgt 400 vóór al het andere. Als de BRP niet "
        "bereikbaar is: 503 `brp-onbereikbaar`; weigert de BRP ons verzoek als ongeldig (configuratiefout): 502 "
        "`brp-verzoek-ongeldig`. Elke controle wordt vastgelegd (audit), ook een geweigerde, zonder BSN."
    ),
    response_model=CheckAnswer,
    responses=problems(400, 401, 403, 502, 503),
)
def post_check(body: CheckRequest, caller: AskerDep, ctx: CtxDep, service: EligibilityDep) -> dict[str, Any]:
    with ctx.db.transaction() as session:
        result = service.check(session, caller, body)
    if "fout" in result:
        # the unanswered check is in the audit trail (committed above); the caller gets its problem
        raise problem_of(result["fout"])
    return result


@_audited_post(
    "/checks/batch",
    summary="Veel controles in één aanroep (tot 10.000)",
    description=(
        "Elke check heeft de vorm van POST /v1/checks. Het antwoord heeft per check, in dezelfde volgorde, "
        "het antwoord of `{\"fout\": <problem>}` (bijvoorbeeld 400 voor een ongeldig BSN, 403 voor een andere "
        "gemeente, 503 als de BRP voor die persoon niet te vragen was, 502 als de BRP ons verzoek ongeldig "
        "noemt). De BRP wordt per 20 personen tegelijk gevraagd en het antwoord gecachet; alle BRP-vragen van "
        "één aanroep samen hebben een tijdslimiet (BRP_DEADLINE_SECONDS). Elke check wordt vastgelegd."
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
    uitkomst: UITKOMSTEN | None = None,
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
