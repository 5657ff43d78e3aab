"""Shared dependencies of the allocation API (full-stack-template style Annotated aliases)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from services.common.app import ServiceContext, ctx_dependency
from services.common.logging import request_id_var
from services.common.mailbox import PROBLEM_RESPONSES
from services.common.problems import PROBLEM_JSON

CtxDep = Annotated[ServiceContext, Depends(ctx_dependency)]


async def request_id(request: Request) -> str | None:  # async: no thread-pool round trip
    return request_id_var.get() or request.headers.get("x-request-id")


RequestIdDep = Annotated[str | None, Depends(request_id)]


def problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {}}}


COMMON = {400: PROBLEM_RESPONSES[400], 401: PROBLEM_RESPONSES[401], 403: problem("Geen toegang voor deze rol")}
NOT_FOUND = {404: problem("Onbekend, of niet van u (bestaan lekt niet uit)")}
ELIGIBILITY = {
    422: problem("De rechtmatigheidscontrole of het contract staat dit niet toe; `redenen` noemt de codes"),
    503: problem("De eligibility-dienst is niet bereikbaar; er is niets opgeslagen"),
}
CONFLICT = {409: problem("In strijd met een regel van de standaard (de `code` noemt de regel, bv. TR302, TR360)")}
