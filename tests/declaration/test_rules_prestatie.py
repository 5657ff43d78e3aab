"""One test per Prestatie/Client/Declaratie rule: a declaratie that breaks exactly that rule, next to a good
prestatie of another client, answered with the exact retourcode and exact totals (IV087, TR342: only the
rejected prestatie and its client are in the 325; TotaalToegekendBedrag is the good prestatie's amount)."""
from __future__ import annotations

from datetime import date, timedelta

from tests.builders.declaration import Prestatie, month_bounds, new_id
from tests.support import next_bsn

from .conftest import (
    Answer,
    Case,
    World,
    days_of,
    new_ref,
    stranger_bsn,
    week_numbers,
    weekday_on_or_after,
    weekday_on_or_before,
)


def assert_prestatie_rejected(a: Answer, bad: Prestatie, codes: list[str], good: Prestatie, *, bsn: str,
                              rules: list[str]) -> None:
    assert a.header_codes == ["0200"]
    assert a.antwoord_codes == ["0200"]
    assert a.prestatie_codes() == {bad.ref: codes}, a.prestatie_codes()
    assert a.client_codes() == {bsn: ["0200"]}
    assert a.ingediend == bad.amount() + good.amount()
    assert a.toegekend == good.amount()
    assert a.rules == rules
    assert a.response.headers["Berichten-Oordeel"] == "deels-afgekeurd"


def post_with_good(case: Case, bad: Prestatie, i: int = 0, bsn: str | None = None) -> tuple[Answer, Prestatie]:
    d = case.world.declaratie(*case.periods[i])
    d.add(bsn or case.bsn, bad)
    good = case.with_good_prestatie(d, i)
    return case.world.post(d), good


# ---- link with the toewijzing ---------------------------------------------------------------------------
def test_TR338_unknown_toewijzingnummer(world: World) -> None:
    case = world.case()
    bad = case.prestatie(toewijzing=case.nummer + 7_000_000)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9338"], good, bsn=case.bsn, rules=["TR338"])


def test_TR338_toewijzing_of_another_aanbieder_counts_as_unknown(world: World) -> None:
    case = world.case()
    someone_else = "11110002" if world.aanbieder != "11110002" else "11110003"
    other = world.toewijzing(case.bsn, code=case.code, ingang=case.bounds()[0], eind=date(2030, 1, 1), volume=10,
                             eenheid="04", frequentie="2", aanbieder=someone_else)
    bad = case.prestatie(toewijzing=other)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9338"], good, bsn=case.bsn, rules=["TR338"])


def test_TR304_prestatie_on_toewijzing_of_another_client(world: World) -> None:
    case = world.case()
    _other_bsn, other_nummer = case.another_client()
    bad = case.prestatie(toewijzing=other_nummer)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["8187"], good, bsn=case.bsn, rules=["TR304"])


def test_TR304_client_without_any_toewijzing(world: World) -> None:
    case = world.case()
    stranger = stranger_bsn()
    d = world.declaratie(case.year, case.month)
    bad = case.prestatie()
    d.add(stranger, bad)
    good = case.with_good_prestatie(d)
    a = world.post(d)
    # IV087: the code on the Client, all its prestaties returned as not judged
    assert a.client_codes() == {stranger: ["8187"]}
    assert a.prestatie_codes() == {bad.ref: ["0233"]}
    assert a.toegekend == good.amount()
    assert a.ingediend == good.amount() + bad.amount()
    assert a.rules == ["TR304"]


def test_TR384_toewijzing_withdrawn(world: World) -> None:
    case = world.case()
    begin, _ = case.bounds()
    world.toewijzing(case.bsn, code=case.code, ingang=begin, eind=begin, volume=10, eenheid="04", frequentie="2",
                     status="verwijderd", reden="13", nummer=case.nummer)
    bad = case.prestatie(eind=begin)  # a period inside the (now one-day) toewijzing, so only TR384 fails
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9384"], good, bsn=case.bsn, rules=["TR384"])


