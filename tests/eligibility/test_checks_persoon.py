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


def test_LEEFTIJDSGRENS_extension_needs_a_named_ground(check, add_person) -> None:
    bsn = add_person("2007-01-10")  # 19 on the peildatum
    without = check(bsn, verlengdeJeugdhulp={"totLeeftijd": 21, "reden": None})
    assert codes(without) == ["LEEFTIJDSGRENS"]
    assert "grond" in without["redenen"][0]["omschrijving"]
    # a free-text reason is no ground (Jeugdwet art. 1.1 jeugdige names the cases)
    free_text = check(bsn, verlengdeJeugdhulp={"totLeeftijd": 21, "reden": "Voortzetting pleegzorg"})
    assert codes(free_text) == ["LEEFTIJDSGRENS"]
    with_ground = check(bsn, verlengdeJeugdhulp={"grond": "pleegzorg", "totLeeftijd": 21})
    assert with_ground["toegestaan"] is True
    signal = next(s for s in with_ground["signalen"] if s["code"] == "VERLENGDE_JEUGDHULP")
    assert "pleegzorg" in signal["omschrijving"] and "3°" in signal["omschrijving"]


def test_LEEFTIJDSGRENS_extension_boundaries_21_and_23(check, add_person) -> None:
    bsn = add_person("2005-04-01")  # 21 on 2026-04-01, 23 on 2028-04-01
    pleegzorg, voortzetting = {"grond": "pleegzorg"}, {"grond": "voortzetting"}
    assert check(bsn, peildatum="2026-03-31", verlengdeJeugdhulp=pleegzorg)["toegestaan"]
    assert codes(check(bsn, peildatum="2026-04-01", verlengdeJeugdhulp=pleegzorg)) == ["LEEFTIJDSGRENS"]
    assert check(bsn, peildatum="2028-03-31", verlengdeJeugdhulp=voortzetting)["toegestaan"]
    assert codes(check(bsn, peildatum="2028-04-01", verlengdeJeugdhulp=voortzetting)) == ["LEEFTIJDSGRENS"]
    # pleegzorg reaches 21, not 23 (art. 1.1 jeugdige 3°)
    too_far = check(bsn, peildatum="2027-01-01", verlengdeJeugdhulp={"grond": "pleegzorg", "totLeeftijd": 23})
    assert codes(too_far) == ["LEEFTIJDSGRENS"] and "hoogstens tot 21" in too_far["redenen"][0]["omschrijving"]


def test_LEEFTIJDSGRENS_extension_age_not_configured(check, add_person) -> None:
    bsn = add_person("2007-01-10")
    answer = check(bsn, verlengdeJeugdhulp={"grond": "voortzetting", "totLeeftijd": 25, "reden": "te oud"})
    assert codes(answer) == ["LEEFTIJDSGRENS"]
    assert "25" in answer["redenen"][0]["omschrijving"]


def test_JEUGDSTRAFRECHT_rechter_referral_alone_does_not_extend(check, add_person) -> None:
    bsn = add_person("2006-01-10")  # 20
    rechter = {"type": "08", "naam": "Rechtbank Overijssel", "datum": "2026-03-01"}
    referral_only = check(bsn, verwijzer=rechter)
    assert codes(referral_only) == ["LEEFTIJDSGRENS"]
    assert "rechter" in referral_only["redenen"][0]["omschrijving"]
    assert "JEUGDSTRAFRECHT" not in signal_codes(referral_only)
    # the ground of art. 1.1 jeugdige 2° (adolescentenstrafrecht, art. 77c Sr), named explicitly
    answer = check(bsn, verwijzer=rechter, verlengdeJeugdhulp={"grond": "adolescentenstrafrecht"})
    assert answer["toegestaan"] is True
    assert {"JEUGDSTRAFRECHT", "VERLENGDE_JEUGDHULP"} <= set(signal_codes(answer))


def test_LEEFTIJDSGRENS_grounds_per_gemeente_in_the_rules(eligibility_as) -> None:
    rules = eligibility_as("0141").get("/v1/regels", params={"gemeente": "0141"}).json()
    assert rules["jeugd"]["verlengingGronden"] == {"adolescentenstrafrecht": 23, "pleegzorg": 21, "voortzetting": 23,
                                                   "besluitVoor18": 23, "hervatting": 23}
    assert "rechterTotLeeftijd" not in rules["jeugd"]  # no age limit follows from the referrer any more


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


