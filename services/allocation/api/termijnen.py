"""/v1/termijnen: what is overdue or due soon under the deadlines of the standard."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from services.common.auth import CallerDep

from .. import service
from . import schemas as s
from .deps import COMMON, CtxDep

router = APIRouter(prefix="/v1/termijnen", tags=["termijnen"])

STATUSSEN = {"verlopen": ("verlopen",), "binnenkort": ("binnenkort",),
             "aandacht": ("verlopen", "binnenkort"), "alle": ("verlopen", "binnenkort", "open")}


@router.get(
    "", response_model=s.Termijnen,
    summary="Verlopen en bijna verlopen termijnen (werkdagen volgens de Algemene termijnenwet)",
    description=(
        "Voor een gemeente: antwoord op een 315/317 binnen 5 werkdagen (OP274/OP346) of 8 weken na 'in onderzoek', "
        "binnen 2 weken na ontvangst een afwijzing op het woonplaatsbeginsel zodra de rechtmatigheidscontrole bij "
        "honoreren een andere gemeente verantwoordelijk noemde (OP359), "
        "en wat zij van aanbieders verwacht: een retour op 301/319 binnen 3 werkdagen (OP090), een startbericht binnen "
        "5 werkdagen na de start (OP271; gerekend vanaf de ingangsdatum zolang er geen start is) en een stopbericht "
        "binnen 5 werkdagen na het einde (OP272). Een aanbieder ziet de termijnen die hem aangaan. "
        "`status=aandacht` (standaard) geeft verlopen en binnenkort."
    ),
    responses=COMMON,
)
def lijst(
    caller: CallerDep, ctx: CtxDep,
    status: Annotated[Literal["verlopen", "binnenkort", "aandacht", "alle"], Query()] = "aandacht",
    soort: Annotated[Literal["antwoord-op-verzoek", "antwoord-na-onderzoek", "afwijzing-woonplaatsbeginsel",
                             "retour-op-toewijzing", "retour-op-antwoord", "start-zorg", "stop-zorg"] | None,
                     Query()] = None,
    peildatum: Annotated[date | None, Query(description="rekenen alsof het deze dag is (standaard vandaag)")] = None,
) -> dict:  # type: ignore[type-arg]
    return service.termijnen(ctx, caller, peildatum=peildatum, statussen=STATUSSEN[status], soort=soort)
