"""/v1/verzoeken: the 315/317 verzoeken of aanbieders, and the gemeente's answers to them."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request

from services.common.auth import CallerDep, GemeenteDep

from .. import service
from . import schemas as s
from .deps import COMMON, CONFLICT, ELIGIBILITY, NOT_FOUND, CtxDep, RequestIdDep

router = APIRouter(prefix="/v1/verzoeken", tags=["verzoeken"])

VerzoekId = Annotated[str, Path(min_length=1, max_length=36, description="kenmerk van het verzoek",
                                examples=["3f1c2a9e-4b7d-4c41-9a57-0d1e2f3a4b5c"])]


@router.get(
    "", response_model=s.VerzoekenPagina,
    summary="Verzoeken om toewijzing (315) en om wijziging (317), oudste eerst",
    description="Een gemeente ziet de verzoeken aan haar, een aanbieder zijn eigen. Een 315 met meer producten geeft "
                "één verzoek per AangevraagdProduct (elk met een eigen ReferentieAanbieder en termijn, OP274).",
    responses=COMMON,
)
def lijst(
    request: Request, caller: CallerDep, ctx: CtxDep,
    status: Annotated[Literal["open", "in_onderzoek", "toegewezen", "afgewezen"] | None, Query()] = None,
    soort: Annotated[Literal["vot", "vow"] | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    pageSize: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict:  # type: ignore[type-arg]
    total, rows = service.verzoeken(ctx, caller, status=status, soort=soort, page=page, page_size=pageSize)
    nxt = str(request.url.include_query_params(page=page + 1)) if page * pageSize < total else None
    return {"count": total, "page": page, "pageSize": pageSize, "next": nxt, "results": rows}


@router.get("/{verzoek_id}", response_model=s.VerzoekUit, summary="Eén verzoek", responses={**COMMON, **NOT_FOUND})
def lees(verzoek_id: VerzoekId, caller: CallerDep, ctx: CtxDep) -> dict:  # type: ignore[type-arg]
    return service.verzoek(ctx, caller, verzoek_id)


@router.post(
    "/{verzoek_id}/toewijzingen", response_model=s.Antwoord, status_code=201,
    summary="Het verzoek honoreren: toewijzing(en) met de ReferentieAanbieder, in een 301",
    description=(
        "Vraagt eerst de eligibility-dienst (recht, contract, uitvoeringsvariant). Een 315 wordt een nieuwe toewijzing; "
        "een 317 past de te wijzigen toewijzingen aan en geeft de nieuwe producten toe (OP348). Weigert de controle, "
        "dan volgt 422 met de redenen, of met `afwijzenBijWeigering: true` meteen een 319 met de bijbehorende "
        "RedenAfwijzingVerzoek (antwoord 201 met besluit 'afgewezen')."
    ),
    responses={**COMMON, **NOT_FOUND, **ELIGIBILITY, **CONFLICT},
)
def honoreer(verzoek_id: VerzoekId, caller: GemeenteDep, ctx: CtxDep, rid: RequestIdDep,
             body: s.Honorering | None = None) -> dict:  # type: ignore[type-arg]
    return service.honoreer_verzoek(ctx, caller, verzoek_id, body or s.Honorering(), rid)


@router.post(
    "/{verzoek_id}/afwijzingen", response_model=s.Antwoord, status_code=201,
    summary="Het verzoek afwijzen: een 319 met VerzoekAntwoord 1 en de RedenAfwijzingVerzoek",
    description="Bij reden 8 (woonplaatsbeginsel) hoort bij iJw de verantwoordelijke gemeente (TR377). Na een afwijzing "
                "volgt geen ander antwoord meer (TR365); na een toewijzing kan geen afwijzing meer (TR359).",
    responses={**COMMON, **NOT_FOUND, **CONFLICT},
)
def wijs_af(verzoek_id: VerzoekId, body: s.Afwijzing, caller: GemeenteDep, ctx: CtxDep, rid: RequestIdDep) -> dict:  # type: ignore[type-arg]
    return service.wijs_verzoek_af(ctx, caller, verzoek_id, body, rid)


@router.post(
    "/{verzoek_id}/onderzoeken", response_model=s.Antwoord, status_code=201,
    summary="Het verzoek in onderzoek nemen: een 319 met VerzoekAntwoord 2 (daarna 8 weken)",
    description="Kan één keer per verzoek (TR360); daarna volgt binnen 8 weken een toewijzing of afwijzing (OP274/OP346).",
    responses={**COMMON, **NOT_FOUND, **CONFLICT},
)
def onderzoek(verzoek_id: VerzoekId, caller: GemeenteDep, ctx: CtxDep, rid: RequestIdDep) -> dict:  # type: ignore[type-arg]
    return service.zet_in_onderzoek(ctx, caller, verzoek_id, rid)
