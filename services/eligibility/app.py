"""Eligibility service: who is entitled, who pays, and which aanbieder may deliver what."""
from __future__ import annotations

from services.common.app import ServiceContext, create_app

from .api import checks, contracten, verblijven
from .service import EligibilityService
from .settings import get_settings


def _start(ctx: ServiceContext) -> None:
    # one BRP client (with its cache) and one validated rule book per process; a broken regels.yaml
    # stops the start instead of checking with wrong rules
    if "eligibility" not in ctx.extras:
        ctx.extras["eligibility"] = EligibilityService(settings)


settings = get_settings()
app = create_app(
    service_name="eligibility",
    title="Toegang en contracten",
    description=(
        "Rechtmatigheidscontroles (BSN, BRP, leeftijd, woonplaatsbeginsel, verwijzing, contract) voor de "
        "allocation- en declaration-dienst en de gemeenten, en de contractcatalogus (gemeente x aanbieder x "
        "product x periode, met tarieven en afspraken). Personen komen uit de BRP (Haal Centraal BRP Personen "
        "Bevragen). Geen BSN in een URL of log; elke controle wordt vastgelegd."
    ),
    settings=settings,
    routers=[checks.router, contracten.router, verblijven.router],
    on_startup=[_start],
    openapi_tags=[
        {"name": "controles", "description": "Recht, betaler en contract controleren; de audit van controles"},
        {"name": "contracten", "description": "De contractcatalogus en de contractvoorwaarden"},
        {"name": "verblijven", "description": "Het verblijfregister (woonplaatsbeginsel bij verblijf)"},
        {"name": "berichten", "description": "Postbus (deze dienst neemt zelf geen iJw/iWmo-berichten aan)"},
        {"name": "beheer", "description": "Gezondheid"},
    ],
)
