"""Token rotation without a restart (the parties file is re-read when it changes) and the rate limit."""
from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import yaml

from services.common.auth import hash_token
from services.common.settings import REPO_ROOT

from .conftest import KernelService, start_kernel_service


@pytest.fixture(scope="module")
def rotating(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KernelService, Path]]:
    tmp = tmp_path_factory.mktemp("rotation")
    parties = tmp / "parties.yaml"
    shutil.copy(REPO_ROOT / "deploy/demo/parties.yaml", parties)
    env = {"PARTIES_FILE": str(parties), "PARTIES_RELOAD_SECONDS": "0.2", "RATE_LIMIT_PER_MINUTE": "30"}
    for service in start_kernel_service(tmp, env):
        yield service, parties


def _edit(parties: Path, code: str, tokens: list[dict]) -> None:
    data = yaml.safe_load(parties.read_text())
    for party in data["parties"]:
        if party["code"] == code:
            party["tokens"] = tokens
    parties.write_text(yaml.safe_dump(data))
    time.sleep(1.1)  # mtime granularity and the reload interval


def _status(url: str, token: str) -> int:
    return httpx.get(url + "/v1/berichten", headers={"Authorization": f"Bearer {token}"}).status_code


def test_token_rotation_without_restart(rotating) -> None:  # type: ignore[no-untyped-def]
    service, parties = rotating
    old, new = "demo-gemeente-0147", "nieuw-token-borne-2027"
    assert _status(service.url, old) == 200
    now = datetime.now(timezone.utc)
    # step 1: add the new token next to the old one
    _edit(parties, "0147", [{"label": "oud", "sha256": hash_token(old)},
                            {"label": "nieuw", "sha256": hash_token(new)}])
    assert _status(service.url, old) == 200 and _status(service.url, new) == 200
    # step 2: expire the old token
    _edit(parties, "0147", [{"label": "oud", "sha256": hash_token(old), "not_after": (now - timedelta(seconds=1)).isoformat()},
                            {"label": "nieuw", "sha256": hash_token(new)}])
    assert _status(service.url, old) == 401 and _status(service.url, new) == 200
    # a token that is not valid yet is refused too
    _edit(parties, "0147", [{"label": "later", "sha256": hash_token(new), "not_before": (now + timedelta(days=1)).isoformat()}])
    assert _status(service.url, new) == 401


def test_broken_parties_file_keeps_the_last_good_registry(rotating) -> None:  # type: ignore[no-untyped-def]
    service, parties = rotating
    good = parties.read_text()
    try:
        parties.write_text("parties: [ {code: '12', kind: gemeente")  # a half-saved edit
        time.sleep(1.1)
        assert _status(service.url, "demo-gemeente-0141") == 200
    finally:
        parties.write_text(good)


def test_rate_limit_per_party(rotating) -> None:  # type: ignore[no-untyped-def]
    service, _ = rotating
    statuses = [_status(service.url, "demo-aanbieder-11110003") for _ in range(40)]
    assert 429 in statuses
    limited = httpx.get(service.url + "/v1/berichten", headers={"Authorization": "Bearer demo-aanbieder-11110003"})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    assert limited.headers["content-type"].startswith("application/problem+json")
    # another party is not affected
    assert _status(service.url, "demo-aanbieder-11110004") == 200


def test_service_parties_are_not_rate_limited(rotating) -> None:  # type: ignore[no-untyped-def]
    service, _ = rotating
    statuses = {_status(service.url, "demo-service-reporting") for _ in range(45)}
    assert statuses == {200}
