"""The batch form, who may ask, the audit trail of every answered check, and no BSN in any log line."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.eligibility.bsn import bsn_hash
from services.eligibility.settings import EligibilitySettings

from .conftest import audit_row, check_body, codes, new_agb, refused_rows


def _since() -> str:
    return (datetime.now(UTC) - timedelta(milliseconds=200)).isoformat()


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
    answer = svc.post("/v1/checks", json=check_body(bsn, aanbieder="11110002",
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
    # a contract exists, the request does not fit it (WJ759 4 "past niet binnen contract")
    assert mapping["CLIENTENSTOP"] == "4" and mapping["BUITEN_WERKGEBIED"] == "4"
    assert mapping["OVERLEDEN"] is None
    assert all(r["omschrijving"] and r["description"] for r in catalogue["redenen"])
    rules = api.get("/v1/regels", params={"gemeente": "0141"}).json()
    assert rules["verwijzing"]["geldigheidDagen"]["02"] == 90
    assert api.get("/v1/regels", params={"gemeente": "1640"}).json()["jeugd"]["signaalOvergangWmoVanaf"] == 16


# ---- every check answered is recorded, the refused ones too ----------------------------------------------
def test_invalid_bsn_is_recorded_without_any_hash(stack, eligibility_as) -> None:
    api, since = eligibility_as("0147"), _since()
    response = api.post("/v1/checks", json=check_body("123456780", gemeente="0147", peildatum="2026-04-02"))
    assert response.status_code == 400
    [row] = [r for r in refused_rows(api, since, "ongeldige-invoer") if r["peildatum"] == "2026-04-02"]
    assert row["redenen"] == ["BSN_ONGELDIG"] and row["gemeente"] == "0147" and row["domein"] == "jeugd"
    assert row["product"] is None and row["aanbieder"] is None
    assert audit_row(stack, row["id"])["bsn_hash"] is None  # an invalid BSN leaves no trace, hashed or not
    assert "123456780" not in api.get(f"/v1/checks/{row['id']}").text


def test_other_gemeente_is_recorded_with_the_keyed_hash(stack, eligibility_as, add_person) -> None:
    bsn = add_person("2014-01-01", "0153")
    api, since = eligibility_as("0141"), _since()
    response = api.post("/v1/checks", json=check_body(bsn, gemeente="0153", aanbieder=new_agb(),
                                                      peildatum="2026-04-03",
                                                      product={"categorie": "45", "code": "45A03"}))
    assert response.status_code == 403 and response.json()["code"] == "niet-uw-gemeente"
    [row] = [r for r in refused_rows(api, since, "niet-uw-gemeente") if r["peildatum"] == "2026-04-03"]
    assert row["gemeente"] == "0153" and row["gevraagdDoor"] == "0141"
    assert row["aanbieder"] is None and row["product"] is None  # a refused caller's guesses are not kept
    assert audit_row(stack, row["id"])["bsn_hash"] == bsn_hash(EligibilitySettings().bsn_hash_key, bsn)
    assert bsn not in response.text


def test_wrong_role_is_recorded(eligibility_as, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    since = _since()
    aanbieder = eligibility_as("11110004")
    single = aanbieder.post("/v1/checks", json=check_body(bsn))
    batch = aanbieder.post("/v1/checks/batch", json={"checks": [check_body(bsn), check_body("123456780")]})
    assert single.status_code == 403 and batch.status_code == 403
    assert single.json()["code"] == batch.json()["code"] == "verkeerde-rol"
    rows = eligibility_as("svc-allocation").get("/v1/checks", params={
        "uitkomst": "verkeerde-rol", "gevraagdDoor": "11110004", "vanaf": since}).json()["results"]
    assert len(rows) == 3 and len({r["batchId"] for r in rows if r["batchId"]}) == 1
    assert {r["gemeente"] for r in rows} == {"0141"}


def test_every_item_of_a_batch_is_recorded(eligibility_as, add_person) -> None:
    youth = add_person("2014-01-01", "0141")
    checks = [check_body(youth), check_body("123456780"), check_body(youth, gemeente="0153"), {"bsn": youth},
              {"peildatum": "gisteren"}]
    api = eligibility_as("0141")
    results = api.post("/v1/checks/batch", json={"checks": checks}).json()["resultaten"]
    assert [("fout" in r) for r in results] == [False, True, True, True, True]
    batch_id = api.get(f"/v1/checks/{results[0]['id']}").json()["batchId"]
    recorded = eligibility_as("svc-allocation").get("/v1/checks", params={"batchId": batch_id}).json()
    assert recorded["count"] == len(checks)
    assert sorted(r["uitkomst"] for r in recorded["results"]) == \
        ["niet-uw-gemeente", "ongeldige-invoer", "ongeldige-invoer", "ongeldige-invoer", "toegestaan"]


# ---- one RedenAfwijzingVerzoek for a 319 -----------------------------------------------------------------
def test_afwijzing_puts_woonplaatsbeginsel_first(check, add_person) -> None:
    bsn = add_person("2006-01-01", "0153")  # 20, lives in Enschede; no contract with a fictitious aanbieder
    answer = check(bsn, gemeente="0141", aanbieder=new_agb(), product={"categorie": "45", "code": "45A03"},
                   verwijzer={"type": "01"})
    assert set(codes(answer)) == {"LEEFTIJDSGRENS", "WOONPLAATSBEGINSEL", "GEEN_CONTRACT"}
    assert answer["afwijzing"] == {"redenAfwijzingVerzoek": "8", "code": "WOONPLAATSBEGINSEL",
                                   "woonplaatsbeginsel": "0153"}
    assert answer["redenen"][0]["code"] == "WOONPLAATSBEGINSEL"  # the first coded reason is the primary one too
    at_home = check(bsn, gemeente="0153", aanbieder=new_agb(), product={"categorie": "45", "code": "45A03"},
                    verwijzer={"type": "01"})
    assert at_home["afwijzing"] == {"redenAfwijzingVerzoek": "9", "code": "LEEFTIJDSGRENS", "woonplaatsbeginsel": None}
    assert [r["code"] for r in at_home["redenen"]] == ["LEEFTIJDSGRENS", "GEEN_CONTRACT"]


def test_afwijzing_is_null_without_a_coded_reason(check, add_person) -> None:
    bsn = add_person("2014-01-01", "0141")
    answer = check(bsn, verwijzer={"type": "06"})
    assert codes(answer) == ["VERWIJZER_ONGELDIG"] and answer["afwijzing"] is None
    assert check(bsn)["afwijzing"] is None  # toegestaan