# ---- product --------------------------------------------------------------------------------------------
def test_TR339_categorie_differs_from_toewijzing(world: World) -> None:
    case = world.case()
    world.contract(categorie="46", code=case.code, eenheid="04", tarief=case.tarief)
    bad = case.prestatie(categorie="46")
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9339"], good, bsn=case.bsn, rules=["TR339"])


def test_TR340_code_differs_from_toewijzing(world: World) -> None:
    case = world.case()
    other = world.contract(categorie="45", eenheid="04", tarief=case.tarief)
    bad = case.prestatie(code=other["code"])
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9340"], good, bsn=case.bsn, rules=["TR340"])


def test_TR381_code_belongs_to_another_categorie(world: World) -> None:
    # an aspecifieke toewijzing (categorie 53, no code) with a budget; the contract has a line for the whole
    # category and knows code X only under categorie 52, so "53 / X" is no product of the productcodelijst.
    # (Categorie 53 is this test's own: an aspecifieke contract line covers every code of its category.)
    (y, m), = world.months(1)
    begin, end = month_bounds(y, m)
    world.contract(categorie="53", code=None, eenheid="04", tarief=6000)
    x = world.contract(categorie="52", eenheid="04", tarief=6000)["code"]
    y_code = world.contract(categorie="53", eenheid="04", tarief=6000)["code"]
    bsn = next_bsn()
    nummer = world.toewijzing(bsn, categorie="53", code=None, ingang=begin, eind=date(y + 1, 12, 31),
                              budget=10_000_000)
    bad = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="53", code=x, begin=begin, eind=end, volume=2,
                    eenheid="04", tarief=6000)
    good = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="53", code=y_code, begin=begin, eind=end, volume=1,
                     eenheid="04", tarief=6000)
    d = world.declaratie(y, m)
    d.add(bsn, bad, good)
    a = world.post(d)
    assert_prestatie_rejected(a, bad, ["S329"], good, bsn=bsn, rules=["TR381"])


def test_TR341_eenheid_does_not_fit_toewijzing(world: World) -> None:
    # the contract prices the product per dagdeel (16); one client's toewijzing is in uren (only minuten may
    # replace uren), another's in dagdelen
    (y, m), = world.months(1)
    begin, end = month_bounds(y, m)
    code = world.contract(eenheid="16", tarief=24000)["code"]
    bsn, bsn2 = next_bsn(), next_bsn()
    in_hours = world.toewijzing(bsn, code=code, ingang=begin, eind=date(y + 1, 12, 31), volume=10, eenheid="04",
                                frequentie="2")
    in_dagdelen = world.toewijzing(bsn2, code=code, ingang=begin, eind=date(y + 1, 12, 31), volume=3, eenheid="16",
                                   frequentie="2")
    bad = Prestatie(ref=new_ref(), toewijzing=in_hours, categorie="45", code=code, begin=begin, eind=end, volume=2,
                    eenheid="16", tarief=24000)
    good = Prestatie(ref=new_ref(), toewijzing=in_dagdelen, categorie="45", code=code, begin=begin, eind=end,
                     volume=2, eenheid="16", tarief=24000)
    d = world.declaratie(y, m)
    d.add(bsn, bad)
    d.add(bsn2, good)
    a = world.post(d)
    assert_prestatie_rejected(a, bad, ["9341"], good, bsn=bsn, rules=["TR341"])


def test_TR341_minutes_on_an_hour_toewijzing_are_fine_IV081(world: World) -> None:
    case = world.case(tarief=6500)  # 65 euro per uur → 108 cent per minuut (1,0833 rounded)
    p = case.prestatie(volume=95, eenheid="01", tarief=108, bedrag=10292)  # 6500 × 95 / 60 = 10291,67
    a = case.post(0, p)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.toegekend == 10292


