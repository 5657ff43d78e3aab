"""Liveness and readiness probes (Kubernetes, docker compose)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["beheer"])


@router.get("/health/live", summary="Het proces leeft", response_model=dict)
def live() -> dict:
    return {"status": "ok"}


@router.get(
    "/health/ready",
    summary="Klaar voor verkeer: database bereikbaar en gemigreerd",
    responses={503: {"description": "Database niet bereikbaar"}},
    response_model=dict,
)
def ready(request: Request) -> JSONResponse:
    ctx = request.app.state.ctx
    try:
        ctx.db.ping()
        from sqlalchemy import inspect

        if not inspect(ctx.db.engine).has_table("bericht"):
            return JSONResponse({"status": "niet-gemigreerd", "database": "ok"}, status_code=503)
    except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
        return JSONResponse({"status": "database-onbereikbaar", "fout": type(exc).__name__}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "dienst": ctx.service_name})
