"""Eligibility service: who is entitled, who pays, and which aanbieder may deliver what."""
from __future__ import annotations

from services.common.app import create_app

from .settings import get_settings

settings = get_settings()
app = create_app(
    service_name="eligibility",
    title="Toegang en contracten",
    description="Rechtmatigheidscontroles (BSN, leeftijd, woonplaatsbeginsel, verwijzing, contract) en de contractcatalogus.",
    settings=settings,
)
