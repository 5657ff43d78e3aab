"""315 verzoek om toewijzing and 317 verzoek om wijziging: every rule with an offending message posted over
HTTP and the exact retourcode asserted; and the gemeente's answers (301, 319 afgewezen, 319 in onderzoek)
with the answer rules TR359, TR360, TR365 and TR377."""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from tests.builders.allocation import Aanvraag, Nieuw, TeWijzigen, new_ref, vot, vow
from tests.conformance import oracle
from tests.support import header_codes, parse_xml, retourcodes

from .conftest import CONTACT, World, new_code, toegewezen_producten, valid_301
from services.common.clock import today_nl

TODAY = today_nl()
INGANG = TODAY + timedelta(days=7)
EIND = date(TODAY.year + 1, 12, 31)


def _aanvraag(w: World, **kw) -> Aanvraag:  # type: ignore[no-untyped-def]
    base = dict(referentie=new_ref(), categorie=w.categorie, code=w.code, ingangsdatum=INGANG, einddatum=EIND,
                omvang=(4, w.eenheid or "04", "2"))
    base.update(kw)
    return Aanvraag(**base)  # type: ignore[arg-type]


def _vot(w: World, *aanvragen: Aanvraag, **kw) -> tuple[dict[str, list[str]], object]:  # type: ignore[no-untyped-def]
    resp, root = w.send(vot(w.aanbieder, w.gemeente, w.client(), list(aanvragen) or [_aanvraag(w)],
                            standard=w.standard, **kw))
    return retourcodes(root), resp


def _rejected(resp, rule: str) -> None:  # type: ignore[no-untyped-def]
    root = parse_xml(resp.content)
    assert header_codes(root) == ["0001"] and root.find("{*}Client") is None
    assert rule in resp.headers["Afkeur-Regels"].split(",")


