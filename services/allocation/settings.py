"""Settings of the allocation service (environment variables, pydantic-settings)."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field

from services.common.settings import CommonSettings


class AllocationSettings(CommonSettings):
    service_name: str = "allocation"

    contract_cache_seconds: float = Field(
        60.0, description="how long contract terms (GET /v1/contractvoorwaarden) are reused; a product not in "
                          "them, or found only on an aspecifieke line, is asked again at once; 0 disables the cache"
    )
    auto_afwijzen_contract: bool = Field(
        True,
        description="answer a 315/317 at once with a 319 (RedenAfwijzingVerzoek 4) when the requested product is "
                    "taakgericht or its Omvang does not fit the contract's uitvoeringsvariant; these are facts of "
                    "the contract, not a judgement about the client, so no case worker is needed",
    )
    werkdagen_beleid: Literal["termijnenwet", "holidays"] = Field(
        "termijnenwet",
        description="termijnenwet: Mon-Fri minus the algemeen erkende feestdagen of the Algemene termijnenwet "
                    "(5 May every year, Good Friday is a werkdag); holidays: Mon-Fri minus every public holiday "
                    "the `holidays` package lists for NL (Good Friday off, 5 May only in lustrum years)",
    )
    termijn_binnenkort_werkdagen: int = Field(2, description="an open obligation is 'binnenkort' this many werkdagen ahead")
    termijnen_interval_seconds: float = Field(60.0, description="how often the overdue gauge is recomputed")
    voorcontrole_interval_seconds: float = Field(
        5.0, description="how often verzoeken whose contract check waited on the eligibility service are retried"
    )


@lru_cache
def get_settings() -> AllocationSettings:
    return AllocationSettings()
