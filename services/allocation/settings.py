from __future__ import annotations

from functools import lru_cache

from services.common.settings import CommonSettings


class AllocationSettings(CommonSettings):
    service_name: str = "allocation"


@lru_cache
def get_settings() -> AllocationSettings:
    return AllocationSettings()
