"""Debet/credit pairing: TR323, TR389, TR390, TR416 and OP366 (credit first, then the replacing debet)."""
from __future__ import annotations

from .conftest import World, new_ref


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
