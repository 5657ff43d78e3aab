"""The authorization matrix: every route of every service, called as the wrong party, is refused, and no
listing shows another party's data. The routes come from each running service's OpenAPI document, so a new
route fails `test_every_route_has_an_entry` until it has a row here.

Who gets what (the rule, also in the README under "Privacy and security"):
- no token, or an unknown/expired one: 401, before anything else;
- an object (a message, toewijzing, verzoek, declaratie, contract line, agreement, check, verblijf) that exists
  but is outside the caller's scope: 404, exactly what an id that does not exist gets, so existence does not
  leak; never 403 there;
- a role that may never use an operation (an aanbieder on a gemeente-only operation, anyone but the allocation
  service on POST /v1/events): 403, decided from the token alone before any lookup, so it is the same for
  every id, existing or not (each such probe is repeated with an id that does not exist and must get the
  identical answer);
- acting for another party on a collection (a message whose Afzender is someone else, a contract line, check
  or verblijf for another gemeente): 403, there is no object whose existence could leak; an import holding
  such lines is refused whole (400 `import-ongeldig`, every line named);
- a listing or search answers 200 with only the caller's own items, also when filtered on the other party's
  codes or client; it never contains any of the other side's identifiers ("markers", see conftest.py);
- reports (the reporting service's aggregates) filtered on the other party's gemeente or aanbieder answer
  exactly what a filter on codes nobody has answers: nothing of the other party, not even a different count;
- stateless endpoints without party data (validation only, the reason and report catalogues, rule settings)
  are open to every authenticated party.
Each probe runs in both directions: aanbieder B and gemeente Y on the objects of A and X, and A and X on B's
and Y's.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import httpx
import pytest

from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.allocation import Client, Regel, start
from tests.support import parse_xml, retourcodes, token_for

from .conftest import CATEGORIE, CONTACT, DOMEIN, GEBOORTEDATUM, STANDARD, TARIEF, Seed, Side

SERVICES = ("allocation", "declaration", "eligibility", "reporting")
MESSAGE_SERVICES = ("allocation", "declaration")  # the others take no messages and store none
GHOST_ID = "00000000-0000-4000-8000-000000000000"
GHOST_NUMMER = 999_999_999
GHOST_GEMEENTE, GHOST_AANBIEDER = "0999", "19999999"
ROLE = "verkeerde-rol"


@dataclass
class Probe:
    """One call as the wrong party and what must come back.

    kind "refused": `status` (and `code`); with `ghost` the same call on an id that does not exist must
    answer identically. kind "listing": 200 without any of the owner's markers (`owner` repeats the call as
    the owner, who must see at least one of them, so the filter really selects the owner's data). kind
    "open": 200 for everyone authenticated. kind "custom": `check(response)` decides.
    """

    caller: str
    method: str
    path: str
    kind: Literal["refused", "listing", "open", "custom"]
    status: int = 404
    code: str | None = None
    ghost: str | None = None
    ghost_kwargs: dict[str, Any] | None = None
    owner: str | None = None
    check: Callable[[httpx.Response], str | None] | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)


def refused(caller: str, method: str, path: str, status: int = 404, code: str | None = None,
            ghost: str | None = None, ghost_kwargs: dict[str, Any] | None = None, **kwargs: Any) -> Probe:
    if status == 404 and code is None:
        code = "niet-gevonden"
    return Probe(caller, method, path, "refused", status, code, ghost, ghost_kwargs, kwargs=kwargs)


def listing(caller: str, path: str, owner: str | None = None, method: str = "GET", **kwargs: Any) -> Probe:
    return Probe(caller, method, path, "listing", owner=owner, kwargs=kwargs)


def open_to_all(caller: str, method: str, path: str, **kwargs: Any) -> Probe:
    return Probe(caller, method, path, "open", kwargs=kwargs)


def custom(caller: str, method: str, path: str, check: Callable[[httpx.Response], str | None],
           **kwargs: Any) -> Probe:
    return Probe(caller, method, path, "custom", check=check, kwargs=kwargs)


# ---- bodies -------------------------------------------------------------------------------------------
def event_for(own: Side) -> dict[str, Any]:
    """A toewijzing event that would withdraw the owner's toewijzing, if anyone but allocation could send it."""
    return {
        "eventId": GHOST_ID.replace("0000-4000", "0000-4aaa"), "kind": "toewijzing.gewijzigd", "versie": 1000,
        "occurredAt": "2026-01-01T10:00:00Z",
        "toewijzing": {"gemeente": own.gemeente, "aanbieder": own.aanbieder, "domein": DOMEIN, "bsn": own.bsn,
                       "toewijzingNummer": own.nummer, "product": {"categorie": CATEGORIE, "code": own.code},
                       "ingangsdatum": "2021-01-01", "einddatum": "2021-01-01", "redenWijziging": "13",
                       "omvang": None, "budget": None, "status": "verwijderd", "berichtId": None},
    }


def contract_for(gemeente: str, aanbieder: str, code: str) -> dict[str, Any]:
    return {"gemeente": gemeente, "aanbieder": aanbieder, "domein": DOMEIN, "categorie": CATEGORIE, "code": code,
            "naam": "Indringer", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04", "tarief": 1,
            "geldigVanaf": "2020-01-01", "geldigTot": None}


