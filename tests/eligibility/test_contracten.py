"""The contract catalogue over HTTP: admin API, validation, overlap, visibility, import (CSV, YAML),
agreements, contractvoorwaarden (shape, filters, 404, ETag), and the demo data of the seeds."""
from __future__ import annotations

import httpx

from .conftest import line, new_agb, new_code

CSV_HEADER = "gemeente;aanbieder;domein;categorie;code;naam;perceel;uitvoeringsvariant;eenheid;tarief;geldigVanaf;geldigTot\n"


def test_contract_line_lifecycle(eligibility_as, add_contract) -> None:
    almelo = eligibility_as("0141")
    created = add_contract(tarief=7000)
    assert created["id"] and created["tarief"] == 7000 and created["startStopVerplicht"] is True
    got = almelo.get(f"/v1/contracten/{created['id']}")
    assert got.status_code == 200 and got.json() == created
    changed = almelo.put(f"/v1/contracten/{created['id']}",
                         json={**line(aanbieder=created["aanbieder"], code=created["code"]), "tarief": 7100})
    assert changed.status_code == 200 and changed.json()["tarief"] == 7100
    listed = almelo.get("/v1/contracten", params={"code": created["code"]}).json()
    assert [x["id"] for x in listed["results"]] == [created["id"]]
    assert almelo.delete(f"/v1/contracten/{created['id']}").status_code == 204
    assert almelo.get(f"/v1/contracten/{created['id']}").status_code == 404


def test_contract_validation_reports_all_problems(eligibility_as) -> None:
    body = line(eenheid="82", tarief=None, categorie="02", geldigVanaf="2024-05-01", geldigTot="2024-01-01")
    response = eligibility_as("0141").post("/v1/contracten", json=body)
    assert response.status_code == 400
    reason = response.json()["invalidParams"][0]["reason"]
    for part in ("categorie 02", "geldigTot", "eenheid en tarief", "eenheid 82"):
        assert part in reason
    too_long = eligibility_as("0141").post("/v1/contracten", json=line(code="ABCDEF"))
    assert too_long.status_code == 400


def test_contract_overlap_is_409(eligibility_as, add_contract) -> None:
    first = add_contract(geldigVanaf="2024-01-01", geldigTot="2024-12-31")
    overlap = eligibility_as("0141").post("/v1/contracten", json=line(aanbieder=first["aanbieder"], code=first["code"],
                                                                     geldigVanaf="2024-06-01"))
    assert overlap.status_code == 409
    assert overlap.json()["contractId"] == first["id"]
    add_contract(aanbieder=first["aanbieder"], code=first["code"], geldigVanaf="2025-01-01")  # back to back: fine


def test_contracts_visible_only_to_their_parties(eligibility_as, add_contract) -> None:
    agb = new_agb()
    created = add_contract(aanbieder=agb)
    assert eligibility_as("0153").get(f"/v1/contracten/{created['id']}").status_code == 404
    assert eligibility_as("11110002").get(f"/v1/contracten/{created['id']}").status_code == 404
    assert eligibility_as("svc-declaration").get(f"/v1/contracten/{created['id']}").status_code == 200
    assert eligibility_as("TWENTE").get(f"/v1/contracten/{created['id']}").status_code == 200
    # a gemeente manages only its own contracts
    assert eligibility_as("0153").post("/v1/contracten", json=line(gemeente="0141")).status_code == 403
    assert eligibility_as("0153").delete(f"/v1/contracten/{created['id']}").status_code == 404
    # an aanbieder reads its own lines but cannot change them
    own = add_contract(aanbieder="11110002")
    aanbieder = eligibility_as("11110002")
    assert aanbieder.get(f"/v1/contracten/{own['id']}").status_code == 200
    assert aanbieder.delete(f"/v1/contracten/{own['id']}").status_code == 403
    assert aanbieder.post("/v1/contracten", json=line(aanbieder="11110002")).status_code == 403


