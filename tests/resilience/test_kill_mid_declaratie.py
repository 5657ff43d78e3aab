"""SIGKILL in the middle of judging a 10,000-prestatie declaratie: the store holds all of it or none of it,
and sending the same message again gives the same 325.

The kill comes from outside (as `kill -9` or an OOM killer would), at the moment the database shows the
judging transaction open: on PostgreSQL the backend holds the write lock on the `prestatie` table (the rows
are being copied in); on SQLite the database's write lock is taken (the judging transaction has begun its
writes). tests/declaration/test_robustness.py covers the same property with a small declaratie and a kill
the service gives itself right after writing the prestaties; this one kills a big one from outside, at
whatever point of the write it happens to be, twice.
"""
from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from datetime import date

import httpx
import pytest
from sqlalchemy import create_engine, text

from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.declaration import BatchToewijzing, batch, elfproef_bsns
from tests.support import api, parse_xml, token_for

pytestmark = pytest.mark.slow

GEMEENTE, AANBIEDER = "0147", "11110004"  # this test's pair
N = 10_000
TARIEF, VOLUME = 130, 120


def _setup(stack: Stack) -> tuple[list[BatchToewijzing], int, int]:
    """A contract line and N toewijzingen (through the events batch endpoint, as allocation's outbox would)."""
    code = "K" + uuid.uuid4().hex[:4].upper()
    line = api(stack, "eligibility", GEMEENTE).post("/v1/contracten", json={
        "gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "categorie": "45", "code": code,
        "naam": "Killtest", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "01", "tarief": TARIEF,
        "geldigVanaf": "2020-01-01"})
    assert line.status_code == 201, line.text
    today = today_nl()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    bsns = elfproef_bsns(N)
    base = 700_000_000 + uuid.uuid4().int % 100_000_000
    toewijzingen = [BatchToewijzing(base + i, bsns[i % len(bsns)], "45", code, "01", VOLUME, TARIEF) for i in range(N)]
    svc = api(stack, "declaration", "svc-allocation")
    for start in range(0, N, 5000):
        events = [{"eventId": str(uuid.uuid4()), "kind": "toewijzing.gewijzigd", "versie": 1, "toewijzing": {
            "gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "bsn": t.bsn, "toewijzingNummer": t.nummer,
            "product": {"categorie": "45", "code": code}, "ingangsdatum": date(year, month, 1).isoformat(),
            "einddatum": f"{year + 1}-12-31", "omvang": {"volume": VOLUME, "eenheid": "01", "frequentie": "2"},
            "status": "actief"}} for t in toewijzingen[start:start + 5000]]
        resp = svc.post("/v1/events/batch", json={"events": events})
        assert resp.status_code == 200, resp.text
    return toewijzingen, year, month


def _writing(stack: Stack) -> bool:
    """Is the judging transaction open and writing right now?"""
    if stack.database_url:
        engine = create_engine(stack.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = :schema AND c.relname = 'prestatie' AND l.mode = 'RowExclusiveLock' "
                    "AND l.pid <> pg_backend_pid()"), {"schema": f"{stack.schema_prefix}declaration"}).scalar() > 0
        finally:
            engine.dispose()
    conn = sqlite3.connect(stack.base_dir / "declaration.db", timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")  # fails at once while another connection holds the write lock
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _declaraties(stack: Stack, nummer: str) -> list[dict]:  # type: ignore[type-arg]
    resp = api(stack, "declaration", GEMEENTE).get("/v1/declaraties", params={"declaratieNummer": nummer})
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]  # type: ignore[no-any-return]


def _all_or_nothing(stack: Stack, nummer: str, identificatie: str) -> str:
    found = _declaraties(stack, nummer)
    inbound = [m for m in api(stack, "declaration", GEMEENTE).get(
        "/v1/berichten", params={"berichtType": "JW323", "pageSize": 500}).json()["results"]
        if m["identificatie"] == identificatie]
    if not found:
        assert inbound == [], "the 323 is stored but its declaratie is not: half a transaction"
        return "none"
    [d] = found
    prestaties = api(stack, "declaration", GEMEENTE).get(f"/v1/declaraties/{d['id']}/prestaties",
                                                         params={"pageSize": 1}).json()
    assert d["aantalPrestaties"] == prestaties["count"] == N, (d, prestaties["count"])
    assert len(inbound) == 1 and inbound[0]["retourId"], "the declaratie without its 323 and 325"
    return "all"


def _post(url: str, body: bytes, headers: dict[str, str], result: dict[str, object]) -> None:
    try:
        result["response"] = httpx.post(url, content=body, headers=headers, timeout=120)
    except httpx.HTTPError as exc:  # the connection dies with the process: expected
        result["error"] = exc


def test_sigkill_while_judging_10000_prestaties_leaves_all_or_nothing(rstack: Stack) -> None:
    toewijzingen, year, month = _setup(rstack)
    d = batch(toewijzingen, afzender=AANBIEDER, ontvanger=GEMEENTE, year=year, month=month)
    body = d.to_bytes()
    url = rstack.url("declaration") + "/v1/berichten"
    headers = {"Authorization": f"Bearer {token_for(AANBIEDER)}", "Content-Type": "application/xml"}
    outcomes = []
    for delay in (0.0, 0.15):  # right when the writing starts, and a little later
        result: dict[str, object] = {}
        poster = threading.Thread(target=_post, args=(url, body, headers, result))
        poster.start()
        deadline = time.monotonic() + 60
        while not _writing(rstack):
            assert poster.is_alive(), f"judged before the kill could land: {result}"
            assert time.monotonic() < deadline, "the judging transaction never showed"
            time.sleep(0.005)
        time.sleep(delay)
        rstack.kill("declaration")
        poster.join(timeout=60)
        rstack.start(("declaration",))
        outcomes.append(_all_or_nothing(rstack, d.nummer, d.identificatie))
        if outcomes[-1] == "all":
            break  # committed just before the kill: nothing left to interrupt

    # the aanbieder sends the same bytes again: judged once, the same 325 as a first judgement would give
    again = httpx.post(url, content=body, headers=headers, timeout=120)
    assert again.status_code == 200, again.text[:500]
    root = parse_xml(again.content)
    assert [c.text for c in root.findall("{*}DeclaratieAntwoord/{*}RetourCodes/{*}RetourCode")] == ["8001"]
    assert int(root.find("{*}DeclaratieAntwoord/{*}TotaalToegekendBedrag/{*}TotaalBedrag").text) == N * VOLUME * TARIEF
    assert _all_or_nothing(rstack, d.nummer, d.identificatie) == "all"
    replay = httpx.post(url, content=body, headers=headers, timeout=120)
    assert replay.headers.get("Idempotent-Replay") == "true" and replay.content == again.content
    assert len(_declaraties(rstack, d.nummer)) == 1
    print(f"kills: {outcomes}")