def check_for(own: Side) -> dict[str, Any]:
    return {"bsn": own.bsn, "peildatum": today_nl().isoformat(), "gemeente": own.gemeente, "domein": DOMEIN,
            "aanbieder": own.aanbieder, "product": {"categorie": CATEGORIE, "code": own.code}}


def toewijzing_for(own: Side) -> dict[str, Any]:
    return {"domein": DOMEIN, "aanbieder": own.aanbieder,
            "client": {"bsn": own.bsn, "geboortedatum": GEBOORTEDATUM.isoformat(), "geslacht": "1",
                       "naam": {"achternaam": "Testpersoon"}, "contact": CONTACT},
            "product": {"categorie": CATEGORIE, "code": own.code}, "ingangsdatum": today_nl().isoformat()}


def start_by(intruder: str, own: Side, nummer: int, status: str = "1", begin: date | None = None) -> bytes:
    """A 305 the intruding aanbieder sends in its own name, for the owner's toewijzing (or a ghost one)."""
    return start(intruder, own.gemeente, Client(own.bsn, geboortedatum=GEBOORTEDATUM),
                 [Regel(nummer, begindatum=begin or today_nl(), status=status)], standard=STANDARD)


# ---- checks for custom probes --------------------------------------------------------------------------
def batch_item_refused(resp: httpx.Response) -> str | None:
    if resp.status_code != 200:
        return f"expected 200 with a refused item, got {resp.status_code}"
    item = resp.json()["resultaten"][0]
    if not (isinstance(item.get("fout"), dict) and item["fout"].get("status") == 403):
        return f"a check for another gemeente was answered: {str(item)[:200]}"
    return None


def import_refused(resp: httpx.Response) -> str | None:
    if resp.status_code != 400 or resp.json().get("code") != "import-ongeldig":
        return f"expected 400 import-ongeldig, got {resp.status_code} {resp.text[:200]}"
    codes = {p.get("code") for p in resp.json().get("invalidParams", [])}
    return None if "niet-uw-gemeente" in codes else f"no niet-uw-gemeente in {codes}"


def own_block_only(intruder: str) -> Callable[[httpx.Response], str | None]:
    """A gemeente's write on /betaalblokkades/{aanbieder} only ever touches its own block."""
    def _check(resp: httpx.Response) -> str | None:
        if resp.status_code == 404:
            return None
        if resp.status_code == 200 and resp.json()["gemeente"] == intruder:
            return None
        return f"{resp.status_code} {resp.text[:200]}"
    return _check


# ---- the matrix: route → probes for (seed, owner side, intruder side) ------------------------------------
Entry = Callable[[Seed, Side, Side], list[Probe]]


def _mailbox(service: str) -> dict[str, Entry]:
    def ids(own: Side) -> list[str]:
        decl = [own.bericht_323, own.retour_325]
        if service == "declaration":
            return decl
        if service == "allocation":
            return [i for i in own.message_ids() if i not in decl]
        return own.message_ids()  # a service without messages: every id is unknown there

    def objects(suffix: str, method: str) -> Entry:
        return lambda s, own, oth: [
            refused(p, method, f"/v1/berichten/{i}{suffix}", ghost=f"/v1/berichten/{GHOST_ID}{suffix}")
            for i in ids(own) for p in (oth.aanbieder, oth.gemeente)]

    def post(s: Seed, own: Side, oth: Side) -> list[Probe]:
        body = own.body_323 if service == "declaration" else own.body_305
        if service not in MESSAGE_SERVICES:  # a message for another service is refused before parties are looked at
            return [refused(oth.aanbieder, "POST", "/v1/berichten", 400, "verkeerde-dienst", content=body)]
        probes = [refused(p, "POST", "/v1/berichten", 403, "afzender-niet-toegestaan", content=body)
                  for p in (oth.aanbieder, oth.gemeente)]
        if service == "allocation":
            # in its own name, about the owner's toewijzing: the same retour as for a number that does not exist,
            # for a start and for the removal (StatusAanlevering 3) of the owner's start
            for status, begin in (("1", today_nl()), ("3", own.begin)):
                probes.append(custom(oth.aanbieder, "POST", "/v1/berichten",
                                     _same_retour_as_ghost(s, own, oth, status, begin),
                                     content=start_by(oth.aanbieder, own, own.nummer, status, begin)))
        return probes

    def mailbox(s: Seed, own: Side, oth: Side) -> list[Probe]:
        if service not in MESSAGE_SERVICES:  # no messages of anyone there; the listing shows nothing foreign
            return [listing(p, "/v1/berichten", params={"sinds": s.since}) for p in (oth.aanbieder, oth.gemeente)]
        probes = [listing(p, "/v1/berichten", owner=o, params={"sinds": s.since})
                  for p, o in ((oth.aanbieder, own.aanbieder), (oth.gemeente, own.gemeente))]
        # the mailbox proper: the gemeente has the 315/305/323 there, the aanbieder its 301 (retours are
        # answered in the response, so an aanbieder's declaration mailbox may well be empty)
        probes += [listing(oth.gemeente, "/v1/berichten", owner=own.gemeente,
                           params={"sinds": s.since, "status": "nieuw"}),
                   listing(oth.aanbieder, "/v1/berichten", owner=own.aanbieder if service == "allocation" else None,
                           params={"sinds": s.since, "status": "nieuw"})]
        return probes

    return {
        f"{service} GET /berichten": mailbox,
        f"{service} POST /berichten": post,
        # validation only (any message type, nothing stored, nothing looked up): open to every party
        f"{service} POST /berichten/validaties": lambda s, own, oth: [
            open_to_all(p, "POST", "/v1/berichten/validaties", content=body)
            for p in (oth.aanbieder, oth.gemeente) for body in (own.body_305, own.body_323)],
        f"{service} GET /berichten/{{bericht_id}}": objects("", "GET"),
        f"{service} GET /berichten/{{bericht_id}}/inhoud": objects("/inhoud", "GET"),
        f"{service} POST /berichten/{{bericht_id}}/ontvangen": objects("/ontvangen", "POST"),
    }


