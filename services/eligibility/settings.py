from __future__ import annotations

from functools import lru_cache

from services.common.settings import CommonSettings


class EligibilitySettings(CommonSettings):
    service_name: str = "eligibility"


@lru_cache
def get_settings() -> EligibilitySettings:
    return EligibilitySettings()
