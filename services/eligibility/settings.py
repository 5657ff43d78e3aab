"""Settings of the eligibility service (environment variables, pydantic-settings)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from services.common.settings import CommonSettings

PACKAGE_DIR = Path(__file__).resolve().parent


class EligibilitySettings(CommonSettings):
    service_name: str = "eligibility"

    # Haal Centraal BRP Personen Bevragen. BRP_URL is the base (scheme + host [+ prefix]); the path of
    # the personen endpoint is separate so the stand-in and the real API differ only in configuration.
    brp_url: str = Field("http://127.0.0.1:8004", description="base URL of the BRP Personen API")
    brp_personen_path: str = Field("/haalcentraal/api/brp/personen", description="path of POST /personen")
    brp_api_key: str = Field("", description="sent as X-API-KEY")
    brp_timeout_seconds: float = Field(3.0, description="timeout per BRP request")
    brp_retries: int = Field(2, description="extra attempts on a timeout, connection error or 502/503/504")
    brp_cache_seconds: float = Field(300.0, description="how long a BRP answer is reused; 0 disables the cache")
    brp_cache_size: int = Field(100_000, description="most persons kept in the cache (LRU)")
    brp_concurrency: int = Field(4, description="parallel BRP requests when a batch needs many persons")
    brp_deadline_seconds: float = Field(
        30.0, gt=0, description="time budget for all BRP requests of one check or batch; what is not asked by "
                                "then is answered 503 brp-onbereikbaar")
    brp_breaker_failures: int = Field(
        5, ge=0, description="consecutive failed BRP requests (each after its retries) that open the circuit "
                             "breaker; 0 disables it")
    brp_breaker_cooldown_seconds: float = Field(
        15.0, ge=0, description="how long an open circuit breaker answers 503 at once without asking the BRP "
                                "(longer when the BRP's Retry-After says so)")

    regels_file: Path = Field(PACKAGE_DIR / "regels.yaml", description="rule configuration per gemeente")
    bsn_hash_key: str = Field(
        "dev-only-bsn-hash-key-change-me",
        description="secret for the keyed hash (HMAC-SHA256) that stands in for a BSN in audit and verblijf "
                    "records; must be set (and kept stable) in production",
    )
    batch_max: int = Field(10_000, description="most checks in one POST /v1/checks/batch")


@lru_cache
def get_settings() -> EligibilitySettings:
    return EligibilitySettings()