# ---- periods --------------------------------------------------------------------------------------------
def test_TR307_productperiode_before_toewijzing(world: World) -> None:
    case = world.case()
    begin, end = case.bounds()
    # the toewijzing now starts the month after (a new versie of it): this month's care lies before it, while
    # the period itself is this month's proper one (from the 1st: TR387 holds)
    world.toewijzing(case.bsn, code=case.code, ingang=end + timedelta(days=1), eind=date(2030, 12, 31), volume=10,
                     eenheid="04", frequentie="2", nummer=case.nummer)
    bad = case.prestatie()
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9307"], good, bsn=case.bsn, rules=["TR307"])


def test_TR308_productperiode_after_toewijzing(world: World) -> None:
    case = world.case(months=2)
    _begin, end = case.bounds(0)
    # the toewijzing now ends with the first month; the second month's care lies after it (to the last day of
    # that month, as TR388 wants when the Einddatum is not in it)
    world.toewijzing(case.bsn, code=case.code, ingang=case.bounds(0)[0], eind=end, volume=10, eenheid="04",
                     frequentie="2", nummer=case.nummer)
    bad = case.prestatie(1)
    a, good = post_with_good(case, bad, 1)
    assert_prestatie_rejected(a, bad, ["9308"], good, bsn=case.bsn, rules=["TR308"])


def test_TR319_productperiode_after_declaratieperiode(world: World) -> None:
    case = world.case(months=2)
    bad = case.prestatie(1)  # next month's care in this month's declaratie
    a, good = post_with_good(case, bad, 0)
    assert_prestatie_rejected(a, bad, ["9319"], good, bsn=case.bsn, rules=["TR319"])


def test_TR319_earlier_productperiode_is_fine(world: World) -> None:
    case = world.case(months=2)
    a = case.post(1, case.prestatie(0), case.prestatie(1))  # late declaring of the previous month is allowed
    assert a.antwoord_codes == ["8001"]


def test_TR387_productperiode_not_from_first_of_month(world: World) -> None:
    case = world.case()
    begin, _ = case.bounds()
    bad = case.prestatie(begin=begin + timedelta(days=4))
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9387"], good, bsn=case.bsn, rules=["TR387"])


def test_TR387_from_the_first_while_the_toewijzing_starts_later_in_the_month(world: World) -> None:
    # TR387: "tenzij de Ingangsdatum van de toewijzing later in de betreffende maand ligt. In dat geval is de
    # Begindatum van de ProductPeriode gelijk aan de Begindatum van de toewijzing": the 1st is then wrong too
    case = world.case()
    begin, _end = case.bounds()
    world.toewijzing(case.bsn, code=case.code, ingang=begin + timedelta(days=9), eind=date(2030, 12, 31), volume=10,
                     eenheid="04", frequentie="2", nummer=case.nummer)
    bad = case.prestatie()  # from the 1st: before the Ingangsdatum (TR307) and not on it (TR387)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9307", "9387"], good, bsn=case.bsn, rules=["TR307", "TR387"])


def test_TR387_TR388_follow_the_toewijzing_inside_the_month_IV089(world: World) -> None:
    case = world.case()
    begin, _end = case.bounds()
    world.toewijzing(case.bsn, code=case.code, ingang=begin + timedelta(days=7), eind=begin + timedelta(days=16),
                     volume=10, eenheid="04", frequentie="2", nummer=case.nummer)
    p = case.prestatie(begin=begin + timedelta(days=7), eind=begin + timedelta(days=16))
    a = case.post(0, p)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()


def test_TR388_productperiode_not_to_last_of_month(world: World) -> None:
    case = world.case()
    _, end = case.bounds()
    bad = case.prestatie(eind=end - timedelta(days=3))
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9388"], good, bsn=case.bsn, rules=["TR388"])


def test_TR388_to_the_last_day_while_the_toewijzing_ends_earlier_in_the_month(world: World) -> None:
    # TR388: the Einddatum of the ProductPeriode is then the toewijzing's Einddatum, not the last day
    case = world.case()
    begin, _end = case.bounds()
    world.toewijzing(case.bsn, code=case.code, ingang=begin, eind=begin + timedelta(days=19), volume=10, eenheid="04",
                     frequentie="2", nummer=case.nummer)
    bad = case.prestatie()  # to the last day: after the Einddatum (TR308) and not on it (TR388)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9308", "9388"], good, bsn=case.bsn, rules=["TR308", "TR388"])


