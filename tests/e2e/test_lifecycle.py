"""The whole toewijzing lifecycle over real HTTP between real processes with real databases, for iJw and iWmo:

315 → 316 → honour → 301 in the aanbieder's mailbox → 302 → 305 → 306 → 317 → 318 → changed 301 → 307 → 308

Every message the platform produces is checked against the official XSD where one exists (the conformance
oracle; the iWmo retours have no official XSD, then the project's schema is the judge), and the declaration
service's copy of the toewijzing is checked through the toewijzing events in the outbox.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

from tests.allocation.conftest import CONTACT, World
from tests.allocation.conftest import world as world  # noqa: PLC0414  (the fixture, shared)
from tests.builders.allocation import (
    Aanvraag,
    Regel,
    TeWijzigen,
    new_ref,
    retour_op,
    start,
    stop,
    vot,
    vow,
)
from tests.conformance import oracle
from tests.support import header_codes, parse_xml, retourcodes
from services.common.clock import today_nl


def conform(xml: bytes, message_type: str) -> None:
    """The project schema accepts it, and the official one (where it exists) agrees."""
    assert oracle.validate(xml, message_type) == [], (message_type, oracle.validate(xml, message_type))
    oracle.assert_same_verdict(xml, message_type, expected=True)


def _ns(root, local):  # type: ignore[no-untyped-def]
    return root.findall(f".//{{*}}{local}")


@pytest.mark.parametrize("domein", ["jeugd", "wmo"])
def test_lifecycle(world: Callable[..., World], domein: str, stack) -> None:  # type: ignore[no-untyped-def]
    w = world(domein=domein)
    p = w.prefix
    today = today_nl()
    ingang = today - timedelta(days=10)
    eind = date(today.year + 1, 12, 31)
    ref = new_ref("VOT")

    # 315 → 316: accepted without remarks; a verzoek waits for the gemeente
    body = vot(w.aanbieder, w.gemeente, w.client(), [Aanvraag(ref, w.categorie, w.code, ingang, eind, omvang=(4, "04", "2"))],
               standard=w.standard)
    conform(body, f"{p}315")
    resp, root = w.send(body)
    conform(resp.content, f"{p}316")
    assert header_codes(root) == [] and resp.headers["Berichten-Oordeel"] == "goedgekeurd"
    [verzoek] = w.verzoeken(status="open")
    assert verzoek["referentieAanbieder"] == ref and verzoek["soort"] == "vot"

    # the gemeente sees the 315 in its mailbox
    assert any(b["id"] == resp.headers["Bericht-Id"] for b in w.nieuwe_berichten(f"{p}315", as_party=w.gemeente))

    # honour → 301 in the aanbieder's mailbox, with the ReferentieAanbieder (TR379)
    honour = w.gem.post(f"/v1/verzoeken/{verzoek['id']}/toewijzingen", json={"contact": CONTACT,
                                                                         "verwijsdatum": ingang.isoformat()})
    assert honour.status_code == 201, honour.text
    antwoord = honour.json()
    assert antwoord["besluit"] == "toegewezen"
    nummer = antwoord["toewijzingen"][0]["toewijzingNummer"]
    mailbox = w.nieuwe_berichten(f"{p}301")
    assert antwoord["berichtId"] in [b["id"] for b in mailbox]
    xml301 = w.inhoud(antwoord["berichtId"])
    conform(xml301, f"{p}301")
    r301 = parse_xml(xml301)
    assert [e.text for e in _ns(r301, "ReferentieAanbieder")] == [ref]
    assert [int(e.text) for e in _ns(r301, "ToewijzingNummer")] == [nummer]
    assert w.aan.post(f"/v1/berichten/{antwoord['berichtId']}/ontvangen").json()["status"] == "ontvangen"

    # 302: the aanbieder's retour, linked to the 301 on the toewijzing's history
    resp, _ = w.send(retour_op(xml301), expect=202)
    assert resp.headers["Berichten-Oordeel"] == "goedgekeurd"
    detail = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert detail["versies"][0]["retour"]["afgekeurd"] is False

    # 305 → 306: the start is registered
    resp, root = w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, ingang)], standard=w.standard))
    conform(resp.content, f"{p}306")
    assert header_codes(root) == []
    detail = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert [(r["soort"], r["status"]) for r in detail["regie"]] == [("start", "actueel")]

    # 317 → 318: more hours from the first of next month (a change of Omvang from a later date)
    vanaf = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    ref2 = new_ref("VOW")
    body = vow(w.aanbieder, w.gemeente, w.bsn, ref2, te_wijzigen=[TeWijzigen(nummer, vanaf, eind, (6, "04", "2"))],
               standard=w.standard)
    conform(body, f"{p}317")
    resp, root = w.send(body)
    conform(resp.content, f"{p}318")
    assert header_codes(root) == [], retourcodes(root)
    [vow_verzoek] = w.verzoeken(status="open")
    assert vow_verzoek["soort"] == "vow"

    # honour → the changed 301: the old toewijzing ends the day before, a successor carries the new Omvang
    honour = w.gem.post(f"/v1/verzoeken/{vow_verzoek['id']}/toewijzingen")
    assert honour.status_code == 201, honour.text
    changed = honour.json()
    xml301b = w.inhoud(changed["berichtId"])
    conform(xml301b, f"{p}301")
    r301b = parse_xml(xml301b)
    producten = {int(tp.findtext("{*}ToewijzingNummer")): tp for tp in _ns(r301b, "ToegewezenProduct")}
    assert set(producten) == {t["toewijzingNummer"] for t in changed["toewijzingen"]} and nummer in producten
    assert producten[nummer].findtext("{*}Einddatum") == (vanaf - timedelta(days=1)).isoformat()
    assert producten[nummer].findtext("{*}RedenWijziging") == "12"
    opvolger = next(n for n in producten if n != nummer)
    assert producten[opvolger].findtext("{*}Ingangsdatum") == vanaf.isoformat()
    assert producten[opvolger].findtext("{*}Omvang/{*}Volume") == "6"
    assert all(tp.findtext("{*}ReferentieAanbieder") == ref2 for tp in producten.values())
    w.send(retour_op(xml301b), expect=202)

    # 307 → 308: the care stops today
    resp, root = w.send(stop(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, ingang, einddatum=today)],
                             standard=w.standard))
    conform(resp.content, f"{p}308")
    assert header_codes(root) == []
    detail = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert [r["soort"] for r in detail["regie"]] == ["start", "stop"]
    assert [v["versie"] for v in detail["versies"]] == [1, 2]

    # every version of the toewijzing went to the declaration service's outbox as an event
    events = _events(stack, nummer, w.gemeente)
    assert [e["versie"] for e in events] == [1, 2]
    assert events[-1]["toewijzing"]["einddatum"] == (vanaf - timedelta(days=1)).isoformat()
    assert events[-1]["toewijzing"]["berichtId"] == changed["berichtId"]


def _events(stack, nummer: int, gemeente: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    import json

    settings = stack.settings("allocation")
    engine = create_engine(settings.resolved_database_url())
    try:
        with engine.connect() as conn:
            schema = settings.resolved_schema()
            if schema:
                conn.execute(text(f'SET search_path TO "{schema}"'))
            rows = conn.execute(text("SELECT payload FROM outbox WHERE kind = 'toewijzing.gewijzigd' ORDER BY id")).all()
    finally:
        engine.dispose()
    events = [json.loads(r[0]) for r in rows]
    return [e for e in events if e["toewijzing"]["toewijzingNummer"] == nummer and e["toewijzing"]["gemeente"] == gemeente]

