"""The reports, each one function from (session, scope, filters) to rows. Definitions are in README.md
(section "Definities") and in each function's docstring; the tests assert them on known message sets.

Money is integer eurocents, signed like the declaraties (a credit lowers the amount). Percentages have one
decimal, rounded half up. Days are calendar days unless a field says werkdagen.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.allocation.deadlines import (
    ANTWOORD_VERZOEK_WERKDAGEN,
    IN_ONDERZOEK_WEKEN,
    RETOUR_WERKDAGEN,
    START_STOP_WERKDAGEN,
    WerkdagKalender,
    plus_weken,
)
from services.declaration.periods import toewijzing_weeks

from . import data
from .base import (
    ONBEKEND,
    Contracts,
    Fact,
    Filters,
    Line,
    Scope,
    add_months,
    dims_json,
    div_cents,
    keep_segment,
    make_fact,
    median,
    month_end,
    month_key,
    month_start,
    months_between,
    pct,
    percentile,
    period_of_month,
    round_half_up,
)

Rows = list[dict[str, Any]]
FAR = date(9999, 12, 31)
VERWIJZERS = {
    "01": "Gemeente", "02": "Huisarts", "03": "Jeugdarts", "04": "Gecertificeerde instelling",
    "05": "Medisch specialist", "06": "Zelfverwijzer/geen verwijzer",
    "08": "Rechter, Officier van Justitie, functionaris JJI", ONBEKEND: "Onbekend (geen verzoek met verwijzer)",
}


@dataclass
class Context:
    session: Session
    scope: Scope
    filters: Filters
    contracts: Contracts
    kalender: WerkdagKalender

    @property
    def dims(self) -> tuple[str, ...]:
        return self.filters.groepering


def _sort(rows: Rows, dims: Sequence[str], extra: Sequence[str] = ()) -> Rows:
    return sorted(rows, key=lambda r: tuple(str(r.get(k, "")) for k in ("periode", *dims, *extra)))


def _tw_fact(c: Context, tw: data.TW) -> Fact:
    return make_fact(c.contracts, tw.gemeente, tw.aanbieder, tw.domein, tw.categorie, tw.code, tw.ingangsdatum)[0]


# ---- 1. zorggebruik: clients in care, inflow, outflow ----------------------------------------------------
def zorggebruik(c: Context) -> Rows:
    """Per period and group: clients with a toewijzing in the period (`clientenInZorg`), clients whose episode
    of care starts (`instroom`) or ends (`uitstroom`) in it, active toewijzingen, and effective 305/307 starts
    and stops. An episode is an unbroken run of a client's toewijzingen in the group (the next one begins at
    the latest the day after the previous one ends); a client who comes back after a gap flows in again."""
    f, dims = c.filters, c.dims
    periods = f.periods()
    tws = [(tw, _tw_fact(c, tw)) for tw in data.toewijzingen(c.session, c.scope, f)]
    tws = [(tw, fact) for tw, fact in tws if keep_segment(f, fact)]
    intervals: dict[tuple[str, ...], dict[int, list[tuple[date, date]]]] = defaultdict(lambda: defaultdict(list))
    active: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    for tw, fact in tws:
        key = fact.key(dims)
        intervals[key][tw.client_id].append((tw.ingangsdatum, tw.einddatum or FAR))
        for p in periods:
            if p.overlaps(tw.ingangsdatum, tw.einddatum):
                active[(p.key, key)] += 1
    in_care: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    inflow: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    outflow: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    for key, clients in intervals.items():
        for spans in clients.values():
            episodes = _episodes(spans)
            for p in periods:
                if any(s <= p.end and e >= p.start for s, e in episodes):
                    in_care[(p.key, key)] += 1
                if any(p.contains(s) for s, _ in episodes):
                    inflow[(p.key, key)] += 1
                if any(e != FAR and p.contains(e) for _, e in episodes):
                    outflow[(p.key, key)] += 1
    index = data.toewijzing_index(data.toewijzingen(c.session, c.scope, _unfiltered_product(f)))
    started: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    stopped: dict[tuple[str, tuple[str, ...]], int] = defaultdict(int)
    for rg in data.effective_regie(c.session, c.scope, f):
        fact = _regie_fact(c, rg, index)
        if fact is None or not keep_segment(f, fact) or not _product_ok(f, fact):
            continue
        moment = rg.begindatum if rg.soort == "start" else (rg.einddatum or rg.begindatum)
        key_p = f.period_for(moment)
        if key_p:
            (started if rg.soort == "start" else stopped)[(key_p, fact.key(dims))] += 1
    keys = set(in_care) | set(inflow) | set(outflow) | set(active) | set(started) | set(stopped)
    rows = [{"periode": pk, **dims_json(dims, gk), "clientenInZorg": in_care[(pk, gk)], "instroom": inflow[(pk, gk)],
             "uitstroom": outflow[(pk, gk)], "toewijzingenActief": active[(pk, gk)],
             "gestart": started[(pk, gk)], "gestopt": stopped[(pk, gk)]} for pk, gk in keys]
    return _sort(rows, dims)


def _episodes(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _unfiltered_product(f: Filters) -> Filters:
    from dataclasses import replace

    return replace(f, categorie=None, code=None)


def _product_ok(f: Filters, fact: Fact) -> bool:
    return (not f.categorie or fact.categorie == f.categorie) and (not f.code or fact.code == f.code)


def _regie_fact(c: Context, rg: data.RG, index: dict[tuple[str, str, int], data.TW]) -> Fact | None:
    if rg.toewijzing_nummer is not None:
        tw = index.get((rg.gemeente, rg.domein, rg.toewijzing_nummer))
        if tw is None:
            return None
        return _tw_fact(c, tw)
    return make_fact(c.contracts, rg.gemeente, rg.aanbieder, rg.domein, rg.categorie, rg.code, rg.begindatum)[0]


# ---- 2. kosten: approved and rejected amounts, cost per client, year on year ---------------------------
def kosten(c: Context) -> Rows:
    """Per period (of the ProductPeriode) and group: submitted, approved and rejected eurocents (signed),
    the number of clients with a positive approved amount, the average approved amount per such client, and
    the same figures for the same months one year earlier with the change in percent."""
    f, dims = c.filters, c.dims
    cur: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    prev: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
    for pr in data.prestaties(c.session, c.scope, f, add_months(f.van, -12), f.tot):
        fact = make_fact(c.contracts, pr.gemeente, pr.aanbieder, pr.domein, pr.categorie, pr.code, pr.begindatum)[0]
        if not keep_segment(f, fact):
            continue
        gk = fact.key(dims)
        if f.van <= pr.maand <= f.tot:
            _add_cost(cur.setdefault((period_of_month(pr.maand, f.periode), gk), _cost()), pr)
        shifted = add_months(pr.maand, 12)  # this month counts as "one year earlier" for the shifted month
        if f.van <= shifted <= f.tot:
            _add_cost(prev.setdefault((period_of_month(shifted, f.periode), gk), _cost()), pr)
    rows = []
    for key, a in cur.items():
        p = prev.get(key) or _cost()
        clients = sum(1 for v in a["per_client"].values() if v > 0)
        prev_clients = sum(1 for v in p["per_client"].values() if v > 0)
        rows.append({
            "periode": key[0], **dims_json(dims, key[1]), "ingediend": a["ingediend"],
            "goedgekeurd": a["goedgekeurd"], "afgewezen": a["afgewezen"], "prestaties": a["prestaties"],
            "afgewezenPrestaties": a["afgewezenPrestaties"], "clienten": clients,
            "gemiddeldPerClient": div_cents(a["goedgekeurd"], clients),
            "vorigJaarGoedgekeurd": p["goedgekeurd"], "vorigJaarClienten": prev_clients,
            "veranderingGoedgekeurdProcent": pct(a["goedgekeurd"] - p["goedgekeurd"], p["goedgekeurd"])
            if p["goedgekeurd"] > 0 else None,
            "veranderingClientenProcent": pct(clients - prev_clients, prev_clients) if prev_clients else None,
        })
    return _sort(rows, dims)


def _cost() -> dict[str, Any]:
    return {"ingediend": 0, "goedgekeurd": 0, "afgewezen": 0, "prestaties": 0, "afgewezenPrestaties": 0,
            "per_client": defaultdict(int)}


def _add_cost(a: dict[str, Any], pr: data.PR) -> None:
    a["ingediend"] += pr.bedrag
    a["prestaties"] += 1
    if pr.goedgekeurd:
        a["goedgekeurd"] += pr.bedrag
        a["per_client"][pr.client_id] += pr.bedrag
    else:
        a["afgewezen"] += pr.bedrag
        a["afgewezenPrestaties"] += 1


# ---- 3. concentratie: how the money is spread over aanbieders -------------------------------------------
def concentratie(c: Context) -> Rows:
    """Per group (default: segment) and period: the aanbieders with a positive approved amount, the share of
    the money with the largest 3% and 10% of them (at least one aanbieder each), how many aanbieders together
    get 50% and 75% of the money (and which share of all aanbieders that is), the largest aanbieder's share,
    and the aanbieders per size class by clients with an approved amount (1-10, 11-100, more than 100)."""
    f, dims = c.filters, c.dims
    money: dict[tuple[str, tuple[str, ...]], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_client: dict[tuple[str, tuple[str, ...]], dict[str, dict[int, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int)))
    for pr in data.prestaties(c.session, c.scope, f, f.van, f.tot):
        if not pr.goedgekeurd:
            continue
        fact = make_fact(c.contracts, pr.gemeente, pr.aanbieder, pr.domein, pr.categorie, pr.code, pr.begindatum)[0]
        if not keep_segment(f, fact):
            continue
        key = (period_of_month(pr.maand, f.periode), fact.key(dims))
        money[key][pr.aanbieder] += pr.bedrag
        per_client[key][pr.aanbieder][pr.client_id] += pr.bedrag
    rows = []
    for key, by_aanbieder in money.items():
        amounts = sorted((v for v in by_aanbieder.values() if v > 0), reverse=True)
        n, total = len(amounts), sum(amounts)
        if not n:
            continue
        top3, top10 = max(1, math.ceil(n * 0.03)), max(1, math.ceil(n * 0.10))
        need50, need75 = _needed(amounts, total, 0.50), _needed(amounts, total, 0.75)
        klassen = {"1-10": 0, "11-100": 0, "101+": 0}
        for aanbieder, v in by_aanbieder.items():
            if v <= 0:
                continue
            clients = sum(1 for x in per_client[key][aanbieder].values() if x > 0)
            klassen["1-10" if clients <= 10 else "11-100" if clients <= 100 else "101+"] += 1
        rows.append({
            "periode": key[0], **dims_json(dims, key[1]), "aanbieders": n, "goedgekeurd": total,
            "top3ProcentAanbieders": top3, "aandeelTop3Procent": pct(sum(amounts[:top3]), total),
            "top10ProcentAanbieders": top10, "aandeelTop10Procent": pct(sum(amounts[:top10]), total),
            "aanbiedersVoor50Procent": need50, "aandeelAanbiedersVoor50Procent": pct(need50, n),
            "aanbiedersVoor75Procent": need75, "aandeelAanbiedersVoor75Procent": pct(need75, n),
            "aandeelGrootste": pct(amounts[0], total),
            "klasse1tot10": klassen["1-10"], "klasse11tot100": klassen["11-100"], "klasseMeerDan100": klassen["101+"],
        })
    return _sort(rows, dims)


def _needed(desc: list[int], total: int, share: float) -> int:
    running = 0
    for i, v in enumerate(desc, 1):
        running += v
        if running * 1.0 >= share * total:
            return i
    return len(desc)


# ---- 4. verwijzers: referral routes --------------------------------------------------------------------
def verwijzers(c: Context) -> Rows:
    """Per period (of the Ingangsdatum) and group: new toewijzingen by TypeVerwijzer of the 315 they answer
    (linked through ReferentieAanbieder), and `onbekend` for toewijzingen without such a verzoek (the 301
    carries no referrer). Not counted as new: withdrawn toewijzingen, those answering a 317 (a change), and
    continuations (the same client, aanbieder and product, starting the day after an earlier one ends)."""
    f, dims = c.filters, c.dims
    vot: dict[tuple[str, str, str, str], str | None] = {}
    vow: set[tuple[str, str, str, str]] = set()
    for v in data.verzoeken(c.session, c.scope, _unfiltered_product(f)):
        key = (v.gemeente, v.aanbieder, v.domein, v.referentie)
        if v.soort == "vot":
            vot[key] = v.verwijzer_type
        else:
            vow.add(key)
    all_tw = data.toewijzingen(c.session, c.scope, f)
    ends = {(t.client_id, t.gemeente, t.aanbieder, t.domein, t.categorie, t.code, t.einddatum) for t in all_tw
            if t.einddatum}
    counts: dict[tuple[str, tuple[str, ...]], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for tw in all_tw:
        pk = f.period_for(tw.ingangsdatum)
        if pk is None:
            continue
        if (tw.client_id, tw.gemeente, tw.aanbieder, tw.domein, tw.categorie, tw.code,
                tw.ingangsdatum - timedelta(days=1)) in ends:
            continue
        ref = (tw.gemeente, tw.aanbieder, tw.domein, tw.referentie or "")
        if tw.referentie and ref in vow and ref not in vot:
            continue
        fact = _tw_fact(c, tw)
        if not keep_segment(f, fact):
            continue
        code = (vot.get(ref) or ONBEKEND) if tw.referentie else ONBEKEND
        counts[(pk, fact.key(dims))][code] += 1
    rows = []
    for (pk, gk), by_code in counts.items():
        total = sum(by_code.values())
        for code, label in VERWIJZERS.items():
            rows.append({"periode": pk, **dims_json(dims, gk), "verwijzer": code, "omschrijving": label,
                         "toewijzingen": by_code.get(code, 0), "totaal": total,
                         "aandeelProcent": pct(by_code.get(code, 0), total)})
    return _sort(rows, dims, ("verwijzer",))


# ---- 5. doorlooptijden: lead times and durations -------------------------------------------------------
SOORTEN_DOORLOOP = ("verzoek-toewijzing", "toewijzing-start", "toewijzingsduur", "zorgduur")


def doorlooptijden(c: Context) -> Rows:
    """Per period, group and kind, in calendar days: `verzoek-toewijzing` (Dagtekening of the 315 → first
    Toewijzingsdatum of the toewijzing answering it; period of the toewijzing), `toewijzing-start`
    (Ingangsdatum → Begindatum of the first effective start; period of the start), `toewijzingsduur`
    (Ingangsdatum → Einddatum, both included, of toewijzingen ending in the period) and `zorgduur`
    (Begindatum → Einddatum of effective stops in the period). Count, mean, median and 90th percentile."""
    f, dims = c.filters, c.dims
    values: dict[tuple[str, tuple[str, ...], str], list[int]] = defaultdict(list)
    all_tw = data.toewijzingen(c.session, c.scope, _unfiltered_product(f))
    index = data.toewijzing_index(all_tw)
    answers = data.antwoorden(c.session, c.scope, f)
    for v in data.verzoeken(c.session, c.scope, f, product=True):
        if v.soort != "vot" or not v.geaccepteerd:
            continue
        toegewezen = [a for a in answers.get((v.gemeente, v.aanbieder, v.domein, v.referentie), [])
                      if a.soort == "toewijzing"]
        if not toegewezen:
            continue
        first = toegewezen[0]
        pk = f.period_for(first.datum)
        tw = index.get((v.gemeente, v.domein, first.toewijzing_nummer or 0))
        if pk is None or tw is None:
            continue
        fact = _tw_fact(c, tw)
        if keep_segment(f, fact):
            values[(pk, fact.key(dims), "verzoek-toewijzing")].append((first.datum - v.dagtekening).days)
    first_start: dict[tuple[str, str, int], date] = {}
    for rg in data.effective_regie(c.session, c.scope, f):
        if rg.toewijzing_nummer is None:
            continue
        key = (rg.gemeente, rg.domein, rg.toewijzing_nummer)
        tw = index.get(key)
        if tw is None:
            continue
        if rg.soort == "start":
            if key not in first_start or rg.begindatum < first_start[key]:
                first_start[key] = rg.begindatum
        elif rg.einddatum:
            pk = f.period_for(rg.einddatum)
            fact = _tw_fact(c, tw)
            if pk and keep_segment(f, fact) and _product_ok(f, fact):
                values[(pk, fact.key(dims), "zorgduur")].append((rg.einddatum - rg.begindatum).days + 1)
    for key, begin in first_start.items():
        tw = index[key]
        pk = f.period_for(begin)
        fact = _tw_fact(c, tw)
        if pk and keep_segment(f, fact) and _product_ok(f, fact):
            values[(pk, fact.key(dims), "toewijzing-start")].append((begin - tw.ingangsdatum).days)
    for tw in all_tw:
        if tw.einddatum is None:
            continue
        pk = f.period_for(tw.einddatum)
        fact = _tw_fact(c, tw)
        if pk and keep_segment(f, fact) and _product_ok(f, fact):
            values[(pk, fact.key(dims), "toewijzingsduur")].append((tw.einddatum - tw.ingangsdatum).days + 1)
    rows = []
    for (pk, gk, soort), vals in values.items():
        vals.sort()
        rows.append({"periode": pk, **dims_json(dims, gk), "soort": soort, "aantal": len(vals),
                     "gemiddeldDagen": round_half_up(sum(vals) / len(vals), 1), "mediaanDagen": median(vals),
                     "p90Dagen": percentile(vals, 90), "minimumDagen": vals[0], "maximumDagen": vals[-1]})
    return _sort(rows, dims, ("soort",))


# ---- 6. termijnen: overdue retours and answers ---------------------------------------------------------
TERMIJNEN = {
    "retour-301": ("OP090", "302 op een 301 binnen 3 werkdagen"),
    "retour-319": ("OP090", "320 op een 319 binnen 3 werkdagen"),
    "antwoord-315": ("OP274", "301 of 319 op een verzoek om toewijzing binnen 5 werkdagen"),
    "antwoord-317": ("OP346", "301 of 319 op een verzoek om wijziging binnen 5 werkdagen"),
    "onderzoek": ("OP274/OP346", "definitief antwoord binnen 8 weken na 'aanvraag in onderzoek'"),
    "start-305": ("OP271", "305 binnen 5 werkdagen na de daadwerkelijke start"),
    "stop-307": ("OP272", "307 binnen 5 werkdagen na de daadwerkelijke stop"),
}


@dataclass
class Obligation:
    soort: str
    gemeente: str
    aanbieder: str
    domein: str
    categorie: str | None
    code: str | None
    sinds: date  # the day the obligation arose
    uiterlijk: date
    gedaan: date | None  # the day it was met
    bericht_id: str | None = None

    def status(self, peildatum: date) -> str:
        if self.gedaan is not None:
            return "tijdig" if self.gedaan <= self.uiterlijk else "teLaat"
        return "verlopen" if peildatum > self.uiterlijk else "open"


def obligations(c: Context) -> list[tuple[Obligation, Fact]]:
    """Every obligation with a deadline of the standard that arose in the window (by the day it arose), with
    the product it concerns (a 301: its first product; a 319 and a verzoek: the verzoek's product).

    Dates: a message of the platform counts from its Dagtekening; a message of an aanbieder from its own
    Dagtekening (DagtekeningRetour for a retour), the day it was made (TR135 keeps it from the future)."""
    f, k = c.filters, c.kalender
    out: list[Obligation] = []
    unfiltered = _unfiltered_product(f)
    verzoek_list = data.verzoeken(c.session, c.scope, unfiltered)
    product_of = {(v.gemeente, v.aanbieder, v.domein, v.referentie): (v.categorie, v.code) for v in verzoek_list}
    for ub in data.uitgaand_met_retour(c.session, c.scope, unfiltered):
        if f.start <= ub.dagtekening <= f.end:
            cat, code = (ub.categorie, ub.code) if ub.bericht_type == "301" else \
                product_of.get((ub.gemeente, ub.aanbieder, ub.domein, ub.referentie or ""), (None, None))
            out.append(Obligation(f"retour-{ub.bericht_type}", ub.gemeente, ub.aanbieder, ub.domein, cat, code,
                                  ub.dagtekening, k.plus_werkdagen(ub.dagtekening, RETOUR_WERKDAGEN), ub.retour_datum,
                                  ub.bericht_id))
    answers = data.antwoorden(c.session, c.scope, f)
    for v in verzoek_list:
        if not v.geaccepteerd:
            continue
        got = answers.get((v.gemeente, v.aanbieder, v.domein, v.referentie), [])
        if f.start <= v.dagtekening <= f.end:
            first = next((a.datum for a in got if a.datum >= v.dagtekening), None)
            out.append(Obligation("antwoord-315" if v.soort == "vot" else "antwoord-317", v.gemeente, v.aanbieder,
                                  v.domein, v.categorie, v.code, v.dagtekening,
                                  k.plus_werkdagen(v.dagtekening, ANTWOORD_VERZOEK_WERKDAGEN), first, v.bericht_id))
        for a in got:
            if a.soort == "onderzoek" and f.start <= a.datum <= f.end:
                final = next((b.datum for b in got if b.soort != "onderzoek" and b.datum >= a.datum), None)
                out.append(Obligation("onderzoek", v.gemeente, v.aanbieder, v.domein, v.categorie, v.code, a.datum,
                                      plus_weken(a.datum, IN_ONDERZOEK_WEKEN), final, v.bericht_id))
    index = data.toewijzing_index(data.toewijzingen(c.session, c.scope, unfiltered, include_withdrawn=True))
    for rg in data.effective_regie(c.session, c.scope, f):
        moment = rg.begindatum if rg.soort == "start" else (rg.einddatum or rg.begindatum)
        if f.start <= moment <= f.end:
            tw = index.get((rg.gemeente, rg.domein, rg.toewijzing_nummer or -1))
            cat, code = (tw.categorie, tw.code) if tw else (rg.categorie, rg.code)
            out.append(Obligation("start-305" if rg.soort == "start" else "stop-307", rg.gemeente, rg.aanbieder,
                                  rg.domein, cat, code, moment, k.plus_werkdagen(moment, START_STOP_WERKDAGEN),
                                  rg.dagtekening, rg.bericht_id))
    kept = []
    for o in out:
        fact = make_fact(c.contracts, o.gemeente, o.aanbieder, o.domein, o.categorie, o.code, o.sinds)[0]
        if keep_segment(f, fact) and _product_ok(f, fact):
            kept.append((o, fact))
    return kept


def termijnen(c: Context) -> Rows:
    """Per period (of the day the obligation arose), group and kind of deadline: how many obligations were
    met on time (`tijdig`), late (`teLaat`), are still open within their term (`open`) or are open past it
    on the peildatum (`verlopen`)."""
    f, dims = c.filters, c.dims
    counts: dict[tuple[str, tuple[str, ...], str], dict[str, int]] = defaultdict(
        lambda: {"tijdig": 0, "teLaat": 0, "open": 0, "verlopen": 0})
    for o, fact in obligations(c):
        pk = f.period_for(o.sinds)
        if pk:
            counts[(pk, fact.key(dims), o.soort)][o.status(f.peildatum)] += 1
    rows = []
    for (pk, gk, soort), n in counts.items():
        regel, omschrijving = TERMIJNEN[soort]
        total = sum(n.values())
        rows.append({"periode": pk, **dims_json(dims, gk), "soort": soort, "regel": regel,
                     "omschrijving": omschrijving, "totaal": total, **n,
                     "tijdigProcent": pct(n["tijdig"], n["tijdig"] + n["teLaat"])})
    return _sort(rows, dims, ("soort",))


def verlopen(c: Context) -> Rows:
    """The obligations open past their deadline on the peildatum, oldest first (ids of the messages, no
    personal data)."""
    rows = []
    for o, _ in obligations(c):
        if o.status(c.filters.peildatum) != "verlopen":
            continue
        regel, omschrijving = TERMIJNEN[o.soort]
        rows.append({"soort": o.soort, "regel": regel, "omschrijving": omschrijving, "gemeente": o.gemeente,
                     "aanbieder": o.aanbieder, "domein": o.domein, "berichtId": o.bericht_id,
                     "sinds": o.sinds.isoformat(), "uiterlijk": o.uiterlijk.isoformat(),
                     "werkdagenTeLaat": c.kalender.werkdagen_tussen(o.uiterlijk, c.filters.peildatum)})
    return sorted(rows, key=lambda r: (r["uiterlijk"], r["soort"], r["gemeente"], r["aanbieder"], r["berichtId"] or ""))


# ---- 7. budgetgebruik: outputgericht -------------------------------------------------------------------
def budgetgebruik(c: Context) -> Rows:
    """Outputgericht toewijzingen (uitvoeringsvariant of the contract line on the Ingangsdatum) overlapping
    the window, per group: the budget given (the toewijzing's Budget; without one, Volume × the contract's
    tarief for the toewijzing's span: frequentie 6 once, 4 per month, 2 per week, 1 per day, an open end
    counted to the end of the window) and the approved declared amount on those toewijzingen (all periods)."""
    f, dims = c.filters, c.dims
    used = data.approved_by_toewijzing(c.session, c.scope, f)
    agg: dict[tuple[str, ...], dict[str, int]] = defaultdict(lambda: {"toewijzingen": 0, "toegewezenBudget": 0,
                                                                      "goedgekeurd": 0, "zonderBudget": 0})
    for tw in data.toewijzingen(c.session, c.scope, f):
        if not (tw.ingangsdatum <= f.end and (tw.einddatum is None or tw.einddatum >= f.start)):
            continue
        fact, line = make_fact(c.contracts, tw.gemeente, tw.aanbieder, tw.domein, tw.categorie, tw.code,
                               tw.ingangsdatum)
        if line is None or line.variant != "outputgericht" or not keep_segment(f, fact):
            continue
        budget = _budget(tw, line, f)
        a = agg[fact.key(dims)]
        a["toewijzingen"] += 1
        if budget is None:
            a["zonderBudget"] += 1
        else:
            a["toegewezenBudget"] += budget
        a["goedgekeurd"] += used.get((tw.gemeente, tw.domein, tw.nummer), 0)
    rows = [{"periode": "totaal", **dims_json(dims, gk), **a, "gebruikProcent": pct(a["goedgekeurd"],
                                                                                      a["toegewezenBudget"])}
            for gk, a in agg.items()]
    return _sort(rows, dims)


def _budget(tw: data.TW, line: Line, f: Filters) -> int | None:
    if tw.budget is not None:
        return tw.budget
    if tw.volume is None or line.tarief is None:
        return None
    end = tw.einddatum or f.end
    days = (end - tw.ingangsdatum).days + 1
    # weeks as the declaration service counts them for TR322 (IV077, outputgericht: the Sundays, plus the
    # broken last week), so the budget shown is exactly what may be declared
    factor = {"6": 1, "4": len(months_between(month_key(tw.ingangsdatum), month_key(end))),
              "2": toewijzing_weeks(tw, end, outputgericht=True), "1": days}.get(tw.frequentie or "6", 1)
    return tw.volume * line.tarief * factor


# ---- 8. lumpsums: taakgericht ---------------------------------------------------------------------------
PER_YEAR = {"maand": 12, "kwartaal": 4, "jaar": 1}


def lumpsums(c: Context) -> Rows:
    """Taakgericht contract lines (no client-level declaratie): the terms of their lump sum (per maand,
    kwartaal or jaar), or without a lump sum their budgetplafond as a yearly budget in twelve monthly terms,
    pro rata for the months the line is valid (as the declaration service's betaalschema computes them). A
    term counts in the period of its first month; `verschenen` are the terms begun on the peildatum. These
    amounts come from the contract terms: bank payments and payment blocks are not in the message flow."""
    f, dims = c.filters, c.dims
    g, a = c.scope.narrow(f)
    agg: dict[tuple[str, tuple[str, ...]], dict[str, int]] = defaultdict(
        lambda: {"geplandBedrag": 0, "verschenenBedrag": 0, "termijnen": 0, "contractregels": 0})
    lines_seen: set[tuple[str, tuple[str, ...], str]] = set()
    for line in c.contracts.lines:
        if line.variant != "taakgericht" or (g is not None and line.gemeente not in g) or \
                (a is not None and line.aanbieder not in a):
            continue
        if (f.domein and line.domein != f.domein) or (f.categorie and line.categorie != f.categorie) or \
                (f.code and line.code != f.code) or (f.segmenten and line.segment not in f.segmenten):
            continue
        fact = Fact(line.gemeente, line.aanbieder, line.domein, line.categorie, line.code, line.segment)
        for year in range(f.start.year, f.end.year + 1):
            for first_month, amount in schedule(line, year):
                key = month_key(first_month)
                if not (f.van <= key <= f.tot):
                    continue
                bucket = (period_of_month(key, f.periode), fact.key(dims))
                agg[bucket]["geplandBedrag"] += amount
                agg[bucket]["termijnen"] += 1
                if first_month <= f.peildatum:
                    agg[bucket]["verschenenBedrag"] += amount
                if (bucket[0], bucket[1], line.id) not in lines_seen:
                    lines_seen.add((bucket[0], bucket[1], line.id))
                    agg[bucket]["contractregels"] += 1
    rows = [{"periode": pk, **dims_json(dims, gk), **v} for (pk, gk), v in agg.items()]
    return _sort(rows, dims)


def _covered_months(line: Line, year: int, first: int, last: int) -> int:
    start, end = date(year, first, 1), month_end(f"{year:04d}-{last:02d}")
    lo = max(start, line.vanaf)
    hi = min(end, line.tot) if line.tot else end
    if hi < lo:
        return 0
    return len(months_between(month_key(lo), month_key(hi)))


def schedule(line: Line, year: int) -> list[tuple[date, int]]:
    """(first day of the term, eurocents) of one taakgericht line in one year."""
    out: list[tuple[date, int]] = []
    if line.lumpsum_bedrag is not None:
        kind = line.lumpsum_periode if line.lumpsum_periode in PER_YEAR else "maand"
        size = 12 // PER_YEAR[kind]
        for i in range(PER_YEAR[kind]):
            first, last = i * size + 1, i * size + size
            covered = _covered_months(line, year, first, last)
            if covered:
                out.append((date(year, first, 1), line.lumpsum_bedrag * covered // size))
        return out
    if line.budgetplafond is not None:
        months = [m for m in range(1, 13) if _covered_months(line, year, m, m)]
        if not months:
            return out
        share = line.budgetplafond * len(months) // 12
        each = share // len(months)
        for i, m in enumerate(months):
            out.append((date(year, m, 1), each if i < len(months) - 1 else share - each * (len(months) - 1)))
    return out


# ---- registry -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    name: str
    title: str
    compute: Callable[[Context], Rows]
    default_dims: tuple[str, ...] = ()
    allowed_dims: tuple[str, ...] = ("gemeente", "segment", "product", "aanbieder", "domein")
    default_periode: str = "maand"
    periods: bool = True  # False: one figure over the whole window (periode is always "totaal")


REPORTS: dict[str, Spec] = {s.name: s for s in (
    Spec("zorggebruik", "Cliënten in zorg, instroom en uitstroom", zorggebruik),
    Spec("kosten", "Goedgekeurde en afgewezen bedragen, kosten per cliënt, verandering t.o.v. vorig jaar", kosten),
    Spec("concentratie", "Concentratie van het geld bij de grootste aanbieders", concentratie, ("segment",),
         ("gemeente", "segment", "product", "domein"), default_periode="totaal"),
    Spec("verwijzers", "Verwijsroutes (TypeVerwijzer) inclusief het aandeel onbekend", verwijzers),
    Spec("doorlooptijden", "Doorlooptijden verzoek → toewijzing → start en duur van toewijzingen", doorlooptijden),
    Spec("termijnen", "Retouren en antwoorden tegen de termijnen van de standaard", termijnen),
    Spec("budgetgebruik", "Outputgericht: toegewezen budget en gebruik", budgetgebruik,
         ("gemeente", "aanbieder", "product"), default_periode="totaal", periods=False),
    Spec("lumpsums", "Taakgericht: lumpsums volgens de contractvoorwaarden", lumpsums,
         ("gemeente", "aanbieder", "product")),
)}


def month_window(van: str | None, tot: str | None, today: date) -> tuple[str, str]:
    tot = tot or month_key(today)
    van = van or add_months(tot, -11)
    return van, tot


__all__ = ["REPORTS", "Context", "Spec", "month_start", "month_window", "verlopen"]
