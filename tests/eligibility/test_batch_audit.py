"""The batch form, who may ask, the audit trail of every answered check, and no BSN in any log line."""
from __future__ import annotations

from .conftest import check_body, codes


def test_batch_answers_in_order_with_errors_in_place(eligibility_as, add_person) -> None:
    youth, adult, elsewhere = add_person("2014-01-01", "0141"), add_person("1970-01-01", "0141"), \
        add_person("2014-01-01", "0153")
    checks = [check_body(youth), check_body("123456780"), check_body(adult, domein="wmo"),
              check_body(elsewhere), check_body(youth, gemeente="0153"), {"bsn": youth}]
    response = eligibility_as("0141").post("/v1/checks/batch", json={"checks": checks})
    assert response.status_code == 200, response.text
    results = response.json()["resultaten"]
    assert len(results) == 6
    assert results[0]["toegestaan"] is True
    assert results[1]["fout"]["status"] == 400
    assert results[1]["fout"]["invalidParams"][0]["code"] == "BSN_ONGELDIG"
    assert results[2]["toegestaan"] is True
    assert codes(results[3]) == ["WOONPLAATSBEGINSEL"]
    assert results[4]["fout"]["status"] == 403  # Almelo asking for Enschede
    assert results[5]["fout"]["status"] == 400
    assert "123456780" not in response.text


def test_batch_limit_and_empty(eligibility_as) -> None:
    api = eligibility_as("svc-allocation")
    assert api.post("/v1/checks/batch", json={"checks": []}).json() == {"resultaten": []}
    too_many = api.post("/v1/checks/batch", json={"checks": [{}] * 10_001})
    assert too_many.status_code == 400


def test_who_may_ask(eligibility_as, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    assert eligibility_as("11110001").post("/v1/checks", json=check_body(bsn)).status_code == 403
    assert eligibility_as("0153").post("/v1/checks", json=check_body(bsn)).status_code == 403
    assert eligibility_as("svc-allocation").post("/v1/checks", json=check_body(bsn)).status_code == 200
    assert eligibility_as("TWENTE").post("/v1/checks", json=check_body(bsn)).status_code == 200
    assert eligibility_as("TWENTE").post("/v1/checks", json=check_body(bsn, gemeente="1640")).status_code == 403


def test_every_check_is_recorded_without_bsn(eligibility_as, add_person) -> None:
    bsn = add_person("2000-01-01", "0153")
    svc = eligibility_as("svc-allocation")
    answer = svc.post("/v1/checks", json=check_body(bsn, aanbieder="11110001",
                                                    product={"categorie": "45", "code": "45A03"})).json()
    record = svc.get(f"/v1/checks/{answer['id']}")
    assert record.status_code == 200
    audit = record.json()
    assert audit["gevraagdDoor"] == "svc-allocation" and audit["gemeente"] == "0141"
    assert audit["uitkomst"] == "afgewezen"
    assert set(audit["redenen"]) == {"LEEFTIJDSGRENS", "WOONPLAATSBEGINSEL"}
    assert audit["verantwoordelijkeGemeente"] == "0153"
    assert audit["tijdstip"] and audit["requestId"]
    assert bsn not in record.text
    # the gemeente concerned sees it; another gemeente does not (404, existence does not leak)
    assert eligibility_as("0141").get(f"/v1/checks/{answer['id']}").status_code == 200
    assert eligibility_as("0164").get(f"/v1/checks/{answer['id']}").status_code == 404
    listed = eligibility_as("0141").get("/v1/checks", params={"gevraagdDoor": "svc-allocation"}).json()
    assert answer["id"] in [r["id"] for r in listed["results"]]


def test_batch_checks_are_recorded_with_batch_id(eligibility_as, add_person) -> None:
    bsns = [add_person("2014-01-01", "0141") for _ in range(3)]
    api = eligibility_as("0141")
    results = api.post("/v1/checks/batch", json={"checks": [check_body(b) for b in bsns]}).json()["resultaten"]
    record = api.get(f"/v1/checks/{results[0]['id']}").json()
    assert record["batchId"]
    same_batch = api.get("/v1/checks", params={"batchId": record["batchId"]}).json()
    assert same_batch["count"] == 3


def test_no_bsn_or_name_in_any_log_line(eligibility_as, stack, add_person) -> None:
    bsn = add_person("2014-01-01", "0141", geslachtsnaam="Zwartbroek", voornamen="Ilse")
    eligibility_as("0141").post("/v1/checks", json=check_body(bsn))
    eligibility_as("0141").post("/v1/checks/batch", json={"checks": [check_body(bsn)]})
    lines = [ln for name in ("eligibility", "brp") for ln in
             (stack.procs[name].log_path.read_text(errors="replace").splitlines()
              if stack.procs[name].log_path.exists() else [])]
    assert any("check_answered" in ln for ln in lines)
    assert not [ln for ln in lines if bsn in ln or "Zwartbroek" in ln or "2014-01-01" in ln]


def test_reason_catalogue_and_rules(eligibility_as) -> None:
    api = eligibility_as("0141")
    catalogue = api.get("/v1/redenen").json()
    mapping = {r["code"]: r["redenAfwijzingVerzoek"] for r in catalogue["redenen"]}
    assert mapping["WOONPLAATSBEGINSEL"] == "8" and mapping["LEEFTIJDSGRENS"] == "9"
    assert mapping["ANDERE_GEMEENTE"] == "5" and mapping["GEEN_CONTRACT"] == "3" and mapping["BUITEN_CONTRACT"] == "4"
    assert mapping["OVERLEDEN"] is None
    assert all(r["omschrijving"] and r["description"] for r in catalogue["redenen"])
    rules = api.get("/v1/regels", params={"gemeente": "0141"}).json()
    assert rules["verwijzing"]["geldigheidDagen"]["02"] == 90
    assert api.get("/v1/regels", params={"gemeente": "1640"}).json()["jeugd"]["signaalOvergangWmoVanaf"] == 16
