"""Settings shared by every service, read from the environment (pydantic-settings).

Each service process reads its own environment, so the plain names (DATABASE_URL, ...) are per service.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    service_name: str = "common"
    environment: str = Field("development", description="development, test or production")

    database_url: str = Field("", description="SQLAlchemy URL; default a SQLite file var/<service>.db")
    database_schema: str | None = Field(
        None, description="PostgreSQL schema for this service's tables (default: the service name)"
    )
    db_pool_size: int = 10

    parties_file: Path = Field(REPO_ROOT / "deploy" / "demo" / "parties.yaml")
    parties_reload_seconds: float = 10.0

    max_body_bytes: int = Field(25 * 1024 * 1024, description="OP179: the standard's ceiling is 25 MB")
    xml_max_depth: int = Field(40, description="deepest element nesting accepted (real messages: < 10)")
    schemas_dir: Path = Field(REPO_ROOT / "schemas", description="project XSDs: <dir>/<ijw|iwmo>/3.2/*.xsd")
    official_schemas_dir: Path | None = Field(
        None, description="optional official release directory with the same layout, used instead"
    )
    xsd_versie: str = Field("1.0.0", description="BasisschemaXsdVersie and BerichtXsdVersie we send")
    xslt_versie: str = Field("1.0.0", description="version of our rule set, sent as XsltVersie on 0001")

    log_level: str = "INFO"
    log_json: bool = True

    service_token: str = Field("", description="bearer token this service uses towards the other services")
    allocation_url: str = "http://127.0.0.1:8001"
    declaration_url: str = "http://127.0.0.1:8002"
    eligibility_url: str = "http://127.0.0.1:8003"
    http_timeout_seconds: float = 5.0
    http_retries: int = 2

    outbox_poll_seconds: float = 1.0
    outbox_batch_size: int = 100
    outbox_max_backoff_seconds: float = 300.0
    background_workers: bool = Field(True, description="run the outbox relay inside the web process")

    rate_limit_per_minute: int = Field(6000, description="requests per minute per party; 0 disables")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        var = REPO_ROOT / "var"
        var.mkdir(exist_ok=True)
        return f"sqlite:///{var / (self.service_name + '.db')}"

    def resolved_schema(self) -> str | None:
        url = self.resolved_database_url()
        if not url.startswith("postgresql"):
            return None
        return self.database_schema or self.service_name


@lru_cache
def get_settings() -> CommonSettings:
    return CommonSettings()