# ---- 315 --------------------------------------------------------------------------------------
def test_vot_accepted_creates_open_verzoek_with_deadline(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    codes, resp = _vot(w)
    assert codes == {} and resp.headers["Berichten-Oordeel"] == "goedgekeurd"
    [v] = w.verzoeken()
    assert v["status"] == "open" and v["voorcontrole"] == "ok"
    assert date.fromisoformat(v["uiterlijk"]) > TODAY  # OP274: 5 werkdagen
    assert v["berichtId"] == resp.headers["Bericht-Id"]


def test_TR347_referentie_used_before(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    a = _aanvraag(w)
    assert _vot(w, a)[0] == {}
    w.gem.post(f"/v1/verzoeken/{w.verzoeken()[0]['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "7"})
    codes, _ = _vot(w, _aanvraag(w, referentie=a.referentie))
    assert codes["AangevraagdProduct"] == ["9347"]
    assert codes["Client"] == ["0200"]


def test_TR347_only_the_product_with_the_used_reference_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    first = _aanvraag(w)
    assert _vot(w, first)[0] == {}
    w.gem.post(f"/v1/verzoeken/{w.verzoeken()[0]['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "7"})
    later = _aanvraag(w, ingangsdatum=EIND - timedelta(days=30), einddatum=EIND)
    codes, _ = _vot(w, _aanvraag(w, referentie=first.referentie, einddatum=EIND - timedelta(days=31)), later)
    assert codes["AangevraagdProduct"] == ["9347", "0200"]
    assert [v["referentieAanbieder"] for v in w.verzoeken(status="open")] == [later.referentie]


def test_TR347_concurrent_verzoeken_with_one_reference(world) -> None:  # type: ignore[no-untyped-def]
    """Two aanbieder systems race with the same ReferentieAanbieder: the unique constraint lets one win."""
    ref = new_ref()
    worlds = [world(), world()]
    bodies = [vot(w.aanbieder, w.gemeente, w.client(), [_aanvraag(w, referentie=ref)]) for w in worlds]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda wb: wb[0].send(wb[1]), zip(worlds, bodies)))
    codes = sorted(str(retourcodes(root).get("AangevraagdProduct")) for _, root in results)
    assert codes == ["None", "['9347']"]


def test_TR374_verzoek_while_another_is_open(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    assert _vot(w)[0] == {}
    codes, _ = _vot(w, _aanvraag(w, ingangsdatum=EIND - timedelta(days=10)))
    assert codes["Client"] == ["9374"]


def test_TR374_new_verzoek_after_answer_is_allowed(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    assert _vot(w)[0] == {}
    w.gem.post(f"/v1/verzoeken/{w.verzoeken()[0]['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "7"})
    assert _vot(w)[0] == {}


def test_TR383_reference_twice_in_one_message(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    a = _aanvraag(w, einddatum=INGANG + timedelta(days=30))
    b = _aanvraag(w, referentie=a.referentie, ingangsdatum=INGANG + timedelta(days=60))
    _, resp = _vot(w, a, b)
    _rejected(resp, "TR383")


def test_TR386_overlapping_periods_of_one_product(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _, resp = _vot(w, _aanvraag(w), _aanvraag(w, ingangsdatum=INGANG + timedelta(days=30)))
    _rejected(resp, "TR386")


@pytest.mark.parametrize("rule, kw", [
    ("CD041", dict(omvang=None, budget=None)),  # product code without Omvang
    ("CD077", dict(budget=100_000)),  # Omvang and Budget together (CD078 is the same condition seen from Budget)
    ("CD075", dict(omvang=None, code=None, budget=100_000, einddatum=None)),  # Budget without einddatum
    ("CD076", dict(einddatum=None)),  # per week without einddatum
    ("CS003", dict(einddatum=INGANG - timedelta(days=1))),  # einddatum before ingangsdatum
    ("CS343", dict(omvang=(2, "14", "1"))),  # etmaal per dag
    ("CD079", dict(categorie=None, code=None, omvang=None, budget=None)),  # neither product nor budget
    ("CD095", dict(code=None)),  # aspecifiek (no code) with Omvang
    ("CD068", dict(verwijzer=("06", None, "01234567"))),  # zelfverwijzer with a ZorgverlenerCode
    ("CD067", dict(verwijzer=("02", None, None))),  # huisarts without name or code
    ("CD066", dict(verwijzer=("02", "Huisarts Jansen", "01234567"))),  # both name and ZorgverlenerCode
])
def test_vot_conditions_reject_the_message(world, rule: str, kw) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _, resp = _vot(w, _aanvraag(w, **kw))
    _rejected(resp, rule)
    assert w.verzoeken() == []


# ---- point 4: the uitvoeringsvariant decides ------------------------------------------------------
def _319(w: World) -> object:
    """The 319 on this world's verzoek, from the aanbieder's mailbox (validated against the XSD)."""
    [v] = w.verzoeken()
    xml = w.inhoud(v["antwoordBerichtId"])
    assert oracle.validate(xml, f"{w.prefix}319") == []
    oracle.assert_same_verdict(xml, f"{w.prefix}319", expected=True)
    return parse_xml(xml)


def test_vot_for_taakgericht_product_is_refused_with_319(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="taakgericht", eenheid=None, aanbieder="11110003")
    codes, resp = _vot(w, _aanvraag(w, omvang=(4, "04", "2")))
    assert codes == {}  # the 316 judges the message; the contract decides the answer
    [v] = w.verzoeken()
    assert v["status"] == "afgewezen" and v["redenAfwijzing"] == "4" and v["voorcontroleCodes"] == ["TAAKGERICHT"]
    root = _319(w)
    assert root.findtext("{*}Antwoord/{*}VerzoekAntwoord") == "1"
    assert root.findtext("{*}Antwoord/{*}RedenAfwijzingVerzoek") == "4"


def test_a_contract_line_added_after_the_terms_were_cached_decides_at_once(world) -> None:  # type: ignore[no-untyped-def]
    """The contract pre-check reads cached terms. Once an aspecifieke taakgericht line for the whole categorie
    is in the cache, a specific inspanningsgericht line added afterwards must decide the next verzoek for its
    code: a hit on the aspecifieke line is asked again, like a miss (otherwise a 319 "taakgericht" follows)."""
    pair = dict(gemeente="0153", aanbieder="11110006")  # no other test gives this pair an aspecifieke line
    w = world(variant="taakgericht", eenheid=None, code=None, **pair)
    _vot(w, _aanvraag(w, omvang=(4, "04", "2")))
    [v] = w.verzoeken()
    assert v["voorcontroleCodes"] == ["TAAKGERICHT"]  # the aspecifieke line, now cached
    w2 = world(variant="inspanningsgericht", eenheid="04", **pair)  # its own code, added just now
    _vot(w2, _aanvraag(w2, omvang=(4, "04", "2")))
    [v2] = w2.verzoeken()
    assert v2["status"] == "open" and v2["voorcontrole"] == "ok", v2


def test_vot_with_output_unit_for_inspanningsgericht_product_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="inspanningsgericht", aanbieder="11110004")
    _vot(w, _aanvraag(w, omvang=(3, "82", "4")))
    [v] = w.verzoeken()
    assert v["status"] == "afgewezen" and v["voorcontroleCodes"] == ["EENHEID_PAST_NIET"]
    assert _319(w).findtext("{*}Antwoord/{*}RedenAfwijzingVerzoek") == "4"


def test_vot_with_time_unit_for_outputgericht_product_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="outputgericht", eenheid="82", aanbieder="11110005")
    _vot(w, _aanvraag(w, omvang=(3, "04", "2")))
    [v] = w.verzoeken()
    assert v["status"] == "afgewezen" and v["redenAfwijzing"] == "4"


def test_vot_outputgericht_in_stuks_is_accepted(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="outputgericht", eenheid="82")
    _vot(w, _aanvraag(w, omvang=(1, "82", "6")))
    [v] = w.verzoeken()
    assert v["status"] == "open" and v["voorcontrole"] == "ok"


def test_vot_while_eligibility_is_down_is_kept_and_checked_later(world, stack) -> None:  # type: ignore[no-untyped-def]
    """The 315 is accepted with its 316 even when the contract cannot be read; the check follows later."""
    w = world(variant="taakgericht", eenheid=None, aanbieder="11110002")
    stack.stop(("eligibility",))
    try:
        codes, resp = _vot(w)
        assert codes == {} and resp.status_code == 200
        [v] = w.verzoeken()
        assert v["status"] == "open" and v["voorcontrole"] == "wacht"
    finally:
        stack.start(("eligibility",))
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        [v] = w.verzoeken()
        if v["voorcontrole"] != "wacht":
            break
        time.sleep(0.5)
    assert v["status"] == "afgewezen" and v["redenAfwijzing"] == "4"


# ---- answering a 315 ----------------------------------------------------------------------------
def test_honour_vot_sends_301_with_referentie(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    a = _aanvraag(w)
    _vot(w, a)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contact": CONTACT, "verwijsdatum": TODAY.isoformat()})
    assert resp.status_code == 201, resp.text
    out = resp.json()
    assert out["besluit"] == "toegewezen" and out["verzoek"]["status"] == "toegewezen"
    [tw] = out["toewijzingen"]
    assert tw["referentieAanbieder"] == a.referentie and tw["verzoekId"] == v["id"]
    xml = w.inhoud(out["berichtId"])
    assert parse_xml(xml).findtext(".//{*}ReferentieAanbieder") == a.referentie


def test_honour_refused_by_eligibility_gives_422_with_reasons(world) -> None:  # type: ignore[no-untyped-def]
    w = world(woongemeente="0153")  # lives in Enschede: not Almelo's to pay
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contact": CONTACT, "verwijsdatum": TODAY.isoformat()})
    assert resp.status_code == 422
    problem = resp.json()
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert any(r.get("redenAfwijzingVerzoek") in ("5", "8") for r in problem["redenen"])
    assert w.bsn not in resp.text
    assert w.verzoeken()[0]["status"] == "open"  # nothing changed


def test_honour_with_automatic_refusal_sends_319(world) -> None:  # type: ignore[no-untyped-def]
    w = world(woongemeente="0153")
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen",
                      json={"afwijzenBijWeigering": True, "verwijsdatum": TODAY.isoformat()})
    assert resp.status_code == 201, resp.text
    out = resp.json()
    assert out["besluit"] == "afgewezen" and out["verzoek"]["redenAfwijzing"] in ("5", "8")
    root = _319(w)
    if out["verzoek"]["redenAfwijzing"] == "8":
        assert root.findtext("{*}Antwoord/{*}Woonplaatsbeginsel/{*}Gemeente") == "0153"


@pytest.mark.parametrize(("case", "reden"), [("geen-contract", "3"), ("woonplaatsbeginsel", "8"),
                                            ("leeftijdsgrens", "9")])
def test_eligibility_refusal_is_the_319s_reden_afwijzing_verzoek(world, case: str, reden: str) -> None:  # type: ignore[no-untyped-def]
    """End to end: a 315 → the gemeente honours it → eligibility refuses → the 319 in the aanbieder's mailbox
    carries exactly that RedenAfwijzingVerzoek (WJ759), valid against the official XSD."""
    if case == "geen-contract":
        w = world(contract=False)
    elif case == "woonplaatsbeginsel":
        w = world(woongemeente="0153")  # inscribed in Enschede: Enschede pays (Jeugdwet woonplaatsbeginsel)
    else:
        w = world(geboortedatum=date(INGANG.year - 19, 1, 1))  # 19 at the start: past the Jeugdwet limit
    _vot(w)
    [v] = w.verzoeken()
    if v["status"] == "open":
        resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen",
                          json={"afwijzenBijWeigering": True, "verwijsdatum": TODAY.isoformat()})
        assert resp.status_code == 201, resp.text
        assert resp.json()["besluit"] == "afgewezen"
    root = _319(w)
    assert root.findtext("{*}Antwoord/{*}VerzoekAntwoord") == "1"
    assert root.findtext("{*}Antwoord/{*}RedenAfwijzingVerzoek") == reden
    woonplaats = root.findtext("{*}Antwoord/{*}Woonplaatsbeginsel/{*}Gemeente")
    assert woonplaats == ("0153" if reden == "8" else None)


def test_honour_while_eligibility_is_down_gives_503_and_stores_nothing(world, stack) -> None:  # type: ignore[no-untyped-def]
    from .conftest import brp_down

    w = world()
    _vot(w)
    [v] = w.verzoeken()
    with brp_down(stack):
        resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contact": CONTACT})
    assert resp.status_code == 503, resp.text
    assert w.verzoeken()[0]["status"] == "open"
    assert w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()["count"] == 0


def test_refuse_vot_with_319(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "3"})
    assert resp.status_code == 201, resp.text
    root = _319(w)
    assert root.findtext("{*}Antwoord/{*}ReferentieAanbieder") == v["referentieAanbieder"]
    assert root.findtext("{*}Antwoord/{*}RedenAfwijzingVerzoek") == "3"


def test_TR377_woonplaatsbeginsel_needs_the_gemeente(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "8"})
    assert resp.status_code == 400 and resp.json()["code"] == "TR377"
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "8", "gemeente": "0153"})
    assert resp.status_code == 201
    assert _319(w).findtext("{*}Antwoord/{*}Woonplaatsbeginsel/{*}Gemeente") == "0153"