def test_TR387_TR388_pass_without_a_toewijzing_TR338_says_it(world: World) -> None:
    # a rule that needs the toewijzing passes when there is none: one clear code (9338), not three
    case = world.case()
    begin, end = case.bounds()
    bad = case.prestatie(toewijzing=case.nummer + 7_000_000, begin=begin + timedelta(days=4),
                         eind=end - timedelta(days=3))
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9338"], good, bsn=case.bsn, rules=["TR338"])


# ---- money ----------------------------------------------------------------------------------------------
def test_TR418_tarief_differs_from_contract(world: World) -> None:
    case = world.case(tarief=6000)
    bad = case.prestatie(tarief=6100, volume=4)  # amount 24400 = 4 × 6100, so TR346 holds
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["0611"], good, bsn=case.bsn, rules=["TR418"])


def test_TR418_product_without_contract(world: World) -> None:
    case = world.case()
    # a toewijzing for a product the contract does not have (e.g. bought elsewhere)
    begin, _ = case.bounds()
    nummer = world.toewijzing(case.bsn, code="ZZ" + case.code[-3:], ingang=begin, eind=date(2030, 1, 1), volume=10,
                              eenheid="04", frequentie="2")
    bad = case.prestatie(toewijzing=nummer, code="ZZ" + case.code[-3:])
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["0611"], good, bsn=case.bsn, rules=["TR418"])


def test_TR418_tariff_of_the_prestatie_date(world: World) -> None:
    # the contract changes its tariff per 1 January of the case's second year: each period has its own
    (y, m), = world.months(1)
    code = world.contract(eenheid="04", tarief=6000, vanaf="2021-01-01", tot=f"{y}-{m:02d}-14")["code"]
    world.contract(code=code, eenheid="04", tarief=6200, vanaf=f"{y}-{m:02d}-15")
    bsn = next_bsn()
    begin = date(y, m, 1)
    nummer = world.toewijzing(bsn, code=code, ingang=begin, eind=date(2030, 1, 1), volume=10, eenheid="04",
                              frequentie="2")
    end = (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)
    d = world.declaratie(y, m)
    ok = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin, eind=end, volume=2,
                   eenheid="04", tarief=6000)
    d.add(bsn, ok)
    a = world.post(d)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()


def test_TR346_bedrag_not_volume_times_tarief(world: World) -> None:
    case = world.case(tarief=6000)
    bad = case.prestatie(volume=4, bedrag=24001)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9346"], good, bsn=case.bsn, rules=["TR346"])


def test_TR346_minutes_amount_rounded_per_IV081(world: World) -> None:
    case = world.case(tarief=6500)
    bad = case.prestatie(volume=95, eenheid="01", tarief=108, bedrag=10260)  # 95 × 108: the rounded tariff
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9346"], good, bsn=case.bsn, rules=["TR346"])


# ---- volume and budget ----------------------------------------------------------------------------------
def test_TR321_volume_above_omvang_per_week(world: World) -> None:
    case = world.case(volume=10, frequentie="2")  # 10 uur per week; a month touches 5 or 6 weeks
    bad = case.prestatie(volume=61)
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9321"], good, bsn=case.bsn, rules=["TR321"])


def test_TR321_minutes_count_against_hours(world: World) -> None:
    case = world.case(volume=1, frequentie="4", tarief=6000)  # 1 uur per maand
    bad = case.prestatie(volume=61, eenheid="01", tarief=100, bedrag=6100)  # 61 minutes
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9321"], good, bsn=case.bsn, rules=["TR321"])


def test_TR322_sum_over_declaraties_above_total_omvang(world: World) -> None:
    case = world.case(months=2, volume=25, frequentie="6")  # 25 uur in total over the toewijzing
    first = case.post(0, case.prestatie(0, volume=15))
    assert first.antwoord_codes == ["8001"]
    bad = case.prestatie(1, volume=15)  # 15 + 15 > 25
    a, good = post_with_good(case, bad, 1)
    assert_prestatie_rejected(a, bad, ["9322"], good, bsn=case.bsn, rules=["TR322"])