# ---- OVERLEDEN with an incomplete date of death (JaarMaandDatum / JaarDatum) -------------------------------
def test_OVERLEDEN_partial_date_is_kept_as_a_range(check, add_person) -> None:
    bsn = add_person("1950-01-01", "0141", overlijdensdatum="2026-05")  # only May 2026 is known
    before = check(bsn, domein="wmo", peildatum="2026-04-01")  # certainly alive: only a signal
    assert before["toegestaan"] is True
    signal = next(s for s in before["signalen"] if s["code"] == "OVERLEDEN_NA_PEILDATUM")
    assert "mei 2026" in signal["omschrijving"]
    after = check(bsn, domein="wmo", peildatum="2026-06-01")  # certainly dead
    assert codes(after) == ["OVERLEDEN"] and "mei 2026" in after["redenen"][0]["omschrijving"]
    # the last possible day: as for an exact date, dead on the day itself is refused
    assert codes(check(bsn, domein="wmo", peildatum="2026-05-31")) == ["OVERLEDEN"]
    # inside the month: never a guess
    inside = check(bsn, domein="wmo", peildatum="2026-05-15")
    assert codes(inside) == ["OVERLIJDENSDATUM_ONVOLLEDIG"]
    assert "mei 2026" in inside["redenen"][0]["omschrijving"]
    assert check(bsn, domein="wmo", peildatum="2026-05-01")["redenen"][0]["code"] == "OVERLIJDENSDATUM_ONVOLLEDIG"


def test_OVERLEDEN_year_only_and_demo_fixture(check, add_person) -> None:
    bsn = add_person("1950-01-01", "0141", overlijdensdatum="2025")
    assert codes(check(bsn, domein="wmo", peildatum="2025-06-01")) == ["OVERLIJDENSDATUM_ONVOLLEDIG"]
    assert check(bsn, domein="wmo", peildatum="2024-12-31")["toegestaan"] is True
    assert codes(check(bsn, domein="wmo", peildatum="2026-01-01")) == ["OVERLEDEN"]
    assert check("999990196", domein="wmo", peildatum="2026-04-01")["toegestaan"] is True  # fixture: May 2026


# ---- PERSOONSLIJST_OPGESCHORT (opschortingBijhouding other than O, E, R) -------------------------------
def test_PERSOONSLIJST_OPGESCHORT_fout_and_ministerieel_besluit(check, add_person) -> None:
    for reden in ("F", "M", "."):
        bsn = add_person("1990-01-01", "0141", opschorting=reden, opschortingDatum="2024-02-02")
        answer = check(bsn, domein="jeugd")  # an adult: the age rule is not run on a record that is not used
        assert codes(answer) == ["PERSOONSLIJST_OPGESCHORT"], (reden, answer)
        text = answer["redenen"][0]["omschrijving"]
        assert "opgeschort" in text and f"reden {reden}" in text and "02-02-2024" in text
        assert answer["verantwoordelijkeGemeente"] is None
    assert codes(check("999990214")) == ["PERSOONSLIJST_OPGESCHORT"]  # fixture person, reden F


def test_emigrated_person_is_not_inscribed_here(check, add_person) -> None:
    # opschorting E: the record still shows the last gemeente; the person no longer lives in a Dutch gemeente
    youth = add_person("2013-03-03", "0141", opschorting="E", opschortingDatum="2025-08-01")
    jeugd = check(youth)
    assert "WOONPLAATS_BUITENLAND" in signal_codes(jeugd)  # Jeugdwet woonplaats 4°: the actual stay
    signal = next(s for s in jeugd["signalen"] if s["code"] == "WOONPLAATS_BUITENLAND")
    assert "geëmigreerd" in signal["omschrijving"]
    adult = add_person("1970-03-03", "0141", opschorting="E", opschortingDatum="2025-08-01")
    wmo = check(adult, domein="wmo")  # Almelo, the former gemeente, is not "this gemeente" any more
    assert codes(wmo) == ["WOONPLAATS_VASTSTELLEN"] and wmo["verantwoordelijkeGemeente"] is None
    assert "geëmigreerd" in wmo["redenen"][0]["omschrijving"]
    assert "WOONPLAATS_BUITENLAND" in signal_codes(check("999990202"))  # fixture person