def _same_retour_as_ghost(s: Seed, own: Side, oth: Side, status: str,
                          begin: date) -> Callable[[httpx.Response], str | None]:
    def _check(resp: httpx.Response) -> str | None:
        ghost = s.api("allocation", oth.aanbieder).post_xml(start_by(oth.aanbieder, own, GHOST_NUMMER, status, begin))
        if resp.status_code != ghost.status_code:
            return f"status {resp.status_code} for the real toewijzing, {ghost.status_code} for a ghost"
        real, fake = retourcodes(parse_xml(resp.content)), retourcodes(parse_xml(ghost.content))
        return None if real == fake else f"retourcodes differ: {real} vs ghost {fake} (existence leaks)"
    return _check


def _verzoek_answer(action: str, body: dict[str, Any] | None) -> Entry:
    """A gemeente answering a verzoek: another gemeente's is not found, an aanbieder may never answer."""
    def entry(s: Seed, own: Side, oth: Side) -> list[Probe]:
        path, ghost = f"/v1/verzoeken/{own.verzoek_id}/{action}", f"/v1/verzoeken/{GHOST_ID}/{action}"
        return [refused(oth.gemeente, "POST", path, ghost=ghost, json=body),
                refused(oth.aanbieder, "POST", path, 403, ROLE, ghost=ghost, json=body)]
    return entry


def _payments(suffix: str) -> Entry:
    def entry(s: Seed, own: Side, oth: Side) -> list[Probe]:
        path, periode = f"/v1/betalingen{suffix}", {"periode": own.periode}
        narrowed = {**periode, "gemeente": own.gemeente, "aanbieder": own.aanbieder}
        return [listing(oth.aanbieder, path, owner=own.aanbieder, params=periode),
                listing(oth.aanbieder, path, params=narrowed),
                listing(oth.gemeente, path, owner=own.gemeente, params=periode),
                listing(oth.gemeente, path, params=narrowed)]
    return entry


def _regio_only(method: str, path: str) -> Entry:
    def entry(s: Seed, own: Side, oth: Side) -> list[Probe]:
        return [refused(p, method, path, 403, ROLE, params={"periode": own.periode})
                for p in (oth.aanbieder, oth.gemeente, own.gemeente)]
    return entry


