"""Allocation service: the toewijzing lifecycle (315/316, 301/302, 317/318, 319/320, 305/306, 307/308)."""
from __future__ import annotations

import threading

from services.common import metrics
from services.common.app import ServiceContext, create_app
from services.common.idempotency import cleanup_worker as idempotency_cleanup_worker
from services.common.logging import get_logger
from services.common.messages.types import inbound_types
from services.common.outbox import relay_worker
from services.common.pipeline import Handler

from . import rules  # noqa: F401  (registers the rules of the standard)
from .api import termijnen as termijnen_api
from .api import toewijzingen as toewijzingen_api
from .api import verzoeken as verzoeken_api
from .retouren import ontvang_retour
from .settings import get_settings
from .startstop import ontvang_start_stop
from .verzoeken import ontvang_vot, ontvang_vow, voorcontrole_openstaand

log = get_logger("allocation")

HANDLERS_BY_NUMBER: dict[str, Handler] = {
    "305": ontvang_start_stop,
    "307": ontvang_start_stop,
    "315": ontvang_vot,
    "317": ontvang_vow,
    "302": ontvang_retour,
    "320": ontvang_retour,
}


def voorcontrole_worker(ctx: ServiceContext, stop: threading.Event) -> None:
    """Retry the contract pre-check of verzoeken that arrived while the eligibility service was away."""
    interval = float(getattr(ctx.settings, "voorcontrole_interval_seconds", 5.0))
    while not stop.wait(interval):
        try:
            voorcontrole_openstaand(ctx)
        except Exception as exc:  # noqa: BLE001 - keep retrying after a database or network hiccup
            log.warning("voorcontrole_fout", error=type(exc).__name__)


def termijnen_worker(ctx: ServiceContext, stop: threading.Event) -> None:
    """Keep the overdue gauge (deadlines_overdue{service, kind}) current for alerting."""
    from .service import termijnen

    interval = float(getattr(ctx.settings, "termijnen_interval_seconds", 60.0))
    while True:
        try:
            counts: dict[str, int] = {}
            for item in termijnen(ctx, None, statussen=("verlopen",))["results"]:
                counts[item["soort"]] = counts.get(item["soort"], 0) + 1
            for kind in ("antwoord-op-verzoek", "antwoord-na-onderzoek", "afwijzing-woonplaatsbeginsel",
                         "retour-op-toewijzing", "retour-op-antwoord", "start-zorg", "stop-zorg"):
                metrics.OVERDUE.labels("allocation", kind).set(counts.get(kind, 0))
        except Exception as exc:  # noqa: BLE001 - a gauge must not take the service down
            log.warning("termijnen_fout", error=type(exc).__name__)
        if stop.wait(interval):
            return


settings = get_settings()
ACCEPTED = inbound_types("allocation")
app = create_app(
    service_name="allocation",
    title="Toewijzingen (iJw/iWmo 3.2)",
    description=(
        "De toewijzing van jeugdhulp (iJw) en Wmo-ondersteuning (iWmo) van verzoek tot stop. Aanbieders sturen "
        "315, 317, 305, 307, 302 en 320 als XML naar POST /v1/berichten en krijgen het retourbericht direct terug; "
        "gemeenten geven toewijzingen af, wijzigen en trekken ze in, en beantwoorden verzoeken via JSON. "
        "Uitgaande berichten (301, 319) staan in de postbus van de ontvanger (GET /v1/berichten?status=nieuw)."
    ),
    settings=settings,
    handlers={m.code: HANDLERS_BY_NUMBER[m.number] for m in ACCEPTED},
    accepted_types=ACCEPTED,
    routers=[toewijzingen_api.router, verzoeken_api.router, termijnen_api.router],
    background=[relay_worker, voorcontrole_worker, termijnen_worker, idempotency_cleanup_worker],
    openapi_tags=[
        {"name": "berichten", "description": "iJw/iWmo-berichten aanbieden en de postbus"},
        {"name": "toewijzingen", "description": "Toewijzingen afgeven, wijzigen, intrekken en inzien"},
        {"name": "verzoeken", "description": "Verzoeken om toewijzing of wijziging en hun antwoorden"},
        {"name": "termijnen", "description": "Termijnen van de standaard in werkdagen"},
        {"name": "beheer", "description": "Gezondheid van de dienst"},
    ],
)