def test_import_csv_and_reimport_is_idempotent(eligibility_as) -> None:
    agb, c1, c2 = new_agb(), new_code(), new_code()
    csv = (CSV_HEADER
           + f"0141;{agb};jeugd;45;{c1};Ambulante begeleiding;2;inspanningsgericht;01;130;2024-01-01;2024-12-31\n"
           + f"0141|0153;{agb};jeugd;45;{c2};Behandeling;2;inspanningsgericht;01;165;2025-01-01;\n")
    almelo, svc = eligibility_as("0141"), eligibility_as("svc-eligibility")
    # Almelo may not import lines for Enschede: nothing is stored
    refused = almelo.post("/v1/contracten/import", content=csv, headers={"Content-Type": "text/csv"})
    assert refused.status_code == 400
    assert almelo.get("/v1/contracten", params={"aanbieder": agb}).json()["count"] == 0
    first = svc.post("/v1/contracten/import", content=csv, headers={"Content-Type": "text/csv"})
    assert first.status_code == 200, first.text
    assert first.json() == {"regels": 3, "aangemaakt": 3, "bijgewerkt": 0, "ongewijzigd": 0, "afspraken": 0}
    again = svc.post("/v1/contracten/import", content=csv, headers={"Content-Type": "text/csv"}).json()
    assert again["ongewijzigd"] == 3 and again["aangemaakt"] == 0
    changed = csv.replace(";130;", ";131;")
    assert svc.post("/v1/contracten/import", content=changed, headers={"Content-Type": "text/csv"}).json()["bijgewerkt"] == 1


def test_import_yaml_with_agreements_and_all_errors_at_once(eligibility_as) -> None:
    agb, code = new_agb(), new_code()
    yaml_text = f"""
contracten:
  - {{gemeenten: ["0141"], aanbieder: "{agb}", domein: jeugd, categorie: "46", code: {code},
     naam: Crisis beschikbaarheid, uitvoeringsvariant: taakgericht, startStopVerplicht: true,
     lumpsum: {{bedrag: 1200000, periode: maand}}, geldigVanaf: "2025-01-01"}}
afspraken:
  - {{gemeente: "0141", aanbieder: "{agb}", clientenstop: false, werkgebied: ["0141", "0153"]}}
"""
    almelo = eligibility_as("0141")
    ok = almelo.post("/v1/contracten/import", content=yaml_text, headers={"Content-Type": "application/yaml"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["aangemaakt"] == 1 and ok.json()["afspraken"] == 1
    terms = almelo.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": agb}).json()
    assert terms["werkgebied"] == ["0141", "0153"]
    assert terms["producten"][0]["lumpsum"] == {"bedrag": 1200000, "periode": "maand"}
    assert terms["producten"][0]["startStopVerplicht"] is True
    bad = """
contracten:
  - {gemeente: "0141", aanbieder: "11110001", domein: jeugd, categorie: "99", code: X1, uitvoeringsvariant: inspanningsgericht, eenheid: "01", tarief: 1, geldigVanaf: "2024-01-01"}
  - {gemeente: "0141", aanbieder: "11110001", domein: wmo, categorie: "02", code: X2, uitvoeringsvariant: outputgericht, eenheid: "01", tarief: 1, geldigVanaf: "2024-01-01"}
"""
    response = almelo.post("/v1/contracten/import", content=bad, headers={"Content-Type": "application/yaml"})
    assert response.status_code == 400
    names = [p["name"] for p in response.json()["invalidParams"]]
    assert any(n.startswith("contracten[1]") for n in names) and any(n.startswith("contracten[2]") for n in names)
    assert almelo.post("/v1/contracten/import", content="a: [", headers={"Content-Type": "application/yaml"}
                       ).status_code == 400
    assert almelo.post("/v1/contracten/import", content="x", headers={"Content-Type": "application/pdf"}
                       ).status_code == 415


def test_contractafspraken(eligibility_as, add_contract) -> None:
    agb = new_agb()
    add_contract(aanbieder=agb)
    almelo = eligibility_as("0141")
    assert almelo.get(f"/v1/contractafspraken/0141/{agb}").json() == {
        "gemeente": "0141", "aanbieder": agb, "clientenstop": False, "werkgebied": []}
    put = almelo.put(f"/v1/contractafspraken/0141/{agb}", json={"clientenstop": True, "werkgebied": ["0164", "0141"]})
    assert put.status_code == 201 and put.json()["werkgebied"] == ["0141", "0164"]
    assert almelo.put(f"/v1/contractafspraken/0141/{agb}", json={"clientenstop": False}).status_code == 200
    assert eligibility_as("0153").get(f"/v1/contractafspraken/0141/{agb}").status_code == 404
    assert eligibility_as("0153").put(f"/v1/contractafspraken/0141/{agb}", json={}).status_code == 404
    assert almelo.put(f"/v1/contractafspraken/0141/{agb}", json={"werkgebied": ["Almelo"]}).status_code == 400
    assert almelo.get("/v1/contractafspraken/141/11110001").status_code == 400


def test_contractvoorwaarden_shape_filters_and_etag(eligibility_as, add_contract) -> None:
    agb = new_agb()
    old = add_contract(aanbieder=agb, geldigVanaf="2024-01-01", geldigTot="2024-12-31", eenheid="01", tarief=130)
    new = add_contract(aanbieder=agb, code=old["code"], geldigVanaf="2025-01-01", eenheid="01", tarief=135)
    add_contract(aanbieder=agb, domein="wmo", categorie="02", uitvoeringsvariant="outputgericht", eenheid="82",
                 tarief=45000)
    svc = eligibility_as("svc-declaration")
    response = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": agb})
    assert response.status_code == 200
    body = response.json()
    assert body["gemeente"] == "0141" and body["aanbieder"] == agb and body["clientenstop"] is False
    assert len(body["producten"]) == 3
    product = next(p for p in body["producten"] if p["contractId"] == old["id"])
    assert set(product) == {"contractId", "domein", "categorie", "code", "naam", "perceel", "uitvoeringsvariant",
                            "eenheid", "tarief", "geldigVanaf", "geldigTot", "declaratiemoment",
                            "startStopVerplicht", "budgetplafond", "lumpsum"}
    wmo = next(p for p in body["producten"] if p["domein"] == "wmo")
    assert wmo["declaratiemoment"] == "maandelijks"
    dated = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": agb,
                                                       "domein": "jeugd", "peildatum": "2026-04-01"}).json()
    assert [p["contractId"] for p in dated["producten"]] == [new["id"]]
    etag = response.headers["etag"]
    cached = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": agb},
                     headers={"If-None-Match": etag})
    assert cached.status_code == 304


