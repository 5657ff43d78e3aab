"""The gemeente's JSON API: issue, change, withdraw and read toewijzingen; every change a 301 (OP087) in the
aanbieder's mailbox, valid against the official XSD; every party sees only its own; bad input is a 400
problem without the BSN; eligibility's refusal a 422 with reasons, its absence a 503 with nothing stored."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, column, create_engine, table, text, update
from sqlalchemy.exc import IntegrityError

from tests.support import api

from .conftest import brp_down, new_code, toegewezen_producten, valid_301
from services.common.clock import today_nl

TODAY = today_nl()


@pytest.mark.parametrize("domein", ["jeugd", "wmo"])
def test_issue_toewijzing_puts_a_valid_301_in_the_mailbox(world, domein: str) -> None:  # type: ignore[no-untyped-def]
    w = world(domein=domein)
    out = w.toewijzing()
    tw = out["toewijzing"]
    assert tw["status"] == "actief" and tw["versie"] == 1 and tw["uitvoeringsvariant"] == "inspanningsgericht"
    assert out["berichtId"] in [b["id"] for b in w.nieuwe_berichten(f"{w.prefix}301")]
    root = valid_301(w, out["berichtId"])
    assert list(toegewezen_producten(root)) == [tw["toewijzingNummer"]]
    assert root.findtext("{*}Header/{*}Afzender") == w.gemeente and root.findtext("{*}Header/{*}Ontvanger") == w.aanbieder


def test_OP087_each_301_carries_all_current_toewijzingen_of_the_client(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    first = w.toewijzing()["toewijzing"]["toewijzingNummer"]
    second_code = w.contract(code=new_code())["code"]
    out = w.toewijzing(product={"categorie": w.categorie, "code": second_code})
    assert set(toegewezen_producten(valid_301(w, out["berichtId"]))) == {first, out["toewijzing"]["toewijzingNummer"]}


def test_TR302_overlapping_toewijzing_of_the_same_product(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    w.toewijzing()
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body(ingangsdatum=(TODAY + timedelta(days=40)).isoformat()))
    assert resp.status_code == 409 and resp.json()["code"] == "TR302"


def test_TR332_numbers_unique_under_concurrent_writers(world) -> None:  # type: ignore[no-untyped-def]
    worlds = [world() for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda w: w.gem.post("/v1/toewijzingen", json=w.toewijzing_body()), worlds))
    assert [r.status_code for r in results] == [201] * 6, [r.text for r in results if r.status_code != 201]
    nummers = [r.json()["toewijzing"]["toewijzingNummer"] for r in results]
    assert len(set(nummers)) == 6


def test_TR332_unique_constraint_in_the_database(world, stack) -> None:  # type: ignore[no-untyped-def]
    """The database itself refuses a second toewijzing with the same number in the same gemeente and domein."""
    w = world()
    nummer = w.toewijzing()["toewijzing"]["toewijzingNummer"]
    settings = stack.settings("allocation")
    engine = create_engine(settings.resolved_database_url())
    try:
        with engine.connect() as conn:
            if settings.resolved_schema():
                conn.execute(text(f'SET search_path TO "{settings.resolved_schema()}"'))
            row = conn.execute(text("SELECT * FROM toewijzing WHERE gemeente = :g AND nummer = :n"),
                               {"g": w.gemeente, "n": nummer}).mappings().one()
            copy = dict(row)
            copy["id"] = "dup-" + copy["id"][:30]
            cols = ", ".join(copy)
            with pytest.raises(IntegrityError):
                conn.execute(text(f"INSERT INTO toewijzing ({cols}) VALUES ({', '.join(':' + c for c in copy)})"), copy)
            conn.rollback()
    finally:
        engine.dispose()


def test_invalid_bsn_is_400_without_echo(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    body = w.toewijzing_body()
    body["client"]["bsn"] = "123456789"  # fails the elfproef
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 400 and resp.headers["content-type"].startswith("application/problem+json")
    assert "123456789" not in resp.text
    assert any(p["name"] == "client.bsn" for p in resp.json()["invalidParams"])


def test_conditions_are_checked_before_anything_else(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body(budget=10_000))  # Omvang and Budget (CD077)
    assert resp.status_code == 400
    assert [p["code"] for p in resp.json()["invalidParams"]] == ["CD077"]
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body(einddatum=None))  # per week without end (CD076)
    assert [p["code"] for p in resp.json()["invalidParams"]] == ["CD076"]


def test_eligibility_refusal_is_422_with_reasons(world) -> None:  # type: ignore[no-untyped-def]
    w = world(woongemeente="0153")
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body())
    assert resp.status_code == 422
    assert resp.json()["redenen"] and all("code" in r for r in resp.json()["redenen"])
    assert w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()["count"] == 0


def test_no_contract_is_422(world) -> None:  # type: ignore[no-untyped-def]
    w = world(contract=False)
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body())
    assert resp.status_code == 422
    assert "GEEN_CONTRACT" in [r["code"] for r in resp.json()["redenen"]]


def test_taakgericht_product_cannot_be_assigned(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="taakgericht", eenheid=None)
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body(omvang={"volume": 4, "eenheid": "04", "frequentie": "2"}))
    assert resp.status_code == 422
    assert "TAAKGERICHT" in [r["code"] for r in resp.json()["redenen"]]


@pytest.mark.parametrize("variant, contract_eenheid, eenheid, ok", [
    ("inspanningsgericht", "04", "01", True),
    ("inspanningsgericht", "04", "84", True),
    ("inspanningsgericht", "04", "82", False),
    ("outputgericht", "82", "82", True),
    ("outputgericht", "83", "83", True),
    ("outputgericht", "82", "04", False),
])
def test_omvang_must_fit_the_uitvoeringsvariant(world, variant, contract_eenheid, eenheid, ok) -> None:  # type: ignore[no-untyped-def]
    w = world(variant=variant, eenheid=contract_eenheid)
    frequentie = "6" if eenheid in ("82", "83") else "2"
    resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body(
        omvang={"volume": 10, "eenheid": eenheid, "frequentie": frequentie}))
    assert resp.status_code == (201 if ok else 422), resp.text
    if not ok:
        assert resp.json()["code"] == "past-niet-binnen-contract"


def test_eligibility_unavailable_is_503_and_nothing_is_stored(world, stack) -> None:  # type: ignore[no-untyped-def]
    w = world()
    with brp_down(stack):
        resp = w.gem.post("/v1/toewijzingen", json=w.toewijzing_body())
    assert resp.status_code == 503 and resp.headers["content-type"].startswith("application/problem+json")
    assert w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()["count"] == 0


def test_first_toewijzing_needs_contact(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    body = w.toewijzing_body()
    del body["client"]["contact"]
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 400 and resp.json()["code"] == "contact-ontbreekt"


def test_verlenging_keeps_the_number_OP380(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    nummer = w.toewijzing()["toewijzing"]["toewijzingNummer"]
    nieuw_eind = date(TODAY.year + 2, 6, 30)
    resp = w.gem.patch(f"/v1/toewijzingen/{nummer}", json={"redenWijziging": "04", "einddatum": nieuw_eind.isoformat()})
    assert resp.status_code == 200, resp.text
    tw = resp.json()["toewijzing"]
    assert tw["toewijzingNummer"] == nummer and tw["einddatum"] == nieuw_eind.isoformat() and tw["versie"] == 2
    tp = toegewezen_producten(valid_301(w, resp.json()["berichtId"]))[nummer]
    assert tp.findtext("{*}RedenWijziging") == "04" and tp.findtext("{*}Einddatum") == nieuw_eind.isoformat()


def test_OP380_no_stretching_after_the_end(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    body = w.toewijzing_body(ingangsdatum=(TODAY - timedelta(days=60)).isoformat(),
                             einddatum=(TODAY - timedelta(days=5)).isoformat())
    nummer = w.toewijzing(**{k: body[k] for k in ("ingangsdatum", "einddatum")})["toewijzing"]["toewijzingNummer"]
    resp = w.gem.patch(f"/v1/toewijzingen/{nummer}", json={"redenWijziging": "04",
                                                           "einddatum": (TODAY + timedelta(days=60)).isoformat()})
    assert resp.status_code == 409 and resp.json()["code"] == "OP380"


def test_verkorting(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    nummer = w.toewijzing()["toewijzing"]["toewijzingNummer"]
    eind = TODAY + timedelta(days=30)
    resp = w.gem.patch(f"/v1/toewijzingen/{nummer}", json={"redenWijziging": "05", "einddatum": eind.isoformat()})
    assert resp.status_code == 200 and resp.json()["toewijzing"]["einddatum"] == eind.isoformat()


def test_change_of_omvang_from_a_later_date_gives_a_successor_OP257(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    first = w.toewijzing(ingangsdatum=(TODAY - timedelta(days=30)).isoformat())["toewijzing"]
    vanaf = TODAY + timedelta(days=10)
    resp = w.gem.patch(f"/v1/toewijzingen/{first['toewijzingNummer']}", json={
        "redenWijziging": "08", "omvang": {"volume": 8, "eenheid": "04", "frequentie": "2"},
        "wijzigingsdatum": vanaf.isoformat()})
    assert resp.status_code == 200, resp.text
    old, new = resp.json()["gewijzigd"]
    assert old["toewijzingNummer"] == first["toewijzingNummer"] and old["einddatum"] == (vanaf - timedelta(days=1)).isoformat()
    assert new["toewijzingNummer"] != old["toewijzingNummer"] and new["ingangsdatum"] == vanaf.isoformat()
    assert new["omvang"]["volume"] == 8 and new["einddatum"] == first["einddatum"]
    assert set(toegewezen_producten(valid_301(w, resp.json()["berichtId"]))) == {old["toewijzingNummer"], new["toewijzingNummer"]}


def test_withdraw_reden_13(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    tw = w.toewijzing()["toewijzing"]
    resp = w.gem.delete(f"/v1/toewijzingen/{tw['toewijzingNummer']}")
    assert resp.status_code == 200, resp.text
    out = resp.json()["toewijzing"]
    assert out["status"] == "verwijderd" and out["redenWijziging"] == "13" and out["einddatum"] == tw["ingangsdatum"]
    tp = toegewezen_producten(valid_301(w, resp.json()["berichtId"]))[tw["toewijzingNummer"]]
    assert tp.findtext("{*}RedenWijziging") == "13" and tp.findtext("{*}Einddatum") == tp.findtext("{*}Ingangsdatum")
    assert w.gem.delete(f"/v1/toewijzingen/{tw['toewijzingNummer']}").status_code == 409
    # a removed toewijzing does not stack: the same product may be assigned again
    assert w.gem.post("/v1/toewijzingen", json=w.toewijzing_body()).status_code == 201


def test_history_keeps_every_version_with_its_301(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    out = w.toewijzing()
    nummer = out["toewijzing"]["toewijzingNummer"]
    change = w.gem.patch(f"/v1/toewijzingen/{nummer}", json={"redenWijziging": "05",
                                                             "einddatum": (TODAY + timedelta(days=90)).isoformat()})
    detail = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert [(v["versie"], v["berichtId"], v["oorzaak"]) for v in detail["versies"]] == [
        (1, out["berichtId"], "toegewezen"), (2, change.json()["berichtId"], "gewijzigd")]
    assert detail["versies"][1]["toewijzing"]["redenWijziging"] == "05"


def test_each_party_sees_only_its_own(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    nummer = w.toewijzing()["toewijzing"]["toewijzingNummer"]
    assert w.gem.get(f"/v1/toewijzingen/{nummer}").status_code == 200
    assert w.aan.get(f"/v1/toewijzingen/{nummer}", params={"gemeente": w.gemeente}).status_code == 200
    other_gemeente = api(w.stack, "allocation", "0153")
    other_aanbieder = api(w.stack, "allocation", "11110002")
    assert other_gemeente.get(f"/v1/toewijzingen/{nummer}", params={"gemeente": w.gemeente}).status_code == 404
    assert other_aanbieder.get(f"/v1/toewijzingen/{nummer}", params={"gemeente": w.gemeente}).status_code == 404
    assert other_gemeente.patch(f"/v1/toewijzingen/{nummer}", json={"redenWijziging": "05",
                                                                    "einddatum": TODAY.isoformat()}).status_code == 404
    assert w.aan.delete(f"/v1/toewijzingen/{nummer}").status_code == 403
    found = other_gemeente.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()
    assert found["count"] == 0
    regio = api(w.stack, "allocation", "TWENTE").post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()
    assert regio["count"] == 1


def test_search_by_bsn_and_filters(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    tw = w.toewijzing()["toewijzing"]
    found = w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn, "status": "actief"}).json()
    assert [t["toewijzingNummer"] for t in found["results"]] == [tw["toewijzingNummer"]]
    by_client = w.gem.get("/v1/toewijzingen", params={"clientId": tw["clientId"], "code": w.code}).json()
    assert by_client["count"] == 1
    assert w.gem.get("/v1/toewijzingen", params={"clientId": tw["clientId"], "status": "verwijderd"}).json()["count"] == 0
    aanbieder = w.aan.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()
    assert aanbieder["count"] == 1


def test_events_for_the_declaration_service(world, stack) -> None:  # type: ignore[no-untyped-def]
    from tests.e2e.test_lifecycle import _events

    w = world()
    out = w.toewijzing()
    nummer = out["toewijzing"]["toewijzingNummer"]
    w.gem.delete(f"/v1/toewijzingen/{nummer}")
    events = _events(stack, nummer, w.gemeente)
    assert [e["versie"] for e in events] == [1, 2]
    first = events[0]
    assert first["kind"] == "toewijzing.gewijzigd" and first["eventId"]
    assert first["toewijzing"] == {
        "gemeente": w.gemeente, "aanbieder": w.aanbieder, "domein": "jeugd", "bsn": w.bsn, "toewijzingNummer": nummer,
        "product": {"categorie": w.categorie, "code": w.code}, "ingangsdatum": out["toewijzing"]["ingangsdatum"],
        "einddatum": out["toewijzing"]["einddatum"], "redenWijziging": None,
        "omvang": {"volume": 4, "eenheid": "04", "frequentie": "2"}, "budget": None, "status": "actief",
        "berichtId": out["berichtId"]}
    assert events[1]["toewijzing"]["status"] == "verwijderd"


# ---- IV066 / OP033x1: which changes keep the ToewijzingNummer --------------------------------------
@pytest.mark.parametrize("wijziging", [
    {"omvang": {"volume": 8, "eenheid": "04", "frequentie": "2"}},  # no date: the whole period
    {"omvang": {"volume": 8, "eenheid": "04", "frequentie": "2"}, "wijzigingsdatum": "INGANG"},
    {"omvang": {"volume": 4, "eenheid": "04", "frequentie": "4"}, "wijzigingsdatum": "INGANG"},  # other frequentie
])
def test_IV066_other_omvang_from_the_ingangsdatum_is_409(world, wijziging) -> None:  # type: ignore[no-untyped-def]
    """Frequentie 2 (not 'totaal'): a new Omvang cannot be written over the toewijzing on the same number, and
    it cannot start a successor on the ingangsdatum either (the old one would end the day before it began)."""
    w = world()
    ingang = TODAY - timedelta(days=30)
    tw = w.toewijzing(ingangsdatum=ingang.isoformat())["toewijzing"]
    body = {"redenWijziging": "08", **wijziging}
    if body.get("wijzigingsdatum") == "INGANG":
        body["wijzigingsdatum"] = ingang.isoformat()
    resp = w.gem.patch(f"/v1/toewijzingen/{tw['toewijzingNummer']}", json=body)
    assert resp.status_code == 409, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["code"] == "IV066" and "nieuw nummer" in resp.json()["detail"]
    after = w.gem.get(f"/v1/toewijzingen/{tw['toewijzingNummer']}").json()
    assert after["versie"] == 1 and after["omvang"] == {"volume": 4, "eenheid": "04", "frequentie": "2"}
    assert w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()["count"] == 1


def test_IV066_volume_of_a_totaal_toewijzing_changes_on_the_same_number(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    tw = w.toewijzing(omvang={"volume": 40, "eenheid": "04", "frequentie": "6"})["toewijzing"]
    resp = w.gem.patch(f"/v1/toewijzingen/{tw['toewijzingNummer']}", json={
        "redenWijziging": "08", "omvang": {"volume": 60, "eenheid": "04", "frequentie": "6"}})
    assert resp.status_code == 200, resp.text
    [changed] = resp.json()["gewijzigd"]
    assert changed["toewijzingNummer"] == tw["toewijzingNummer"] and changed["omvang"]["volume"] == 60
    tp = toegewezen_producten(valid_301(w, resp.json()["berichtId"]))[tw["toewijzingNummer"]]
    assert tp.findtext("{*}Omvang/{*}Volume") == "60" and tp.findtext("{*}RedenWijziging") == "08"


def test_IV066_other_eenheid_of_a_totaal_toewijzing_needs_a_new_toewijzing(world) -> None:  # type: ignore[no-untyped-def]
    """Only the Volume may change in place (OP033x1); another Eenheid is another Omvang."""
    w = world()
    tw = w.toewijzing(omvang={"volume": 40, "eenheid": "04", "frequentie": "6"})["toewijzing"]
    resp = w.gem.patch(f"/v1/toewijzingen/{tw['toewijzingNummer']}", json={
        "redenWijziging": "08", "omvang": {"volume": 2400, "eenheid": "01", "frequentie": "6"}})
    assert resp.status_code == 409 and resp.json()["code"] == "IV066"


# ---- IV099: RedenWijziging only on what changed -----------------------------------------------------
def test_IV099_unchanged_toewijzing_in_a_later_301_has_no_reden_wijziging(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    first = w.toewijzing()["toewijzing"]["toewijzingNummer"]
    w.gem.patch(f"/v1/toewijzingen/{first}", json={"redenWijziging": "04",
                                                   "einddatum": date(TODAY.year + 2, 6, 30).isoformat()})
    second_code = w.contract(code=new_code())["code"]
    out = w.toewijzing(product={"categorie": w.categorie, "code": second_code})
    producten = toegewezen_producten(valid_301(w, out["berichtId"]))
    assert set(producten) == {first, out["toewijzing"]["toewijzingNummer"]}
    # the first one is in the 301 (OP087) but unchanged since the 301 that said 04: no RedenWijziging
    assert producten[first].find("{*}RedenWijziging") is None
    assert w.gem.get(f"/v1/toewijzingen/{first}").json()["redenWijziging"] == "04"  # its own history keeps it


# ---- the client's Contact in the 301: TR061, TR006, CD034, CD005, CD025, CS089 ------------------------
ADRES_NL = {"huisnummer": 12, "postcode": "7607AB", "straatnaam": "Grotestraat", "plaatsnaam": "Almelo", "landcode": "NL"}


@pytest.mark.parametrize("contact, name, code", [
    ({"soort": "01", "telefoon": "0546123456"}, "client.contact.adres.postcode", "CD034"),
    ({"soort": "03", "telefoon": "0546123456"}, "client.contact.adres.postcode", "CD034"),
    ({"soort": "04", "telefoon": "0546123456"}, "client.contact.soort", "TR061"),
    ({"soort": "02", "email": "a@example.org"}, "client.contact.telefoon", "TR006"),
    ({"soort": "02", "telefoon": "0546123456", "adres": {"huisnummer": 12, "postcode": "7607AB"}},
     "client.contact.adres.landcode", "CD005"),
    ({"soort": "02", "telefoon": "0546123456", "adres": {"plaatsnaam": "Brussel", "landcode": "BE"}},
     "client.contact.adres.landcode", "CD005"),
    ({"soort": "01", "telefoon": "0546123456", "adres": {"postcode": "7607AB", "landcode": "NL"}},
     "client.contact.adres.huisnummer", "CD025"),
    ({"soort": "01", "adres": {**ADRES_NL, "postcode": "7607 AB"}}, "client.contact.adres.postcode", "CS089"),
    ({"soort": "01", "adres": {**ADRES_NL, "postcode": "0607AB"}}, "client.contact.adres.postcode", "CS089"),
    ({"soort": "02", "telefoon": "0546123456", "adres": {"huisletter": "a"}}, "client.contact.adres.huisnummer",
     "verplicht"),
])
def test_contact_conditions_are_400_naming_the_field(world, contact, name, code) -> None:  # type: ignore[no-untyped-def]
    w = world()
    body = w.toewijzing_body()
    body["client"]["contact"] = contact
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 400, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [(name, code)]
    assert w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()["count"] == 0


@pytest.mark.parametrize("contact, expected", [
    ({"soort": "02", "telefoon": "0546123456"}, {"Soort": "02", "Adres": None, "Telefoonnummer": "0546123456"}),
    ({"soort": "01", "adres": ADRES_NL}, {"Soort": "01", "Postcode": "7607AB", "LandCode": "NL", "Huisnummer": "12"}),
    ({"soort": "03", "adres": {"huisnummer": 3, "postcode": "1000", "plaatsnaam": "Brussel", "landcode": "BE"}},
     {"Soort": "03", "Postcode": "1000", "LandCode": "BE"}),
])
def test_valid_contact_goes_into_the_301_as_given(world, contact, expected) -> None:  # type: ignore[no-untyped-def]
    w = world()
    body = w.toewijzing_body()
    body["client"]["contact"] = contact
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 201, resp.text
    ct = valid_301(w, resp.json()["berichtId"]).find("{*}Client/{*}Contactgegevens/{*}Contact")
    found = {"Soort": ct.findtext("{*}Soort"), "Adres": ct.find("{*}Adres"),
             "Postcode": ct.findtext("{*}Adres/{*}Postcode"), "LandCode": ct.findtext("{*}Adres/{*}LandCode"),
             "Huisnummer": ct.findtext("{*}Adres/{*}Huis/{*}Huisnummer"),
             "Telefoonnummer": ct.findtext("{*}Telefoon/{*}Telefoon01/{*}Telefoonnummer")}
    assert {k: found[k] for k in expected} == expected


def test_all_contacts_of_the_client_go_into_the_301_in_order(world) -> None:  # type: ignore[no-untyped-def]
    """Contactgegevens holds 1..n Contact: the BRP address and a correspondence address both travel."""
    w = world()
    body = w.toewijzing_body()
    del body["client"]["contact"]
    body["client"]["contacten"] = [{"soort": "01", "adres": ADRES_NL},
                                   {"soort": "02", "telefoon": "0546123456", "email": "ouder@example.org"}]
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 201, resp.text
    contacts = valid_301(w, resp.json()["berichtId"]).findall("{*}Client/{*}Contactgegevens/{*}Contact")
    assert [(c.findtext("{*}Soort"), c.findtext("{*}Adres/{*}Postcode"), c.findtext("{*}Emailadres"))
            for c in contacts] == [("01", "7607AB", None), ("02", None, "ouder@example.org")]


def test_TR061_holds_over_all_contacts(world) -> None:  # type: ignore[no-untyped-def]
    """TR061 asks for one contact of soort 01, 02 or 03 among all of them: a 04 beside a 02 is fine, a 04 alone
    is not."""
    w = world()
    body = w.toewijzing_body()
    del body["client"]["contact"]
    body["client"]["contacten"] = [{"soort": "04", "telefoon": "0546123456"}]
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 400, resp.text
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("client.contacten", "TR061")]
    body["client"]["contacten"].append({"soort": "02", "telefoon": "0546654321"})
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 201, resp.text
    soorten = [c.findtext("{*}Soort") for c in
               valid_301(w, resp.json()["berichtId"]).findall("{*}Client/{*}Contactgegevens/{*}Contact")]
    assert soorten == ["04", "02"]


def test_each_contact_meets_its_own_conditions_and_contact_or_contacten_not_both(world) -> None:  # type: ignore[no-untyped-def]
    w = world()
    body = w.toewijzing_body()
    del body["client"]["contact"]
    body["client"]["contacten"] = [{"soort": "02", "telefoon": "0546123456"}, {"soort": "03", "telefoon": "0546123456"}]
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 400, resp.text
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("client.contacten.1.adres.postcode", "CD034")]
    body["client"]["contacten"] = [{"soort": "02", "telefoon": "0546123456"}]
    body["client"]["contact"] = {"soort": "02", "telefoon": "0546123456"}
    resp = w.gem.post("/v1/toewijzingen", json=body)
    assert resp.status_code == 400, resp.text
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("client.contacten", "een-van-beide")]
    assert w.gem.post("/v1/toewijzingen/zoeken", json={"bsn": w.bsn}).json()["count"] == 0


def test_stored_contact_that_breaks_a_condition_never_reaches_a_301(world, stack) -> None:  # type: ignore[no-untyped-def]
    """A contact stored before the conditions were checked (here written straight into the database) is refused
    with 409 before any 301 is built: the aanbieder would reject that 301 as a whole (CD034, 0001)."""
    w = world()
    tw = w.toewijzing()["toewijzing"]
    settings = stack.settings("allocation")
    engine = create_engine(settings.resolved_database_url())
    try:
        with engine.begin() as conn:
            if settings.resolved_schema():
                conn.execute(text(f'SET search_path TO "{settings.resolved_schema()}"'))
            client = table("client", column("id"), column("contact", JSON))
            conn.execute(update(client).where(client.c.id == tw["clientId"])
                         .values(contact={"soort": "01", "telefoon": "0546123456"}))
    finally:
        engine.dispose()
    resp = w.gem.patch(f"/v1/toewijzingen/{tw['toewijzingNummer']}",
                       json={"redenWijziging": "05", "einddatum": (TODAY + timedelta(days=30)).isoformat()})
    assert resp.status_code == 409 and resp.json()["code"] == "contact-ongeldig", resp.text
    assert [(p["name"], p["code"]) for p in resp.json()["invalidParams"]] == [("contact.adres.postcode", "CD034")]
    assert w.gem.get(f"/v1/toewijzingen/{tw['toewijzingNummer']}").json()["versie"] == 1
