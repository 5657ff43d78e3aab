"""The pseudonymised feed for the knowledge centre: per month, pulled as JSON pages or as CSV files."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from services.common.app import get_ctx
from services.common.auth import Party, require_kind
from services.common.clock import today_nl
from services.common.problems import PROBLEM_JSON

from .. import feed
from . import schemas as s

router = APIRouter(prefix="/v1/feed", tags=["feed"])

FeedReader = Annotated[Party, require_kind("regio", "service")]
Soort = Annotated[Literal["toewijzingen", "startstop", "declaraties"], Path(description="soort feitenbestand")]
Periode = Annotated[str, Query(pattern=r"^2[0-9]{3}-(0[1-9]|1[0-2])$", description="de maand (YYYY-MM)",
                               examples=["2026-03"])]
SleutelId = Annotated[str | None, Query(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$",
                                        description="een ingestelde, al geldige sleutel (standaard de nieuwste)")]
ERRORS = {
    400: {"description": "Ongeldige invoer of onbekende sleutel", "content": {PROBLEM_JSON: {}}},
    401: {"description": "Geen of ongeldig token", "content": {PROBLEM_JSON: {}}},
    403: {"description": "Alleen voor een regio (kennispunt) of een dienst", "content": {PROBLEM_JSON: {}}},
}
INTRO = ("Gepseudonimiseerd: geen BSN (een HMAC-SHA256 met de sleutel van de regio), geen namen, geen adressen, "
         "van de geboortedatum alleen het jaar. Alleen voor een regio-partij (die de gegevens van haar gemeenten "
         "krijgt) en voor diensten. ")


def _key(request: Request, sleutel: str | None) -> feed.PseudonymKey:
    return feed.current_key(get_ctx(request).settings.pseudonym_keys, today_nl(), sleutel)  # type: ignore[attr-defined]


@router.get("/velden", summary="Beschrijving van elk veld van de feed", response_model=s.FeedVelden,
            responses=ERRORS, description=INTRO + "Per soort elk veld met type en betekenis.")
def velden(caller: FeedReader) -> s.FeedVelden:
    return s.FeedVelden(soorten={soort: [s.FeedVeld(naam=n, type=t, omschrijving=o) for n, t, o in rows]
                                 for soort, rows in feed.VELDEN.items()})


@router.get("/manifest", summary="Aantallen en sleutel van de feed van één maand", response_model=s.FeedManifest,
            responses=ERRORS, description=INTRO + "Voor een levering per bestand: hoeveel records elke soort heeft.")
async def manifest(request: Request, caller: FeedReader, periode: Periode, sleutelId: SleutelId = None) -> s.FeedManifest:
    key = _key(request, sleutelId)
    counts = {}
    for soort in feed.SOORTEN:
        rows = await run_in_threadpool(feed.records, get_ctx(request), caller, soort, periode, key, today_nl())
        counts[soort] = len(rows)
    return s.FeedManifest(periode=periode, sleutelId=key.id, aantallen=counts, velden="/v1/feed/velden")


@router.get("/{soort}", summary="Feitenbestand van één maand (gepagineerd, JSON)", response_model=s.FeedPagina,
            responses=ERRORS, description=INTRO + "toewijzingen: die in de maand gelden; startstop: starts en stops "
                                                  "in de maand; declaraties: de prestaties van de declaraties over "
                                                  "die maand. Zie /v1/feed/velden.")
async def pagina(request: Request, caller: FeedReader, soort: Soort, periode: Periode, sleutelId: SleutelId = None,
                 page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
                 pageSize: Annotated[int, Query(ge=1, le=5000)] = 1000) -> s.FeedPagina:
    key = _key(request, sleutelId)
    rows = await run_in_threadpool(feed.records, get_ctx(request), caller, soort, periode, key, today_nl())
    chunk = rows[(page - 1) * pageSize: page * pageSize]
    nxt = str(request.url.include_query_params(page=page + 1)) if page * pageSize < len(rows) else None
    return s.FeedPagina(soort=soort, periode=periode, sleutelId=key.id, count=len(rows), page=page,
                        pageSize=pageSize, next=nxt, records=chunk)


@router.get("/{soort}/export.csv", summary="Feitenbestand van één maand als CSV-bestand", responses={
    200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
    response_class=StreamingResponse, description=INTRO + "Hetzelfde als de JSON-pagina's, in één bestand.")
async def bestand(request: Request, caller: FeedReader, soort: Soort, periode: Periode,
                  sleutelId: SleutelId = None) -> StreamingResponse:
    key = _key(request, sleutelId)
    rows = await run_in_threadpool(feed.records, get_ctx(request), caller, soort, periode, key, today_nl())
    return StreamingResponse(feed.iter_csv(rows, soort), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{soort}-{periode}-{key.id}.csv"', "Sleutel-Id": key.id})