def test_contractvoorwaarden_404_and_visibility(eligibility_as, add_contract) -> None:
    svc = eligibility_as("svc-allocation")
    unknown_gemeente = svc.get("/v1/contractvoorwaarden", params={"gemeente": "9998", "aanbieder": "11110001"})
    assert unknown_gemeente.status_code == 404 and unknown_gemeente.json()["code"] == "gemeente-onbekend"
    unknown_aanbieder = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": "29999999"})
    assert unknown_aanbieder.status_code == 404 and unknown_aanbieder.json()["code"] == "aanbieder-onbekend"
    # both known as parties: 200, also without a contract (the list may be empty)
    known = svc.get("/v1/contractvoorwaarden", params={"gemeente": "1640", "aanbieder": "11110005"})
    assert known.status_code == 200 and isinstance(known.json()["producten"], list)
    agb = new_agb()
    add_contract(aanbieder=agb)
    assert eligibility_as("0153").get("/v1/contractvoorwaarden",
                                      params={"gemeente": "0141", "aanbieder": agb}).status_code == 404
    assert eligibility_as("0141").get("/v1/contractvoorwaarden",
                                      params={"gemeente": "0141", "aanbieder": "1111"}).status_code == 400


def _ob_prices(svc, gemeente: str, aanbieder: str, peildatum: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    terms = svc.get("/v1/contractvoorwaarden", params={"gemeente": gemeente, "aanbieder": aanbieder,
                                                       "domein": "jeugd", "peildatum": peildatum}).json()
    return {p["code"]: p["tarief"] for p in terms.get("producten", []) if (p["code"] or "").startswith("OB")}


def test_demo_twents_model_one_regional_price(eligibility_as) -> None:
    svc = eligibility_as("svc-declaration")
    abc = ["OB1A", "OB1B", "OB1C", "OB1D", "OB2A", "OB2B", "OB2C", "OB2D", "OB3A", "OB3B", "OB3C", "OB4A", "OB4B",
           "OB4C"]
    prices = {}
    # Almelo in 2023 (its own purchase starts in 2024); Dinkelland (1774): a Twente gemeente without a party
    for gemeente, day in (("0141", "2023-06-01"), ("0153", "2024-06-01"), ("1735", "2024-06-01"),
                          ("1774", "2024-06-01")):
        ob = _ob_prices(svc, gemeente, "11110001", day)
        e = _ob_prices(svc, gemeente, "11110006", day)
        # the 15 valid (OB, niveau) pairs, E at a provider of its own that delivers nothing else (seed 000 l. 406)
        assert sorted(ob) == abc and sorted(e) == ["OB4E"], (gemeente, ob, e)
        prices[gemeente] = {**ob, **e}
    assert len({tuple(sorted(p.items())) for p in prices.values()}) == 1  # one Twente price


def test_demo_almelo_leaves_the_twents_model_in_2024(eligibility_as) -> None:
    """Seed 002 l. 92: Almelo buys Jeugd and Wmo on its own from 2024-01-01."""
    svc = eligibility_as("svc-declaration")
    assert _ob_prices(svc, "0141", "11110001", "2023-12-31") and not _ob_prices(svc, "0141", "11110001", "2024-01-01")
    assert _ob_prices(svc, "0153", "11110001", "2024-01-01")  # the other gemeenten stay in it to 2024-12-31
    wmo = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": "11110003", "domein": "wmo",
                                                     "peildatum": "2024-01-01"}).json()
    assert not [p for p in wmo["producten"] if p["code"].startswith(("OB", "CS"))]
    # the regional purchases Almelo keeps joining (seed 002 l. 69-77): the dakjes run to 2024-12-31
    dakjes = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": "11110001",
                                                        "peildatum": "2024-06-01"}).json()
    assert {p["code"] for p in dakjes["producten"]} >= {"DK1", "DK2", "DK3"}


