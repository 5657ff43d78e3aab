"""Person rules over HTTP: BSN, BRP existence, death, age limits (Jeugdwet, Wmo) with their boundary dates."""
from __future__ import annotations

from .conftest import check_body, codes, signal_codes


# ---- BSN_ONGELDIG: refused with 400 before anything else ------------------------------------------------
def test_BSN_ONGELDIG_elfproef_is_400_without_echo(eligibility_as) -> None:
    bad = "123456780"  # 9 digits, fails the elfproef
    response = eligibility_as("0141").post("/v1/checks", json=check_body(bad))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert [p["code"] for p in body["invalidParams"]] == ["BSN_ONGELDIG"]
    assert bad not in response.text  # a BSN never comes back in an error


def test_BSN_ONGELDIG_eight_digits_that_stdnum_would_pad(eligibility_as) -> None:
    # stdnum's compact() left-pads '40645678' to a valid-looking '040645678': the 9-digit pattern comes first
    response = eligibility_as("0141").post("/v1/checks", json=check_body("40645678"))
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["code"] == "BSN_ONGELDIG"


def test_BSN_ONGELDIG_before_the_brp_is_asked(eligibility_as, stack) -> None:
    from .conftest import brp_down

    with brp_down(stack):  # an invalid BSN is refused even when the BRP is down: nothing else is looked at
        response = eligibility_as("0141").post("/v1/checks", json=check_body("111111111"))
    assert response.status_code == 400


def test_PERSOON_ONBEKEND(check) -> None:
    from tests.support import next_bsn

    answer = check(next_bsn())  # valid BSN, never added to the stand-in BRP
    assert answer["toegestaan"] is False
    assert codes(answer) == ["PERSOON_ONBEKEND"]
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] is None
    assert answer["verantwoordelijkeGemeente"] is None


# ---- OVERLEDEN ---------------------------------------------------------------------------------------------
def test_OVERLEDEN_deceased_person_refused(check, add_person) -> None:
    bsn = add_person("1950-01-01", "0141", overlijdensdatum="2026-02-01")
    answer = check(bsn, domein="wmo", peildatum="2026-04-01")
    assert answer["toegestaan"] is False
    assert codes(answer) == ["OVERLEDEN"]
    assert "01-02-2026" in answer["redenen"][0]["omschrijving"]
    # on the day of death itself: refused
    assert codes(check(bsn, domein="wmo", peildatum="2026-02-01")) == ["OVERLEDEN"]


def test_OVERLEDEN_after_peildatum_is_only_a_signal(check, add_person) -> None:
    bsn = add_person("1950-01-01", "0141", overlijdensdatum="2026-02-01")
    answer = check(bsn, domein="wmo", peildatum="2026-01-31")  # a declaratie for care before the death
    assert answer["toegestaan"] is True
    assert "OVERLEDEN_NA_PEILDATUM" in signal_codes(answer)


def test_OVERLEDEN_demo_fixture_person(check) -> None:
    answer = check("999990159", domein="wmo")
    assert codes(answer) == ["OVERLEDEN"]


# ---- LEEFTIJDSGRENS (Jeugd under 18 at the start date) ---------------------------------------------------
def test_LEEFTIJDSGRENS_day_before_18th_birthday_is_allowed(check, add_person) -> None:
    bsn = add_person("2008-04-01")
    answer = check(bsn, peildatum="2026-03-31")
    assert answer["toegestaan"] is True, answer
    assert answer["verantwoordelijkeGemeente"] == "0141"
    assert "OVERGANG_WMO" in signal_codes(answer)  # 17: prepare the move to the Wmo


def test_LEEFTIJDSGRENS_on_18th_birthday_is_refused_with_code_9(check, add_person) -> None:
    bsn = add_person("2008-04-01")
    answer = check(bsn, peildatum="2026-04-01")
    assert answer["toegestaan"] is False
    assert codes(answer) == ["LEEFTIJDSGRENS"]
    reason = answer["redenen"][0]
    assert reason["redenAfwijzingVerzoek"] == "9"
    assert reason["omschrijving"] and reason["description"]


def test_LEEFTIJDSGRENS_born_29_february(check, add_person) -> None:
    bsn = add_person("2008-02-29")  # 2026 is no leap year: 18 on 1 March
    assert check(bsn, peildatum="2026-02-28")["toegestaan"] is True
    assert codes(check(bsn, peildatum="2026-03-01")) == ["LEEFTIJDSGRENS"]


