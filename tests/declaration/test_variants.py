"""The three uitvoeringsvarianten, read from the contract (never from code), on the seeds' real contract
shapes (../shared/reference): the Twents model (outputgericht per ondersteuningsbehoefte × niveau, one
regional price, dakjes per etmaal, consultatie per professional level), Almelo 2024 (inspanningsgericht,
ambulant in minutes, group care in hours, percelen 1-5) and Twente 2025 taakgericht crisis (a lump sum
for availability plus P × Q per use). Product codes are unique per test; tariffs are invented (the seeds
give none)."""
from __future__ import annotations

from datetime import date

from tests.builders.declaration import Prestatie, month_bounds
from tests.support import next_bsn

from .conftest import World, days_of, new_ref, sundays_in, unique_code, weekday_on_or_after, weekday_on_or_before


def last_day(y: int, m: int) -> date:
    return month_bounds(y, m)[1]


# ---- Twents model (seed 000/001): outputgericht -----------------------------------------------------------
def test_twents_model_ob_price_per_month_outputgericht(world: World) -> None:
    """OB × niveau is one product with one Twente price per client per month (eenheid 82 stuks = one month of
    the arrangement), the same in every gemeente; declared monthly."""
    levels = {"1A": 32000, "2C": 74000, "4E": 21000}
    (y, m), = world.months(1)
    begin, end = month_bounds(y, m)
    codes = {lvl: unique_code("O" + lvl) for lvl in levels}
    other = "0153" if world.gemeente != "0153" else "0141"
    for gemeente in (world.gemeente, other):  # one regional price: the same in every gemeente
        for lvl, price in levels.items():
            world.contract(code=codes[lvl], variant="outputgericht", eenheid="82", tarief=price, gemeente=gemeente,
                           declaratiemoment="maandelijks", perceel="A OB Jeugd", vanaf="2019-01-01")
    bsn = next_bsn()
    d = world.declaratie(y, m)
    for lvl, price in levels.items():
        nummer = world.toewijzing(bsn, code=codes[lvl], ingang=begin, eind=date(y + 1, 6, 30), volume=1,
                                  eenheid="82", frequentie="4")
        d.add(bsn, Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=codes[lvl], begin=begin, eind=end,
                             volume=1, eenheid="82", tarief=price))
    a = world.post(d)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.toegekend == sum(levels.values())


def test_twents_model_output_never_above_the_price(world: World) -> None:
    case = world.case(variant="outputgericht", eenheid="82", tarief=62000, volume=1, frequentie="4",
                      contract={"declaratiemoment": "maandelijks"})
    two = case.prestatie(volume=2)  # two "months" of the arrangement in one month: above the Omvang
    wrong_price = case.prestatie(volume=1, tarief=70000, toewijzing=case.another_client()[1])
    d = world.declaratie(case.year, case.month)
    d.add(case.bsn, two)
    bsn2 = next_bsn()
    nummer2 = world.toewijzing(bsn2, code=case.code, ingang=case.bounds()[0], eind=date(2030, 1, 1), volume=1,
                               eenheid="82", frequentie="4")
    wrong_price.toewijzing = nummer2
    d.add(bsn2, wrong_price)
    a = world.post(d)
    assert a.prestatie_codes() == {two.ref: ["9321"], wrong_price.ref: ["0611"]}
    assert a.toegekend == 0 and a.antwoord_codes == ["0200"]


def test_twents_model_dakje_per_etmaal(world: World) -> None:
    """Wonen en Verblijf: a tariff per etmaal (eenheid 14), 7 etmalen per week."""
    case = world.case(eenheid="14", tarief=14000, volume=7, frequentie="2", contract={"perceel": "Wonen en Verblijf"})
    begin, end = case.bounds()
    days = (end - begin).days + 1
    a = case.post(0, case.prestatie(volume=days))
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.toegekend == days * 14000