def test_in_onderzoek_then_TR360_then_refusal_then_TR365(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/onderzoeken")
    assert resp.status_code == 201
    assert date.fromisoformat(resp.json()["verzoek"]["uiterlijk"]) == TODAY + timedelta(weeks=8)
    root = _319(w)
    assert root.findtext("{*}Antwoord/{*}VerzoekAntwoord") == "2"
    assert root.find("{*}Antwoord/{*}RedenAfwijzingVerzoek") is None  # CD086
    second = w.gem.post(f"/v1/verzoeken/{v['id']}/onderzoeken")
    assert second.status_code == 409 and second.json()["code"] == "TR360"
    assert w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "7"}).status_code == 201
    after = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contact": CONTACT})
    assert after.status_code == 409 and after.json()["code"] == "TR365"


def test_TR359_no_319_after_a_301(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    ok = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contact": CONTACT, "verwijsdatum": TODAY.isoformat()})
    assert ok.status_code == 201, ok.text
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "3"})
    assert resp.status_code == 409 and resp.json()["code"] == "TR359"


def test_other_gemeente_and_aanbieder_do_not_see_the_verzoek(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    from tests.support import api

    assert api(w.stack, "allocation", "0153").get(f"/v1/verzoeken/{v['id']}").status_code == 404
    assert api(w.stack, "allocation", "0153").post(f"/v1/verzoeken/{v['id']}/afwijzingen",
                                                   json={"redenAfwijzingVerzoek": "3"}).status_code == 404
    assert api(w.stack, "allocation", "11110002").get(f"/v1/verzoeken/{v['id']}").status_code == 404
    assert w.aan.get(f"/v1/verzoeken/{v['id']}").status_code == 200
    assert w.aan.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "3"}).status_code == 403


