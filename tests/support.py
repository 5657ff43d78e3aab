"""Helpers for tests and benchmarks: a client per party, unique test BSNs, message ids."""
from __future__ import annotations

import itertools
import random
import secrets
import string
import threading
from dataclasses import dataclass
from typing import Any

import httpx
from lxml import etree
from stdnum.nl import bsn as stdnum_bsn

from services.common.devstack import Stack

DEMO_GEMEENTE = "0141"  # Almelo
DEMO_GEMEENTE_2 = "0153"  # Enschede
DEMO_AANBIEDER = "11110001"
DEMO_AANBIEDER_2 = "11110002"


def token_for(party: str) -> str:
    if party.startswith("svc-"):
        return f"demo-service-{party[4:]}"
    if party.upper() == "TWENTE":
        return "demo-regio-twente"
    return f"demo-gemeente-{party}" if len(party) == 4 else f"demo-aanbieder-{party}"


_codes_lock = threading.Lock()
_codes_given: set[str] = set()


def unique_code(prefix: str = "T") -> str:
    """A ProductCode (at most 5 characters) no other test of this run has. Every test's contract line is a
    product of its own; two equal codes of one gemeente × aanbieder would overlap (409 contract-overlap), and
    random draws alone do collide now and then over a suite of a thousand contract lines (the birthday bound)."""
    alphabet = string.ascii_uppercase + string.digits
    with _codes_lock:
        while True:
            code = prefix + "".join(secrets.choice(alphabet) for _ in range(5 - len(prefix)))
            if code not in _codes_given:
                _codes_given.add(code)
                return code


_bsn_iter = None


def test_bsns() -> itertools.count:  # type: ignore[type-arg]
    return itertools.count(random.randint(0, 80_000))


def next_bsn() -> str:
    """A fresh BSN from the test range 9999xxxxx that passes the elfproef."""
    global _bsn_iter
    if _bsn_iter is None:
        _bsn_iter = test_bsns()
    while True:
        n = next(_bsn_iter)
        candidate = f"9999{n % 100_000:05d}"
        if candidate >= "999900006" and stdnum_bsn.is_valid(candidate):
            return candidate


@dataclass
class Api:
    """An httpx client for one service, logged in as one party."""

    base_url: str
    party: str
    timeout: float = 60.0

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(self.party)}", **(extra or {})}

    def post_xml(self, body: bytes | etree._Element, path: str = "/v1/berichten") -> httpx.Response:
        if not isinstance(body, bytes):
            body = etree.tostring(body, xml_declaration=True, encoding="UTF-8")
        return httpx.post(self.base_url + path, content=body, timeout=self.timeout,
                          headers=self._headers({"Content-Type": "application/xml"}))

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.get(self.base_url + path, headers=self._headers(kw.pop("headers", None)), timeout=self.timeout, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return httpx.post(self.base_url + path, json=json, headers=self._headers(kw.pop("headers", None)),
                          timeout=self.timeout, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return httpx.put(self.base_url + path, json=json, headers=self._headers(kw.pop("headers", None)),
                         timeout=self.timeout, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> httpx.Response:
        return httpx.patch(self.base_url + path, json=json, headers=self._headers(kw.pop("headers", None)),
                           timeout=self.timeout, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return httpx.delete(self.base_url + path, headers=self._headers(kw.pop("headers", None)),
                            timeout=self.timeout, **kw)


def api(stack: Stack, service: str, party: str) -> Api:
    return Api(stack.url(service), party)


def parse_xml(content: bytes) -> etree._Element:
    return etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True))


def retourcodes(root: etree._Element) -> dict[str, list[str]]:
    """All RetourCode values in a retour, keyed by the local name of the class that carries them."""
    out: dict[str, list[str]] = {}
    for wrapper in root.iter("{*}RetourCodes"):
        parent = wrapper.getparent()
        name = etree.QName(parent).localname if parent is not None else "?"
        out.setdefault(name, []).extend(c.text or "" for c in wrapper)
    return out


def header_codes(root: etree._Element) -> list[str]:
    return [c.text or "" for c in root.findall("{*}Header/{*}RetourCodes/{*}RetourCode")]
