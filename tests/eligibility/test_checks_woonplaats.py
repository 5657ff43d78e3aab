"""Woonplaatsbeginsel over HTTP: who pays (the gemeente of inscription; in residential care the gemeente
of before the stay), and the refusal naming the right gemeente for the 319's Woonplaatsbeginsel."""
from __future__ import annotations

from .conftest import codes, signal_codes


def test_WOONPLAATSBEGINSEL_other_gemeente_named(check, add_person) -> None:
    bsn = add_person("2012-01-01", "0153")
    answer = check(bsn, gemeente="0141")
    assert answer["toegestaan"] is False
    assert codes(answer) == ["WOONPLAATSBEGINSEL"]
    reason = answer["redenen"][0]
    assert reason["redenAfwijzingVerzoek"] == "8"
    assert reason["gemeente"] == "0153"
    assert answer["verantwoordelijkeGemeente"] == "0153"
    # the responsible gemeente itself is answered yes
    assert check(bsn, gemeente="0153")["toegestaan"] is True


def test_ANDERE_GEMEENTE_for_wmo(check, add_person) -> None:
    bsn = add_person("1970-01-01", "0153")
    answer = check(bsn, gemeente="0141", domein="wmo")
    assert codes(answer) == ["ANDERE_GEMEENTE"]
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] == "5"
    assert answer["redenen"][0]["gemeente"] == "0153"


def test_WOONPLAATSBEGINSEL_residential_care_keeps_gemeente_before_stay(check, add_person) -> None:
    # inscribed at the institution in Enschede; lived in Hengelo just before the stay (stand-in BRP test fields)
    bsn = add_person("2011-04-08", "0153", verblijfInstelling=True, gemeenteVoorVerblijf="0164")
    enschede = check(bsn, gemeente="0153")
    assert codes(enschede) == ["WOONPLAATSBEGINSEL"]
    assert enschede["redenen"][0]["gemeente"] == "0164"
    assert "verblijf" in enschede["redenen"][0]["omschrijving"]
    hengelo = check(bsn, gemeente="0164")
    assert hengelo["toegestaan"] is True
    assert hengelo["verantwoordelijkeGemeente"] == "0164"
    assert "VERBLIJF" in signal_codes(hengelo)


def test_WOONPLAATSBEGINSEL_residential_care_demo_fixture(check) -> None:
    answer = check("999990111", gemeente="0153")
    assert answer["redenen"][0]["gemeente"] == "0164"


def test_WOONPLAATSBEGINSEL_verblijf_register(eligibility_as, check, add_person) -> None:
    """Production route: the BRP does not know the stay; the gemeente records it in the verblijf register."""
    bsn = add_person("2013-05-05", "0153")
    assert check(bsn, gemeente="0164")["redenen"][0]["gemeente"] == "0153"  # before recording
    hengelo = eligibility_as("0164")
    created = hengelo.post("/v1/verblijven", json={"bsn": bsn, "gemeenteVoorVerblijf": "0164",
                                                   "ingangsdatum": "2026-01-01", "einddatum": None})
    assert created.status_code == 201, created.text
    assert bsn not in created.text  # the register keeps a keyed hash, never the BSN
    assert check(bsn, gemeente="0164", peildatum="2026-04-01")["toegestaan"] is True
    before_stay = check(bsn, gemeente="0164", peildatum="2025-12-31")
    assert codes(before_stay) == ["WOONPLAATSBEGINSEL"] and before_stay["redenen"][0]["gemeente"] == "0153"
    # search by BSN in a body (never a URL); another gemeente sees nothing
    found = hengelo.post("/v1/verblijven/zoeken", json={"bsn": bsn}).json()["results"]
    assert [v["gemeenteVoorVerblijf"] for v in found] == ["0164"]
    assert eligibility_as("0141").post("/v1/verblijven/zoeken", json={"bsn": bsn}).json()["results"] == []
    assert eligibility_as("0141").delete(f"/v1/verblijven/{found[0]['id']}").status_code == 404
    assert hengelo.delete(f"/v1/verblijven/{found[0]['id']}").status_code == 204
    assert codes(check(bsn, gemeente="0164")) == ["WOONPLAATSBEGINSEL"]