def test_twents_model_consultatie_per_professional_level(world: World) -> None:
    """Consultatie is priced per professional level (MBO, HBO, WO, WO++): each its own product and tariff."""
    (y, m), = world.months(1)
    begin, end = month_bounds(y, m)
    tariffs = {"MBO": 6500, "HBO": 8500, "WO": 10500, "WO++": 13500}
    codes = {lvl: world.contract(code=unique_code("C"), eenheid="04", tarief=t, perceel="Consultatie en diagnostiek",
                                 naam=f"Consultatie {lvl}")["code"] for lvl, t in tariffs.items()}
    bsn = next_bsn()
    d = world.declaratie(y, m)
    refs = {}
    for lvl, code in codes.items():
        nummer = world.toewijzing(bsn, code=code, ingang=begin, eind=date(y + 1, 12, 31), volume=2, eenheid="04",
                                  frequentie="4")
        # the WO consultation declared at the HBO tariff is refused; the others pass
        tarief = tariffs["HBO"] if lvl == "WO" else tariffs[lvl]
        p = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin, eind=end, volume=2,
                      eenheid="04", tarief=tarief)
        refs[lvl] = p.ref
        d.add(bsn, p)
    a = world.post(d)
    assert a.prestatie_codes() == {refs["WO"]: ["0611"]}
    assert a.toegekend == 2 * (tariffs["MBO"] + tariffs["HBO"] + tariffs["WO++"])


# ---- outputgericht trajectory (IV089 trajectfinanciering, OP264) ------------------------------------------
def test_OP264_trajectory_declared_only_in_its_last_period(world: World) -> None:
    periods = world.months(3)
    (y0, m0), (y2, m2) = periods[0], periods[2]
    code = world.contract(variant="outputgericht", eenheid="83", tarief=100, budgetplafond=250_000,
                          declaratiemoment="einde-traject")["code"]
    bsn = next_bsn()
    begin0, _ = month_bounds(y0, m0)
    eind = date(y2, m2, 17)  # the trajectory ends on the 17th of the third month
    nummer = world.toewijzing(bsn, code=code, ingang=begin0, eind=eind, volume=250_000, eenheid="83", frequentie="6")

    early = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin0,
                      eind=last_day(y0, m0), volume=250_000, eenheid="83")
    d = world.declaratie(y0, m0)
    d.add(bsn, early)
    a = world.post(d)
    assert a.prestatie_codes() == {early.ref: ["9321"]} and a.rules == ["OP264"]

    final = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=date(y2, m2, 1), eind=eind,
                      volume=250_000, eenheid="83")
    d = world.declaratie(y2, m2)
    d.add(bsn, final)
    a = world.post(d)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.toegekend == 250_000


def test_OP263_output_amount_above_contract_plafond(world: World) -> None:
    # maandelijks, 800 euro a month agreed in the contract; the toewijzing (wrongly) allows 1000
    case = world.case(variant="outputgericht", eenheid="83", tarief=100, volume=100_000, frequentie="4",
                      contract={"budgetplafond": 80_000, "declaratiemoment": "maandelijks"})
    bad = case.prestatie(volume=90_000)
    d = world.declaratie(case.year, case.month)
    d.add(case.bsn, bad)
    a = world.post(d)
    assert a.prestatie_codes() == {bad.ref: ["0611"]}
    assert a.rules == ["OP263"]
    assert a.ingediend == 90_000 and a.toegekend == 0


def test_output_cumulative_trajectory_amount_over_three_monthly_declaraties(world: World) -> None:
    """A trajectory of 500 euro declared monthly in parts: the third part that passes the total is refused."""
    case = world.case(months=3, variant="outputgericht", eenheid="83", tarief=100, volume=50_000, frequentie="6",
                      contract={"declaratiemoment": "maandelijks"})
    assert case.post(0, case.prestatie(0, volume=20_000)).toegekend == 20_000
    assert case.post(1, case.prestatie(1, volume=20_000)).toegekend == 20_000
    third = case.prestatie(2, volume=20_000)
    a = case.post(2, third)
    assert a.prestatie_codes() == {third.ref: ["9322"]}
    assert a.ingediend == 20_000 and a.toegekend == 0


