"""Allocation service: the toewijzing lifecycle (315/316, 301/302, 317/318, 319/320, 305/306, 307/308)."""
from __future__ import annotations

from services.common.app import create_app
from services.common.messages.types import inbound_types
from services.common.pipeline import Inbound, Reply

from .settings import get_settings


def _accept(msg: Inbound, _session: object) -> Reply:  # placeholder until the handlers land
    return Reply(msg.header_only_reply([]), "goedgekeurd")


settings = get_settings()
ACCEPTED = inbound_types("allocation")
app = create_app(
    service_name="allocation",
    title="Toewijzingen (iJw/iWmo 3.2)",
    description="Verzoeken om toewijzing, toewijzingen, wijzigingen, antwoordberichten, start en stop zorg.",
    settings=settings,
    handlers={m.code: _accept for m in ACCEPTED},
    accepted_types=ACCEPTED,
)
