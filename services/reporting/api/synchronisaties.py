"""POST /v1/synchronisaties (pull now) and GET /v1/synchronisaties (how far each source has been read)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from services.common.app import get_ctx
from services.common.auth import Party, require_kind
from services.common.problems import PROBLEM_JSON, Problem

from .. import sync
from . import schemas as s

router = APIRouter(prefix="/v1/synchronisaties", tags=["synchronisaties"])
Beheer = Annotated[Party, require_kind("regio", "service")]
ERRORS = {
    401: {"description": "Geen of ongeldig token", "content": {PROBLEM_JSON: {}}},
    403: {"description": "Alleen voor een regio of een dienst", "content": {PROBLEM_JSON: {}}},
}


@router.post("", summary="Nu de berichtenstroom ophalen (wacht op een lopende ophaalronde)",
             description="Haalt de nieuwe berichten van de allocation- en declaration-dienst en de contractregels "
                         "van eligibility op en verwerkt ze, en antwoordt met de aantallen. De achtergrondtaak doet "
                         "dit elke SYNC_INTERVAL_SECONDS; dit is voor beheer en tests. Een bron die onbereikbaar is "
                         "staat met `fout` in het antwoord; wat wel gelezen is, blijft staan.",
             response_model=s.Synchronisatie, status_code=200,
             responses={**ERRORS, 409: {"description": "Er liep al een ophaalronde die niet op tijd klaar was",
                                        "content": {PROBLEM_JSON: {}}}})
async def pull_now(request: Request, caller: Beheer) -> s.Synchronisatie:
    ctx = get_ctx(request)
    try:
        result = await run_in_threadpool(sync.Puller(ctx).run, wait=ctx.settings.sync_lock_seconds)  # type: ignore[attr-defined]
    except sync.PullBusy:
        raise Problem(409, "ophalen-bezig", "Er loopt al een ophaalronde; probeer het zo opnieuw.") from None
    return s.Synchronisatie(bronnen=[s.SyncBron(**vars(b)) for b in result.bronnen],
                            contractregels=result.contractregels, contractfout=result.contractfout,
                            seconden=result.seconden)


@router.get("", summary="Hoe ver de berichtenstroom gelezen is", response_model=s.SyncStatus, responses=ERRORS,
            description="Per bron: de cursor (aanmaakmoment van het nieuwste gelezen bericht), wanneer de laatste "
                        "ronde klaar was, hoeveel berichten er gelezen zijn en de laatste fout.")
def pull_status(request: Request, caller: Beheer) -> s.SyncStatus:
    return s.SyncStatus(bronnen=[s.BronStatus(**b) for b in sync.status(get_ctx(request))])