def test_TR322_per_week_total_counts_the_calendar_weeks_touched_IV077(world: World) -> None:
    """3 uur per week from a Wednesday to a Tuesday three months later: a whole number of 7-day stretches, but
    IV077 counts the week numbers ("week 41 t/m week 52 + 1 = 13 weken"), one more than days / 7. (1-4-2026
    t/m 30-6-2026 is such a toewijzing: 91 days, week 14 t/m 27 = 14 weken = 42 uur; declared per month that
    is 15 + 15 + 15 = 45 uur by TR321, so the third month can hold 12.)"""
    periods = world.months(4)
    (y0, m0), _middle, (y2, m2), _later = periods
    ingang = weekday_on_or_after(date(y0, m0, 1), 2)  # a Wednesday
    eind = weekday_on_or_before(month_bounds(y2, m2)[1], 1)  # a Tuesday
    code = world.contract(eenheid="04", tarief=6000)["code"]
    bsn = next_bsn()
    nummer = world.toewijzing(bsn, code=code, ingang=ingang, eind=eind, volume=3, eenheid="04", frequentie="2")
    product_periods = [(ingang, month_bounds(y0, m0)[1]), month_bounds(*periods[1]), (date(y2, m2, 1), eind)]
    weeks = week_numbers(ingang, eind)
    assert len(days_of(ingang, eind)) == 7 * (weeks - 1)  # days / 7 rounded up: one week short
    per_period = [3 * week_numbers(b, e) for b, e in product_periods]  # TR321's most per month (IV077)
    room = 3 * weeks - per_period[0] - per_period[1]  # what TR322 leaves for the third month
    assert 0 < room < per_period[2]  # a week broken by a month boundary counts in both months, once in total

    def declare(i: int, volume: int) -> tuple[Prestatie, Answer]:
        begin, end = product_periods[min(i, 2)]
        p = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin, eind=end,
                      volume=volume, eenheid="04", tarief=6000)
        d = world.declaratie(*periods[i])
        d.add(bsn, p)
        return p, world.post(d)

    for i in (0, 1):
        _p, a = declare(i, per_period[i])
        assert a.antwoord_codes == ["8001"], a.prestatie_codes()
        assert a.toegekend == per_period[i] * 6000
    over, a = declare(2, room + 1)  # within the month (TR321), one hour over the toewijzing
    assert a.prestatie_codes() == {over.ref: ["9322"]}
    assert a.rules == ["TR322"]
    assert a.ingediend == (room + 1) * 6000 and a.toegekend == 0
    _p, a = declare(3, room)  # exactly up to 3 × the weeks touched: fully approved (a month later, IV090)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.ingediend == a.toegekend == room * 6000


def test_TR369_sum_above_budget(world: World) -> None:
    case = world.case(volume=None, budget=30_000)
    bad = case.prestatie(volume=6)  # 36000 > 30000
    a, good = post_with_good(case, bad)
    assert_prestatie_rejected(a, bad, ["9369"], good, bsn=case.bsn, rules=["TR369"])


# ---- uniqueness -----------------------------------------------------------------------------------------
def test_TR314_referentienummer_used_before(world: World) -> None:
    case = world.case(months=2)
    first = case.prestatie(0)
    assert case.post(0, first).antwoord_codes == ["8001"]
    bad = case.prestatie(1, ref=first.ref)
    a, good = post_with_good(case, bad, 1)
    assert_prestatie_rejected(a, bad, ["8021"], good, bsn=case.bsn, rules=["TR314"])


