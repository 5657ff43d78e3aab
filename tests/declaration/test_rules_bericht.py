"""Rules inside the 323 (the standard's XSLT level): the whole declaratie is rejected with a header-only 325
carrying 0001 and the XsltVersie, it counts as not sent (IV087/IV088), nothing is stored as judged, and the
rule codes are recorded on the stored message and in the Afkeur-Regels header."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.builders.declaration import Prestatie, month_bounds

from .conftest import Answer, Case, World, new_ref
from services.common.clock import today_nl


def assert_rejected_0001(world: World, a: Answer, rule: str, nummer: str) -> None:
    assert a.header_codes == ["0001"]
    assert a.root.find("{*}DeclaratieAntwoord") is None
    assert a.root.find("{*}Header/{*}XsltVersie") is not None
    assert a.rules == [rule], a.rules
    assert a.response.headers["Berichten-Oordeel"] == "verworpen"
    # not processed: no declaratie stored, the number stays free (IV087)
    listing = world.declaration(world.gemeente).get("/v1/declaraties", params={"declaratieNummer": nummer}).json()
    assert listing["count"] == 0
    stored = world.declaration(world.aanbieder).get(f"/v1/berichten/{a.response.headers['Bericht-Id']}").json()
    assert {f["regel"] for f in stored["afkeurredenen"]} == {rule}
    assert stored["oordeel"] == "verworpen"


@pytest.fixture
def case(world: World) -> Case:
    return world.case()


def test_TR358_total_not_sum_of_prestaties(world: World, case: Case) -> None:
    d = case.declaratie(0, case.prestatie(volume=4))
    d.totaal = 4 * case.tarief + 1
    assert_rejected_0001(world, world.post(d), "TR358", d.nummer)


def test_TR358_sums_debet_minus_credit(world: World, case: Case) -> None:
    # a total that adds a credit instead of subtracting it is wrong (debet 24000, credit 6000 → 18000)
    begin, end = case.bounds()
    credit = Prestatie(ref=new_ref(), toewijzing=case.nummer, categorie=case.categorie, code=case.code, begin=begin,
                       eind=end, volume=1, eenheid="04", tarief=case.tarief, bedrag=-case.tarief, vorig_ref=new_ref())
    d = case.declaratie(0, case.prestatie(volume=4), credit)
    d.totaal = 4 * case.tarief + case.tarief
    assert_rejected_0001(world, world.post(d), "TR358", d.nummer)


def test_CS340_declaratieperiode_not_one_calendar_month(world: World, case: Case) -> None:
    begin, _end = case.bounds()
    d = world.declaratie(begin, begin + timedelta(days=13))
    d.periode = (begin, begin + timedelta(days=13))
    d.add(case.bsn, case.prestatie(eind=begin + timedelta(days=13)))
    assert_rejected_0001(world, world.post(d), "CS340", d.nummer)


def test_CS100_period_before_2021(world: World) -> None:
    begin, end = month_bounds(2020, 12)
    d = world.declaratie(2020, 12, dagtekening=date(2021, 1, 15))
    d.add("999900006", Prestatie(ref=new_ref(), toewijzing=1, categorie="45", code="45A03", begin=begin, eind=end,
                                 volume=1, eenheid="04", tarief=6000))
    assert_rejected_0001(world, world.post(d), "CS100", d.nummer)


def test_CS337_productperiode_spans_two_months(world: World, case: Case) -> None:
    begin, _end = case.bounds()
    d = case.declaratie(0, case.prestatie(begin=begin - timedelta(days=10), eind=begin + timedelta(days=9)))
    assert_rejected_0001(world, world.post(d), "CS337", d.nummer)


def test_TR134_declaratiedagtekening_after_dagtekening(world: World, case: Case) -> None:
    d = case.declaratie(0, declaratie_dagtekening=today_nl() + timedelta(days=1))
    assert_rejected_0001(world, world.post(d), "TR134", d.nummer)


def test_TR137_productperiode_ends_before_it_begins(world: World, case: Case) -> None:
    begin, _ = case.bounds()
    d = case.declaratie(0, case.prestatie(begin=begin + timedelta(days=19), eind=begin + timedelta(days=9)))
    assert_rejected_0001(world, world.post(d), "TR137", d.nummer)


def test_TR335_productperiode_more_than_5_years_old(world: World) -> None:
    begin, end = month_bounds(2021, 1)
    d = world.declaratie(2021, 1)
    d.add("999900006", Prestatie(ref=new_ref(), toewijzing=1, categorie="45", code="45A03", begin=begin, eind=end,
                                 volume=1, eenheid="04", tarief=6000))
    assert_rejected_0001(world, world.post(d), "TR335", d.nummer)


def test_CD060_vorigreferentienummer_on_a_debet(world: World, case: Case) -> None:
    d = case.declaratie(0, case.prestatie(vorig_ref=new_ref()))
    assert_rejected_0001(world, world.post(d), "CD060", d.nummer)


def test_CD060_credit_without_vorigreferentienummer(world: World, case: Case) -> None:
    d = case.declaratie(0, case.prestatie(credit=True))
    assert_rejected_0001(world, world.post(d), "CD060", d.nummer)


def test_CD087_tarief_missing_for_hours(world: World, case: Case) -> None:
    d = case.declaratie(0, case.prestatie(tarief=None, bedrag=24000))
    assert_rejected_0001(world, world.post(d), "CD087", d.nummer)


def test_CS339_euros_amount_differs_from_volume(world: World) -> None:
    case = world.case(eenheid="83", tarief=100, variant="outputgericht", volume=50000, frequentie="4")
    d = case.declaratie(0, case.prestatie(volume=30000, bedrag=30001, tarief=None))
    assert_rejected_0001(world, world.post(d), "CS339", d.nummer)


def test_CS325_zero_amount_as_credit(world: World, case: Case) -> None:
    d = case.declaratie(0, case.prestatie(volume=0, bedrag=0, dc="C", vorig_ref=new_ref()))
    assert_rejected_0001(world, world.post(d), "CS325", d.nummer)


def test_CS002_bsn_fails_elfproef(world: World, case: Case) -> None:
    d = world.declaratie(case.year, case.month)
    d.add("999900007", case.prestatie())
    assert_rejected_0001(world, world.post(d), "CS002", d.nummer)


def test_TR101_client_twice_in_one_declaratie(world: World, case: Case) -> None:
    d = world.declaratie(case.year, case.month)
    d.add(case.bsn, case.prestatie())
    d.add(case.bsn, case.prestatie(volume=1, toewijzing=case.nummer + 1), separate=True)
    assert_rejected_0001(world, world.post(d), "TR101", d.nummer)


def test_TR315_vorigreferentienummer_twice(world: World, case: Case) -> None:
    vorig = new_ref()
    d = case.declaratie(0, case.prestatie(credit=True, vorig_ref=vorig), case.prestatie(credit=True, vorig_ref=vorig))
    assert_rejected_0001(world, world.post(d), "TR315", d.nummer)


def test_TR316_debet_credited_in_the_same_message(world: World, case: Case) -> None:
    debet = case.prestatie()
    d = case.declaratie(0, debet, debet.credit_of(new_ref()))
    assert_rejected_0001(world, world.post(d), "TR316", d.nummer)


def test_TR416_two_debets_same_product_and_period(world: World, case: Case) -> None:
    d = case.declaratie(0, case.prestatie(volume=2), case.prestatie(volume=1))
    assert_rejected_0001(world, world.post(d), "TR416", d.nummer)
