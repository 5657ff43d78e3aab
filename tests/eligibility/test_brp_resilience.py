"""The circuit breaker and the deadline of the running service, on a small stack of its own (stand-in BRP
and eligibility, with a fast breaker), so that an open breaker cannot disturb the other tests: a hanging
BRP costs a batch seconds, and every check keeps the clear 503 brp-onbereikbaar problem."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from services.common.devstack import Stack
from services.common.migrate import upgrade
from tests.conftest import database_url
from tests.support import Api, next_bsn

COOLDOWN = 3.0


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    st = Stack(base_dir=tmp_path_factory.mktemp("breaker"), database_url=database_url(), extra_env={
        "BRP_BREAKER_FAILURES": "2", "BRP_BREAKER_COOLDOWN_SECONDS": str(COOLDOWN), "BRP_TIMEOUT_SECONDS": "0.5",
        "BRP_RETRIES": "1", "BRP_DEADLINE_SECONDS": "2", "BRP_CACHE_SECONDS": "0"})
    try:
        upgrade("eligibility", st.settings("eligibility"))
        st.start(("brp", "eligibility"))
        yield st
    finally:
        st.stop()
        st.drop_schemas()


def _brp(st: Stack, path: str, body: Any) -> httpx.Response:
    response = httpx.post(st.url("brp") + path, json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response


def _seen(st: Stack) -> int:
    return int(httpx.get(st.url("brp") + "/test/statistiek", timeout=10).json()["verzoeken"])


def _check(bsn: str) -> dict[str, Any]:
    return {"bsn": bsn, "peildatum": "2026-04-01", "gemeente": "0141", "domein": "jeugd"}


def test_hanging_brp_opens_the_breaker_and_every_answer_stays_503(own_stack: Stack) -> None:
    bsns = [next_bsn() for _ in range(100)]  # 5 chunks of 20
    _brp(own_stack, "/test/personen", [{"burgerservicenummer": b, "geboortedatum": "2012-01-01",
                                        "gemeenteVanInschrijving": "0141"} for b in bsns])
    api = Api(own_stack.url("eligibility"), "0141")
    _brp(own_stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 5000})  # hangs
    try:
        started = time.perf_counter()
        batch = api.post("/v1/checks/batch", json={"checks": [_check(b) for b in bsns]})
        elapsed = time.perf_counter() - started
        assert batch.status_code == 200, batch.text
        fouten = [r.get("fout") or {} for r in batch.json()["resultaten"]]
        assert all(f.get("status") == 503 and f.get("code") == "brp-onbereikbaar" for f in fouten)
        assert elapsed < 5, elapsed  # bounded by the breaker and the 2 s deadline, not 5 chunks x timeouts
        # open: a single check is answered at once, without asking the BRP, with the remaining cool-down
        before = _seen(own_stack)
        single = api.post("/v1/checks", json=_check(bsns[0]))
        assert _seen(own_stack) == before
        assert single.status_code == 503 and single.headers["content-type"].startswith("application/problem+json")
        assert single.json()["code"] == "brp-onbereikbaar" and single.json()["oorzaak"] == "stroomonderbreker open"
        assert 1 <= int(single.headers["retry-after"]) <= COOLDOWN
    finally:
        _brp(own_stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 0})
    assert api.post("/v1/checks", json=_check(bsns[1])).status_code == 503  # back, but still cooling down
    time.sleep(COOLDOWN + 0.2)
    answer = api.post("/v1/checks", json=_check(bsns[1]))
    assert answer.status_code == 200 and answer.json()["toegestaan"] is True
    audit = api.get("/v1/checks", params={"uitkomst": "brp-onbereikbaar"}).json()
    assert audit["count"] >= len(bsns) + 2  # every unanswered check is recorded
