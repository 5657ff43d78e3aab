"""Each report over HTTP: a known set of messages through the real services, one pull, exact figures.

Every test has products of its own (a unique ProductCode and segment name) and filters on them, so other
tests' messages in the same session never mix in. Declaraties take their DeclaratiePeriode from the shared
period allocator of the declaration tests (TR318: a DeclaratiePeriode never before the last one of the
gemeente × aanbieder; the allocator hands out each month once), so the months are found, not chosen.
"""
from __future__ import annotations

from datetime import date, timedelta

from services.allocation.deadlines import WerkdagKalender
from services.common.clock import today_nl
from tests.declaration.conftest import _PERIODS

from .conftest import Region, prestatie

LONG = (date(2022, 1, 1), date(2026, 12, 31))  # toewijzingen that cover whatever months the allocator hands out


def _m(ym: tuple[int, int]) -> str:
    return f"{ym[0]:04d}-{ym[1]:02d}"


def test_zorggebruik_clients_in_care_inflow_outflow_starts_and_stops(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region()
    code = r.product()
    a, b, c = r.person(), r.person(), r.person()
    a1 = r.toewijzing(a, code, date(2026, 1, 1), date(2026, 3, 31))
    r.toewijzing(a, code, date(2026, 4, 1), date(2026, 6, 30))  # touches a1: one episode January-June
    b1 = r.toewijzing(b, code, date(2026, 2, 1), date(2026, 2, 28))
    r.toewijzing(b, code, date(2026, 5, 1), None)  # back after a gap: flows in again, open-ended
    c1 = r.toewijzing(c, code, date(2026, 3, 1), date(2026, 3, 31))
    r.withdraw(c1["toewijzingNummer"])  # RedenWijziging 13: counts nowhere
    r.start(a, a1["toewijzingNummer"], date(2026, 1, 5), date(2026, 1, 7))
    r.start(b, b1["toewijzingNummer"], date(2026, 2, 3), date(2026, 2, 4))
    r.stop(b, b1["toewijzingNummer"], date(2026, 2, 3), date(2026, 2, 20), date(2026, 2, 23))
    r.sync()

    rows = r.report("zorggebruik", van="2026-01", tot="2026-06", code=code)
    got = {row["periode"]: (row["clientenInZorg"], row["instroom"], row["uitstroom"], row["toewijzingenActief"],
                            row["gestart"], row["gestopt"]) for row in rows}
    assert got == {
        "2026-01": (1, 1, 0, 1, 1, 0),
        "2026-02": (2, 1, 1, 2, 1, 1),
        "2026-03": (1, 0, 0, 1, 0, 0),
        "2026-04": (1, 0, 0, 1, 0, 0),
        "2026-05": (2, 1, 0, 2, 0, 0),
        "2026-06": (2, 0, 1, 2, 0, 0),
    }
    quarters = r.report("zorggebruik", van="2026-01", tot="2026-06", code=code, periode="kwartaal",
                        groepering=["gemeente", "segment"])
    assert [(q["periode"], q["gemeente"], q["segment"], q["clientenInZorg"], q["instroom"], q["uitstroom"],
             q["toewijzingenActief"], q["gestart"], q["gestopt"]) for q in quarters] == [
        ("2026-Q1", "0141", r.segment, 2, 2, 1, 2, 2, 1),
        ("2026-Q2", "0141", r.segment, 2, 1, 1, 2, 0, 0),
    ]


def test_kosten_amounts_to_the_cent_cost_per_client_and_year_on_year(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(gemeente="0164", aanbieder="11110003")
    code = r.product(tarief=6500)
    months = _PERIODS.take("0164", "11110003", "jeugd", 13)
    m0, m1, m12 = months[0], months[1], months[12]
    clients = {k: r.person() for k in "ABCD"}
    tw = {k: r.toewijzing(bsn, code, *LONG, omvang=(60, "04", "4"))["toewijzingNummer"] for k, bsn in clients.items()}
    r.wait_declaration(*tw.values())
    p_a0 = prestatie("KA0" + code, tw["A"], code, *m0, 10)
    p_d1 = prestatie("KD1" + code, tw["D"], code, *m1, 3)
    assert r.declaratie(*m0, (clients["A"], p_a0)).headers["Berichten-Oordeel"] == "goedgekeurd"
    assert r.declaratie(*m1, (clients["D"], p_d1)).headers["Berichten-Oordeel"] == "goedgekeurd"
    resp = r.declaratie(*m12,
                        (clients["A"], prestatie("KA12" + code, tw["A"], code, *m12, 12)),
                        (clients["B"], prestatie("KB12" + code, tw["B"], code, *m12, 5)),
                        (clients["C"], prestatie("KC12" + code, tw["C"], code, *m12, 2, tarief=7000)),  # TR418
                        (clients["D"], p_d1.credit_of("KD1C" + code)))  # credits the m1 prestatie in full
    assert resp.headers["Berichten-Oordeel"] == "deels-afgekeurd", resp.text
    r.sync()

    [row] = r.report("kosten", van=_m(m12), tot=_m(m12), code=code, groepering=["gemeente"])
    assert row == {
        "periode": _m(m12), "gemeente": "0164", "ingediend": 78000 + 32500 + 14000, "goedgekeurd": 78000 + 32500,
        "afgewezen": 14000, "prestaties": 3, "afgewezenPrestaties": 1, "clienten": 2, "gemiddeldPerClient": 55250,
        "vorigJaarGoedgekeurd": 65000, "vorigJaarClienten": 1, "veranderingGoedgekeurdProcent": 70.0,
        "veranderingClientenProcent": 100.0,
    }
    # the credit lands in the month of its ProductPeriode and cancels the debet there
    [credited] = r.report("kosten", van=_m(m1), tot=_m(m1), code=code)
    assert (credited["ingediend"], credited["goedgekeurd"], credited["prestaties"], credited["clienten"],
            credited["gemiddeldPerClient"]) == (0, 0, 2, 0, None)
    # a gemeente outside the regio's filter gives nothing; the aanbieder sees its own figures
    assert r.report("kosten", van=_m(m12), tot=_m(m12), code=code, gemeente="0141") == []
    [own] = r.report("kosten", party="11110003", van=_m(m12), tot=_m(m12), code=code)
    assert own["goedgekeurd"] == 110500


def test_concentratie_share_of_money_with_the_largest_aanbieders(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(gemeente="0153")
    hours = {"11110001": 60, "11110002": 20, "11110003": 10, "11110004": 6, "11110005": 4}
    code = None
    for aanbieder in hours:
        code = r.product(code=code, aanbieder=aanbieder, tarief=10000)
    assert code is not None
    for aanbieder, h in hours.items():
        bsn = r.person(gemeente="0153")
        nummer = r.toewijzing(bsn, code, *LONG, omvang=(60, "04", "4"), aanbieder=aanbieder)["toewijzingNummer"]
        r.wait_declaration(nummer)
        [month] = _PERIODS.take("0153", aanbieder, "jeugd", 1)
        resp = r.declaratie(*month, (bsn, prestatie(f"C{aanbieder}{code}", nummer, code, *month, h, tarief=10000)),
                            aanbieder=aanbieder)
        assert resp.headers["Berichten-Oordeel"] == "goedgekeurd", resp.text
    r.sync()

    [row] = r.report("concentratie", van="2022-01", tot=today_nl().strftime("%Y-%m"), code=code)
    assert row == {
        "periode": "totaal", "segment": r.segment, "aanbieders": 5, "goedgekeurd": 1_000_000,
        "top3ProcentAanbieders": 1, "aandeelTop3Procent": 60.0, "top10ProcentAanbieders": 1,
        "aandeelTop10Procent": 60.0, "aanbiedersVoor50Procent": 1, "aandeelAanbiedersVoor50Procent": 20.0,
        "aanbiedersVoor75Procent": 2, "aandeelAanbiedersVoor75Procent": 40.0, "aandeelGrootste": 60.0,
        "klasse1tot10": 5, "klasse11tot100": 0, "klasseMeerDan100": 0,
    }


def test_verwijzers_referral_routes_with_the_share_unknown(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region()
    code = r.product()
    ingang, eind = date(2026, 10, 1), date(2026, 12, 31)
    for verwijzer in (("02", "Huisarts Jansen", None), ("02", "Huisarts Pietersen", None), ("04", "GI Twente", None)):
        bsn = r.person()
        v = r.verzoek(bsn, code, ingang, eind, date(2026, 9, 28), verwijzer=verwijzer)
        r.honour(v["id"], date(2026, 9, 25))
    direct = r.person()
    r.toewijzing(direct, code, ingang, date(2026, 10, 15))
    r.toewijzing(direct, code, date(2026, 10, 16), eind)  # a continuation, not a new referral
    gone = r.toewijzing(r.person(), code, ingang, eind)
    r.withdraw(gone["toewijzingNummer"])
    r.sync()

    rows = r.report("verwijzers", van="2026-10", tot="2026-10", code=code)
    got = {row["verwijzer"]: (row["toewijzingen"], row["aandeelProcent"]) for row in rows}
    assert got == {"01": (0, 0.0), "02": (2, 50.0), "03": (0, 0.0), "04": (1, 25.0), "05": (0, 0.0),
                   "06": (0, 0.0), "08": (0, 0.0), "onbekend": (1, 25.0)}
    assert {row["totaal"] for row in rows} == {4}


def test_doorlooptijden_lead_times_and_durations(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region()
    code = r.product()
    p1, p2, p3 = r.person(), r.person(), r.person()
    t1 = r.toewijzing(p1, code, date(2026, 3, 1), date(2026, 12, 31))["toewijzingNummer"]
    t2 = r.toewijzing(p2, code, date(2026, 3, 1), None)["toewijzingNummer"]
    r.toewijzing(p3, code, date(2026, 3, 1), date(2026, 3, 31))
    r.start(p1, t1, date(2026, 3, 11), date(2026, 3, 12))
    r.start(p2, t2, date(2026, 3, 5), date(2026, 3, 6))
    r.stop(p2, t2, date(2026, 3, 5), date(2026, 3, 24), date(2026, 3, 25))
    today = today_nl()
    asked = today - timedelta(days=10)
    v = r.verzoek(r.person(), code, asked, date(2026, 12, 31), asked)
    r.honour(v["id"], asked)
    r.sync()

    rows = r.report("doorlooptijden", van="2026-03", tot="2026-03", code=code)
    got = {row["soort"]: (row["aantal"], row["gemiddeldDagen"], row["mediaanDagen"], row["p90Dagen"],
                          row["minimumDagen"], row["maximumDagen"]) for row in rows}
    assert got == {
        "toewijzing-start": (2, 7.0, 7.0, 10, 4, 10),  # 10 and 4 days after the Ingangsdatum
        "toewijzingsduur": (1, 31.0, 31.0, 31, 31, 31),  # 1-31 March, both days counted
        "zorgduur": (1, 20.0, 20.0, 20, 20, 20),  # 5-24 March
    }
    month = today.strftime("%Y-%m")
    rows = r.report("doorlooptijden", van=month, tot=month, code=code)
    assert [(row["soort"], row["aantal"], row["gemiddeldDagen"]) for row in rows
            if row["soort"] == "verzoek-toewijzing"] == [("verzoek-toewijzing", 1, 10.0)]


def test_termijnen_retours_answers_and_start_messages_against_the_deadlines(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region()
    code = r.product()
    today = today_nl()
    kalender = WerkdagKalender()
    # three 301s today: a 302 the same day (on time), a 302 dated after its 3 werkdagen (late), none (open)
    people = [r.person() for _ in range(3)]
    t = [r.toewijzing(p, code, date(2026, 1, 1), date(2026, 12, 31)) for p in people]
    berichten = [r.as_("allocation").get(f"/v1/toewijzingen/{x['toewijzingNummer']}").json()["versies"][0]["berichtId"]
                 for x in t]
    r.retour_302(berichten[0])
    r.retour_302(berichten[1], dagtekening_retour=kalender.plus_werkdagen(today, 4))
    # verzoeken: one answered late (a 301 after 5 werkdagen), one never answered
    late_day = today - timedelta(days=20)
    v_late = r.verzoek(r.person(), code, late_day, date(2026, 12, 31), late_day)
    honoured = r.honour(v_late["id"], late_day)
    r.verzoek(r.person(), code, late_day, date(2026, 12, 31), late_day)
    # starts: one sent two werkdagen after the start (on time), one ten werkdagen after (late)
    s1, s2 = t[0]["toewijzingNummer"], t[1]["toewijzingNummer"]
    begin = date(2026, 2, 2)
    r.start(people[0], s1, begin, kalender.plus_werkdagen(begin, 2))
    r.start(people[1], s2, begin, kalender.plus_werkdagen(begin, 10))
    r.sync()

    def counts(**params):  # type: ignore[no-untyped-def]
        rows = r.report("termijnen", code=code, **params)
        return {row["soort"]: (row["tijdig"], row["teLaat"], row["open"], row["verlopen"]) for row in rows}

    month = today.strftime("%Y-%m")
    first = (late_day.replace(day=1)).strftime("%Y-%m")
    now = counts(van=min(first, month), tot=month, periode="totaal", peildatum=today.isoformat())
    # 301s: the three above plus the one honouring the late verzoek (no 302 either)
    assert now["retour-301"] == (1, 1, 2, 0)
    assert now["antwoord-315"] == (0, 1, 0, 1)
    later = counts(van=min(first, month), tot=month, periode="totaal",
                   peildatum=kalender.plus_werkdagen(today, 4).isoformat())
    assert later["retour-301"] == (1, 1, 0, 2)
    starts = counts(van="2026-02", tot="2026-02")
    assert starts == {"start-305": (1, 1, 0, 0)}
    overdue = r.as_("reporting", "TWENTE").get("/v1/rapportages/termijnen/verlopen", params={
        "code": code, "segment": r.segment, "van": min(first, month), "tot": month}).json()
    assert overdue["aantal"] == 1
    [item] = overdue["items"]
    assert item["soort"] == "antwoord-315" and item["regel"] == "OP274" and item["werkdagenTeLaat"] > 0
    assert honoured["besluit"] == "toegewezen"


def test_budgetgebruik_outputgericht(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(gemeente="0147", aanbieder="11110001")
    code = r.product(variant="outputgericht", eenheid="82", tarief=45000, declaratiemoment="maandelijks")
    a, b = r.person(gemeente="0147"), r.person(gemeente="0147")
    ta = r.toewijzing(a, code, date(2022, 1, 1), date(2026, 12, 31), omvang=(1, "82", "4"))["toewijzingNummer"]
    tb = r.toewijzing(b, code, date(2022, 1, 1), date(2026, 12, 31), omvang=(2, "82", "6"))["toewijzingNummer"]
    r.wait_declaration(ta, tb)
    months = _PERIODS.take("0147", "11110001", "jeugd", 3)
    for i, month in enumerate(months):
        items = [(a, prestatie(f"BA{i}{code}", ta, code, *month, 1, tarief=45000, eenheid="82"))]
        if i == 0:
            items.append((b, prestatie(f"BB{i}{code}", tb, code, *month, 1, tarief=45000, eenheid="82")))
        assert r.declaratie(*month, *items).headers["Berichten-Oordeel"] == "goedgekeurd"
    r.sync()

    [row] = r.report("budgetgebruik", van="2022-01", tot=today_nl().strftime("%Y-%m"), code=code)
    # a: 1 arrangement a month for 60 months; b: 2 in total; at 450 euro each
    assert row == {"periode": "totaal", "gemeente": "0147", "aanbieder": "11110001", "product": f"45/{code}",
                   "toewijzingen": 2, "toegewezenBudget": 60 * 45000 + 2 * 45000, "goedgekeurd": 4 * 45000,
                   "zonderBudget": 0, "gebruikProcent": round(100 * 4 / 62, 1)}


def test_lumpsums_taakgericht_from_the_contract_terms(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(aanbieder="11110004")
    lump = r.product(variant="taakgericht", eenheid=None, tarief=None, geldigVanaf="2026-02-01",
                     geldigTot="2026-12-31", lumpsum={"bedrag": 1_200_000, "periode": "kwartaal"})
    budget = r.product(variant="taakgericht", eenheid=None, tarief=None, geldigVanaf="2026-07-01",
                       budgetplafond=1_200_000)
    r.sync()

    rows = r.report("lumpsums", van="2026-01", tot="2026-12", periode="kwartaal", peildatum="2026-05-15",
                    groepering=["product"])
    got = {(row["periode"], row["product"]): (row["geplandBedrag"], row["verschenenBedrag"], row["termijnen"])
           for row in rows}
    assert got == {
        ("2026-Q1", f"45/{lump}"): (800_000, 800_000, 1),  # February and March of the first quarter
        ("2026-Q2", f"45/{lump}"): (1_200_000, 1_200_000, 1),
        ("2026-Q3", f"45/{lump}"): (1_200_000, 0, 1),
        ("2026-Q4", f"45/{lump}"): (1_200_000, 0, 1),
        ("2026-Q3", f"45/{budget}"): (300_000, 0, 3),  # half a year of a yearly budget, 100,000 a month
        ("2026-Q4", f"45/{budget}"): (300_000, 0, 3),
    }


def test_iwmo_messages_count_under_domein_wmo(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(domein="wmo", aanbieder="11110003")
    code = r.product()
    born = date(1958, 3, 1)
    bsn = r.person(born)
    nummer = r.toewijzing(bsn, code, date(2026, 4, 1), date(2026, 9, 30), born=born)["toewijzingNummer"]
    r.start(bsn, nummer, date(2026, 4, 2), date(2026, 4, 3), born=born)
    r.sync()

    rows = r.report("zorggebruik", van="2026-04", tot="2026-04", code=code, groepering=["domein"])
    assert [(row["domein"], row["clientenInZorg"], row["instroom"], row["gestart"]) for row in rows] == [
        ("wmo", 1, 1, 1)]
    assert r.report("zorggebruik", van="2026-04", tot="2026-04", code=code, domein="jeugd") == []
