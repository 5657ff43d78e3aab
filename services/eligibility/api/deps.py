"""FastAPI dependencies of the eligibility service (Annotated aliases, full-stack-template style)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from services.common.app import ServiceContext, ctx_dependency
from services.common.auth import Party, require_kind
from services.common.problems import PROBLEM_JSON

from ..service import EligibilityService


def get_service(request: Request) -> EligibilityService:
    return request.app.state.ctx.extras["eligibility"]  # type: ignore[no-any-return]


async def _service_dependency(request: Request) -> EligibilityService:  # async: no thread-pool round trip
    return get_service(request)


CtxDep = Annotated[ServiceContext, Depends(ctx_dependency)]
EligibilityDep = Annotated[EligibilityService, Depends(_service_dependency)]
# checks and the verblijf register are for gemeenten (their own), regio's (members) and the other services
AskerDep = Annotated[Party, require_kind("gemeente", "regio", "service")]


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    texts = {
        400: "Ongeldige invoer (alle fouten in invalidParams; een BSN komt nooit terug)",
        401: "Geen of ongeldig token",
        403: "Niet toegestaan voor deze partij",
        404: "Niet gevonden (of niet van u)",
        409: "Conflict (bijvoorbeeld overlappende geldigheid)",
        415: "Verkeerd mediatype",
        502: "De BRP weigert ons verzoek als ongeldig (brp-verzoek-ongeldig): een configuratiefout, geen storing",
        503: "De BRP is niet bereikbaar (brp-onbereikbaar): er wordt nooit gegokt",
    }
    return {c: {"description": texts[c], "content": {PROBLEM_JSON: {}}}
            for c in codes}
