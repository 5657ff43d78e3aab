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

    service_name: str = Field("common", description="which service this process is (set by each service)")
    environment: str = Field("development", description="development, test or production")

    database_url: str = Field("", description="SQLAlchemy URL; default a SQLite file var/<service>.db")
    database_schema: str | None = Field(
        None, description="PostgreSQL schema for this service's tables (default: the service name)"
    )
    db_pool_size: int = Field(10, description="PostgreSQL connection pool size per process (plus as many overflow); the allocation service has a second pool of the same size, of autocommit connections, for 305/307")

    parties_file: Path = Field(REPO_ROOT / "deploy" / "demo" / "parties.yaml",
                               description="YAML with gemeenten, aanbieders, regions, services and token hashes")
    parties_reload_seconds: float = Field(10.0, description="how often the parties file is checked for changes")

    max_body_bytes: int = Field(25 * 1024 * 1024, description="OP179: the standard's ceiling is 25 MB")
    onloop_max_bytes: int = Field(
        16 * 1024, ge=0,
        description="PostgreSQL: a message up to this size for a single_statement handler (305, 307) is judged "
                    "on the event loop, without a worker thread (services.common.onloop); 0 switches it off")
    xml_max_depth: int = Field(40, description="deepest element nesting accepted (real messages: < 10)")
    xml_part_bytes: int = Field(
        1024 * 1024, ge=64 * 1024,
        description="a big message (a 323's Clienten) is parsed and validated in parts of about this size, "
                    "so that its whole tree is never in memory (services.common.xml.parts)")
    schemas_dir: Path = Field(REPO_ROOT / "schemas", description="project XSDs: <dir>/<ijw|iwmo>/3.2/*.xsd")
    official_schemas_dir: Path | None = Field(
        None, description="optional official release directory with the same layout, used instead"
    )
    xsd_versie: str = Field("1.0.0", description="BasisschemaXsdVersie and BerichtXsdVersie we send")
    xslt_versie: str = Field("1.0.0", description="version of our rule set, sent as XsltVersie on 0001")

    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    log_json: bool = Field(True, description="JSON log lines (false: human-readable console output)")

    service_token: str = Field("", description="bearer token this service uses towards the other services")
    allocation_url: str = Field("http://127.0.0.1:8001", description="base URL of the allocation service")
    declaration_url: str = Field("http://127.0.0.1:8002", description="base URL of the declaration service")
    eligibility_url: str = Field("http://127.0.0.1:8003", description="base URL of the eligibility service")
    reporting_url: str = Field("http://127.0.0.1:8005", description="base URL of the reporting service")
    http_timeout_seconds: float = Field(5.0, description="timeout of calls to the other services")
    http_retries: int = Field(2, description="extra attempts for idempotent calls to the other services")

    outbox_poll_seconds: float = Field(1.0, description="how often the outbox relay looks for work when idle")
    outbox_batch_size: int = Field(100, description="outbox entries relayed per round")
    outbox_max_backoff_seconds: float = Field(300.0, description="ceiling of the exponential retry backoff")
    background_workers: bool = Field(True, description="run the outbox relay inside the web process")

    rate_limit_per_minute: int = Field(6000, description="requests per minute per party; 0 disables")
    idempotency_key_days: int = Field(7, ge=1, description="days an Idempotency-Key of the JSON API is remembered")

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
