"""Declaration service: 323 declaraties judged into 325 antwoorden, under the three uitvoeringsvarianten,
plus the toewijzing read model (events), payments, payment blocks and the taakgericht payment schedule."""
from __future__ import annotations

from services.common.app import create_app
from services.common.messages.types import inbound_types

from . import rules  # noqa: F401  (registers the declaratie rules)
from .api import betalingen, declaraties, events, toewijzingen
from .service import handle_declaratie
from .settings import get_settings

settings = get_settings()
ACCEPTED = inbound_types("declaration")
app = create_app(
    service_name="declaration",
    title="Declaraties (iJw/iWmo 3.2)",
    description=(
        "Declaraties (JW323/WMO323) worden in één verzoek beoordeeld; het antwoord is de 325. Daarnaast: het "
        "leesmodel van de toewijzingen (events van de allocation-dienst), de beoordeelde declaraties, betalingen "
        "per gemeente en aanbieder met export, betaalblokkades en het betaalschema van taakgerichte contracten."
    ),
    settings=settings,
    handlers={m.code: handle_declaratie for m in ACCEPTED},
    accepted_types=ACCEPTED,
    routers=[events.router, toewijzingen.router, declaraties.router, betalingen.router],
    openapi_tags=[
        {"name": "berichten", "description": "323 in, 325 terug; postbus"},
        {"name": "declaraties", "description": "Beoordeelde declaraties en prestaties"},
        {"name": "betalingen", "description": "Betalingen, export, betaalblokkades, betaalschema"},
        {"name": "events", "description": "Toewijzing-events van de allocation-dienst"},
        {"name": "toewijzingen", "description": "Het leesmodel van de toewijzingen"},
        {"name": "beheer", "description": "Health"},
    ],
)
