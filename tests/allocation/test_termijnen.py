"""Deadlines in werkdagen across Dutch public holidays (Koningsdag, Pasen, Kerst, Bevrijdingsdag) and the
GET /v1/termijnen endpoint with the overdue gauge."""
from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from services.allocation import deadlines as d
from services.allocation.deadlines import WerkdagKalender
from services.common.clock import today_nl
from tests.builders.allocation import Aanvraag, Regel, new_ref, retour_op, start, vot
from tests.support import api

from .conftest import World

WET = WerkdagKalender("termijnenwet")
HOL = WerkdagKalender("holidays")


@pytest.mark.parametrize("kal", [WET, HOL])
def test_koningsdag(kal: WerkdagKalender) -> None:
    # OP274: 315 received Thursday 23 April 2026; Koningsdag is Monday 27 April
    assert not kal.is_werkdag(date(2026, 4, 27))
    assert d.antwoord_verzoek_uiterlijk(kal, date(2026, 4, 23)) == date(2026, 5, 1)


def test_koningsdag_on_sunday_moves_to_saturday() -> None:
    # 27 April 2025 was a Sunday: Koningsdag on Saturday 26 April, so Monday 28 April is a werkdag
    assert WET.is_werkdag(date(2025, 4, 28))
    assert d.retour_uiterlijk(WET, date(2025, 4, 25)) == date(2025, 4, 30)


def test_pasen_termijnenwet_goede_vrijdag_is_a_werkdag() -> None:
    # OP090 from Thursday 2 April 2026: Goede Vrijdag (3 April) counts, tweede Paasdag (6 April) does not
    assert WET.is_werkdag(date(2026, 4, 3)) and not WET.is_werkdag(date(2026, 4, 6))
    assert d.retour_uiterlijk(WET, date(2026, 4, 2)) == date(2026, 4, 8)


def test_pasen_holidays_policy_goede_vrijdag_is_off() -> None:
    assert not HOL.is_werkdag(date(2026, 4, 3))
    assert d.retour_uiterlijk(HOL, date(2026, 4, 2)) == date(2026, 4, 9)


@pytest.mark.parametrize("kal", [WET, HOL])
def test_kerst_and_nieuwjaar_across_the_year(kal: WerkdagKalender) -> None:
    # OP271 from Wednesday 24 December 2025: both Kerstdagen (Thu/Fri) and Nieuwjaarsdag are skipped
    assert d.start_stop_uiterlijk(kal, date(2025, 12, 24)) == date(2026, 1, 5)
    # 2026: Kerst on Friday, Tweede Kerstdag on Saturday
    assert d.retour_uiterlijk(kal, date(2026, 12, 23)) == date(2026, 12, 29)


def test_bevrijdingsdag_policies() -> None:
    # 5 May 2026 (a Tuesday, not a lustrum year): a feestdag under the Algemene termijnenwet, a werkdag per holidays
    assert not WET.is_werkdag(date(2026, 5, 5)) and HOL.is_werkdag(date(2026, 5, 5))
    assert WET.plus_werkdagen(date(2026, 5, 4), 1) == date(2026, 5, 6)
    assert HOL.plus_werkdagen(date(2026, 5, 4), 1) == date(2026, 5, 5)
    # lustrum year 2025: off in both
    assert not WET.is_werkdag(date(2025, 5, 5)) and not HOL.is_werkdag(date(2025, 5, 5))


def test_hemelvaart_and_pinksteren() -> None:
    assert not WET.is_werkdag(date(2026, 5, 14)) and not WET.is_werkdag(date(2026, 5, 25))
    assert d.antwoord_verzoek_uiterlijk(WET, date(2026, 5, 13)) == date(2026, 5, 21)


def test_weeks_and_counting() -> None:
    assert d.in_onderzoek_uiterlijk(date(2026, 3, 2)) == date(2026, 4, 27)  # 8 weeks, holidays do not matter
    assert d.woonplaatsbeginsel_uiterlijk(date(2026, 3, 2)) == date(2026, 3, 16)
    assert WET.plus_werkdagen(date(2026, 4, 25), 0) == date(2026, 4, 28)  # Saturday → next werkdag (Koningsdag skipped)
    assert WET.werkdagen_tussen(date(2026, 4, 24), date(2026, 5, 1)) == 4
    assert d.termijn_status(date(2026, 5, 1), date(2026, 5, 2), WET, 2) == "verlopen"
    assert d.termijn_status(date(2026, 5, 1), date(2026, 4, 29), WET, 2) == "binnenkort"
    assert d.termijn_status(date(2026, 5, 1), date(2026, 4, 20), WET, 2) == "open"


# ---- the endpoint -------------------------------------------------------------------------------
TODAY = today_nl()