def test_verblijf_register_only_by_the_gemeente_that_stays_responsible(eligibility_as, add_person) -> None:
    bsn = add_person("2013-05-05", "0153")
    response = eligibility_as("0141").post("/v1/verblijven", json={"bsn": bsn, "gemeenteVoorVerblijf": "0164"})
    assert response.status_code == 403
    bad = eligibility_as("0164").post("/v1/verblijven", json={"bsn": "123456780", "gemeenteVoorVerblijf": "0164"})
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["code"] == "BSN_ONGELDIG"
    assert eligibility_as("11110001").post("/v1/verblijven", json={"bsn": bsn, "gemeenteVoorVerblijf": "0164"}
                                           ).status_code == 403


def test_WOONPLAATSBEGINSEL_verblijf_carried_by_the_request(check, add_person) -> None:
    bsn = add_person("2013-05-05", "0153")
    answer = check(bsn, gemeente="0164", verblijf={"gemeenteVoorVerblijf": "0164"})
    assert answer["toegestaan"] is True and answer["verantwoordelijkeGemeente"] == "0164"


def test_VERBLIJF_GEMEENTE_ONBEKEND_signal(check, add_person) -> None:
    bsn = add_person("2011-04-08", "0153", verblijfInstelling=True)
    answer = check(bsn, gemeente="0153")
    assert answer["toegestaan"] is True  # falls back to the inscription, with a signal to record the stay
    assert "VERBLIJF_GEMEENTE_ONBEKEND" in signal_codes(answer)


def test_WOONPLAATS_BUITENLAND_abroad_is_woonplaats_4(check, add_person) -> None:
    bsn = add_person("2011-01-05", "1999", verblijfBuitenland=True)
    answer = check(bsn, gemeente="0141")
    assert answer["toegestaan"] is True
    assert answer["verantwoordelijkeGemeente"] == "0141"
    signal = next(s for s in answer["signalen"] if s["code"] == "WOONPLAATS_BUITENLAND")
    assert "4°" in signal["omschrijving"] and "werkelijk verblijft" in signal["omschrijving"]


# ---- without a usable woonadres: Jeugdwet woonplaats 3° (the gemeente must establish it), 4° abroad ------
def test_WOONPLAATS_VASTSTELLEN_verblijfplaats_onbekend_names_woonplaats_3(check, add_person) -> None:
    bsn = add_person("2011-11-11", "0141", verblijfplaatsOnbekend=True)
    answer = check(bsn, gemeente="0141")
    assert answer["toegestaan"] is False  # never "entitled, this gemeente" on no address at all
    assert codes(answer) == ["WOONPLAATS_VASTSTELLEN"]
    reason = answer["redenen"][0]
    assert reason["redenAfwijzingVerzoek"] is None and answer["afwijzing"] is None  # no 319 code fits
    assert "3°" in reason["omschrijving"] and "moeder" in reason["omschrijving"]
    assert "verblijfplaats onbekend" in reason["omschrijving"]
    assert answer["verantwoordelijkeGemeente"] is None
    assert codes(check("999990226")) == ["WOONPLAATS_VASTSTELLEN"]  # fixture person