def test_TR314_referentienummer_twice_in_one_declaratie(world: World) -> None:
    case = world.case()
    _bsn2, nummer2 = case.another_client()
    first = case.prestatie()
    d = world.declaratie(case.year, case.month)
    d.add(case.bsn, first)
    bad = case.prestatie(ref=first.ref, toewijzing=nummer2)
    d.add(_bsn2, bad)
    a = world.post(d)
    assert a.prestatie_codes() == {first.ref: ["8021"]}  # the second occurrence (same ref in the 325)
    assert a.client_codes() == {_bsn2: ["0200"]}
    assert a.toegekend == first.amount()


def test_TR333_declaratienummer_used_before(world: World) -> None:
    case = world.case(months=2)
    first = case.post(0)
    assert first.antwoord_codes == ["8001"]
    d = case.declaratie(1)
    d.nummer = case.world.declaration(world.aanbieder).get(
        f"/v1/declaraties/{first.declaratie_id}").json()["declaratieNummer"]
    a = world.post(d)
    # IV087: header 0200, the code on DeclaratieAntwoord, toegekend 0, no clients; not processed
    assert a.header_codes == ["0200"]
    assert a.antwoord_codes == ["9333"]
    assert a.toegekend == 0 and a.ingediend == d.total()
    assert a.root.find("{*}DeclaratieAntwoord/{*}Clienten") is None
    assert a.rules == ["TR333"]
    # the month is still free: the same care declared under a new number is judged normally
    d.nummer, d.identificatie = new_id(), new_id()
    assert world.post(d).antwoord_codes == ["8001"]


def test_TR318_second_declaratie_for_the_same_period_is_judged_IV090(world: World) -> None:
    # IV090: care of an earlier month found later may go "als 2e declaratie van de maand" of the last period
    case = world.case(months=2)
    first = case.post(1, case.prestatie(1, volume=4))
    assert first.antwoord_codes == ["8001"] and first.toegekend == 4 * case.tarief
    late = case.prestatie(0, volume=3)  # the previous month's care, in a second declaratie for the same month
    second = case.post(1, late)
    assert second.header_codes == ["0200"]
    assert second.antwoord_codes == ["8001"], second.antwoord_codes
    assert second.ingediend == second.toegekend == 3 * case.tarief
    # both are judged and stored, each with its own number, for the one DeclaratiePeriode
    listing = world.declaration(world.aanbieder).get("/v1/declaraties", params={
        "periode": f"{case.periods[1][0]:04d}-{case.periods[1][1]:02d}"}).json()
    assert {d["id"] for d in listing["results"] if d["gemeente"] == world.gemeente} == {
        first.declaratie_id, second.declaratie_id}
    # the rules still apply across the two: the same month's care again without a credit is TR389
    again = case.post(1, case.prestatie(0, volume=1))
    assert list(again.prestatie_codes().values()) == [["9389"]] and again.toegekend == 0


def test_TR318_earlier_period_after_a_later_one(world: World) -> None:
    case = world.case(months=3)
    assert case.post(2).antwoord_codes == ["8001"]
    assert case.post(2, case.prestatie(1)).antwoord_codes == ["8001"]  # the same period again: fine (IV090)
    d = case.declaratie(1)  # a period before the last one sent: refused as a whole
    a = world.post(d)
    assert a.header_codes == ["0200"]
    assert a.antwoord_codes == ["8214"]
    assert a.ingediend == d.total() and a.toegekend == 0
    assert a.root.find("{*}DeclaratieAntwoord/{*}Clienten") is None
    assert a.rules == ["TR318"]
    # not processed (IV087): nothing stored under its number
    listing = world.declaration(world.gemeente).get("/v1/declaraties", params={"declaratieNummer": d.nummer})
    assert listing.json()["count"] == 0


def test_TR318_skipping_months_without_care_is_allowed(world: World) -> None:
    case = world.case(months=3)
    assert case.post(0).antwoord_codes == ["8001"]
    assert case.post(2).antwoord_codes == ["8001"]  # no care in the middle month: no declaratie needed


def test_OP364_no_start_message_needed(world: World) -> None:
    # no 305 was ever sent for this toewijzing: the declaratie is judged on the toewijzing alone
    case = world.case()
    assert case.post(0).antwoord_codes == ["8001"]
