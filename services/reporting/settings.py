from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, Field, field_validator

from services.common.settings import CommonSettings


class PseudonymKey(BaseModel):
    """One key of the region's pseudonym series. The newest key whose `notBefore` has passed is used."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")
    key: str = Field(min_length=16, description="the secret (at least 16 characters; 32+ random bytes advised)")
    notBefore: date = Field(date(2000, 1, 1), description="first day this key is used")


DEV_KEYS = [{"id": "dev-only", "key": "dev-only-pseudonym-key-change-me", "notBefore": "2000-01-01"}]


class ReportingSettings(CommonSettings):
    service_name: str = "reporting"

    sync_interval_seconds: float = Field(
        30.0, description="how often the background worker pulls new messages from allocation and declaration; "
                          "0 disables the worker (POST /v1/synchronisaties still works)")
    sync_safety_window_seconds: float = Field(
        600.0, description="each pull re-reads the messages created this long before the cursor, because a "
                           "message's commit can come after a later message's (must exceed the longest transaction)")
    sync_page_size: int = Field(500, description="messages listed per page (the mailbox maximum is 500)")
    sync_workers: int = Field(4, description="parallel GETs of message contents during a pull")
    sync_lock_seconds: float = Field(
        600.0, description="how long POST /v1/synchronisaties waits for a pull that is already running")
    pseudonym_keys: list[PseudonymKey] = Field(
        DEV_KEYS, validate_default=True,
        description="JSON list of {id, key, notBefore}: the region's keys for the pseudonymised feed (HMAC-SHA256 "
                    "of the BSN). The newest key whose notBefore has passed is used; adding a key with a later "
                    "notBefore rotates the series. The default is a public development key: set it in production")
    werkdagen_beleid: str = Field(
        "termijnenwet", description="termijnenwet or holidays: which days are werkdagen for the deadlines "
                                    "(the same choice as the allocation service's WERKDAGEN_BELEID)")
    report_max_groups: int = Field(20_000, description="most rows one report answer may hold (400 beyond)")

    @field_validator("pseudonym_keys", mode="before")
    @classmethod
    def _keys_from_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value)
        return value

    @field_validator("pseudonym_keys")
    @classmethod
    def _unique_ids(cls, value: list[PseudonymKey]) -> list[PseudonymKey]:
        if not value:
            raise ValueError("PSEUDONYM_KEYS needs at least one key")
        ids = [k.id for k in value]
        if len(set(ids)) != len(ids):
            raise ValueError("PSEUDONYM_KEYS: key ids must be unique")
        return value


@lru_cache
def get_settings() -> ReportingSettings:
    return ReportingSettings()
