"""A platform of its own for the fault tests: they stop, kill and slow down services, which the session's
shared `stack` must never see. One Stack for the whole package (each start costs seconds); every test puts
back what it stopped, and uses a gemeente × aanbieder pair no other test here uses.

Settings differ from the defaults only in their timings, so the tests can wait for the real mechanisms
instead of sleeping for minutes: the contract pre-check of verzoeken is retried every second, and the outbox
backoff is capped at 4 seconds (the exponential steps below the cap are the production ones).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from services.common.clock import today_nl
from services.common.db import Database
from services.common.devstack import Stack

from ..conftest import own_stack
from ..support import next_bsn, token_for
from ..test_privacy_logs import offenders_in

RESILIENCE_ENV = {
    "VOORCONTROLE_INTERVAL_SECONDS": "1",
    "OUTBOX_MAX_BACKOFF_SECONDS": "4",
    "HTTP_TIMEOUT_SECONDS": "10",
}


@pytest.fixture(scope="package")
def rstack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with own_stack(tmp_path_factory.mktemp("resilience"), extra_env=dict(RESILIENCE_ENV)) as st:
        yield st
        assert_logs_clean(st)


def assert_logs_clean(st: Stack) -> None:
    """The same privacy bar as the shared stack's (tests/test_privacy_logs.py), for this stack's logs too:
    crashes and restarts must not spill a BSN or a name into a log line."""
    offenders = offenders_in(st.log_lines())
    assert not offenders, offenders[:5]


def db(stack: Stack, service: str) -> Database:
    """Direct access to one service's own database, for assertions only (the services never do this)."""
    return Database(stack.settings(service))


def metric(stack: Stack, process: str, name: str, **labels: str) -> float:
    """The value of one Prometheus sample at a process's /metrics (0 when absent)."""
    text = httpx.get(stack.url(process) + "/metrics", timeout=10).text
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def wait_until(condition: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        time.sleep(interval)


def issue_toewijzing(stack: Stack, gemeente: str, aanbieder: str, *, code_prefix: str) -> tuple[str, int, date]:
    """A person in the stand-in BRP, a contract line of its own and a toewijzing through the gemeente API,
    starting three days ago: (bsn, ToewijzingNummer, ingangsdatum)."""
    bsn, ingang = next_bsn(), today_nl() - timedelta(days=3)
    httpx.post(stack.url("brp") + "/test/personen", timeout=30, json={
        "burgerservicenummer": bsn, "geboortedatum": "2012-05-01", "gemeenteVanInschrijving": gemeente,
        "geslachtsnaam": "Testpersoon", "voornamen": "Tom"}).raise_for_status()
    code = code_prefix + bsn[-2:]
    gem = {"Authorization": f"Bearer {token_for(gemeente)}"}
    httpx.post(stack.url("eligibility") + "/v1/contracten", timeout=30, headers=gem, json={
        "gemeente": gemeente, "aanbieder": aanbieder, "domein": "jeugd", "categorie": "45", "code": code,
        "naam": "Storingstest", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04",
        "tarief": 6500, "geldigVanaf": "2020-01-01"}).raise_for_status()
    resp = httpx.post(stack.url("allocation") + "/v1/toewijzingen", timeout=30, headers=gem, json={
        "domein": "jeugd", "aanbieder": aanbieder,
        "client": {"bsn": bsn, "geboortedatum": "2012-05-01", "geslacht": "1",
                   "naam": {"achternaam": "Testpersoon", "voornamen": "Tom", "voorletters": "T"},
                   "contact": {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7607AB", "landcode": "NL"}}},
        "product": {"categorie": "45", "code": code}, "ingangsdatum": ingang.isoformat(),
        "einddatum": (ingang + timedelta(days=90)).isoformat(),
        "omvang": {"volume": 4, "eenheid": "04", "frequentie": "2"}})
    assert resp.status_code == 201, resp.text
    return bsn, resp.json()["toewijzing"]["toewijzingNummer"], ingang
