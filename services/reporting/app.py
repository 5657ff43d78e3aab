"""Reporting service: management information straight from the message flow (issue 7).

Pulls the messages of the allocation and declaration services (and the contract catalogue of eligibility)
into its own fact tables, and serves regional reports (JSON and CSV), the pseudonymised feed for the
knowledge centre, and a small dashboard at /dashboard."""
from __future__ import annotations

from services.common.app import create_app

from . import sync
from .api import feed, rapportages, synchronisaties
from .dashboard import router as dashboard_router
from .settings import get_settings

settings = get_settings()
app = create_app(
    service_name="reporting",
    title="Managementinformatie (iJw/iWmo 3.2)",
    description=(
        "Rapportages rechtstreeks uit de berichtenstroom: cliënten in zorg, in- en uitstroom, kosten, "
        "concentratie bij aanbieders, verwijsroutes, doorlooptijden, termijnen, outputgericht budgetgebruik en "
        "taakgerichte lumpsums, per gemeente, segment, product, aanbieder en periode, als JSON en CSV. Daarnaast "
        "een gepseudonimiseerde feed voor het kennispunt van de regio en een dashboard op /dashboard. Deze dienst "
        "ontvangt zelf geen berichten: POST /v1/berichten verwijst naar de juiste dienst."
    ),
    settings=settings,
    routers=[rapportages.router, feed.router, synchronisaties.router, dashboard_router],
    background=[sync.background],
    openapi_tags=[
        {"name": "rapportages", "description": "Rapportages als JSON en CSV"},
        {"name": "feed", "description": "Gepseudonimiseerde feed voor het kennispunt"},
        {"name": "synchronisaties", "description": "Het ophalen van de berichtenstroom"},
        {"name": "berichten", "description": "Postbus (deze dienst ontvangt en verstuurt zelf geen berichten)"},
        {"name": "beheer", "description": "Health"},
    ],
)
