"""Referral routes over HTTP: allowed TypeVerwijzer per domain, name/code conditions, the validity of a
huisarts referral (configurable per gemeente) with its last valid day, and the external-referral signals."""
from __future__ import annotations

from .conftest import codes, signal_codes

HUISARTS = {"type": "02", "naam": "Huisarts Jansen", "zorgverlenerCode": None}


def test_VERWIJZING_VERLOPEN_almelo_huisarts_90_days(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    verwijzer = {**HUISARTS, "datum": "2026-01-01"}  # Almelo: valid up to and including 2026-04-01
    last_day = check(bsn, peildatum="2026-04-01", verwijzer=verwijzer)
    assert last_day["toegestaan"] is True, last_day
    expired = check(bsn, peildatum="2026-04-02", verwijzer=verwijzer)
    assert codes(expired) == ["VERWIJZING_VERLOPEN"]
    assert expired["redenen"][0]["redenAfwijzingVerzoek"] is None
    assert "01-04-2026" in expired["redenen"][0]["omschrijving"]


def test_VERWIJZING_VERLOPEN_default_365_days_elsewhere(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0153")
    verwijzer = {**HUISARTS, "datum": "2026-01-01"}  # default (regels.yaml): 365 days, last day 2027-01-01
    assert check(bsn, gemeente="0153", peildatum="2026-04-02", verwijzer=verwijzer)["toegestaan"] is True
    assert check(bsn, gemeente="0153", peildatum="2027-01-01", verwijzer=verwijzer)["toegestaan"] is True
    assert codes(check(bsn, gemeente="0153", peildatum="2027-01-02", verwijzer=verwijzer)) == ["VERWIJZING_VERLOPEN"]


def test_VERWIJZING_VERLOPEN_only_for_types_with_a_validity(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    jeugdarts = {"type": "03", "naam": "Jeugdarts GGD", "datum": "2020-01-01"}  # no term configured for 03
    assert check(bsn, verwijzer=jeugdarts)["toegestaan"] is True


def test_VERWIJZER_ONGELDIG_huisarts_without_date(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, verwijzer={**HUISARTS, "datum": None})
    assert codes(answer) == ["VERWIJZER_ONGELDIG"]
    assert "verwijsdatum" in answer["redenen"][0]["omschrijving"]


def test_VERWIJZER_ONGELDIG_zelfverwijzer_is_no_jeugd_route(check, add_person) -> None:
    youth = add_person("2014-01-01", "0141")
    assert codes(check(youth, verwijzer={"type": "06"})) == ["VERWIJZER_ONGELDIG"]
    adult = add_person("1980-01-01", "0141")
    assert check(adult, domein="wmo", verwijzer={"type": "06"})["toegestaan"] is True
    # GI and rechter are Jeugdwet roles
    assert codes(check(adult, domein="wmo", verwijzer={"type": "04", "naam": "GI Twente"})) == ["VERWIJZER_ONGELDIG"]


def test_VERWIJZER_ONGELDIG_name_or_code_conditions(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    # CD067: a huisarts, jeugdarts, GI or medisch specialist needs a name or a ZorgverlenerCode
    assert codes(check(bsn, verwijzer={"type": "05", "datum": "2026-03-01"})) == ["VERWIJZER_ONGELDIG"]
    assert check(bsn, verwijzer={"type": "05", "zorgverlenerCode": "01234567"})["toegestaan"] is True
    # CD068: the gemeente (01) carries no ZorgverlenerCode
    assert codes(check(bsn, verwijzer={"type": "01", "zorgverlenerCode": "01234567"})) == ["VERWIJZER_ONGELDIG"]
    # a referral dated after the peildatum does not cover it
    late = check(bsn, verwijzer={**HUISARTS, "datum": "2026-05-01"})
    assert codes(late) == ["VERWIJZER_ONGELDIG"]


def test_VERWIJZER_ONGELDIG_unknown_type_is_400(eligibility_as, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    response = eligibility_as("0141").post("/v1/checks", json={
        "bsn": bsn, "peildatum": "2026-04-01", "gemeente": "0141", "domein": "jeugd", "verwijzer": {"type": "07"}})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "verwijzer.type"


def test_EXTERNE_VERWIJZING_signal(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    huisarts = check(bsn, verwijzer={**HUISARTS, "datum": "2026-03-15"})
    assert "EXTERNE_VERWIJZING" in signal_codes(huisarts)
    signal = next(s for s in huisarts["signalen"] if s["code"] == "EXTERNE_VERWIJZING")
    assert "huisarts" in signal["omschrijving"] and signal["description"]
    gemeente = check(bsn, verwijzer={"type": "01", "naam": "Wijkteam Almelo"})
    assert "EXTERNE_VERWIJZING" not in signal_codes(gemeente)


def test_GI_VERWIJZING_gi_refers_but_never_pays(check, add_person) -> None:
    bsn = add_person("2012-02-02", "0141")
    gi = {"type": "04", "naam": "Jeugdbescherming Overijssel", "datum": "2026-03-20"}
    answer = check(bsn, verwijzer=gi)
    assert answer["toegestaan"] is True
    assert answer["verantwoordelijkeGemeente"] == "0141"  # the woonplaats gemeente pays, not the GI
    signal = next(s for s in answer["signalen"] if s["code"] == "GI_VERWIJZING")
    assert "0141" in signal["omschrijving"]
    # a GI from elsewhere does not move the bill: another gemeente asking is told who pays
    elsewhere = check(bsn, gemeente="0153", verwijzer=gi)
    assert codes(elsewhere) == ["WOONPLAATSBEGINSEL"] and elsewhere["redenen"][0]["gemeente"] == "0141"


def test_VERWIJZER_ONGELDIG_CD066_name_and_code_not_both(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    for type_ in ("02", "03", "04", "05"):
        both = check(bsn, verwijzer={"type": type_, "naam": "Dr. Jansen", "zorgverlenerCode": "01234567",
                                     "datum": "2026-03-15"})
        assert codes(both) == ["VERWIJZER_ONGELDIG"], type_
        assert "CD066" in both["redenen"][0]["omschrijving"]
    # the code alone (CD066) or the name alone (CD067) is fine
    assert check(bsn, verwijzer={"type": "02", "zorgverlenerCode": "01234567", "datum": "2026-03-15"})["toegestaan"]
    assert check(bsn, verwijzer={**HUISARTS, "datum": "2026-03-15"})["toegestaan"] is True


def test_VERWIJZER_ONTBREEKT_signal_for_jeugd_with_an_aanbieder(check, add_person, add_contract) -> None:
    line = add_contract()
    bsn = add_person("2014-01-01", "0141")
    product = {"categorie": "45", "code": line["code"]}
    without = check(bsn, aanbieder=line["aanbieder"], product=product)
    assert without["toegestaan"] is True  # a signal: the gemeente's own toewijzing carries no Verwijzer
    signal = next(s for s in without["signalen"] if s["code"] == "VERWIJZER_ONTBREEKT")
    assert "JW315" in signal["omschrijving"] and "01" in signal["omschrijving"]
    with_referrer = check(bsn, aanbieder=line["aanbieder"], product=product, verwijzer={"type": "01"})
    assert "VERWIJZER_ONTBREEKT" not in signal_codes(with_referrer)
    assert "VERWIJZER_ONTBREEKT" not in signal_codes(check(bsn))  # person rules only: no referral to judge
    adult = add_person("1970-01-01", "0141")
    wmo = check(adult, domein="wmo", aanbieder="11110003", product={"categorie": "02", "code": "02B01"})
    assert "VERWIJZER_ONTBREEKT" not in signal_codes(wmo)  # Wmo access runs through the gemeente