def _termijnen(w: World, **params) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    resp = w.gem.get("/v1/termijnen", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["results"]


def test_open_verzoek_becomes_overdue(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    w.send(vot(w.aanbieder, w.gemeente, w.client(), [Aanvraag(new_ref(), w.categorie, w.code, TODAY,
                                                              TODAY + timedelta(days=60), omvang=(2, "04", "2"))]))
    [v] = w.verzoeken()
    uiterlijk = date.fromisoformat(v["uiterlijk"])
    assert uiterlijk == d.antwoord_verzoek_uiterlijk(WET, TODAY)
    alle = [t for t in _termijnen(w, status="alle") if t.get("verzoekId") == v["id"]]
    assert [(t["soort"], t["regel"], t["verantwoordelijke"]) for t in alle] == [("antwoord-op-verzoek", "OP274", "gemeente")]
    later = [t for t in _termijnen(w, peildatum=(uiterlijk + timedelta(days=1)).isoformat()) if t.get("verzoekId") == v["id"]]
    assert [t["status"] for t in later] == ["verlopen"]
    # another gemeente does not see it
    other = api(w.stack, "allocation", "0153").get("/v1/termijnen", params={"status": "alle"}).json()["results"]
    assert v["id"] not in [t.get("verzoekId") for t in other]


def test_retour_and_start_obligations_of_the_aanbieder(world) -> None:  # type: ignore[no-untyped-def]
    w: World = world()
    ingang = TODAY - timedelta(days=20)
    out = w.toewijzing(ingangsdatum=ingang.isoformat())
    nummer = out["toewijzing"]["toewijzingNummer"]
    far = (TODAY + timedelta(days=30)).isoformat()
    mine = lambda items: [(t["soort"], t["regel"]) for t in items
                          if t.get("toewijzingNummer") == nummer or t.get("berichtId") == out["berichtId"]]
    assert sorted(mine(_termijnen(w, peildatum=far))) == [("retour-op-toewijzing", "OP090"), ("start-zorg", "OP271")]
    # the aanbieder sees them too
    assert sorted(mine(w.aan.get("/v1/termijnen", params={"peildatum": far}).json()["results"])) == [
        ("retour-op-toewijzing", "OP090"), ("start-zorg", "OP271")]
    w.send(retour_op(w.inhoud(out["berichtId"])), expect=202)
    w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, ingang)]))
    assert mine(_termijnen(w, peildatum=far)) == []


def test_overdue_gauge_is_exported(world, stack) -> None:  # type: ignore[no-untyped-def]
    metrics = httpx.get(stack.url("allocation") + "/metrics", timeout=10).text
    assert 'deadlines_overdue{kind="start-zorg",service="allocation"}' in metrics


def test_OP271_start_term_runs_from_the_toewijzing_when_assigned_with_terugwerkende_kracht(world) -> None:  # type: ignore[no-untyped-def]
    """A toewijzing sent today from 20 days ago: the 305 is due 5 werkdagen after receipt of the 301, not 5
    werkdagen after the ingangsdatum. One sent ahead of its ingangsdatum: 5 werkdagen after that date."""
    far = (TODAY + timedelta(days=60)).isoformat()

    def start_termijn(w: World, nummer: int) -> tuple[str, str]:
        [t] = [t for t in _termijnen(w, peildatum=far) if t.get("toewijzingNummer") == nummer and t["soort"] == "start-zorg"]
        return t["sinds"], t["uiterlijk"]

    terug = world()
    nummer = terug.toewijzing(ingangsdatum=(TODAY - timedelta(days=20)).isoformat())["toewijzing"]["toewijzingNummer"]
    assert start_termijn(terug, nummer) == (TODAY.isoformat(), d.start_stop_uiterlijk(WET, TODAY).isoformat())

    vooruit = world()
    ingang = TODAY + timedelta(days=10)
    nummer = vooruit.toewijzing(ingangsdatum=ingang.isoformat())["toewijzing"]["toewijzingNummer"]
    assert start_termijn(vooruit, nummer) == (ingang.isoformat(), d.start_stop_uiterlijk(WET, ingang).isoformat())


def test_OP359_a_refusal_on_the_woonplaatsbeginsel_is_due_within_2_weeks(world) -> None:  # type: ignore[no-untyped-def]
    """Once honouring is refused because another gemeente pays (woonplaatsbeginsel), the refusal is due 2 weeks
    after receipt, also while the verzoek is 'in onderzoek' (whose own term is 8 weeks); the 319 ends it."""
    w: World = world(woongemeente="0153")  # inscribed in Enschede: Enschede pays
    w.send(vot(w.aanbieder, w.gemeente, w.client(), [Aanvraag(new_ref(), w.categorie, w.code, TODAY,
                                                              TODAY + timedelta(days=60), omvang=(2, "04", "2"))]))
    [v] = w.verzoeken()
    mine = lambda **params: {t["soort"]: t for t in _termijnen(w, **params) if t.get("verzoekId") == v["id"]}
    assert set(mine(status="alle")) == {"antwoord-op-verzoek"}  # nothing known yet about who pays
    assert w.gem.post(f"/v1/verzoeken/{v['id']}/onderzoeken").status_code == 201
    refused = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"verwijsdatum": TODAY.isoformat()})
    assert refused.status_code == 422, refused.text
    assert "8" in [r.get("redenAfwijzingVerzoek") for r in refused.json()["redenen"]]
    [v] = w.verzoeken()
    assert v["status"] == "in_onderzoek" and v["woonplaatsbeginsel"] == "0153"
    items = mine(status="alle")
    assert set(items) == {"antwoord-na-onderzoek", "afwijzing-woonplaatsbeginsel"}
    op359 = items["afwijzing-woonplaatsbeginsel"]
    assert (op359["regel"], op359["verantwoordelijke"]) == ("OP359", "gemeente")
    assert date.fromisoformat(op359["uiterlijk"]) == TODAY + timedelta(weeks=2) == d.woonplaatsbeginsel_uiterlijk(TODAY)
    later = mine(status="alle", peildatum=(TODAY + timedelta(days=15)).isoformat())
    assert later["afwijzing-woonplaatsbeginsel"]["status"] == "verlopen"
    assert later["antwoord-na-onderzoek"]["status"] == "open"  # 8 weeks: not yet
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "8", "gemeente": "0153"})
    assert resp.status_code == 201, resp.text
    assert mine(status="alle") == {}