MATRIX: dict[str, Entry] = {
    **_mailbox("allocation"),
    **_mailbox("declaration"),
    **_mailbox("eligibility"),
    **_mailbox("reporting"),
    # ---- allocation ---------------------------------------------------------------------------------
    "allocation GET /termijnen": lambda s, own, oth: [
        listing(p, "/v1/termijnen", owner=o, params={"status": "alle"})
        for p, o in ((oth.aanbieder, own.aanbieder), (oth.gemeente, own.gemeente))],
    "allocation GET /toewijzingen": lambda s, own, oth: [
        listing(oth.aanbieder, "/v1/toewijzingen", owner=own.aanbieder, params={"clientId": own.client_id}),
        listing(oth.aanbieder, "/v1/toewijzingen", params={"aanbieder": own.aanbieder}),
        listing(oth.gemeente, "/v1/toewijzingen", owner=own.gemeente, params={"clientId": own.client_id}),
        listing(oth.gemeente, "/v1/toewijzingen", params={"gemeente": own.gemeente, "code": own.code})],
    "allocation POST /toewijzingen": lambda s, own, oth: [
        refused(oth.aanbieder, "POST", "/v1/toewijzingen", 403, ROLE, json=toewijzing_for(own)),
        refused("svc-declaration", "POST", "/v1/toewijzingen", 403, ROLE, json=toewijzing_for(own))],
    "allocation POST /toewijzingen/zoeken": lambda s, own, oth: [
        listing(p, "/v1/toewijzingen/zoeken", owner=o, method="POST", json={"bsn": own.bsn})
        for p, o in ((oth.aanbieder, own.aanbieder), (oth.gemeente, own.gemeente))],
    # A ToewijzingNummer is unique per gemeente only (the other side may well have the same number for its
    # own toewijzing), so every probe names the owner's gemeente, as a regio or a confused client would.
    "allocation GET /toewijzingen/{nummer}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/toewijzingen/{own.nummer}", ghost=f"/v1/toewijzingen/{GHOST_NUMMER}",
                params={"gemeente": own.gemeente, "domein": DOMEIN}) for p in (oth.aanbieder, oth.gemeente)],
    "allocation PATCH /toewijzingen/{nummer}": lambda s, own, oth: [
        refused(oth.gemeente, "PATCH", f"/v1/toewijzingen/{own.nummer}", ghost=f"/v1/toewijzingen/{GHOST_NUMMER}",
                json={"redenWijziging": "04", "einddatum": date(today_nl().year + 2, 12, 31).isoformat(),
                      "gemeente": own.gemeente, "domein": DOMEIN}),
        refused(oth.aanbieder, "PATCH", f"/v1/toewijzingen/{own.nummer}", 403, ROLE,
                ghost=f"/v1/toewijzingen/{GHOST_NUMMER}", json={"redenWijziging": "04", "gemeente": own.gemeente})],
    "allocation DELETE /toewijzingen/{nummer}": lambda s, own, oth: [
        refused(oth.gemeente, "DELETE", f"/v1/toewijzingen/{own.nummer}", ghost=f"/v1/toewijzingen/{GHOST_NUMMER}",
                params={"gemeente": own.gemeente, "domein": DOMEIN}),
        refused(oth.aanbieder, "DELETE", f"/v1/toewijzingen/{own.nummer}", 403, ROLE,
                ghost=f"/v1/toewijzingen/{GHOST_NUMMER}", params={"gemeente": own.gemeente})],
    "allocation GET /verzoeken": lambda s, own, oth: [
        listing(p, "/v1/verzoeken", owner=o, params=q)
        for p, o in ((oth.aanbieder, own.aanbieder), (oth.gemeente, own.gemeente)) for q in ({}, {"status": "open"})],
    "allocation GET /verzoeken/{verzoek_id}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/verzoeken/{own.verzoek_id}", ghost=f"/v1/verzoeken/{GHOST_ID}")
        for p in (oth.aanbieder, oth.gemeente)],
    **{f"allocation POST /verzoeken/{{verzoek_id}}/{action}": _verzoek_answer(action, body)
       for action, body in (("toewijzingen", {}), ("afwijzingen", {"redenAfwijzingVerzoek": "3"}),
                            ("onderzoeken", None))},
    # ---- declaration --------------------------------------------------------------------------------
    "declaration GET /betaalblokkades": lambda s, own, oth: [
        custom(p, "GET", "/v1/betaalblokkades", _no_block_of(own), params={"alleenActief": "false"})
        for p in (oth.aanbieder, oth.gemeente)],
    "declaration PUT /betaalblokkades/{aanbieder}": lambda s, own, oth: [
        custom(oth.gemeente, "PUT", f"/v1/betaalblokkades/{own.aanbieder}", own_block_only(oth.gemeente),
               json={"actief": False, "reden": "Indringer"}),
        refused(oth.aanbieder, "PUT", f"/v1/betaalblokkades/{own.aanbieder}", 403, ROLE,
                ghost=f"/v1/betaalblokkades/{GHOST_AANBIEDER}", json={"actief": True, "reden": "Indringer"})],
    "declaration DELETE /betaalblokkades/{aanbieder}": lambda s, own, oth: [
        custom(oth.gemeente, "DELETE", f"/v1/betaalblokkades/{own.aanbieder}", own_block_only(oth.gemeente)),
        refused(oth.aanbieder, "DELETE", f"/v1/betaalblokkades/{own.aanbieder}", 403, ROLE,
                ghost=f"/v1/betaalblokkades/{GHOST_AANBIEDER}")],
    "declaration GET /betaalschema": lambda s, own, oth: [
        listing(oth.aanbieder, "/v1/betaalschema", params={"jaar": own.periode[:4]}),
        listing(oth.gemeente, "/v1/betaalschema", params={"jaar": own.periode[:4], "gemeente": own.gemeente,
                                                          "aanbieder": own.aanbieder})],
    **{f"declaration GET /betalingen{suffix}": _payments(suffix) for suffix in ("", "/export.csv", "/export.json",
                                                                                 "/regels")},
    "declaration GET /declaraties": lambda s, own, oth: [
        listing(p, "/v1/declaraties", owner=o, params=q)
        for p, o in ((oth.aanbieder, own.aanbieder), (oth.gemeente, own.gemeente))
        for q in ({"declaratieNummer": own.declaratie_nummer}, {"periode": own.periode})],
    "declaration GET /declaraties/{declaratie_id}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/declaraties/{own.declaratie_id}", ghost=f"/v1/declaraties/{GHOST_ID}")
        for p in (oth.aanbieder, oth.gemeente)],
    "declaration GET /declaraties/{declaratie_id}/prestaties": lambda s, own, oth: [
        refused(p, "GET", f"/v1/declaraties/{own.declaratie_id}/prestaties",
                ghost=f"/v1/declaraties/{GHOST_ID}/prestaties") for p in (oth.aanbieder, oth.gemeente)],
    "declaration POST /events": lambda s, own, oth: [
        refused(p, "POST", "/v1/events", 403, ROLE, json=event_for(own)) for p in (oth.aanbieder, oth.gemeente,
                                                                                    own.aanbieder, own.gemeente)] + [
        refused("svc-eligibility", "POST", "/v1/events", 403, "geen-eventbron", json=event_for(own))],
    "declaration POST /events/batch": lambda s, own, oth: [
        refused(p, "POST", "/v1/events/batch", 403, ROLE, json={"events": [event_for(own)]})
        for p in (oth.aanbieder, oth.gemeente, own.aanbieder, own.gemeente)] + [
        refused("svc-eligibility", "POST", "/v1/events/batch", 403, "geen-eventbron",
                json={"events": [event_for(own)]})],
    "declaration GET /toewijzingen/{nummer}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/toewijzingen/{own.nummer}", ghost=f"/v1/toewijzingen/{GHOST_NUMMER}",
                params={"gemeente": own.gemeente, "domein": DOMEIN}) for p in (oth.aanbieder, oth.gemeente)],
    # ---- eligibility --------------------------------------------------------------------------------
    "eligibility GET /checks": lambda s, own, oth: [
        listing(oth.gemeente, "/v1/checks", owner=own.gemeente, params={"vanaf": s.since}),
        listing(oth.gemeente, "/v1/checks", params={"vanaf": s.since, "gemeente": own.gemeente}),
        listing(oth.aanbieder, "/v1/checks", params={"vanaf": s.since, "aanbieder": own.aanbieder})],
    "eligibility POST /checks": lambda s, own, oth: [
        refused(oth.aanbieder, "POST", "/v1/checks", 403, ROLE, json=check_for(own)),
        refused(oth.gemeente, "POST", "/v1/checks", 403, json=check_for(own))],
    "eligibility POST /checks/batch": lambda s, own, oth: [
        refused(oth.aanbieder, "POST", "/v1/checks/batch", 403, ROLE, json={"checks": [check_for(own)]}),
        custom(oth.gemeente, "POST", "/v1/checks/batch", batch_item_refused, json={"checks": [check_for(own)]})],
    "eligibility GET /checks/{check_id}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/checks/{own.check_id}", ghost=f"/v1/checks/{GHOST_ID}")
        for p in (oth.aanbieder, oth.gemeente)],
    "eligibility GET /contractafspraken/{gemeente}/{aanbieder}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/contractafspraken/{own.gemeente}/{own.aanbieder}",
                ghost=f"/v1/contractafspraken/{GHOST_GEMEENTE}/{GHOST_AANBIEDER}") for p in (oth.aanbieder, oth.gemeente)],
    "eligibility PUT /contractafspraken/{gemeente}/{aanbieder}": lambda s, own, oth: [
        refused(p, "PUT", f"/v1/contractafspraken/{own.gemeente}/{own.aanbieder}",
                ghost=f"/v1/contractafspraken/{GHOST_GEMEENTE}/{GHOST_AANBIEDER}",
                json={"clientenstop": True, "werkgebied": [oth.gemeente]}) for p in (oth.aanbieder, oth.gemeente)],
    "eligibility GET /contracten": lambda s, own, oth: [
        listing(oth.aanbieder, "/v1/contracten", owner=own.aanbieder, params={"code": own.code}),
        listing(oth.aanbieder, "/v1/contracten", params={"aanbieder": own.aanbieder, "gemeente": own.gemeente}),
        listing(oth.gemeente, "/v1/contracten", owner=own.gemeente, params={"code": own.code}),
        listing(oth.gemeente, "/v1/contracten", params={"gemeente": own.gemeente, "aanbieder": own.aanbieder})],
    "eligibility POST /contracten": lambda s, own, oth: [
        refused(oth.gemeente, "POST", "/v1/contracten", 403, "niet-uw-gemeente",
                json=contract_for(own.gemeente, own.aanbieder, own.code[:4] + "I")),
        refused(oth.aanbieder, "POST", "/v1/contracten", 403, json=contract_for(own.gemeente, oth.aanbieder, "IND")),
    ],
    "eligibility POST /contracten/import": lambda s, own, oth: [
        custom(p, "POST", "/v1/contracten/import", import_refused, headers={"Content-Type": "application/yaml"},
               content=json.dumps({"contracten": [contract_for(own.gemeente, own.aanbieder, own.code[:4] + "I")],
                                   "afspraken": [{"gemeente": own.gemeente, "aanbieder": own.aanbieder,
                                                  "clientenstop": True}]}).encode(),
               ) for p in (oth.gemeente, oth.aanbieder)],
    "eligibility GET /contracten/{contract_id}": lambda s, own, oth: [
        refused(p, "GET", f"/v1/contracten/{own.contract_id}", ghost=f"/v1/contracten/{GHOST_ID}")
        for p in (oth.aanbieder, oth.gemeente)],
    "eligibility PUT /contracten/{contract_id}": lambda s, own, oth: [
        refused(p, "PUT", f"/v1/contracten/{own.contract_id}", ghost=f"/v1/contracten/{GHOST_ID}",
                json=contract_for(g, own.aanbieder, own.code))
        for p in (oth.aanbieder, oth.gemeente) for g in (own.gemeente, oth.gemeente)],
    "eligibility DELETE /contracten/{contract_id}": lambda s, own, oth: [
        refused(p, "DELETE", f"/v1/contracten/{own.contract_id}", ghost=f"/v1/contracten/{GHOST_ID}")
        for p in (oth.aanbieder, oth.gemeente)],
    "eligibility GET /contractvoorwaarden": lambda s, own, oth: [
        refused(p, "GET", "/v1/contractvoorwaarden", ghost="/v1/contractvoorwaarden",
                params={"gemeente": own.gemeente, "aanbieder": own.aanbieder},
                ghost_kwargs={"params": {"gemeente": GHOST_GEMEENTE, "aanbieder": GHOST_AANBIEDER}})
        for p in (oth.aanbieder, oth.gemeente)],
    "eligibility GET /redenen": lambda s, own, oth: [open_to_all(p, "GET", "/v1/redenen")
                                                     for p in (oth.aanbieder, oth.gemeente)],
    "eligibility GET /regels": lambda s, own, oth: [open_to_all(p, "GET", "/v1/regels", params={"gemeente": own.gemeente})
                                                    for p in (oth.aanbieder, oth.gemeente)],
    "eligibility POST /verblijven": lambda s, own, oth: [
        refused(oth.gemeente, "POST", "/v1/verblijven", 403, "niet-uw-gemeente",
                json={"bsn": own.bsn, "gemeenteVoorVerblijf": own.gemeente}),
        refused(oth.aanbieder, "POST", "/v1/verblijven", 403, ROLE,
                json={"bsn": own.bsn, "gemeenteVoorVerblijf": own.gemeente})],
    "eligibility POST /verblijven/zoeken": lambda s, own, oth: [
        listing(oth.gemeente, "/v1/verblijven/zoeken", owner=own.gemeente, method="POST", json={"bsn": own.bsn}),
        refused(oth.aanbieder, "POST", "/v1/verblijven/zoeken", 403, ROLE, json={"bsn": own.bsn})],
    "eligibility DELETE /verblijven/{verblijf_id}": lambda s, own, oth: [
        refused(oth.gemeente, "DELETE", f"/v1/verblijven/{own.verblijf_id}", ghost=f"/v1/verblijven/{GHOST_ID}"),
        refused(oth.aanbieder, "DELETE", f"/v1/verblijven/{own.verblijf_id}", 403, ROLE,
                ghost=f"/v1/verblijven/{GHOST_ID}")],
    # ---- reporting: aggregates, no objects of their own. A filter on another party's codes selects
    # nothing, so the answer must be the same as for codes nobody has ("ghost"); regio/service-only parts
    # (the pseudonymised feed, the pull) refuse the other roles.
    "reporting GET /rapportages": lambda s, own, oth: [open_to_all(p, "GET", "/v1/rapportages")
                                                       for p in (oth.aanbieder, oth.gemeente)],
    "reporting GET /rapportages/termijnen/verlopen": lambda s, own, oth: _same_as_ghost(
        s, own, oth, "/v1/rapportages/termijnen/verlopen"),
    **{f"reporting GET /feed/{suffix}": _regio_only("GET", f"/v1/feed/{suffix}")
       for suffix in ("velden", "manifest", "{soort}", "{soort}/export.csv")},
    **{f"reporting {method} /synchronisaties": _regio_only(method, "/v1/synchronisaties") for method in ("GET", "POST")},
}

