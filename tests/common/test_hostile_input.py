"""Hostile and broken input over HTTP: always a 4xx problem+json naming the problem, never a 500, and the
process stays up. Run against the kernel test service and against the real allocation and declaration
services."""
from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from .factory import start_bericht

AUTH = {"Authorization": "Bearer demo-aanbieder-11110001"}

HOSTILE: dict[str, tuple[bytes, int, str]] = {
    "xxe-local-file": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>',
        400, "doctype-niet-toegestaan"),
    "billion-laughs": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                   for i in range(1, 10))
        + b']><lolz>&lol9;</lolz>', 400, "doctype-niet-toegestaan"),
    "quadratic-blowup": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + b"x" * 50_000 + b'">]><r>' + b"&a;" * 50_000 + b"</r>",
        400, "doctype-niet-toegestaan"),
    "external-dtd": (
        b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r/>', 400, "doctype-niet-toegestaan"),
    "parameter-entity": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r/>',
        400, "doctype-niet-toegestaan"),
    "doctype-after-comment": (
        b'<?xml version="1.0"?><!-- hi --><!doctype r [<!ENTITY x "y">]><r>&x;</r>', 400, "doctype-niet-toegestaan"),
    "not-xml": (b"this is not xml at all", 400, "geen-xml"),
    "json": (b'{"bsn": "999900006"}', 400, "geen-xml"),
    "truncated": (start_bericht()[:300], 400, "geen-geldige-xml"),
    "empty": (b"", 400, "leeg-bericht"),
    "latin1-declared": (b'<?xml version="1.0" encoding="ISO-8859-1"?><r>\xe9</r>', 400, "verkeerde-codering"),
    "utf16": ('<?xml version="1.0" encoding="UTF-16"?><r/>'.encode("utf-16"), 400, "verkeerde-codering"),
    "invalid-utf8": (b'<?xml version="1.0" encoding="UTF-8"?><r>\xff\xfe\xfa</r>', 400, "geen-geldige-xml"),
    "deep-nesting": (b"<a>" * 5000 + b"</a>" * 5000, 400, "te-diep-genest"),
    "nesting-past-own-limit": (b"<a>" * 100 + b"</a>" * 100, 400, "te-diep-genest"),
    "wrong-namespace": (start_bericht().replace(b"ijw/3_2/jw305", b"ijw/3_1/jw305"), 400, "onbekend-bericht"),
    "xinclude": (
        b'<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></r>',
        400, "onbekend-bericht"),
}


def _assert_problem(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status and body["code"] == code, body
    assert body["detail"]
    assert "root:" not in resp.text  # nothing of /etc/passwd leaked


@dataclass(frozen=True)
class Target:
    name: str
    url: str


@pytest.fixture(params=["kernel", "allocation", "declaration"])
def target(request: pytest.FixtureRequest) -> Target:
    if request.param == "kernel":
        return Target("kernel", request.getfixturevalue("kernel_service").url)
    return Target(request.param, request.getfixturevalue("stack").url(request.param))


def _broken_declaratie() -> bytes:
    """A JW323 with a too-short BSN and a bad Eenheid: two schema errors for the declaration service."""
    from datetime import date

    from tests.builders.declaration import Declaratie, Prestatie

    d = Declaratie(afzender="11110001", ontvanger="0141", periode=(2026, 3))
    d.add("123", Prestatie(ref="R1", toewijzing=1, categorie="45", code="45A03", begin=date(2026, 3, 1),
                           eind=date(2026, 3, 31), volume=1, eenheid="99", tarief=100))
    return d.to_bytes()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_is_refused_with_problem_json(target: Target, case: str) -> None:
    body, status, code = HOSTILE[case]
    resp = httpx.post(target.url + "/v1/berichten", content=body, timeout=30,
                      headers={**AUTH, "Content-Type": "application/xml"})
    _assert_problem(resp, status, code)
    assert httpx.get(target.url + "/health/live", timeout=5).status_code == 200


def test_oversized_body_refused_before_reading_it_all(target: Target) -> None:
    big = b"<a>" + b"x" * (26 * 1024 * 1024) + b"</a>"
    resp = httpx.post(target.url + "/v1/berichten", content=big, timeout=60,
                      headers={**AUTH, "Content-Type": "application/xml"})
    _assert_problem(resp, 413, "bericht-te-groot")

    def chunks():  # no Content-Length: the limit must hold while streaming
        for _ in range(27):
            yield b"x" * (1024 * 1024)

    resp = httpx.post(target.url + "/v1/berichten", content=chunks(), timeout=60,
                      headers={**AUTH, "Content-Type": "application/xml"})
    _assert_problem(resp, 413, "bericht-te-groot")
    assert httpx.get(target.url + "/health/live", timeout=5).status_code == 200


def test_wrong_content_type(target: Target) -> None:
    resp = httpx.post(target.url + "/v1/berichten", content=b"{}", headers={**AUTH, "Content-Type": "application/json"})
    _assert_problem(resp, 415, "verkeerd-mediatype")


def test_schema_errors_listed_without_echoing_values(target: Target) -> None:
    body = start_bericht(bsn="123").replace(b"<jw305:Geslacht>2", b"<jw305:Geslacht>7")
    if target.name == "declaration":
        body = _broken_declaratie()
    resp = httpx.post(target.url + "/v1/berichten", content=body, headers={**AUTH, "Content-Type": "application/xml"})
    _assert_problem(resp, 400, "xsd-validatie")
    params = resp.json()["invalidParams"]
    assert len(params) >= 2  # every error at once
    assert all(p["reason"].startswith("regel ") for p in params)
    assert "'123'" not in resp.text


def test_accepted_message_survives_hostile_traffic(kernel_service) -> None:  # type: ignore[no-untyped-def]
    url = kernel_service.url
    body = start_bericht()
    first = httpx.post(url + "/v1/berichten", content=body, headers={**AUTH, "Content-Type": "application/xml"})
    assert first.status_code == 200
    for case in ("billion-laughs", "deep-nesting", "invalid-utf8"):
        httpx.post(url + "/v1/berichten", content=HOSTILE[case][0], headers={**AUTH, "Content-Type": "application/xml"})
    stored = httpx.get(url + f"/v1/berichten/{first.headers['Bericht-Id']}/inhoud", headers=AUTH)
    assert stored.status_code == 200 and stored.content == body
