from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from services.common.settings import CommonSettings


class DeclarationSettings(CommonSettings):
    service_name: str = "declaration"

    contract_cache_ttl_seconds: float = Field(
        300.0, description="how long contract terms fetched from eligibility may be used (per gemeente × aanbieder)")
    event_sources: list[str] = Field(
        ["svc-allocation"], description="service parties allowed to post toewijzing events (JSON list in env)")
    max_events_per_batch: int = Field(10_000, description="POST /v1/events/batch ceiling")
    fault_injection: str | None = Field(
        None, description="test only, ignored in production: 'kill-after-prestaties' ends the process after the "
                          "prestaties are written and before the commit (crash-safety test)")


@lru_cache
def get_settings() -> DeclarationSettings:
    return DeclarationSettings()
