"""Payments per gemeente, aanbieder and period; payment blocks; CSV/JSON export; the taakgericht payment
schedule; every party sees only its own."""
from __future__ import annotations

import csv
import io

from .conftest import World, new_ref


def periode(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def test_payment_totals_and_lines(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="0164", aanbieder="11110002")
    case = world.case()
    d = world.declaratie(case.year, case.month)
    good = case.prestatie(volume=4)
    bad = case.prestatie(volume=1, ref=new_ref(), toewijzing=case.nummer + 5_000_000)  # 9338
    d.add(case.bsn, good, bad)
    a = world.post(d)
    assert a.toegekend == 24000

    gem = world.declaration("0164")
    body = gem.get("/v1/betalingen", params={"periode": periode(case.year, case.month), "metRegels": "true"}).json()
    (pay,) = [p for p in body["betalingen"] if p["aanbieder"] == "11110002"]
    assert pay["goedgekeurdBedrag"] == 24000
    assert pay["afgewezenBedrag"] == 6000
    assert (pay["aantalPrestaties"], pay["aantalGoedgekeurd"], pay["aantalAfgewezen"]) == (2, 1, 1)
    assert pay["status"] == "te-betalen"
    assert [x["id"] for x in pay["declaraties"]] == [a.declaratie_id]
    lines = {r["referentieNummer"]: r for r in pay["regels"]}
    assert lines[good.ref]["oordeel"] == "goedgekeurd" and lines[good.ref]["status"] == "te-betalen"
    assert lines[bad.ref]["retourcodes"] == ["9338"] and lines[bad.ref]["regels"] == ["TR338"]

    # the aanbieder sees its own payment; another gemeente and another aanbieder see nothing of it
    own = world.declaration("11110002").get("/v1/betalingen", params={"periode": periode(case.year, case.month)})
    assert any(p["gemeente"] == "0164" and p["goedgekeurdBedrag"] == 24000 for p in own.json()["betalingen"])
    for outsider in ("0141", "11110003"):
        other = world.declaration(outsider).get("/v1/betalingen", params={"periode": periode(case.year, case.month),
                                                                          "gemeente": "0164"})
        assert all(not (p["gemeente"] == "0164" and p["aanbieder"] == "11110002") for p in other.json()["betalingen"])
        assert world.declaration(outsider).get(f"/v1/declaraties/{a.declaratie_id}").status_code == 404


def test_two_declaraties_for_one_period_are_both_paid_IV090(world: World) -> None:
    # a 2nd declaratie for the last DeclaratiePeriode (TR318/IV090): the period's payment holds both
    case = world.case(months=2)
    first = case.post(1, case.prestatie(1, volume=4))
    second = case.post(1, case.prestatie(0, volume=3))  # care of the month before, found later
    assert first.toegekend == 24000 and second.toegekend == 18000
    body = world.declaration(world.gemeente).get("/v1/betalingen", params={
        "periode": periode(*case.periods[1]), "aanbieder": world.aanbieder, "metRegels": "true"}).json()
    (pay,) = body["betalingen"]
    assert pay["goedgekeurdBedrag"] == 24000 + 18000 and pay["afgewezenBedrag"] == 0
    assert (pay["aantalPrestaties"], pay["aantalGoedgekeurd"]) == (2, 2)
    assert sorted(x["id"] for x in pay["declaraties"]) == sorted([first.declaratie_id, second.declaratie_id])
    assert {r["declaratieNummer"] for r in pay["regels"]} == {x["declaratieNummer"] for x in pay["declaraties"]}


def test_credit_is_negative_in_payments(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="0164", aanbieder="11110003")
    case = world.case(months=2)
    original = case.prestatie(0, volume=4)
    assert case.post(0, original).toegekend == 24000
    a = case.post(1, original.credit_of(new_ref()))
    assert a.toegekend == -24000
    body = world.declaration("0164").get("/v1/betalingen", params={"periode": periode(*case.periods[1]),
                                                                   "aanbieder": "11110003"}).json()
    assert body["betalingen"][0]["goedgekeurdBedrag"] == -24000


def test_payment_block_holds_payment_but_declaraties_are_still_judged(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="1735", aanbieder="11110004")
    gem = world.declaration("1735")
    put = gem.put("/v1/betaalblokkades/11110004", json={"actief": True, "reden": "Vermoeden van fraude"})
    assert put.status_code == 200, put.text
    try:
        case = world.case()
        a = case.post(0)
        assert a.antwoord_codes == ["8001"]  # judged and answered as usual
        p = periode(case.year, case.month)
        pay = gem.get("/v1/betalingen", params={"periode": p, "aanbieder": "11110004"}).json()["betalingen"][0]
        assert pay["status"] == "aangehouden"
        assert pay["blokkade"]["reden"] == "Vermoeden van fraude"
        # the aanbieder sees that payment is held, not why
        mine = world.declaration("11110004").get("/v1/betalingen", params={"periode": p, "gemeente": "1735"}).json()
        assert mine["betalingen"][0]["status"] == "aangehouden"
        assert "reden" not in mine["betalingen"][0]["blokkade"] or mine["betalingen"][0]["blokkade"]["reden"] is None
        # only a gemeente sets a block, and only its own
        assert world.declaration("11110004").put("/v1/betaalblokkades/11110004",
                                                 json={"reden": "x"}).status_code == 403
        assert gem.put("/v1/betaalblokkades/99999999", json={"reden": "x"}).status_code == 404
        csv_text = gem.get("/v1/betalingen/export.csv", params={"periode": p, "aanbieder": "11110004"}).text
        rows = list(csv.DictReader(io.StringIO(csv_text)))
        assert rows and all(r["status"] == "aangehouden" for r in rows)
    finally:
        lifted = gem.delete("/v1/betaalblokkades/11110004")
        assert lifted.status_code == 200 and lifted.json()["actief"] is False
    pay = gem.get("/v1/betalingen", params={"periode": p, "aanbieder": "11110004"}).json()["betalingen"][0]
    assert pay["status"] == "te-betalen"


def test_exports_csv_and_json(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="0147", aanbieder="11110005")
    case = world.case()
    a = case.post(0, case.prestatie(volume=3), case.prestatie(volume=1, toewijzing=case.nummer + 5_000_000))
    p = periode(case.year, case.month)
    gem = world.declaration("0147")
    resp = gem.get("/v1/betalingen/export.csv", params={"periode": p})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    mine = [r for r in rows if r["aanbieder"] == "11110005"]
    assert {r["oordeel"] for r in mine} == {"goedgekeurd", "afgewezen"}
    assert sum(int(r["bedrag"]) for r in mine if r["oordeel"] == "goedgekeurd") == a.toegekend
    js = gem.get("/v1/betalingen/export.json", params={"periode": p}).json()
    (pay,) = [x for x in js["betalingen"] if x["aanbieder"] == "11110005"]
    assert pay["goedgekeurdBedrag"] == a.toegekend and len(pay["regels"]) == 2
    assert gem.get("/v1/betalingen", params={"periode": "2026-13"}).status_code == 400


def test_taakgericht_payment_schedule_from_contract(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="1640", aanbieder="11110004")
    year = 2026
    monthly = world.contract(categorie="46", variant="taakgericht", eenheid=None, tarief=None,
                             lumpsum={"bedrag": 1_200_000, "periode": "maand"}, vanaf=f"{year}-04-01",
                             naam="Crisis beschikbaarheid")
    quarterly = world.contract(categorie="46", variant="taakgericht", eenheid=None, tarief=None,
                               lumpsum={"bedrag": 900_000, "periode": "kwartaal"}, vanaf=f"{year}-01-01",
                               tot=f"{year}-08-31", naam="Crisisbedden")
    budget = world.contract(categorie="46", variant="taakgericht", eenheid=None, tarief=None, budgetplafond=1_200_001,
                            vanaf=f"{year}-01-01", naam="Coördinatiepunt")
    body = world.declaration("1640").get("/v1/betaalschema", params={"jaar": year, "aanbieder": "11110004"}).json()
    by_code = {r["product"]["code"]: r for r in body["schema"]}
    m = by_code[monthly["code"]]
    assert [t["termijn"] for t in m["termijnen"]] == [f"{year}-{i:02d}" for i in range(4, 13)]
    assert all(t["bedrag"] == 1_200_000 for t in m["termijnen"]) and m["totaal"] == 9 * 1_200_000
    q = by_code[quarterly["code"]]
    # Q3 is covered for two of its three months (contract ends 31 August): paid pro rata
    assert [(t["termijn"], t["bedrag"]) for t in q["termijnen"]] == [
        (f"{year}-Q1", 900_000), (f"{year}-Q2", 900_000), (f"{year}-Q3", 600_000)]
    b = by_code[budget["code"]]
    assert len(b["termijnen"]) == 12 and b["totaal"] == 1_200_001 and b["grondslag"] == "budget"
    # held while a payment block is active
    gem = world.declaration("1640")
    assert gem.put("/v1/betaalblokkades/11110004", json={"reden": "onderzoek"}).status_code == 200
    try:
        held = gem.get("/v1/betaalschema", params={"jaar": year, "aanbieder": "11110004"}).json()
        assert {r["status"] for r in held["schema"]} == {"aangehouden"}
    finally:
        gem.delete("/v1/betaalblokkades/11110004")
    # the aanbieder sees its own schedule with this gemeente
    own = world.declaration("11110004").get("/v1/betaalschema", params={"jaar": year, "gemeente": "1640"}).json()
    assert monthly["code"] in {r["product"]["code"] for r in own["schema"]}


def test_declaraties_listing_is_scoped(make_world) -> None:  # type: ignore[no-untyped-def]
    world: World = make_world(gemeente="0153", aanbieder="11110005")
    case = world.case()
    a = case.post(0)
    mine = world.declaration("11110005").get(f"/v1/declaraties/{a.declaratie_id}")
    assert mine.status_code == 200 and mine.json()["toegekendBedrag"] == a.toegekend
    assert world.declaration("0153").get(f"/v1/declaraties/{a.declaratie_id}").status_code == 200
    assert world.declaration("0141").get(f"/v1/declaraties/{a.declaratie_id}").status_code == 404
    assert world.declaration("11110001").get(f"/v1/declaraties/{a.declaratie_id}/prestaties").status_code == 404
    twente = world.declaration("TWENTE").get(f"/v1/declaraties/{a.declaratie_id}")
    assert twente.status_code == 200  # the regio sees its member gemeenten


def test_bsn_never_in_a_url(make_world) -> None:  # type: ignore[no-untyped-def]
    # the API has no path or query parameter that takes a BSN: client lines travel in bodies only
    world: World = make_world()
    spec = world.declaration("0141").get("/v1/openapi.json").json()
    for path, ops in spec["paths"].items():
        assert "bsn" not in path.lower()
        for op in ops.values():
            for param in op.get("parameters", []):
                assert "bsn" not in param["name"].lower()
