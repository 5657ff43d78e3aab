"""The database connection breaks under a running service (a PostgreSQL restart or failover): requests that
meet a dead connection get 503 problem+json with nothing stored, the pool recovers by itself, and the same
message sent again is processed exactly once. A connection the server closed while it sat in the pool is
noticed at checkout (services.common.db), so the request after a restart does not even see it.

PostgreSQL only: SQLite has no server connection to lose."""
from __future__ import annotations

import time
from datetime import date

import httpx
import psycopg
import pytest

from services.common.devstack import Stack
from tests.builders.allocation import Client, Regel, start
from tests.support import parse_xml, retourcodes, token_for

from .conftest import issue_toewijzing, wait_until

pytestmark = pytest.mark.slow

GEMEENTE, AANBIEDER = "1735", "11110004"  # no other resilience test uses this pair


def _require_postgres(stack: Stack) -> str:
    if not stack.database_url or not stack.database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (DATABASE_URL): SQLite has no server connection to lose")
    return stack.database_url.replace("postgresql+psycopg://", "postgresql://")


def _cut_connections(dsn: str, stack: Stack, service: str) -> int:
    """What a restart does to the service: every server connection of its schema is terminated."""
    name = f"berichten {stack.settings(service).resolved_schema()}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                            (name,)).fetchall()
    return len(rows)


def _client(stack: Stack, party: str) -> httpx.Client:
    return httpx.Client(base_url=stack.url("allocation"), timeout=30,
                        headers={"Authorization": f"Bearer {token_for(party)}"})


def _toewijzing(stack: Stack) -> tuple[str, int, date]:
    return issue_toewijzing(stack, GEMEENTE, AANBIEDER, code_prefix="DBC")


def test_a_broken_connection_is_a_503_and_the_message_is_processed_once_when_sent_again(rstack: Stack) -> None:
    dsn = _require_postgres(rstack)
    bsn, nummer, ingang = _toewijzing(rstack)
    body = start(AANBIEDER, GEMEENTE, Client(bsn), [Regel(nummer, ingang)])
    with _client(rstack, AANBIEDER) as aan:
        assert aan.get("/v1/berichten", params={"pageSize": 1}).status_code == 200  # a warm pool
        assert _cut_connections(dsn, rstack, "allocation") > 0
        first = aan.post("/v1/berichten", content=body, headers={"Content-Type": "application/xml"})
        # the request met a dead connection: a clear 503, never a 500 (or it already got a fresh one)
        assert first.status_code in (200, 503), first.text
        if first.status_code == 503:
            assert first.headers["content-type"].startswith("application/problem+json")
            assert first.json()["code"] == "database-onbereikbaar" and first.headers["Retry-After"]
            again = wait_until(lambda: (r := aan.post("/v1/berichten", content=body,
                                                      headers={"Content-Type": "application/xml"})).status_code == 200
                               and r, timeout=30, what="the pool to recover")
            assert "Idempotent-Replay" not in again.headers  # the 503 stored nothing
        else:
            again = first
        assert again.headers["Berichten-Oordeel"] == "goedgekeurd", retourcodes(parse_xml(again.content))
        replay = aan.post("/v1/berichten", content=body, headers={"Content-Type": "application/xml"})
        assert replay.status_code == 200 and replay.headers.get("Idempotent-Replay") == "true"
        assert replay.headers["Bericht-Id"] == again.headers["Bericht-Id"]


def test_a_connection_closed_while_idle_is_replaced_before_use(rstack: Stack) -> None:
    dsn = _require_postgres(rstack)
    with _client(rstack, AANBIEDER) as aan:
        for _ in range(3):
            assert aan.get("/v1/berichten", params={"pageSize": 1}).status_code == 200
            assert _cut_connections(dsn, rstack, "allocation") > 0
            time.sleep(0.5)  # the server's goodbye reaches the pooled sockets
            # the checkout sees the closed socket and takes a new connection: the request never notices
            resp = aan.get("/v1/berichten", params={"pageSize": 1})
            assert resp.status_code == 200, resp.text
