"""A small 305/307 on PostgreSQL is judged on the event loop (services.common.onloop); whatever would block
there (a transaction, an ORM query, a call to another service) goes back to a worker thread before it has
written anything. These tests post real messages over HTTP and check both the answers and what is stored,
and read the path each message took from pipeline_onloop_total."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import create_engine, text

from services.common.clock import today_nl
from tests.builders.allocation import Regel, start
from tests.conftest import database_url
from tests.support import api, retourcodes

pytestmark = pytest.mark.skipif(database_url() is None,
                                reason="the event-loop path is PostgreSQL's (SQLite runs every message in a thread)")

INGANG = today_nl() - timedelta(days=20)


def _onloop(stack, outcome: str) -> float:  # type: ignore[no-untyped-def]
    text = httpx.get(stack.url("allocation") + "/metrics", timeout=10).text
    for line in text.splitlines():
        if line.startswith("pipeline_onloop_total{") and f'outcome="{outcome}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def _starts(w, nummer: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["soort"] for r in w.gem.get(f"/v1/toewijzingen/{nummer}").json()["regie"]]


def test_a_start_is_judged_on_the_loop_and_stored(world, stack) -> None:  # type: ignore[no-untyped-def]
    w = world()
    nummer = w.toewijzing(ingangsdatum=INGANG.isoformat())["toewijzing"]["toewijzingNummer"]
    done = _onloop(stack, "done")
    resp, root = w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG)]))
    assert resp.headers["Berichten-Oordeel"] == "goedgekeurd" and retourcodes(root) == {}
    assert _onloop(stack, "done") == done + 1
    assert _starts(w, nummer) == ["start"]
    # the 306 is stored and in the mailbox's history, as on the thread path
    assert w.aan.get(f"/v1/berichten/{resp.headers['Retour-Id']}").status_code == 200


def test_a_repeat_leaves_the_loop_and_gets_the_stored_answer(world, stack) -> None:  # type: ignore[no-untyped-def]
    """The optimistic insert of the repeat hits the unique key; the lookup after it needs a transaction."""
    w = world()
    nummer = w.toewijzing(ingangsdatum=INGANG.isoformat())["toewijzing"]["toewijzingNummer"]
    body = start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG)])
    first, _ = w.send(body)
    left = _onloop(stack, "left-transaction")
    again, _ = w.send(body)
    assert again.headers["Idempotent-Replay"] == "true"
    assert again.headers["Retour-Id"] == first.headers["Retour-Id"]
    assert _onloop(stack, "left-transaction") == left + 1
    assert _starts(w, nummer) == ["start"]


def test_a_taakgericht_start_leaves_the_loop_before_its_queries(world, stack) -> None:  # type: ignore[no-untyped-def]
    """Without ToewijzingNummer the handler reads the client through the ORM and the contract from the
    eligibility service: neither may wait on the loop."""
    w = world(variant="taakgericht", eenheid=None, startStopVerplicht=True)
    left = _onloop(stack, "left-sqlalchemy") + _onloop(stack, "left-http")
    resp, root = w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(None, INGANG, categorie=w.categorie,
                                                                          code=w.code)]))
    assert resp.headers["Berichten-Oordeel"] == "goedgekeurd" and retourcodes(root) == {}
    assert _onloop(stack, "left-sqlalchemy") + _onloop(stack, "left-http") == left + 1


def test_more_starts_at_once_than_the_pool_has_connections(world, stack) -> None:  # type: ignore[no-untyped-def]
    """Past the pool's size (10 + 10 overflow by default) a message must not wait on the loop for a free
    connection (that wait would stop the loop, and with it the messages that would give one back). A lock on
    the message table holds every 305 at its insert, connection in hand, until all 32 are in: every one is
    then answered and stored exactly once."""
    worlds = [world() for _ in range(32)]
    nummers = [w.toewijzing(ingangsdatum=INGANG.isoformat())["toewijzing"]["toewijzingNummer"] for w in worlds]
    bodies = [start(w.aanbieder, w.gemeente, w.client(), [Regel(n, INGANG)]) for w, n in zip(worlds, nummers)]
    engine = create_engine(database_url(), connect_args={"options": f"-csearch_path={stack.schema_prefix}allocation"})
    left = _onloop(stack, "left-pool")
    try:
        with engine.connect() as conn, ThreadPoolExecutor(32) as pool:
            conn.execute(text("LOCK TABLE bericht IN SHARE ROW EXCLUSIVE MODE"))  # blocks every INSERT
            futures = [pool.submit(api(stack, "allocation", w.aanbieder).post_xml, b) for w, b in zip(worlds, bodies)]
            time.sleep(3)
            conn.rollback()
            answers = [f.result() for f in futures]
    finally:
        engine.dispose()
    assert [a.status_code for a in answers] == [200] * 32
    assert {a.headers["Berichten-Oordeel"] for a in answers} == {"goedgekeurd"}
    assert all(_starts(w, n) == ["start"] for w, n in zip(worlds, nummers))
    assert _onloop(stack, "left-pool") > left
