"""Declaration service: 323 declaraties judged into 325 antwoorden, under the three uitvoeringsvarianten."""
from __future__ import annotations

from services.common.app import create_app
from services.common.messages.types import inbound_types
from services.common.pipeline import Inbound, Reply

from .settings import get_settings


def _accept(msg: Inbound, _session: object) -> Reply:  # placeholder until the handler lands
    return Reply(msg.antwoord_builder().answer(ingediend_cents=0, toegekend_cents=0), "goedgekeurd")


settings = get_settings()
ACCEPTED = inbound_types("declaration")
app = create_app(
    service_name="declaration",
    title="Declaraties (iJw/iWmo 3.2)",
    description="Declaraties (323) beoordeeld tot declaratie-antwoorden (325); betalingen per gemeente en aanbieder.",
    settings=settings,
    handlers={m.code: _accept for m in ACCEPTED},
    accepted_types=ACCEPTED,
)