# Rows for routes generated from a registry (every report of the reporting service, and its CSV twin): the
# pattern's * stands for one path segment; the entry gets the concrete path.
PATTERNS: dict[str, Callable[[Seed, Side, Side, str], list[Probe]]] = {
    "reporting GET /rapportages/*": lambda s, own, oth, path: _same_as_ghost(s, own, oth, "/v1" + path),
    "reporting GET /rapportages/*/export.csv": lambda s, own, oth, path: _same_as_ghost(s, own, oth, "/v1" + path),
}


def _apply_pattern(pattern: str, path: str, s: Seed, own: Side, oth: Side) -> list[Probe]:
    return PATTERNS[pattern](s, own, oth, path)


def _pattern_of(key: str) -> str | None:
    for pattern in PATTERNS:
        if re.fullmatch(re.escape(pattern).replace(r"\*", "[^/]+"), key):
            return pattern
    return None


def _same_as_ghost(s: Seed, own: Side, oth: Side, path: str) -> list[Probe]:
    """The intruder filters on the owner's gemeente (or aanbieder) and must get exactly what a filter on codes
    nobody has gives: nothing of the owner's data shows, not even as a different number."""
    def check(params: dict[str, str], ghost_params: dict[str, str], caller: str) -> Callable[[httpx.Response], str | None]:
        def _check(resp: httpx.Response) -> str | None:
            ghost = _call(s.stack, "reporting", caller, "GET", path, params=ghost_params)
            if resp.status_code != ghost.status_code:
                return f"{resp.status_code} for the other party's codes, {ghost.status_code} for a ghost's"
            if resp.status_code != 200:
                return f"{resp.status_code} {resp.text[:200]}"
            if _rows(resp) != _rows(ghost):
                return f"differs from a ghost's answer: {str(_rows(resp))[:300]}"
            return None
        return _check

    probes = []
    for caller, key, value, ghost_value in ((oth.gemeente, "gemeente", own.gemeente, GHOST_GEMEENTE),
                                            (oth.aanbieder, "aanbieder", own.aanbieder, GHOST_AANBIEDER)):
        params, ghost_params = {key: value}, {key: ghost_value}
        probes.append(custom(caller, "GET", path, check(params, ghost_params, caller), params=params))
    return probes