# ---- 317 ----------------------------------------------------------------------------------------
@pytest.fixture
def met_toewijzing(world) -> Callable[..., tuple[World, int]]:  # type: ignore[no-untyped-def]
    def _make(**kw) -> tuple[World, int]:  # type: ignore[no-untyped-def]
        w = world(**kw)
        tw = w.toewijzing(ingangsdatum=(TODAY - timedelta(days=30)).isoformat())
        return w, tw["toewijzing"]["toewijzingNummer"]
    return _make


def _vow(w: World, **kw) -> tuple[dict[str, list[str]], object]:  # type: ignore[no-untyped-def]
    resp, root = w.send(vow(w.aanbieder, w.gemeente, w.bsn, kw.pop("referentie", new_ref("VOW")), standard=w.standard, **kw))
    return retourcodes(root), resp


def test_vow_accepted(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=5), EIND, (6, "04", "2"))])
    assert codes == {}
    assert w.verzoeken()[0]["soort"] == "vow"


def test_TR349_vow_omits_a_current_toewijzing(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    # the current toewijzing is neither OngewijzigdProduct nor TeWijzigenProduct (a wrong number is listed)
    codes, _ = _vow(w, ongewijzigd=[nummer + 100_000], nieuw=[Nieuw("45", None, TODAY + timedelta(days=5), EIND,
                                                                    budget=50_000)])
    assert codes["Verzoek"] == ["9349"]
    assert codes["OngewijzigdProduct"] == ["9350"]


def test_TR351_te_wijzigen_is_not_a_current_toewijzing(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    codes, _ = _vow(w, ongewijzigd=[nummer], te_wijzigen=[TeWijzigen(nummer + 100_000, TODAY + timedelta(days=5), EIND,
                                                                        (6, "04", "2"))])
    assert codes["TeWijzigenProduct"] == ["9351"]


def test_TR357_change_in_the_past_must_cover_the_whole_period(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, TODAY - timedelta(days=3), EIND, (6, "04", "2"))])
    assert codes["TeWijzigenProduct"] == ["9357"]


