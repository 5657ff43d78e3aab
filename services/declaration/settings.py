from __future__ import annotations

from functools import lru_cache

from services.common.settings import CommonSettings


class DeclarationSettings(CommonSettings):
    service_name: str = "declaration"


@lru_cache
def get_settings() -> DeclarationSettings:
    return DeclarationSettings()