def test_output_per_week_total_counts_sundays_plus_the_broken_last_week_TR322_IV077(world: World) -> None:
    """300 euro per week, outputgericht, from a Wednesday to a Tuesday three months later. Each month holds its
    Sundays, the last one also the broken last week (the Einddatum is no Sunday, IV076); over the toewijzing
    IV077 counts the Sundays "plus 1 indien … de einddatum van de toewijzing geen zondag is", the same total.
    Days / 7 would allow one week less and refuse the third month."""
    periods = world.months(3)
    (y0, m0), (y2, m2) = periods[0], periods[2]
    ingang = weekday_on_or_after(date(y0, m0, 1), 2)  # a Wednesday
    eind = weekday_on_or_before(last_day(y2, m2), 1)  # a Tuesday
    code = world.contract(variant="outputgericht", eenheid="83", tarief=100, declaratiemoment="maandelijks")["code"]
    bsn = next_bsn()
    nummer = world.toewijzing(bsn, code=code, ingang=ingang, eind=eind, volume=30_000, eenheid="83", frequentie="2")
    product_periods = [(ingang, last_day(y0, m0)), month_bounds(*periods[1]), (date(y2, m2, 1), eind)]
    weeks = [sundays_in(b, e) for b, e in product_periods]
    weeks[2] += 1  # the toewijzing's last Sunday lies in the last month and the Einddatum is no Sunday
    assert sum(weeks) == sundays_in(ingang, eind) + 1 == len(days_of(ingang, eind)) // 7 + 1
    for (y, m), (begin, end), n in zip(periods, product_periods, weeks):
        d = world.declaratie(y, m)
        p = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=code, begin=begin, eind=end,
                      volume=30_000 * n, eenheid="83")
        d.add(bsn, p)
        a = world.post(d)
        assert a.antwoord_codes == ["8001"], (n, a.prestatie_codes())
        assert a.ingediend == a.toegekend == 30_000 * n


def test_budget_exhausted_over_three_monthly_declaraties_TR369(world: World) -> None:
    """An aspecifieke toewijzing with a budget (LTA, categorie 55) used up by three monthly declaraties."""
    periods = world.months(3)
    y0, m0 = periods[0]
    world.contract(categorie="55", code=None, variant="outputgericht", eenheid="83", tarief=100)
    bsn = next_bsn()
    nummer = world.toewijzing(bsn, categorie="55", code=None, ingang=date(y0, m0, 1),
                              eind=date(periods[-1][0] + 1, 12, 31), budget=100_000)
    answers = []
    for (y, m), amount in zip(periods, (40_000, 40_000, 30_000)):
        begin, end = month_bounds(y, m)
        d = world.declaratie(y, m)
        p = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="55", code="55LTA", begin=begin, eind=end,
                      volume=amount, eenheid="83")
        d.add(bsn, p)
        answers.append((p, world.post(d)))
    assert [a.toegekend for _, a in answers] == [40_000, 40_000, 0]
    p3, a3 = answers[2]
    assert a3.prestatie_codes() == {p3.ref: ["9369"]} and a3.rules == ["TR369"]


# ---- Almelo 2024 (seed 002): inspanningsgericht ------------------------------------------------------------
def test_almelo_2024_ambulant_in_minutes_group_care_in_hours(world: World) -> None:
    """Perceel 2 ambulante begeleiding per minuut (130 cent), perceel 3 dagverblijf jeugd per uur (52 euro)."""
    (y, m), = world.months(1)
    begin, end = month_bounds(y, m)
    ambulant = world.contract(categorie="45", eenheid="01", tarief=130, perceel="2", naam="Ambulante begeleiding",
                              vanaf=f"{y}-01-01")["code"]
    groep = world.contract(categorie="41", eenheid="04", tarief=5200, perceel="3", naam="Dagverblijf jeugd",
                           vanaf=f"{y}-01-01")["code"]
    bsn = next_bsn()
    t1 = world.toewijzing(bsn, categorie="45", code=ambulant, ingang=begin, eind=date(y + 1, 12, 31), volume=120,
                          eenheid="01", frequentie="2")
    t2 = world.toewijzing(bsn, categorie="41", code=groep, ingang=begin, eind=date(y + 1, 12, 31), volume=8,
                          eenheid="04", frequentie="2")
    d = world.declaratie(y, m)
    d.add(bsn,
          Prestatie(ref=new_ref(), toewijzing=t1, categorie="45", code=ambulant, begin=begin, eind=end, volume=480,
                    eenheid="01", tarief=130),
          Prestatie(ref=new_ref(), toewijzing=t2, categorie="41", code=groep, begin=begin, eind=end, volume=30,
                    eenheid="04", tarief=5200))
    a = world.post(d)
    assert a.antwoord_codes == ["8001"], a.prestatie_codes()
    assert a.toegekend == 480 * 130 + 30 * 5200


