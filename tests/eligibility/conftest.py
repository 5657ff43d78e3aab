"""Helpers for the eligibility tests: fresh persons in the stand-in BRP, own contract lines per test.

Tests isolate themselves: every person is a fresh BSN (tests.support.next_bsn) added to the stand-in BRP,
and every contract line uses a product code or a fictitious aanbieder AGB of its own, so tests neither
depend on each other nor on the demo data (except the tests that check the demo data itself).
"""
from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import pytest

from services.common.devstack import Stack
from tests.support import Api, next_bsn, unique_code


def brp_post(stack: Stack, path: str, body: Any) -> httpx.Response:
    response = httpx.post(stack.url("brp") + path, json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response


@pytest.fixture
def add_person(stack: Stack) -> Callable[..., str]:
    """Add a fresh test person to the stand-in BRP; returns its BSN."""

    def _add(geboortedatum: str | date | None = "2012-06-15", gemeente: str = "0141", **extra: Any) -> str:
        bsn = extra.pop("bsn", None) or next_bsn()
        born = geboortedatum.isoformat() if isinstance(geboortedatum, date) else geboortedatum
        brp_post(stack, "/test/personen", {"burgerservicenummer": bsn, "geboortedatum": born,
                                           "gemeenteVanInschrijving": gemeente, **extra})
        return bsn

    return _add


@contextmanager
def brp_down(stack: Stack, **body: Any) -> Iterator[None]:
    """The stand-in BRP answers 503 (or slowly) inside the block; always restored afterwards."""
    brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": False, **body})
    try:
        yield
    finally:
        brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 0})


@contextmanager
def brp_answers(stack: Stack, status: int, retry_after: str | None = None) -> Iterator[None]:
    """The stand-in BRP answers every personen request with `status` (and Retry-After) inside the block."""
    brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "status": status, "retryAfter": retry_after})
    try:
        yield
    finally:
        brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 0})


def audit_row(stack: Stack, check_id: str) -> dict[str, Any]:
    """One controle row straight from the eligibility database, for assertions only (never the service's way)."""
    from sqlalchemy import select

    from services.common.db import Database
    from services.eligibility.models import Controle

    db = Database(stack.settings("eligibility"))
    try:
        with db.session() as session:
            row = session.scalars(select(Controle).where(Controle.id == check_id)).one()
            return {c.name: getattr(row, c.name) for c in Controle.__table__.columns}
    finally:
        db.engine.dispose()


def refused_rows(api: Api, since: str, uitkomst: str) -> list[dict[str, Any]]:
    """The caller's own audit rows with this outcome since `since` (newest first)."""
    response = api.get("/v1/checks", params={"uitkomst": uitkomst, "gevraagdDoor": api.party, "vanaf": since})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def new_code(prefix: str = "T") -> str:
    """A product code of our own (ProductCode: at most 5 characters)."""
    return unique_code(prefix)


def new_agb() -> str:
    """A fictitious aanbieder (contract lines need no party), so agreements are private to one test."""
    return "2" + "".join(random.choices(string.digits, k=7))


def line(**overrides: Any) -> dict[str, Any]:
    """A contract line; by default for a fictitious aanbieder of its own, so that no other test's lines
    (aspecific lines of a categorie, agreements) can change what this test sees."""
    body: dict[str, Any] = {
        "gemeente": "0141", "aanbieder": new_agb(), "domein": "jeugd", "categorie": "45", "code": new_code(),
        "naam": "Testproduct", "perceel": "2", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04",
        "tarief": 6500, "geldigVanaf": "2024-01-01", "geldigTot": None, "declaratiemoment": None,
        "startStopVerplicht": True, "budgetplafond": None, "lumpsum": None,
    }
    body.update(overrides)
    return body


@pytest.fixture
def add_contract(eligibility_as: Callable[[str], Api]) -> Callable[..., dict[str, Any]]:
    """Create a contract line (as its gemeente) and return it as stored."""

    def _add(**overrides: Any) -> dict[str, Any]:
        body = line(**overrides)
        response = eligibility_as(body["gemeente"]).post("/v1/contracten", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return _add


def check_body(bsn: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"bsn": bsn, "peildatum": "2026-04-01", "gemeente": "0141", "domein": "jeugd"}
    body.update(overrides)
    return body


def codes(answer: dict[str, Any]) -> list[str]:
    return [r["code"] for r in answer["redenen"]]


def signal_codes(answer: dict[str, Any]) -> list[str]:
    return [s["code"] for s in answer["signalen"]]


@pytest.fixture
def check(eligibility_as: Callable[[str], Api]) -> Callable[..., dict[str, Any]]:
    """POST /v1/checks as the asking gemeente (or `als`); asserts 200 and returns the answer."""

    def _check(bsn: str, als: str | None = None, **overrides: Any) -> dict[str, Any]:
        body = check_body(bsn, **overrides)
        response = eligibility_as(als or body["gemeente"]).post("/v1/checks", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    return _check
