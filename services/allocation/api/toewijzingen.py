"""/v1/toewijzingen: issue, change, withdraw, search and read toewijzingen."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from services.common.auth import CallerDep, GemeenteDep
from services.common.idempotency import REPLAY_HEADER, Idempotency, IdempotencyKeyHeader

from .. import service
from . import schemas as s
from .deps import COMMON, CONFLICT, ELIGIBILITY, NOT_FOUND, CtxDep, RequestIdDep

router = APIRouter(prefix="/v1/toewijzingen", tags=["toewijzingen"])

Nummer = Annotated[int, Path(ge=0, le=999_999_999, description="ToewijzingNummer", examples=[1])]
GemeenteQ = Annotated[str | None, Query(pattern=r"^[0-9]{4}$", description="nodig als het nummer bij meer gemeenten bestaat")]
DomeinQ = Annotated[Literal["jeugd", "wmo"] | None, Query(description="nodig als het nummer in beide domeinen bestaat")]


def _page(request: Request, total: int, page: int, size: int, results: list) -> dict:  # type: ignore[type-arg]
    nxt = str(request.url.include_query_params(page=page + 1)) if page * size < total else None
    return {"count": total, "page": page, "pageSize": size, "next": nxt, "results": results}


@router.post(
    "", status_code=201, response_model=s.Mutatie,
    summary="Een toewijzing afgeven (de aanbieder krijgt een 301 in zijn postbus)",
    description=(
        "Vraagt eerst de eligibility-dienst of de client recht heeft en de aanbieder gecontracteerd is, en of de omvang "
        "past bij de uitvoeringsvariant van het contract. Daarna wordt de toewijzing met een nieuw ToewijzingNummer "
        "(uniek per gemeente per domein, TR332) vastgelegd en gaat er één 301 naar de aanbieder met alle actuele en "
        "gewijzigde toewijzingen van deze client bij deze aanbieder (OP087). Gelijktijdig volgt een toewijzing-event "
        "voor de declaratiedienst. Met een `Idempotency-Key` kan een aanroep waarvan het antwoord verloren ging "
        "veilig opnieuw: dezelfde sleutel met dezelfde inhoud geeft het eerste antwoord terug (header "
        "`Idempotent-Replay: true`) en maakt geen tweede toewijzing of 301; met een andere inhoud volgt 422 "
        "`idempotency-key-hergebruikt`."
    ),
    responses={**COMMON, **ELIGIBILITY, **CONFLICT},
)
def maak_toewijzing(body: s.ToewijzingNieuw, caller: GemeenteDep, ctx: CtxDep, rid: RequestIdDep, response: Response,
                    idempotency_key: IdempotencyKeyHeader = None) -> dict:  # type: ignore[type-arg]
    idem = Idempotency.of(idempotency_key, caller.code, "POST /v1/toewijzingen", body)
    result, replayed = service.maak(ctx, caller, body, rid, idem)
    if replayed:
        response.headers[REPLAY_HEADER] = "true"
    return result


@router.get(
    "", response_model=s.ToewijzingenPagina,
    summary="Toewijzingen van de ingelogde partij, te filteren",
    description="Een gemeente ziet haar eigen toewijzingen, een aanbieder die aan hem. Zoeken op BSN kan alleen met "
                "POST /v1/toewijzingen/zoeken (geen BSN in een URL); `clientId` is een ondoorzichtig kenmerk.",
    responses=COMMON,
)
def lijst(
    request: Request, caller: CallerDep, ctx: CtxDep,
    clientId: Annotated[str | None, Query(max_length=36)] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    gemeente: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    domein: Annotated[Literal["jeugd", "wmo"] | None, Query()] = None,
    categorie: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    code: Annotated[str | None, Query(max_length=5)] = None,
    status: Annotated[Literal["actief", "beeindigd", "verwijderd"] | None, Query()] = None,
    peildatum: Annotated[date | None, Query(description="alleen toewijzingen die op deze datum gelden")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:  # type: ignore[type-arg]
    total, rows = service.lijst(ctx, caller, client_id=clientId, aanbieder=aanbieder, gemeente=gemeente, domein=domein,
                                categorie=categorie, code=code, status=status, peildatum=peildatum, page=page,
                                page_size=pageSize)
    return _page(request, total, page, pageSize, rows)


@router.post(
    "/zoeken", response_model=s.ToewijzingenPagina,
    summary="Toewijzingen van één client zoeken op BSN (in de body)",
    description="Zelfde filters als GET /v1/toewijzingen; de BSN staat in de body zodat hij nergens in een URL of log komt.",
    responses=COMMON,
)
def zoek(body: s.Zoekvraag, request: Request, caller: CallerDep, ctx: CtxDep) -> dict:  # type: ignore[type-arg]
    total, rows = service.lijst(ctx, caller, bsn=body.bsn, aanbieder=body.aanbieder, gemeente=body.gemeente,
                                domein=body.domein, status=body.status, peildatum=body.peildatum, page=body.page,
                                page_size=body.pageSize)
    return _page(request, total, body.page, body.pageSize, rows)


@router.get(
    "/{nummer}", response_model=s.ToewijzingDetail,
    summary="Eén toewijzing met al haar versies, de 301's en 302's daarvan, en de start- en stopberichten",
    responses={**COMMON, **NOT_FOUND, 409: {"description": "Nummer niet eenduidig: geef gemeente of domein mee"}},
)
def lees(nummer: Nummer, caller: CallerDep, ctx: CtxDep, gemeente: GemeenteQ = None, domein: DomeinQ = None) -> dict:  # type: ignore[type-arg]
    return service.detail(ctx, caller, nummer, gemeente=gemeente, domein=domein)


@router.patch(
    "/{nummer}", response_model=s.Mutatie,
    summary="Een toewijzing wijzigen: periode inkorten of oprekken, omvang of budget aanpassen",
    description=(
        "Op hetzelfde ToewijzingNummer kunnen alleen de einddatum, het budget en het volume bij frequentie 6 (totaal "
        "binnen geldigheidsduur) wijzigen (OP033x1, IV066). Oprekken van de einddatum houdt het nummer (OP380) zolang de "
        "einddatum niet verstreken is; daarna 409 (geef een nieuwe toewijzing af). Elke andere omvang gaat in op een "
        "`wijzigingsdatum` na de ingangsdatum: deze toewijzing eindigt de dag ervoor en een opvolger met een nieuw nummer "
        "begint op die datum (IV066, OP257); zonder zo'n datum volgt 409 met code IV066. Elke wijziging geeft een 301 "
        "met alle actuele en gewijzigde toewijzingen (OP087) en een toewijzing-event. Met een `Idempotency-Key` geeft "
        "dezelfde wijziging opnieuw het eerste antwoord terug (`Idempotent-Replay: true`) zonder tweede 301."
    ),
    responses={**COMMON, **NOT_FOUND, **ELIGIBILITY, **CONFLICT},
)
def wijzig(nummer: Nummer, body: s.ToewijzingWijziging, caller: GemeenteDep, ctx: CtxDep, rid: RequestIdDep,
           response: Response, idempotency_key: IdempotencyKeyHeader = None) -> dict:  # type: ignore[type-arg]
    idem = Idempotency.of(idempotency_key, caller.code, f"PATCH /v1/toewijzingen/{nummer}", body)
    result, replayed = service.wijzig(ctx, caller, nummer, body, rid, idem)
    if replayed:
        response.headers[REPLAY_HEADER] = "true"
    return result


@router.delete(
    "/{nummer}", response_model=s.Mutatie,
    summary="Een toewijzing intrekken (RedenWijziging 13 Verwijderd)",
    description="De einddatum wordt gelijk aan de ingangsdatum (CS335) en de aanbieder krijgt een 301; de toewijzing "
                "telt daarna als niet verzonden en blijft met al haar versies zichtbaar.",
    responses={**COMMON, **NOT_FOUND, **CONFLICT},
)
def verwijder(nummer: Nummer, caller: GemeenteDep, ctx: CtxDep, rid: RequestIdDep, gemeente: GemeenteQ = None,
              domein: DomeinQ = None) -> dict:  # type: ignore[type-arg]
    return service.verwijder(ctx, caller, nummer, gemeente=gemeente, domein=domein, request_id=rid)

