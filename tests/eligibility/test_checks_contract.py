"""Contract rules over HTTP: no contract, product outside its period, taakgericht, cliëntenstop, werkgebied;
and the contract terms a positive answer carries (uitvoeringsvariant, eenheid, tarief, contractId)."""
from __future__ import annotations

from .conftest import codes, new_agb, new_code, signal_codes


def test_contract_terms_in_the_answer(check, add_person, add_contract) -> None:
    line = add_contract(eenheid="04", tarief=6500)
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, aanbieder=line["aanbieder"], product={"categorie": "45", "code": line["code"]})
    assert answer["toegestaan"] is True
    assert (answer["uitvoeringsvariant"], answer["eenheid"], answer["tarief"], answer["contractId"]) == \
        ("inspanningsgericht", "04", 6500, line["id"])


def test_GEEN_CONTRACT_aanbieder_without_contract(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, aanbieder=new_agb(), product={"categorie": "45", "code": "45A03"})
    assert answer["toegestaan"] is False
    assert codes(answer) == ["GEEN_CONTRACT"]
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] == "3"
    assert answer["contractId"] is None


def test_GEEN_CONTRACT_product_not_contracted(check, add_person, add_contract) -> None:
    line = add_contract()
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, aanbieder=line["aanbieder"], product={"categorie": "45", "code": new_code("X")})
    assert codes(answer) == ["GEEN_CONTRACT"]
    assert "product" in answer["redenen"][0]["omschrijving"]


def test_BUITEN_CONTRACT_outside_validity_period(check, add_person, add_contract) -> None:
    line = add_contract(geldigVanaf="2024-01-01", geldigTot="2024-12-31")
    bsn = add_person("2014-01-01", "0141")
    product = {"categorie": "45", "code": line["code"]}
    assert check(bsn, aanbieder=line["aanbieder"], product=product, peildatum="2024-12-31")["toegestaan"] is True
    answer = check(bsn, aanbieder=line["aanbieder"], product=product, peildatum="2025-01-01")
    assert codes(answer) == ["BUITEN_CONTRACT"]
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] == "4"


def test_EINDDATUM_NA_CONTRACT_signal_and_renewal(check, add_person, add_contract) -> None:
    code, agb = new_code(), new_agb()
    add_contract(aanbieder=agb, code=code, geldigVanaf="2026-01-01", geldigTot="2026-06-30")
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, aanbieder=agb, product={"categorie": "45", "code": code}, einddatum="2026-12-31")
    assert answer["toegestaan"] is True
    assert "EINDDATUM_NA_CONTRACT" in signal_codes(answer)
    add_contract(aanbieder=agb, code=code, geldigVanaf="2026-07-01", geldigTot=None, tarief=6700)  # renewal
    renewed = check(bsn, aanbieder=agb, product={"categorie": "45", "code": code}, einddatum="2026-12-31")
    assert "EINDDATUM_NA_CONTRACT" not in signal_codes(renewed)


def test_TAAKGERICHT_no_client_level_toewijzing(check, add_person, add_contract) -> None:
    line = add_contract(categorie="46", uitvoeringsvariant="taakgericht", eenheid=None, tarief=None,
                        startStopVerplicht=False, lumpsum={"bedrag": 1200000, "periode": "maand"})
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, aanbieder=line["aanbieder"], product={"categorie": "46", "code": line["code"]})
    assert codes(answer) == ["TAAKGERICHT"]
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] == "4"
    assert answer["uitvoeringsvariant"] == "taakgericht"
    # an aspecific inspanningsgericht line of the same categorie does not hide the product's own variant
    add_contract(aanbieder=line["aanbieder"], categorie="46", code=None, eenheid="04", tarief=9000)
    again = check(bsn, aanbieder=line["aanbieder"], product={"categorie": "46", "code": line["code"]})
    assert codes(again) == ["TAAKGERICHT"]
    other_code = check(bsn, aanbieder=line["aanbieder"], product={"categorie": "46", "code": new_code()})
    assert other_code["toegestaan"] is True and other_code["tarief"] == 9000


def test_CLIENTENSTOP_blocks(eligibility_as, check, add_person, add_contract) -> None:
    agb = new_agb()
    line = add_contract(aanbieder=agb)
    bsn = add_person("2014-01-01", "0141")
    product = {"categorie": "45", "code": line["code"]}
    assert check(bsn, aanbieder=agb, product=product)["toegestaan"] is True
    put = eligibility_as("0141").put(f"/v1/contractafspraken/0141/{agb}", json={"clientenstop": True, "werkgebied": []})
    assert put.status_code == 201, put.text
    answer = check(bsn, aanbieder=agb, product=product)
    assert codes(answer) == ["CLIENTENSTOP"]
    # a contract exists; the request does not fit it: 4 (past niet binnen contract, WJ759), not 3 (geen contract)
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] == "4"


def test_BUITEN_WERKGEBIED(eligibility_as, check, add_person, add_contract) -> None:
    agb = new_agb()
    line = add_contract(aanbieder=agb)
    eligibility_as("0141").put(f"/v1/contractafspraken/0141/{agb}", json={"werkgebied": ["0141", "0164"]})
    product = {"categorie": "45", "code": line["code"]}
    inside = add_person("2014-01-01", "0141")
    assert check(inside, aanbieder=agb, product=product)["toegestaan"] is True
    # the youth in residential care: Almelo pays, but the youth lives (is inscribed) in Enschede
    outside = add_person("2014-01-01", "0153", verblijfInstelling=True, gemeenteVoorVerblijf="0141")
    answer = check(outside, aanbieder=agb, product=product)
    assert codes(answer) == ["BUITEN_WERKGEBIED"]
    assert answer["redenen"][0]["redenAfwijzingVerzoek"] == "4"
    assert "0153" in answer["redenen"][0]["omschrijving"]


def test_aspecific_contract_line_covers_its_categorie(check, add_person, add_contract) -> None:
    agb = new_agb()
    add_contract(aanbieder=agb, categorie="54", code=None, eenheid="01", tarief=150)
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, aanbieder=agb, product={"categorie": "54", "code": "54X01"})
    assert answer["toegestaan"] is True and answer["tarief"] == 150
    aspecifiek = check(bsn, aanbieder=agb, product={"categorie": "54", "code": None})
    assert aspecifiek["toegestaan"] is True
    assert "ASPECIFIEK" in signal_codes(aspecifiek)


def test_every_reason_is_reported(check, add_person) -> None:
    """Several failing rules: all reasons, each with its own code."""
    bsn = add_person("2000-01-01", "0153")
    answer = check(bsn, gemeente="0141", aanbieder=new_agb(), product={"categorie": "45", "code": "45A03"},
                   verwijzer={"type": "06"})
    assert set(codes(answer)) == {"LEEFTIJDSGRENS", "WOONPLAATSBEGINSEL", "VERWIJZER_ONGELDIG", "GEEN_CONTRACT"}


def test_demo_check_of_the_openapi_example(check) -> None:
    from services.eligibility.schemas import CHECK_EXAMPLE

    # Almelo buys its ambulante begeleiding itself (seed 002): the example asks Almelo's own aanbieder
    answer = check(**{k: v for k, v in CHECK_EXAMPLE.items() if v is not None})
    assert answer["toegestaan"] is True, answer
    assert answer["uitvoeringsvariant"] == "inspanningsgericht" and answer["eenheid"] == "01"
    assert answer["tarief"] == 130