def test_WOONPLAATS_VASTSTELLEN_verblijft_niet_op_adres(check, add_person) -> None:
    # indicatieVastgesteldVerblijftNietOpAdres: the aantekening of art. 2.26 Wet BRP that woonplaats 3° names
    bsn = add_person("2010-07-07", "0153", verblijftNietOpAdres=True)
    answer = check(bsn, gemeente="0153")
    assert codes(answer) == ["WOONPLAATS_VASTSTELLEN"]
    assert "2.26" in answer["redenen"][0]["omschrijving"]
    # the gemeente established the woonplaats itself (mother's gemeente at the birth): then it is used
    own = check(bsn, gemeente="0153", woonplaats={"gemeente": "0153", "grond": "moeder-bij-geboorte"})
    assert own["toegestaan"] is True and own["verantwoordelijkeGemeente"] == "0153"
    assert "WOONPLAATS_DOOR_GEMEENTE" in signal_codes(own)
    elsewhere = check(bsn, gemeente="0153", woonplaats={"gemeente": "0164", "grond": "werkelijk-verblijf"})
    assert codes(elsewhere) == ["WOONPLAATSBEGINSEL"] and elsewhere["redenen"][0]["gemeente"] == "0164"
    assert codes(check("999990238", gemeente="0153")) == ["WOONPLAATS_VASTSTELLEN"]  # fixture person


def test_woonplaats_opgave_is_ignored_when_the_brp_has_an_address(check, add_person) -> None:
    bsn = add_person("2012-01-01", "0153")
    answer = check(bsn, gemeente="0141", woonplaats={"gemeente": "0141", "grond": "werkelijk-verblijf"})
    assert codes(answer) == ["WOONPLAATSBEGINSEL"] and answer["redenen"][0]["gemeente"] == "0153"


def test_WOONPLAATS_VASTSTELLEN_rni_without_address_and_wmo_abroad(check, add_person) -> None:
    rni = add_person("2011-01-05", "1999")  # RNI, no foreign address: 3°, not 4°
    assert codes(check(rni, gemeente="0141")) == ["WOONPLAATS_VASTSTELLEN"]
    pl_rni = add_person("2011-01-05", "0141", opschorting="R")  # record moved to the RNI
    assert codes(check(pl_rni, gemeente="0141")) == ["WOONPLAATS_VASTSTELLEN"]
    adult = add_person("1960-01-05", "1999", verblijfBuitenland=True)
    wmo = check(adult, gemeente="0141", domein="wmo")  # the Wmo has no woonplaats 4°
    assert codes(wmo) == ["WOONPLAATS_VASTSTELLEN"] and "Wmo" in wmo["redenen"][0]["omschrijving"]


# ---- ADRES_NA_PEILDATUM: the BRP gives today's address, not the one on the peildatum ----------------------
def test_ADRES_NA_PEILDATUM_when_the_address_starts_after_the_peildatum(check, add_person) -> None:
    from services.common.clock import today_nl

    moved = add_person("2012-02-02", "0141", adresSinds="2026-03-01")
    before = check(moved, peildatum="2026-01-15")
    assert before["toegestaan"] is True  # signalled, not guessed either way
    signal = next(s for s in before["signalen"] if s["code"] == "ADRES_NA_PEILDATUM")
    assert "01-03-2026" in signal["omschrijving"] and "adreshistorie" in signal["omschrijving"]
    assert "ADRES_NA_PEILDATUM" not in signal_codes(check(moved, peildatum="2026-03-01"))
    # a partial datumVan that may lie after the peildatum; an unknown one for any day but today
    partial = add_person("2012-02-02", "0141", adresSinds="2026-02")
    assert "ADRES_NA_PEILDATUM" in signal_codes(check(partial, peildatum="2026-02-10"))
    assert "ADRES_NA_PEILDATUM" not in signal_codes(check(partial, peildatum="2026-03-01"))
    unknown = add_person("2012-02-02", "0141", adresSinds=None)
    assert "ADRES_NA_PEILDATUM" in signal_codes(check(unknown, peildatum="2026-01-15"))
    assert "ADRES_NA_PEILDATUM" not in signal_codes(check(unknown, peildatum=today_nl().isoformat()))
    assert "ADRES_NA_PEILDATUM" in signal_codes(check("999990251", peildatum="2026-01-15"))  # fixture person