def test_LEEFTIJDSGRENS_extension_needs_an_explicit_reason(check, add_person) -> None:
    bsn = add_person("2007-01-10")  # 19 on the peildatum
    without = check(bsn, verlengdeJeugdhulp={"totLeeftijd": 21, "reden": None})
    assert codes(without) == ["LEEFTIJDSGRENS"]
    assert "reden" in without["redenen"][0]["omschrijving"]
    blank = check(bsn, verlengdeJeugdhulp={"totLeeftijd": 21, "reden": "   "})
    assert codes(blank) == ["LEEFTIJDSGRENS"]
    with_reason = check(bsn, verlengdeJeugdhulp={"totLeeftijd": 21, "reden": "Voortzetting pleegzorg (art. 1.1)"})
    assert with_reason["toegestaan"] is True
    assert "VERLENGDE_JEUGDHULP" in signal_codes(with_reason)


def test_LEEFTIJDSGRENS_extension_boundaries_21_and_23(check, add_person) -> None:
    bsn = add_person("2005-04-01")  # 21 on 2026-04-01, 23 on 2028-04-01
    reason = "Hulp nodig na 18 (verlengde jeugdhulp)"
    assert check(bsn, peildatum="2026-03-31", verlengdeJeugdhulp={"totLeeftijd": 21, "reden": reason})["toegestaan"]
    assert codes(check(bsn, peildatum="2026-04-01",
                       verlengdeJeugdhulp={"totLeeftijd": 21, "reden": reason})) == ["LEEFTIJDSGRENS"]
    assert check(bsn, peildatum="2028-03-31", verlengdeJeugdhulp={"totLeeftijd": 23, "reden": reason})["toegestaan"]
    assert codes(check(bsn, peildatum="2028-04-01",
                       verlengdeJeugdhulp={"totLeeftijd": 23, "reden": reason})) == ["LEEFTIJDSGRENS"]


def test_LEEFTIJDSGRENS_extension_age_not_configured(check, add_person) -> None:
    bsn = add_person("2007-01-10")
    answer = check(bsn, verlengdeJeugdhulp={"totLeeftijd": 25, "reden": "te oud"})
    assert codes(answer) == ["LEEFTIJDSGRENS"]
    assert "25" in answer["redenen"][0]["omschrijving"]


def test_JEUGDSTRAFRECHT_rechter_referral_past_18(check, add_person) -> None:
    bsn = add_person("2006-01-10")  # 20
    answer = check(bsn, verwijzer={"type": "08", "naam": "Rechtbank Overijssel", "datum": "2026-03-01"})
    assert answer["toegestaan"] is True
    assert "JEUGDSTRAFRECHT" in signal_codes(answer)
    assert codes(check(bsn)) == ["LEEFTIJDSGRENS"]  # the same youth without the rechter


def test_EINDDATUM_NA_LEEFTIJDSGRENS_signal_names_last_day(check, add_person) -> None:
    bsn = add_person("2008-09-15")
    answer = check(bsn, peildatum="2026-04-01", einddatum="2026-12-31")
    assert answer["toegestaan"] is True
    signal = next(s for s in answer["signalen"] if s["code"] == "EINDDATUM_NA_LEEFTIJDSGRENS")
    assert "14-09-2026" in signal["omschrijving"]
    assert "EINDDATUM_NA_LEEFTIJDSGRENS" not in signal_codes(check(bsn, einddatum="2026-09-14"))


def test_OVERGANG_WMO_signal_per_gemeente(check, add_person) -> None:
    # 16 years old: Almelo signals from 17 (default), Leudal from 16 (regels.yaml, seed 003)
    almelo = add_person("2009-10-01", "0141")
    assert "OVERGANG_WMO" not in signal_codes(check(almelo))
    leudal = add_person("2009-10-01", "1640")
    assert "OVERGANG_WMO" in signal_codes(check(leudal, gemeente="1640"))


def test_GEBOORTEDATUM_ONVOLLEDIG_is_never_guessed(check, add_person) -> None:
    bsn = add_person("2008-04")  # only year and month in the BRP: 18 somewhere in April 2026
    assert codes(check(bsn, peildatum="2026-04-15")) == ["GEBOORTEDATUM_ONVOLLEDIG"]
    assert check(bsn, peildatum="2026-03-31")["toegestaan"] is True  # certainly still 17
    assert codes(check(bsn, peildatum="2026-05-01")) == ["LEEFTIJDSGRENS"]  # certainly 18


# ---- WMO_ONDER_18 (Wmo from 18) ----------------------------------------------------------------------------
def test_WMO_ONDER_18_day_before_and_on_18th_birthday(check, add_person) -> None:
    bsn = add_person("2008-04-01")
    before = check(bsn, domein="wmo", peildatum="2026-03-31")
    assert codes(before) == ["WMO_ONDER_18"]
    assert before["redenen"][0]["redenAfwijzingVerzoek"] is None
    assert check(bsn, domein="wmo", peildatum="2026-04-01")["toegestaan"] is True


def test_adult_wmo_client_demo_fixture(check) -> None:
    answer = check("999990056", domein="wmo")
    assert answer["toegestaan"] is True
    assert answer["verantwoordelijkeGemeente"] == "0141"