def test_TR373_budget_change_from_a_later_date(world) -> None:  # type: ignore[no-untyped-def]
    w = world(code=None, categorie="46")  # an aspecifieke contract line: the whole categorie (of its own)
    tw = w.toewijzing(ingangsdatum=(TODAY - timedelta(days=30)).isoformat(), product={"categorie": w.categorie},
                      omvang=None, budget=100_000)
    nummer = tw["toewijzing"]["toewijzingNummer"]
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=10), EIND, budget=150_000)])
    assert codes["TeWijzigenProduct"] == ["9373"]


def test_TR411_specific_toewijzing_needs_omvang(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=5), EIND + timedelta(days=30))])
    assert codes["TeWijzigenProduct"] == ["9411"]


def test_TR412_aspecific_toewijzing_without_omvang(world) -> None:  # type: ignore[no-untyped-def]
    w = world(code=None, categorie="47")
    tw = w.toewijzing(ingangsdatum=(TODAY - timedelta(days=30)).isoformat(), product={"categorie": w.categorie},
                      omvang=None, budget=100_000)
    nummer = tw["toewijzing"]["toewijzingNummer"]
    tw_start = TODAY - timedelta(days=30)
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, tw_start, EIND, (6, "04", "2"))])
    assert codes["TeWijzigenProduct"] == ["9412"]


def test_TR361_new_product_overlaps_an_existing_one(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    codes, _ = _vow(w, ongewijzigd=[nummer], nieuw=[Nieuw(w.categorie, w.code, TODAY + timedelta(days=5), EIND,
                                                          (2, "04", "2"))])
    assert codes["NieuwProduct"] == ["9361"]


def test_TR374_vow_while_a_verzoek_is_open(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    assert _vow(w, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=5), EIND, (6, "04", "2"))])[0] == {}
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=6), EIND, (5, "04", "2"))])
    assert codes["Verzoek"] == ["9374"]


def test_TR347_vow_reference_used_before(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    ref = new_ref("VOW")
    assert _vow(w, referentie=ref, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=5), EIND, (6, "04", "2"))])[0] == {}
    w.gem.post(f"/v1/verzoeken/{w.verzoeken()[0]['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "1"})
    codes, _ = _vow(w, referentie=ref, te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=5), EIND, (5, "04", "2"))])
    assert codes["Verzoek"] == ["9347"]