def _rows(resp: httpx.Response) -> Any:
    """What a report answer says, without the echo of the request (filters) and the freshness stamp."""
    if resp.headers.get("content-type", "").startswith("text/csv"):
        return resp.text
    body = resp.json()
    return {k: v for k, v in body.items() if k not in ("filters", "bijgewerktTot", "peildatum")}


def _no_block_of(own: Side) -> Callable[[httpx.Response], str | None]:
    def _check(resp: httpx.Response) -> str | None:
        if resp.status_code != 200:
            return f"{resp.status_code} {resp.text[:200]}"
        leaks = [b for b in resp.json() if b["gemeente"] == own.gemeente and b["aanbieder"] == own.aanbieder]
        return f"another party's betaalblokkade listed: {leaks}" if leaks else None
    return _check


# ---- running probes -----------------------------------------------------------------------------------
def _call(stack: Stack, service: str, caller: str | None, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = dict(kwargs.pop("headers", None) or {})
    if caller is not None:
        headers["Authorization"] = f"Bearer {token_for(caller)}"
    if "content" in kwargs and "Content-Type" not in headers:
        headers["Content-Type"] = "application/xml"
    return httpx.request(method, stack.url(service) + path, headers=headers, timeout=60, **kwargs)


def _all_pages(stack: Stack, service: str, probe: Probe, caller: str) -> list[httpx.Response]:
    """A listing, page by page: the shared stack holds far more than one page for the demo parties."""
    kwargs = {k: (dict(v) if isinstance(v, dict) else v) for k, v in probe.kwargs.items()}
    if probe.method == "GET":
        kwargs.setdefault("params", {}).setdefault("pageSize", 500)  # ignored where a route does not page
    pages = [_call(stack, service, caller, probe.method, probe.path, **kwargs)]
    try:
        body = pages[0].json()
    except ValueError:
        return pages  # CSV: one streamed document
    if not (isinstance(body, dict) and {"count", "page", "pageSize"} <= body.keys()):
        return pages
    size, count = body["pageSize"], body["count"]
    paged = kwargs.setdefault("json" if probe.method == "POST" else "params", {})
    for page in range(2, (count + size - 1) // size + 1):
        paged["page"] = page
        pages.append(_call(stack, service, caller, probe.method, probe.path, **kwargs))
    return pages


def run_probe(seed: Seed, service: str, probe: Probe, own: Side) -> str | None:
    """None when the probe holds, else what went wrong."""
    where = f"{probe.method} {probe.path} as {probe.caller}"
    if probe.kind == "listing":
        markers = own.markers()
        for resp in _all_pages(seed.stack, service, probe, probe.caller):
            if resp.status_code != 200:
                return f"{where}: {resp.status_code} {resp.text[:200]}"
            leaked = [m for m in markers if m in resp.text]
            if leaked:
                return f"{where}: shows the other party's data {leaked[:3]}"
        if probe.owner is not None:
            texts = "".join(r.text for r in _all_pages(seed.stack, service, probe, probe.owner))
            if not any(m in texts for m in markers):
                return f"{where}: the owner {probe.owner} does not see its own data either (the probe proves nothing)"
        return None
    resp = _call(seed.stack, service, probe.caller, probe.method, probe.path, **probe.kwargs)
    if resp.status_code >= 500:
        return f"{where}: {resp.status_code} {resp.text[:200]}"
    if probe.kind == "open":
        return None if resp.status_code == 200 else f"{where}: {resp.status_code} {resp.text[:200]}"
    if probe.kind == "custom":
        assert probe.check is not None
        problem = probe.check(resp)
        return f"{where}: {problem}" if problem else None
    if resp.status_code != probe.status:
        return f"{where}: expected {probe.status}, got {resp.status_code} {resp.text[:200]}"
    if not resp.headers.get("content-type", "").startswith("application/problem+json"):
        return f"{where}: the refusal is not problem+json"
    code = resp.json().get("code")
    if probe.code and code != probe.code:
        return f"{where}: expected problem code {probe.code}, got {code}"
    if probe.ghost:
        ghost_kwargs = probe.ghost_kwargs if probe.ghost_kwargs is not None else probe.kwargs
        ghost = _call(seed.stack, service, probe.caller, probe.method, probe.ghost, **ghost_kwargs)
        same = ghost.status_code == resp.status_code and ghost.json().get("code") == code
        if not same:
            return (f"{where}: answers {resp.status_code} {code} for an existing object but {ghost.status_code} "
                    f"{ghost.json().get('code')} for one that does not exist: existence leaks")
    return None


def _routes(stack: Stack, service: str) -> list[tuple[str, str]]:
    doc = httpx.get(stack.url(service) + "/v1/openapi.json", timeout=30).json()
    return [(method.upper(), path) for path, ops in doc["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")]


# ---- tests --------------------------------------------------------------------------------------------
def _published(stack: Stack) -> set[str]:
    return {f"{service} {method} {path}" for service in SERVICES if service in stack.procs
            for method, path in _routes(stack, service)}


def test_every_route_has_an_entry(stack: Stack) -> None:
    published = _published(stack)
    missing = sorted(k for k in published - set(MATRIX) if _pattern_of(k) is None)
    stale = sorted(k for k in set(MATRIX) - published if k.split(" ", 1)[0] in stack.procs)
    unused = sorted(p for p in PATTERNS if not any(_pattern_of(k) == p for k in published - set(MATRIX)))
    assert not missing, f"routes without a row in the authorization matrix: {missing}"
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"
    assert not unused, f"pattern rows that match no route: {unused}"


@pytest.mark.parametrize("route", sorted(MATRIX) + sorted(PATTERNS))
def test_wrong_party_is_refused(seed: Seed, route: str) -> None:
    service = route.split(" ", 1)[0]
    if service not in seed.stack.procs:
        pytest.skip(f"{service} is not part of this stack")
    if route in MATRIX:
        entries: list[Entry] = [MATRIX[route]]
    else:  # every published route this pattern stands for
        published = sorted(k for k in _published(seed.stack) - set(MATRIX) if _pattern_of(k) == route)
        assert published, f"{route}: matches no route"
        entries = [functools.partial(_apply_pattern, route, k.split(" ", 2)[2]) for k in published]
    failures = []
    for entry in entries:
        for own, other in ((seed.a, seed.b), (seed.b, seed.a)):
            probes = entry(seed, own, other)
            assert probes, f"{route}: no probes"
            for probe in probes:
                problem = run_probe(seed, service, probe, own)
                if problem:
                    failures.append(problem)
    assert not failures, "\n".join(failures)


def test_reporting_filters_select_the_owners_own_figures(seed: Seed) -> None:
    """The control for the reporting rows: the owner, filtering on its own gemeente, does get other figures
    than for a ghost gemeente, so "the same as a ghost" above really means "nothing of the owner's"."""
    if "reporting" not in seed.stack.procs:
        pytest.skip("no reporting service in this stack")
    for side in (seed.a, seed.b):
        own = _call(seed.stack, "reporting", side.gemeente, "GET", "/v1/rapportages/zorggebruik",
                    params={"gemeente": side.gemeente})
        ghost = _call(seed.stack, "reporting", side.gemeente, "GET", "/v1/rapportages/zorggebruik",
                      params={"gemeente": GHOST_GEMEENTE})
        assert own.status_code == ghost.status_code == 200, (own.text[:300], ghost.text[:300])
        assert _rows(own) != _rows(ghost), "the owner's own figures equal a ghost's: the pull missed the seed"


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_wants_a_valid_token(stack: Stack, service: str) -> None:
    if service not in stack.procs:
        pytest.skip(f"{service} is not part of this stack")
    failures = []
    for method, path in _routes(stack, service):
        concrete = (path.replace("{gemeente}", "0141").replace("{aanbieder}", "11110001").replace("{nummer}", "1")
                    .replace("{bericht_id}", GHOST_ID).replace("{verzoek_id}", GHOST_ID)
                    .replace("{declaratie_id}", GHOST_ID).replace("{contract_id}", GHOST_ID)
                    .replace("{check_id}", GHOST_ID).replace("{verblijf_id}", GHOST_ID)
                    .replace("{soort}", "toewijzingen"))
        assert "{" not in concrete, f"no value for a path parameter of {path}"
        for headers in ({}, {"Authorization": "Bearer niet-een-geldig-token"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
            resp = httpx.request(method, stack.url(service) + "/v1" + concrete, headers=headers, timeout=30)
            if resp.status_code != 401 or not resp.headers.get("content-type", "").startswith("application/problem+json"):
                failures.append(f"{method} {path} with {headers or 'no token'}: {resp.status_code}")
            elif resp.headers.get("WWW-Authenticate") != "Bearer":
                failures.append(f"{method} {path}: 401 without WWW-Authenticate: Bearer")
    assert not failures, "\n".join(failures)


def test_nothing_of_the_owners_changed(seed: Seed) -> None:
    """After every wrong-party write above, each side's data is exactly as its owner left it."""
    for side in (seed.a, seed.b):
        g, a = side.gemeente, side.aanbieder
        tw = seed.api("allocation", g).get(f"/v1/toewijzingen/{side.nummer}", params={"gemeente": g, "domein": DOMEIN})
        assert tw.status_code == 200 and tw.json()["versie"] == side.versie and tw.json()["status"] == "actief"
        assert [(r["soort"], r["status"]) for r in tw.json()["regie"]] == [("start", "actueel")]
        copy = seed.api("declaration", g).get(f"/v1/toewijzingen/{side.nummer}", params={"gemeente": g, "domein": DOMEIN})
        assert copy.status_code == 200 and copy.json()["versie"] == side.versie and copy.json()["status"] == "actief"
        assert seed.api("allocation", a).get(f"/v1/berichten/{side.bericht_301}").json()["status"] == "nieuw"
        assert seed.api("allocation", g).get(f"/v1/berichten/{side.bericht_315}").json()["status"] == "nieuw"
        assert seed.api("declaration", g).get(f"/v1/berichten/{side.bericht_323}").json()["status"] == "nieuw"
        assert seed.api("allocation", g).get(f"/v1/verzoeken/{side.verzoek_id}").json()["status"] == "open"
        assert seed.api("declaration", g).get(f"/v1/declaraties/{side.declaratie_id}").status_code == 200
        line = seed.api("eligibility", g).get(f"/v1/contracten/{side.contract_id}").json()
        assert (line["gemeente"], line["aanbieder"], line["code"], line["tarief"]) == (g, a, side.code, TARIEF)
        lines = seed.api("eligibility", g).get("/v1/contracten", params={"gemeente": g, "aanbieder": a,
                                                                          "categorie": CATEGORIE}).json()
        assert not [x for x in lines["results"] if x["naam"] == "Indringer"]
        assert seed.api("eligibility", g).get(f"/v1/contractafspraken/{g}/{a}").json() == side.afspraak
        verblijven = seed.api("eligibility", g).post("/v1/verblijven/zoeken", json={"bsn": side.bsn}).json()
        assert [v["id"] for v in verblijven["results"]] == [side.verblijf_id]
        assert seed.api("eligibility", g).get(f"/v1/checks/{side.check_id}").status_code == 200
    blocks = seed.api("declaration", seed.a.gemeente).get("/v1/betaalblokkades").json()
    assert [(b["aanbieder"], b["reden"]) for b in blocks if b["aanbieder"] == seed.a.aanbieder] == [
        (seed.a.aanbieder, "Autorisatietest")]