def test_demo_almelo_not_in_regional_ambulante_ondersteuning_2025(eligibility_as) -> None:
    """Seed 002 l. 83-89: Almelo does not join the 2025 segment Ambulante ondersteuning, only its treatment."""
    svc = eligibility_as("svc-declaration")

    def codes_at(gemeente: str) -> set[str]:
        terms = svc.get("/v1/contractvoorwaarden", params={"gemeente": gemeente, "aanbieder": "11110001",
                                                           "domein": "jeugd", "peildatum": "2025-06-01"}).json()
        return {p["code"] for p in terms["producten"]}

    assert "45B01" in codes_at("0141") and "45A03" not in codes_at("0141")
    assert {"45A03", "45B01"} <= codes_at("0153")


def _all_lines(svc, **params: str) -> list[dict]:  # type: ignore[no-untyped-def]
    lines, page = [], 1
    while True:
        body = svc.get("/v1/contracten", params={**params, "page": page, "pageSize": 500}).json()
        lines += body["results"]
        if not body["next"]:
            return lines
        page += 1


def test_demo_every_ob_and_module_provider_has_consultatie(eligibility_as) -> None:
    """Seed 000 l. 412, 781: in the Twents model a provider contracted for an OB or a module is contracted
    for consultatie too. Almelo leaves the model in 2024 (seed 002 l. 92); it keeps the regional dakjes
    (l. 69-77) but buys consultatie itself (perceel 2, l. 272-310: almelo-2024.csv)."""
    svc = eligibility_as("svc-declaration")
    for day, outside in (("2022-06-01", set()), ("2024-06-01", {"0141"})):
        lines = [ln for aanbieder in ("11110001", "11110003", "11110005", "11110006")
                 for ln in _all_lines(svc, aanbieder=aanbieder, peildatum=day) if ln["gemeente"] not in outside]
        providers = {(ln["gemeente"], ln["aanbieder"]) for ln in lines
                     if (ln["code"] or "").startswith(("OB", "DK"))}
        consultatie = {(ln["gemeente"], ln["aanbieder"]) for ln in lines if (ln["code"] or "").startswith("CS")}
        assert providers and providers <= consultatie, sorted(providers - consultatie)[:5]
        assert {a for _, a in providers} == {"11110001", "11110003", "11110005", "11110006"}


def test_demo_almelo_2024_and_twente_2025_crisis(eligibility_as) -> None:
    svc = eligibility_as("svc-declaration")
    almelo = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": "11110002"}).json()
    percelen = {p["perceel"] for p in almelo["producten"]}
    assert {"1", "2", "3", "4", "5"} <= percelen
    eenheden = {p["code"]: p["eenheid"] for p in almelo["producten"]}
    assert eenheden["45B01"] == "01" and eenheden["DVJGD"] == "04"  # ambulant in minutes, group care in hours
    assert any(p["budgetplafond"] for p in almelo["producten"])
    crisis = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": "11110004",
                                                        "peildatum": "2025-06-01"}).json()
    variants = {p["code"]: p["uitvoeringsvariant"] for p in crisis["producten"]}
    assert variants["CRBS"] == "taakgericht" and variants["CRUUR"] == "inspanningsgericht"
    lump = next(p for p in crisis["producten"] if p["code"] == "CRBS")
    assert lump["lumpsum"]["periode"] == "maand" and lump["startStopVerplicht"] is True
    borne = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0147", "aanbieder": "11110004"}).json()
    assert next(p for p in borne["producten"] if p["code"] == "CRBS")["startStopVerplicht"] is False
    wmo = svc.get("/v1/contractvoorwaarden", params={"gemeente": "0141", "aanbieder": "11110003",
                                                     "domein": "wmo", "peildatum": "2026-01-01"}).json()
    assert len({p["categorie"] for p in wmo["producten"]}) >= 8


def test_openapi_published(stack) -> None:
    spec = httpx.get(stack.url("eligibility") + "/v1/openapi.json", timeout=30).json()
    for path in ("/checks", "/checks/batch", "/contracten", "/contracten/import", "/contractvoorwaarden",
                 "/contractafspraken/{gemeente}/{aanbieder}", "/verblijven", "/verblijven/zoeken"):
        assert path in spec["paths"]