@pytest.mark.parametrize("rule", ["TR352", "TR353", "TR101", "CD077", "CS338", "TR410"])
def test_vow_xslt_rules_reject_the_message(met_toewijzing, rule: str) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    later = TODAY + timedelta(days=5)
    kw = {
        "TR352": dict(nieuw=[Nieuw("45", None, later, EIND, budget=1000)]),
        "TR353": dict(ongewijzigd=[nummer]),
        "TR101": dict(ongewijzigd=[nummer], te_wijzigen=[TeWijzigen(nummer, later, EIND, (6, "04", "2"))]),
        "CD077": dict(te_wijzigen=[TeWijzigen(nummer, later, EIND, (6, "04", "2"), budget=1000)]),
        "CS338": dict(te_wijzigen=[TeWijzigen(nummer, later, EIND, (6, "14", "1"))]),
        "TR410": dict(ongewijzigd=[nummer], nieuw=[Nieuw("45", "ZZ001", later, EIND, (1, "04", "2")),
                                                    Nieuw("45", "ZZ001", later + timedelta(days=3), EIND, (1, "04", "2"))]),
    }[rule]
    _, resp = _vow(w, **kw)
    _rejected(resp, rule)


def test_honour_vow_extends_on_the_same_number(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    """TR357: from the ingangsdatum the change covers the whole period, on the same ToewijzingNummer (OP380)."""
    w, nummer = met_toewijzing()
    ingang = TODAY - timedelta(days=30)
    later_eind = EIND + timedelta(days=180)
    assert _vow(w, te_wijzigen=[TeWijzigen(nummer, ingang, later_eind, (4, "04", "2"))])[0] == {}
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen")
    assert resp.status_code == 201, resp.text
    [tw] = resp.json()["toewijzingen"]
    assert tw["toewijzingNummer"] == nummer and tw["einddatum"] == later_eind.isoformat()
    assert tw["redenWijziging"] == "12" and tw["versie"] == 2


def test_vot_iwmo(world) -> None:  # type: ignore[no-untyped-def]
    w = world(domein="wmo")
    codes, _ = _vot(w)
    assert codes == {}
    codes, _ = _vot(w, _aanvraag(w, ingangsdatum=EIND - timedelta(days=5)))
    assert codes["Client"] == ["9374"]


def test_TR002_birth_date_more_than_120_years_ago(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    resp, _ = w.send(vot(w.aanbieder, w.gemeente, w.client(geboortedatum=date(1890, 1, 1)), [_aanvraag(w)]))
    _rejected(resp, "TR002")


def test_TR375_generic_toewijzing_without_omvang(world) -> None:  # type: ignore[no-untyped-def]
    w = world(contract=False)
    ingang = TODAY - timedelta(days=30)
    tw = w.toewijzing(ingangsdatum=ingang.isoformat(), product=None, omvang=None, budget=250_000)
    nummer = tw["toewijzing"]["toewijzingNummer"]
    codes, _ = _vow(w, te_wijzigen=[TeWijzigen(nummer, ingang, EIND, (6, "04", "2"))])
    assert codes["TeWijzigenProduct"] == ["9375"]


# ---- honouring a 317: IV093 / IV097 / TR379 and IV066 ---------------------------------------------
def test_IV093_every_product_of_the_honoured_vow_carries_its_referentie(world) -> None:  # type: ignore[no-untyped-def]
    """IV093 example 1: A stays as it is (OngewijzigdProduct), B gets another Omvang from a later date. The 301
    holds A unchanged without RedenWijziging, B ended the day before with 12, and B's successor with a new
    number without RedenWijziging; all three carry the VOW's ReferentieAanbieder (IV097, TR379)."""
    w = world()
    ingang = TODAY - timedelta(days=30)
    a = w.toewijzing(ingangsdatum=ingang.isoformat())["toewijzing"]["toewijzingNummer"]
    # an earlier change by the gemeente: A carries RedenWijziging 04 in that 301, not in the next ones
    assert w.gem.patch(f"/v1/toewijzingen/{a}", json={"redenWijziging": "04",
                                                      "einddatum": (EIND + timedelta(days=60)).isoformat()}).status_code == 200
    code_b = w.contract(code=new_code())["code"]
    b = w.toewijzing(ingangsdatum=ingang.isoformat(),
                     product={"categorie": w.categorie, "code": code_b})["toewijzing"]["toewijzingNummer"]
    ref, vanaf = new_ref("VOW"), TODAY + timedelta(days=10)
    codes, _ = _vow(w, referentie=ref, ongewijzigd=[a], te_wijzigen=[TeWijzigen(b, vanaf, EIND, (6, "04", "2"))])
    assert codes == {}
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen")
    assert resp.status_code == 201, resp.text
    producten = toegewezen_producten(valid_301(w, resp.json()["berichtId"]))
    [opvolger] = set(producten) - {a, b}
    assert {n: tp.findtext("{*}ReferentieAanbieder") for n, tp in producten.items()} == {a: ref, b: ref, opvolger: ref}
    assert producten[a].find("{*}RedenWijziging") is None
    assert producten[b].findtext("{*}RedenWijziging") == "12"
    assert producten[b].findtext("{*}Einddatum") == (vanaf - timedelta(days=1)).isoformat()
    assert producten[opvolger].find("{*}RedenWijziging") is None
    assert producten[opvolger].findtext("{*}Ingangsdatum") == vanaf.isoformat()
    assert producten[opvolger].findtext("{*}Omvang/{*}Volume") == "6"
    assert producten[opvolger].findtext("{*}Product/{*}Code") == code_b


def test_IV066_vow_with_another_omvang_for_the_whole_period_cannot_be_honoured(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    """TR357 makes a change in the past cover the whole period; another Omvang cannot be given on the same number
    (IV066), and ending the toewijzing the day before its ingangsdatum is impossible: 409, nothing changes."""
    w, nummer = met_toewijzing()
    ingang = TODAY - timedelta(days=30)
    assert _vow(w, te_wijzigen=[TeWijzigen(nummer, ingang, EIND, (6, "04", "2"))])[0] == {}
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen")
    assert resp.status_code == 409, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json") and resp.json()["code"] == "IV066"
    assert w.verzoeken()[0]["status"] == "open"
    tw = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert tw["versie"] == 1 and tw["omvang"]["volume"] == 4


# ---- OP274 / OP346: 8 weeks after the dagtekening of the verzoek ------------------------------------
@pytest.mark.parametrize("soort", ["vot", "vow"])
def test_in_onderzoek_runs_8_weeks_from_the_dagtekening_of_the_verzoek(world, soort: str) -> None:  # type: ignore[no-untyped-def]
    w = world()
    dagtekening = TODAY - timedelta(days=10)
    if soort == "vot":
        codes, _ = _vot(w, dagtekening=dagtekening)
    else:
        nummer = w.toewijzing(ingangsdatum=(TODAY - timedelta(days=30)).isoformat())["toewijzing"]["toewijzingNummer"]
        codes, _ = _vow(w, dagtekening=dagtekening,
                        te_wijzigen=[TeWijzigen(nummer, TODAY + timedelta(days=5), EIND + timedelta(days=30), (4, "04", "2"))])
    assert codes == {}
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/onderzoeken")
    assert resp.status_code == 201, resp.text
    uiterlijk = dagtekening + timedelta(weeks=8)
    assert resp.json()["verzoek"]["uiterlijk"] == uiterlijk.isoformat()
    termijn = [t for t in w.gem.get("/v1/termijnen", params={"status": "alle"}).json()["results"]
               if t.get("verzoekId") == v["id"]]
    regel = "OP274" if soort == "vot" else "OP346"
    assert [(t["soort"], t["regel"], t["sinds"], t["uiterlijk"]) for t in termijn] == [
        ("antwoord-na-onderzoek", regel, dagtekening.isoformat(), uiterlijk.isoformat())]


# ---- rules on 315 / 317 ------------------------------------------------------------------------
def test_TR380_new_product_starts_after_the_dagtekening(met_toewijzing) -> None:  # type: ignore[no-untyped-def]
    w, nummer = met_toewijzing()
    _, resp = _vow(w, ongewijzigd=[nummer], nieuw=[Nieuw("45", "ZZ002", TODAY, EIND, (1, "04", "2"))])
    _rejected(resp, "TR380")
    codes, _ = _vow(w, ongewijzigd=[nummer], nieuw=[Nieuw("45", "ZZ002", TODAY + timedelta(days=1), EIND, (1, "04", "2"))])
    assert codes == {}


@pytest.mark.parametrize("gebruik, datum", [
    ("1", date(2012, 5, 15)),  # only month and year known: the day is 01
    ("2", date(2012, 5, 1)),  # only the year known: 01-01
    ("3", date(2012, 1, 1)),  # unknown: 01-01-1900
])
def test_CS139_datum_gebruik_fits_the_datum(world, gebruik: str, datum: date) -> None:  # type: ignore[no-untyped-def]
    w = world()
    resp, _ = w.send(vot(w.aanbieder, w.gemeente, w.client(geboortedatum=datum, datum_gebruik=gebruik), [_aanvraag(w)]))
    _rejected(resp, "CS139")
    assert w.verzoeken() == []


def test_CS139_partly_known_birth_date_is_accepted(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    resp, root = w.send(vot(w.aanbieder, w.gemeente, w.client(geboortedatum=date(2012, 1, 1), datum_gebruik="2"),
                            [_aanvraag(w)]))
    assert retourcodes(root) == {} and resp.headers["Berichten-Oordeel"] == "goedgekeurd"


def test_TR002_unknown_means_datum_gebruik_3_with_1900_01_01(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    # DatumGebruik 3 alone does not make 1890 'unknown' (it also breaks CS139)
    resp, _ = w.send(vot(w.aanbieder, w.gemeente, w.client(geboortedatum=date(1890, 1, 1), datum_gebruik="3"),
                         [_aanvraag(w)]))
    _rejected(resp, "TR002")
    # 01-01-1900 with DatumGebruik 3 is more than 120 years ago, but unknown: accepted
    resp, root = w.send(vot(w.aanbieder, w.gemeente, w.client(geboortedatum=date(1900, 1, 1), datum_gebruik="3"),
                            [_aanvraag(w)]))
    assert retourcodes(root) == {} and resp.headers["Berichten-Oordeel"] == "goedgekeurd"


@pytest.mark.parametrize("rule, retourcode, categorie", [("TR412", "9412", "48"), ("TR375", "9375", None)])
def test_TR412_TR375_judge_the_requested_einddatum(world, rule: str, retourcode: str, categorie: str | None) -> None:  # type: ignore[no-untyped-def]
    """The toewijzing ends on 31-12-2020 (then Omvang was allowed without a code); the TeWijzigenProduct leaves
    Einddatum empty, i.e. asks for no end: that is after 2020, so Omvang must stay empty. Only the requested
    Einddatum counts, not the toewijzing's."""
    w = world(code=None, categorie=categorie) if categorie else world(contract=False)
    ingang = date(2020, 6, 1)
    tw = w.toewijzing(ingangsdatum=ingang.isoformat(), einddatum="2020-12-31", omvang=None, budget=100_000,
                      product={"categorie": w.categorie} if categorie else None)
    nummer = tw["toewijzing"]["toewijzingNummer"]
    codes, _ = _vow(w, dagtekening=date(2020, 12, 1), te_wijzigen=[TeWijzigen(nummer, ingang, None, (6, "04", "4"))])
    assert codes["TeWijzigenProduct"] == [retourcode]


def test_TR378_woonplaatsbeginsel_gemeente_is_a_cbs_code(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/afwijzingen", json={"redenAfwijzingVerzoek": "8", "gemeente": "0999"})
    assert resp.status_code == 400 and resp.json()["code"] == "TR378", resp.text
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("gemeente", "TR378")]
    assert w.verzoeken()[0]["status"] == "open"


def test_honour_with_invalid_contact_is_400(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contact": {"soort": "03", "telefoon": "0546123456"}})
    assert resp.status_code == 400
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("contact.adres.postcode", "CD034")]
    assert w.verzoeken()[0]["status"] == "open"


def test_honour_with_all_contacts_of_the_client(world) -> None:  # type: ignore[no-untyped-def]
    """Honouring a 315 may give the client's contacts as a list: TR061 over all of them, every one in the 301."""
    w = world()
    _vot(w)
    [v] = w.verzoeken()
    only_04 = [{"soort": "04", "telefoon": "0546123456"}]
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen", json={"contacten": only_04})
    assert resp.status_code == 400, resp.text
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("contacten", "TR061")]
    assert w.verzoeken()[0]["status"] == "open"
    contacten = [*only_04, {"soort": "02", "telefoon": "0546654321", "email": "ouder@example.org"}]
    resp = w.gem.post(f"/v1/verzoeken/{v['id']}/toewijzingen",
                      json={"contacten": contacten, "verwijsdatum": TODAY.isoformat()})
    assert resp.status_code == 201, resp.text
    xml = w.inhoud(resp.json()["berichtId"])
    assert oracle.validate(xml, f"{w.prefix}301") == []
    found = [(c.findtext("{*}Soort"), c.findtext("{*}Emailadres"))
             for c in parse_xml(xml).findall("{*}Client/{*}Contactgegevens/{*}Contact")]
    assert found == [("04", None), ("02", "ouder@example.org")]