def test_almelo_2024_product_outside_its_validity(world: World) -> None:
    """A phased-out product (OZL 1, valid through 2024-12-31 in the seed) declared after its end: no tariff."""
    periods = world.months(1)
    (y, m), = periods
    begin, end = month_bounds(y, m)
    vervallen = world.contract(categorie="45", eenheid="01", tarief=95, vanaf="2021-01-01",
                               tot=f"{y - 1}-12-31" if m == 1 else f"{y}-{m - 1:02d}-28")["code"]
    bsn = next_bsn()
    nummer = world.toewijzing(bsn, code=vervallen, ingang=begin, eind=date(y + 1, 1, 31), volume=300, eenheid="01",
                              frequentie="4")
    d = world.declaratie(y, m)
    p = Prestatie(ref=new_ref(), toewijzing=nummer, categorie="45", code=vervallen, begin=begin, eind=end, volume=60,
                  eenheid="01", tarief=95)
    d.add(bsn, p)
    a = world.post(d)
    assert a.prestatie_codes() == {p.ref: ["0611"]}


# ---- Twente 2025 taakgericht (seed 004): crisis lump sum + P × Q per use -------------------------------------
def test_twente_2025_crisis_lumpsum_line_refused_pxq_use_paid(world: World) -> None:
    (y, m), = world.months(1)
    begin, end = month_bounds(y, m)
    beschikbaarheid = world.contract(categorie="46", variant="taakgericht", eenheid=None, tarief=None,
                                     lumpsum={"bedrag": 1_200_000, "periode": "maand"}, perceel="Crisis",
                                     naam="Crisisdienst beschikbaarheid")["code"]
    inzet = world.contract(categorie="46", eenheid="01", tarief=160, perceel="Crisis", naam="Ambulante spoedhulp")["code"]
    bsn = next_bsn()
    # a toewijzing for the use (P × Q); the aanbieder also tries to declare availability per client
    t_inzet = world.toewijzing(bsn, categorie="46", code=inzet, ingang=begin, eind=date(y + 1, 12, 31), volume=600,
                               eenheid="01", frequentie="4")
    t_fout = world.toewijzing(bsn, categorie="46", code=beschikbaarheid, ingang=begin, eind=date(y + 1, 12, 31),
                              volume=1, eenheid="82", frequentie="4")
    d = world.declaratie(y, m)
    use = Prestatie(ref=new_ref(), toewijzing=t_inzet, categorie="46", code=inzet, begin=begin, eind=end, volume=240,
                    eenheid="01", tarief=160)
    lump = Prestatie(ref=new_ref(), toewijzing=t_fout, categorie="46", code=beschikbaarheid, begin=begin, eind=end,
                     volume=1, eenheid="82", tarief=1_200_000)
    d.add(bsn, use, lump)
    a = world.post(d)
    assert a.prestatie_codes() == {lump.ref: ["0611"]}
    assert a.rules == ["OP261"]
    assert a.toegekend == 240 * 160
    lines = world.declaration(world.gemeente).get(f"/v1/declaraties/{a.declaratie_id}/prestaties",
                                                  params={"oordeel": "afgewezen"}).json()["results"]
    assert lines[0]["regels"] == ["OP261"] and lines[0]["uitvoeringsvariant"] == "taakgericht"
