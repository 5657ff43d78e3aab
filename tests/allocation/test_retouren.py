"""302 and 320: the aanbieder's retours on our 301 and 319, stored, linked, and a rejection made visible."""
from __future__ import annotations

from datetime import timedelta

from lxml import etree

from tests.builders.allocation import Aanvraag, RetourCodes, new_ref, retour_op, vot
from tests.support import api

from .conftest import World
from services.common.clock import today_nl

TODAY = today_nl()


def test_302_without_remarks_is_linked_to_its_301(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    out = w.toewijzing()
    nummer = out["toewijzing"]["toewijzingNummer"]
    resp, _ = w.send(retour_op(w.inhoud(out["berichtId"])), expect=202)
    assert resp.headers["Berichten-Oordeel"] == "goedgekeurd" and resp.content == b""
    retour = w.gem.get(f"/v1/toewijzingen/{nummer}").json()["versies"][0]["retour"]
    assert retour["berichtId"] == resp.headers["Bericht-Id"] and retour["afgekeurd"] is False


def test_302_with_rejection_is_visible_to_the_gemeente(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    out = w.toewijzing()
    nummer = out["toewijzing"]["toewijzingNummer"]
    body = retour_op(w.inhoud(out["berichtId"]), RetourCodes(producten={nummer: ["9332"]}))
    resp, _ = w.send(body, expect=202)
    assert resp.headers["Berichten-Oordeel"] == "afgekeurd"
    retour = w.gem.get(f"/v1/toewijzingen/{nummer}").json()["versies"][0]["retour"]
    assert retour["afgekeurd"] is True and retour["retourcodes"]["ToegewezenProduct"] == ["9332"]
    mailbox = w.nieuwe_berichten(f"{w.prefix}302", as_party=w.gemeente)
    [meta] = [m for m in mailbox if m["id"] == resp.headers["Bericht-Id"]]
    assert meta["oordeel"] == "afgekeurd"
    # the same 302 again is an idempotent replay, not a second retour
    again, _ = w.send(body, expect=202)
    assert again.headers["Idempotent-Replay"] == "true"


def test_302_on_a_301_never_sent_to_this_aanbieder_is_kept_unlinked(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    out = w.toewijzing()
    root = etree.fromstring(retour_op(w.inhoud(out["berichtId"])))
    root.find("{*}Header/{*}BerichtIdentificatie/{*}Identificatie").text = "ONBEKEND0001"
    resp, _ = w.send(etree.tostring(root, xml_declaration=True, encoding="UTF-8"), expect=202)
    assert resp.headers["Berichten-Oordeel"] == "niet-gekoppeld"


def test_320_on_a_319(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    w.send(vot(w.aanbieder, w.gemeente, w.client(), [Aanvraag(new_ref(), w.categorie, w.code, TODAY, TODAY + timedelta(days=90),
                                                              omvang=(2, "04", "2"))]))
    [v] = w.verzoeken()
    answer = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "8", "gemeente": "0153"})
    assert answer.status_code == 201
    xml319 = w.inhoud(answer.json()["berichtId"])
    resp, _ = w.send(retour_op(xml319), expect=202)
    assert resp.headers["Berichten-Oordeel"] == "goedgekeurd"
    termijnen = w.gem.get("/v1/termijnen", params={"status": "alle", "soort": "retour-op-antwoord",
                                                   "peildatum": (TODAY + timedelta(days=30)).isoformat()}).json()
    assert answer.json()["berichtId"] not in [t.get("berichtId") for t in termijnen["results"]]


def test_another_aanbieder_cannot_answer_for_the_recipient(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    out = w.toewijzing()
    body = retour_op(w.inhoud(out["berichtId"]))
    resp = api(w.stack, "allocation", "11110002").post_xml(body)
    assert resp.status_code == 403
