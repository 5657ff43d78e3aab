"""Debet/credit pairing: TR323, TR389, TR390, TR416 and OP366 (credit first, then the replacing debet)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from tests.builders.declaration import Declaratie, Prestatie, month_bounds
from tests.support import next_bsn

from .conftest import BULK_PAIRS, GEMEENTEN, Case, World, new_ref, next_nummer


def prestaties_of(world: World, declaratie_id: str) -> dict[str, dict]:
    page = world.declaration(world.gemeente).get(f"/v1/declaraties/{declaratie_id}/prestaties").json()
    return {p["referentieNummer"]: p for p in page["results"]}


def test_correction_round_credit_then_replacing_debet_OP366(world: World) -> None:
    case = world.case(months=3)
    original = case.prestatie(0, volume=4)  # 24000
    first = case.post(0, original)
    assert first.antwoord_codes == ["8001"]

    # next month: credit the original (VorigReferentieNummer → its ReferentieNummer) and send the corrected debet
    # for the same toewijzing, product and ProductPeriode in the same declaratie (credits are processed first)
    credit = original.credit_of(new_ref())
    corrected = case.prestatie(0, volume=5)  # 30000 for the same month
    second = case.post(1, credit, corrected, case.prestatie(1, volume=2))
    assert second.header_codes == ["0200"]
    assert second.antwoord_codes == ["8001"], second.prestatie_codes()
    assert second.ingediend == -24000 + 30000 + 12000 == second.toegekend

    lines = prestaties_of(world, first.declaratie_id)
    assert lines[original.ref]["gecrediteerd"] is True
    corrected_lines = prestaties_of(world, second.declaratie_id)
    assert corrected_lines[credit.ref]["bedrag"] == -24000
    assert corrected_lines[credit.ref]["vorigReferentieNummer"] == original.ref

    # the month's volume is now the corrected 5 hours: crediting the original again is refused (TR390) …
    third = case.post(2, original.credit_of(new_ref()))
    assert third.prestatie_codes() == {third_ref(third): ["9390"]}
    assert third.toegekend == 0


def third_ref(a) -> str:  # type: ignore[no-untyped-def]
    (ref,) = a.prestatie_codes().keys()
    return ref


def test_TR323_credit_without_known_debet(world: World) -> None:
    case = world.case()
    credit = case.prestatie(credit=True, vorig_ref=new_ref())
    d = world.declaratie(case.year, case.month)
    d.add(case.bsn, credit)
    good = case.with_good_prestatie(d)
    a = world.post(d)
    assert a.prestatie_codes() == {credit.ref: ["8017"]}
    assert a.client_codes() == {case.bsn: ["0200"]}
    assert a.ingediend == good.amount() - case.tarief * 4
    assert a.toegekend == good.amount()
    assert a.rules == ["TR323"]


def test_TR323_partial_credit_is_no_credit_of_that_debet(world: World) -> None:
    case = world.case(months=2)
    original = case.prestatie(0, volume=4)
    assert case.post(0, original).antwoord_codes == ["8001"]
    partial = original.credit_of(new_ref())
    partial.volume, partial.bedrag = 2, -2 * case.tarief  # OP366: a prestatie is credited in full
    a = case.post(1, partial)
    assert a.prestatie_codes() == {partial.ref: ["8017"]}
    assert a.toegekend == 0


def test_TR389_second_debet_for_the_same_product_period(world: World) -> None:
    case = world.case(months=2)
    assert case.post(0, case.prestatie(0, volume=4)).antwoord_codes == ["8001"]
    again = case.prestatie(0, volume=1)  # the same toewijzing, product and month, without a credit first
    d = world.declaratie(*case.periods[1])
    d.add(case.bsn, again)
    good = case.with_good_prestatie(d, 1)
    a = world.post(d)
    assert a.prestatie_codes() == {again.ref: ["9389"]}
    assert a.toegekend == good.amount()
    assert a.rules == ["TR389"]


def test_TR390_credit_of_an_already_credited_debet(world: World) -> None:
    case = world.case(months=3)
    original = case.prestatie(0, volume=4)
    assert case.post(0, original).antwoord_codes == ["8001"]
    assert case.post(1, original.credit_of(new_ref())).antwoord_codes == ["8001"]
    again = original.credit_of(new_ref())
    d = world.declaratie(*case.periods[2])
    d.add(case.bsn, again)
    good = case.with_good_prestatie(d, 2)
    a = world.post(d)
    assert a.prestatie_codes() == {again.ref: ["9390"]}
    assert a.toegekend == good.amount()
    assert a.rules == ["TR390"]


def test_credit_gives_volume_back_for_TR322(world: World) -> None:
    # 10 hours in total; 8 declared and approved; credited; then 9 for the same month fit again
    case = world.case(months=2, volume=10, frequentie="6")
    original = case.prestatie(0, volume=8)
    assert case.post(0, original).antwoord_codes == ["8001"]
    a = case.post(1, original.credit_of(new_ref()), case.prestatie(0, volume=9))
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.toegekend == (9 - 8) * case.tarief


def test_rejected_debet_can_be_replaced_without_credit(world: World) -> None:
    # a refused prestatie was never approved: a new debet for that month needs no credit (TR389 only
    # counts approved debets); it needs a new ReferentieNummer (TR314)
    case = world.case(months=2, volume=2, frequentie="4")
    too_much = case.prestatie(0, volume=3)
    assert case.post(0, too_much).prestatie_codes() == {too_much.ref: ["9321"]}
    a = case.post(1, case.prestatie(0, volume=2))
    assert a.antwoord_codes == ["8001"]


# ---- TR323 per gemeente: a ToewijzingNummer is unique per gemeente only (TR332) ---------------------------
def test_TR323_credit_to_another_gemeente_does_not_cancel_the_debet(
        world: World, make_world: Callable[..., World]) -> None:
    gemeente = next(g for g in GEMEENTEN if g != world.gemeente and (g, world.aanbieder) not in BULK_PAIRS)
    other = make_world(gemeente=gemeente, aanbieder=world.aanbieder)
    a0, a1 = world.months(2)
    (b0,) = other.months(1)
    month = min(a0, b0)  # the care month, declarable in both gemeenten' periods (TR319)
    begin, end = month_bounds(*month)
    code = world.contract(eenheid="04", tarief=6000)["code"]
    other.contract(code=code, eenheid="04", tarief=6000)
    bsn, nummer = next_bsn(), next_nummer()
    for w in (world, other):  # the same ToewijzingNummer in both gemeenten, for the same client and product
        w.toewijzing(bsn, code=code, ingang=begin, eind=date(month[0] + 2, 12, 31), volume=10, eenheid="04",
                     frequentie="2", nummer=nummer)
    debet = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin, eind=end, volume=4,
                      eenheid="04", tarief=6000)
    first = world.post(world.declaratie(*a0).add(bsn, debet))
    assert first.antwoord_codes == ["8001"] and first.toegekend == 24000

    # the aanbieder credits it to the other gemeente: that gemeente approved no such debet
    credit = debet.credit_of(new_ref())
    own = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin, eind=end, volume=2,
                    eenheid="04", tarief=6000)  # the other gemeente's own debet for that month is fine (TR389)
    a = other.post(other.declaratie(*b0).add(bsn, credit, own))
    assert a.prestatie_codes() == {credit.ref: ["8017"]}
    assert a.client_codes() == {bsn: ["0200"]}
    assert a.rules == ["TR323"]
    assert a.ingediend == -24000 + 12000 and a.toegekend == 12000
    assert prestaties_of(world, first.declaratie_id)[debet.ref]["gecrediteerd"] is False

    # the debet is still there to be credited where it was approved
    back = debet.credit_of(new_ref())
    a = world.post(world.declaratie(*a1).add(bsn, back))
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.ingediend == a.toegekend == -24000
    assert prestaties_of(world, first.declaratie_id)[debet.ref]["gecrediteerd"] is True


# ---- IV085/IV091: a credit identical to its approved debet is not refused on changed data -----------------
def put_contract(world: World, line: dict, **changes: object) -> None:  # type: ignore[type-arg]
    body = {k: v for k, v in line.items() if k != "id"} | changes
    resp = world.eligibility(world.gemeente).put(f"/v1/contracten/{line['id']}", json=body)
    assert resp.status_code == 200, resp.text


def add_new_product(case: Case, d: Declaratie, i: int) -> Prestatie:
    """Add a debet (2 uur at 50 euro) for a product contracted just now, for another client: the declaration
    service's cached copy of the contract does not name it, so judging `d` fetches the terms again and sees
    every change made since (services/declaration/contracts.py)."""
    code = case.world.contract(eenheid="04", tarief=5000)["code"]
    bsn, nummer = case.another_client(code=code)
    fresh = case.prestatie(i, toewijzing=nummer, code=code, tarief=5000, volume=2)
    d.add(bsn, fresh)
    return fresh


def test_credit_approved_after_the_contract_tariff_changed_IV085(world: World) -> None:
    # 65 euro an hour, declared in minutes: 108 cent a minute, 95 minutes = 102,92 (IV081)
    case = world.case(months=2, tarief=6500)
    debet = case.prestatie(0, volume=95, eenheid="01", tarief=108, bedrag=10292)
    first = case.post(0, debet)
    assert first.antwoord_codes == ["8001"] and first.toegekend == 10292
    put_contract(world, case.line, tarief=6600)  # the gemeente changes the tariff afterwards: 110 cent a minute

    credit = debet.credit_of(new_ref())  # identical to the debet: old tariff, old IV081 amount
    old_tariff = case.prestatie(1, volume=95, eenheid="01", tarief=108, bedrag=10292)  # a new debet must follow it
    d = case.declaratie(1, credit, old_tariff)
    add_new_product(case, d, 1)
    a = world.post(d)
    # the new tariff is in force (TR418, and TR346's IV081 amount 6600 × 95 / 60 = 104,50), for debets only
    assert a.prestatie_codes() == {old_tariff.ref: ["0611", "9346"]}
    assert a.rules == ["TR418", "TR346"]
    assert a.ingediend == -10292 + 10292 + 10000
    assert a.toegekend == -10292 + 10000
    assert prestaties_of(world, first.declaratie_id)[debet.ref]["gecrediteerd"] is True


def test_credit_approved_after_the_product_became_taakgericht_IV085(world: World) -> None:
    case = world.case(months=2)
    debet = case.prestatie(0, volume=4)
    first = case.post(0, debet)
    assert first.antwoord_codes == ["8001"] and first.toegekend == 24000
    put_contract(world, case.line, uitvoeringsvariant="taakgericht", eenheid=None, tarief=None,
                 startStopVerplicht=None, lumpsum={"bedrag": 500_000, "periode": "maand"})
    credit = debet.credit_of(new_ref())
    now_lump = case.prestatie(1, volume=4)  # a new client-level debet is refused (OP261)
    d = case.declaratie(1, credit, now_lump)
    add_new_product(case, d, 1)
    a = world.post(d)
    assert a.prestatie_codes() == {now_lump.ref: ["0611"]}
    assert a.rules == ["OP261"]
    assert a.ingediend == -24000 + 24000 + 10000 and a.toegekend == -24000 + 10000
    assert prestaties_of(world, first.declaratie_id)[debet.ref]["gecrediteerd"] is True


def test_credit_approved_after_the_toewijzing_was_shortened_IV085(world: World) -> None:
    case = world.case(months=2)
    begin, _end = case.bounds(0)
    debet = case.prestatie(0, volume=4)
    first = case.post(0, debet)
    assert first.antwoord_codes == ["8001"] and first.toegekend == 24000
    # the gemeente shortens the toewijzing afterwards to the 5th up to the 20th of that month (a new versie)
    world.toewijzing(case.bsn, code=case.code, ingang=begin + timedelta(days=4), eind=begin + timedelta(days=19),
                     volume=10, eenheid="04", frequentie="2", nummer=case.nummer)
    credit = debet.credit_of(new_ref())
    redo = case.prestatie(0, volume=4)  # the same month again as a debet: judged against the toewijzing of now
    a = case.post(1, credit, redo)
    assert a.prestatie_codes() == {redo.ref: ["9307", "9308", "9387", "9388"]}
    assert a.rules == ["TR307", "TR308", "TR387", "TR388"]
    assert a.ingediend == 0 and a.toegekend == -24000
    assert prestaties_of(world, first.declaratie_id)[debet.ref]["gecrediteerd"] is True
