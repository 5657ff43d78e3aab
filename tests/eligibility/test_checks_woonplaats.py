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


def test_WOONPLAATS_NIET_VASTGESTELD_abroad(check, add_person) -> None:
    bsn = add_person("2011-01-05", "1999", verblijfBuitenland=True)
    answer = check(bsn, gemeente="0141")
    assert answer["toegestaan"] is True
    assert answer["verantwoordelijkeGemeente"] == "0141"
    assert "WOONPLAATS_NIET_VASTGESTELD" in signal_codes(answer)
