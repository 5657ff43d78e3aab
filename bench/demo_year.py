"""A generated Twente-like year of message traffic, produced through the services' own APIs (issue 7).

14 gemeenten, a few hundred aanbieders with a heavy tail (a handful with about a thousand clients, many with
one to ten), about 16,000 clients in four segments (Ambulant, Verblijf, Wonen, Crisis; seed 004 §4), and for
each client what the real exchange would carry: a toewijzing issued by the gemeente (JSON API → 301) or a
verzoek om toewijzing from the aanbieder (315, with a TypeVerwijzer) that the gemeente honours, refuses or
leaves open; the aanbieder's 302 on the 301; a 305 when care starts and a 307 when it stops; and a monthly
323 per aanbieder × gemeente with a prestatie per toewijzing, judged into a 325. Crisis availability is a
taakgericht lump sum in the contracts. The reporting service then pulls the whole flow and computes every
report. Every message goes over HTTP to the real processes; nothing is written into a database directly.

The platform cannot be told to date its own messages in the past, so the year is compressed into the run:
the toewijzingen, starts, stops and prestaties carry the dates of the simulated year (the 12 months up to
the current month), while the platform's own Toewijzingsdatum is the day of the run; verzoeken are therefore
dated in the weeks before the run (with an Ingangsdatum anywhere in the year), so lead times and deadlines
look like a live region's. BSNs come from the test range 9999xxxxx and, past its ~9,000 valid numbers, from
9998xxxxx: fictitious, every one passing the elfproef.

    python -m bench.demo_year                       # full scale (16,000 clients), SQLite files
    python -m bench.demo_year --clients 1500 --aanbieders 40
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m bench.demo_year

Reused by tests/reporting (reduced scale) and bench/bench_reporting.py (full scale).
"""
from __future__ import annotations

import argparse
import calendar
import hashlib
import math
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from stdnum.nl import bsn as stdnum_bsn

from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.allocation import Aanvraag, Client, Regel, RetourCodes, retour_op, start, stop, vot
from tests.builders.declaration import Declaratie, Prestatie

GEMEENTEN = {  # CBS code: (name, share of the region's youth in care, seed 004 order of magnitude)
    "0141": ("Almelo", 13), "0147": ("Borne", 4), "1774": ("Dinkelland", 3), "0153": ("Enschede", 27),
    "0158": ("Haaksbergen", 3), "0163": ("Hellendoorn", 5), "0164": ("Hengelo", 14), "1735": ("Hof van Twente", 5),
    "0168": ("Losser", 3), "0173": ("Oldenzaal", 4), "1742": ("Rijssen-Holten", 6), "0183": ("Tubbergen", 3),
    "1700": ("Twenterand", 5), "0189": ("Wierden", 3),
}


@dataclass(frozen=True)
class Product:
    categorie: str
    code: str
    naam: str
    variant: str
    eenheid: str | None
    tarief: int | None
    volume: tuple[int, int]  # Omvang per month (min, max)


SEGMENTS: dict[str, dict[str, Any]] = {
    # share of clients, share of aanbieders, products with their share within the segment; tariffs invented
    "Ambulant": {"clients": 0.84, "aanbieders": 0.67, "duur": (90, 330), "producten": [
        (Product("45", "45A01", "Ambulante begeleiding (uur)", "inspanningsgericht", "04", 7000, (6, 24)), 0.70),
        (Product("45", "45B01", "Ambulante behandeling (uur)", "inspanningsgericht", "04", 11500, (4, 12)), 0.25),
        (Product("45", "45D01", "Dyslexiezorg (traject, per maand)", "outputgericht", "82", 60000, (1, 1)), 0.05),
    ]},
    "Verblijf": {"clients": 0.07, "aanbieders": 0.19, "duur": (120, 540), "producten": [
        (Product("44", "44V01", "Verblijf met behandeling (etmaal)", "inspanningsgericht", "14", 26000, (31, 31)), 1.0),
    ]},
    "Wonen": {"clients": 0.06, "aanbieders": 0.12, "duur": (240, 720), "producten": [
        (Product("44", "44W01", "Gezinshuis (etmaal)", "inspanningsgericht", "14", 17500, (31, 31)), 1.0),
    ]},
    "Crisis": {"clients": 0.03, "aanbieders": 0.02, "duur": (7, 42), "producten": [
        (Product("46", "46CRU", "Crisisinzet ambulant (uur)", "inspanningsgericht", "04", 11500, (10, 40)), 1.0),
    ]},
}
CRISIS_LUMPSUM = Product("46", "46CRB", "Crisis beschikbaarheid (lumpsum)", "taakgericht", None, None, (0, 0))
VERWIJZERS = [("02", 0.47), ("01", 0.25), ("04", 0.12), ("03", 0.07), ("05", 0.07), ("08", 0.02)]
CONTACT = {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7607AB", "landcode": "NL"}, "telefoon": "0546123456"}


def token(kind: str, code: str) -> str:
    if kind == "gemeente":
        return f"demo-gemeente-{code}"
    if kind == "aanbieder":
        return f"demo-aanbieder-{code}"
    if kind == "regio":
        return "demo-regio-twente"
    return f"demo-service-{code[4:]}"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_parties(path: Path, aanbieders: Sequence[str]) -> None:
    """A parties file for the demo year: the 14 Twente gemeenten, the regio, the aanbieders, the services."""
    parties: list[dict[str, Any]] = []
    for code, (name, _) in GEMEENTEN.items():
        parties.append({"code": code, "kind": "gemeente", "name": name,
                        "tokens": [{"label": "demo", "sha256": _sha(token("gemeente", code))}]})
    parties.append({"code": "TWENTE", "kind": "regio", "name": "Regio Twente (Samen14)", "members": list(GEMEENTEN),
                    "tokens": [{"label": "demo", "sha256": _sha(token("regio", "TWENTE"))}]})
    for i, agb in enumerate(aanbieders, 1):
        parties.append({"code": agb, "kind": "aanbieder", "name": f"Zorgaanbieder {i}",
                        "tokens": [{"label": "demo", "sha256": _sha(token("aanbieder", agb))}]})
    for svc in ("allocation", "declaration", "eligibility", "reporting"):
        parties.append({"code": f"svc-{svc}", "kind": "service", "name": f"{svc} service",
                        "tokens": [{"label": "demo", "sha256": _sha(token("service", f"svc-{svc}"))}]})
    header = "# Generated by bench/demo_year.py for a demo year. DEMO ONLY: the tokens are public.\n"
    path.write_text(header + yaml.safe_dump({"parties": parties}, sort_keys=False), encoding="utf-8")


def demo_bsns(n: int) -> list[str]:
    """Fictitious BSNs passing the elfproef: the test range 9999xxxxx first, then 9998xxxxx."""
    out: list[str] = []
    for lo, hi in ((999_900_006, 999_999_990), (999_800_000, 999_899_999), (999_700_000, 999_799_999)):
        for value in range(lo, hi + 1):
            candidate = str(value)
            if stdnum_bsn.is_valid(candidate):
                out.append(candidate)
                if len(out) == n:
                    return out
    raise ValueError("not enough fictitious BSNs")


def month_bounds(d: date) -> tuple[date, date]:
    return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    total = d.year * 12 + d.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


# ---- the plan of the year (no HTTP yet) ----------------------------------------------------------------
@dataclass
class Tw:
    """One planned toewijzing (and what happens with it)."""

    client: int
    gemeente: str
    aanbieder: str
    product: Product
    ingang: date
    eind: date
    volume: int
    via_verzoek: bool = False
    verwijzer: str | None = None
    verzoek_dag: date | None = None
    verzoek_uitkomst: str = "toegewezen"  # toegewezen / afgewezen / open
    nummer: int | None = None
    bericht_id: str | None = None
    start: date | None = None
    start_dag: date | None = None
    stop_dag: date | None = None


@dataclass
class Plan:
    today: date
    first_month: date
    last_month: date
    gemeenten: list[str]
    aanbieders: list[str]
    segment_of: dict[str, str]
    bsns: list[str]
    born: list[date]
    client_gemeente: list[str]
    toewijzingen: list[Tw] = field(default_factory=list)


def heavy_tail_sizes(rng: random.Random, n: int, total: int, largest: int) -> list[int]:
    """Clients per aanbieder: lognormal with a long tail, the largest near `largest`, every one at least 1."""
    raw = sorted((rng.lognormvariate(0.0, 1.7) for _ in range(n)), reverse=True)
    scale = largest / raw[0]
    sizes = [max(1, round(x * scale)) for x in raw]
    # fit the total while keeping the shape: scale the tail, not the few largest
    for _ in range(50):
        diff = total - sum(sizes)
        if abs(diff) <= max(1, total // 200):
            break
        factor = 1 + diff / max(1, sum(sizes[3:]))
        sizes = sizes[:3] + [max(1, round(s * factor)) for s in sizes[3:]]
    return sizes


def plan_year(clients: int, n_aanbieders: int, seed: int = 2026, today: date | None = None) -> Plan:
    rng = random.Random(seed)
    today = today or today_nl()
    last_month = today.replace(day=1)
    first_month = add_months(last_month, -11)
    aanbieders = [f"2{i:07d}" for i in range(1, n_aanbieders + 1)]
    # aanbieders per segment (at least one each)
    segment_of: dict[str, str] = {}
    remaining = list(aanbieders)
    counts = {s: max(1, round(n_aanbieders * v["aanbieders"])) for s, v in SEGMENTS.items()}
    counts["Ambulant"] = max(1, n_aanbieders - sum(c for s, c in counts.items() if s != "Ambulant"))
    for seg, count in counts.items():
        for agb in remaining[:count]:
            segment_of[agb] = seg
        remaining = remaining[count:]
    for agb in remaining:
        segment_of[agb] = "Ambulant"
    bsns = demo_bsns(clients)
    gemeenten = list(GEMEENTEN)
    client_gemeente = rng.choices(gemeenten, weights=[GEMEENTEN[g][1] for g in gemeenten], k=clients)
    plan = Plan(today, first_month, last_month, gemeenten, aanbieders, segment_of, bsns, [today] * clients,
                client_gemeente)
    # clients per segment, then per aanbieder with a heavy tail
    seg_clients: dict[str, list[int]] = defaultdict(list)
    for c in range(clients):
        seg_clients[weighted(rng, [(s, v["clients"]) for s, v in SEGMENTS.items()])].append(c)
    for seg, members in seg_clients.items():
        providers = [a for a in aanbieders if segment_of[a] == seg]
        largest = max(1, min(len(members), round(len(members) * (0.08 if seg == "Ambulant" else 0.2))))
        sizes = heavy_tail_sizes(rng, len(providers), len(members), largest)
        slots = [a for a, size in zip(providers, sizes, strict=True) for _ in range(size)]
        rng.shuffle(members)
        for i, c in enumerate(members):
            agb = slots[i % len(slots)]
            _plan_client(rng, plan, c, seg, agb)
    return plan


def _plan_client(rng: random.Random, plan: Plan, c: int, seg: str, agb: str) -> None:
    window_start = plan.first_month
    window_end = month_bounds(plan.last_month)[1]
    lo, hi = SEGMENTS[seg]["duur"]
    duur = rng.randint(lo, hi)
    if rng.random() < 0.45:  # in care when the year begins
        ingang = window_start - timedelta(days=rng.randint(1, max(2, duur - 20)))
    else:
        ingang = window_start + timedelta(days=rng.randint(0, (plan.today - window_start).days))
    if seg == "Crisis" and rng.random() < 0.4:  # peaks before the summer and winter holidays (seed 004)
        month = rng.choice([6, 11])
        year = plan.today.year if date(plan.today.year, month, 1) <= plan.today else plan.today.year - 1
        ingang = date(year, month, rng.randint(1, 28))
    eind = min(ingang + timedelta(days=duur), window_end + timedelta(days=365))
    age_years = rng.randint(1, 16)
    plan.born[c] = ingang - timedelta(days=age_years * 365 + rng.randint(0, 360))
    product = weighted(rng, SEGMENTS[seg]["producten"])
    tw = Tw(c, plan.client_gemeente[c], agb, product, ingang, eind, rng.randint(*product.volume))
    if product.variant == "inspanningsgericht" and seg in ("Ambulant", "Wonen") and rng.random() < 0.4:
        tw.via_verzoek = True
        tw.verwijzer = weighted(rng, VERWIJZERS)
        recent = rng.randint(0, 7) if rng.random() < 0.85 else rng.randint(8, 40)
        tw.verzoek_dag = plan.today - timedelta(days=recent)
        r = rng.random()
        tw.verzoek_uitkomst = "afgewezen" if r < 0.05 else "open" if r < 0.08 else "toegewezen"
    plan.toewijzingen.append(tw)
    if seg == "Ambulant" and product.code == "45A01" and rng.random() < 0.15:  # a second product alongside
        second = SEGMENTS["Ambulant"]["producten"][1][0]
        plan.toewijzingen.append(Tw(c, tw.gemeente, agb, second, ingang + timedelta(days=rng.randint(0, 60)),
                                    eind, rng.randint(*second.volume)))


# ---- HTTP --------------------------------------------------------------------------------------------------
class Http:
    """One pooled client per service; the bearer token per request (many parties, few connections)."""

    def __init__(self, stack: Stack, workers: int):
        limits = httpx.Limits(max_connections=workers * 2, max_keepalive_connections=workers * 2)
        self.clients = {name: httpx.Client(base_url=stack.url(name), timeout=300, limits=limits)
                        for name in ("allocation", "declaration", "eligibility", "reporting")}
        self.brp = stack.url("brp")

    def call(self, method: str, service: str, path: str, party: tuple[str, str], *, expect: Iterable[int] = (200, 201),
             **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token(*party)}", **kw.pop("headers", {})}
        for attempt in range(5):
            response = self.clients[service].request(method, path, headers=headers, **kw)
            if response.status_code in (429, 503) and attempt < 4:
                time.sleep(0.5 * (attempt + 1))
                continue
            break
        if response.status_code not in tuple(expect):
            raise RuntimeError(f"{method} {service}{path} as {party}: {response.status_code} {response.text[:500]}")
        return response

    def xml(self, service: str, party: tuple[str, str], body: bytes, expect: Iterable[int] = (200,)) -> httpx.Response:
        return self.call("POST", service, "/v1/berichten", party, expect=expect, content=body,
                         headers={"Content-Type": "application/xml"})

    def close(self) -> None:
        for c in self.clients.values():
            c.close()


def parallel(workers: int, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(fn, items))


# ---- generation ----------------------------------------------------------------------------------------------
@dataclass
class Result:
    plan: Plan
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return ", ".join(f"{k} {v:.1f}s" for k, v in self.timings.items())


def _timed(result: Result, name: str) -> Any:
    class _T:
        def __enter__(self) -> None:
            self.t = time.perf_counter()

        def __exit__(self, *exc: object) -> None:
            result.timings[name] = time.perf_counter() - self.t
            print(f"  {name:24} {result.timings[name]:7.1f} s", flush=True)

    return _T()


def contracts_yaml(plan: Plan) -> dict[str, str]:
    """One import per gemeente-agnostic block: every aanbieder's segment products for all 14 gemeenten."""
    lines = []
    for agb in plan.aanbieders:
        seg = plan.segment_of[agb]
        for product, _ in SEGMENTS[seg]["producten"]:
            entry = {"gemeenten": plan.gemeenten, "aanbieder": agb, "domein": "jeugd", "categorie": product.categorie,
                     "code": product.code, "naam": product.naam, "perceel": seg,
                     "uitvoeringsvariant": product.variant, "eenheid": product.eenheid, "tarief": product.tarief,
                     "geldigVanaf": "2020-01-01"}
            if product.variant == "outputgericht":
                entry["declaratiemoment"] = "maandelijks"
            lines.append(entry)
        if seg == "Crisis":
            lines.append({"gemeenten": plan.gemeenten, "aanbieder": agb, "domein": "jeugd", "categorie": "46",
                          "code": CRISIS_LUMPSUM.code, "naam": CRISIS_LUMPSUM.naam, "perceel": seg,
                          "uitvoeringsvariant": "taakgericht", "startStopVerplicht": False,
                          "geldigVanaf": "2020-01-01", "lumpsum": {"bedrag": 2_400_000, "periode": "kwartaal"}})
    chunks: dict[str, str] = {}
    for i in range(0, len(lines), 150):
        chunks[f"deel-{i // 150}"] = yaml.safe_dump({"contracten": lines[i:i + 150]}, sort_keys=False)
    return chunks


def generate(stack: Stack, plan: Plan, workers: int = 8, retour_share: float = 0.9,
             seed: int = 7) -> Result:
    rng = random.Random(seed)
    lock = threading.Lock()
    http = Http(stack, workers)
    result = Result(plan)
    regio = ("regio", "TWENTE")
    try:
        with _timed(result, "contracten"):
            for body in contracts_yaml(plan).values():
                http.call("POST", "eligibility", "/v1/contracten/import", regio, content=body.encode(),
                          headers={"Content-Type": "application/yaml"})
        with _timed(result, "personen (BRP)"):
            persons = [{"burgerservicenummer": b, "geboortedatum": plan.born[i].isoformat(),
                        "gemeenteVanInschrijving": plan.client_gemeente[i], "geslachtsnaam": f"Demo{i}",
                        "voornamen": "Kind"} for i, b in enumerate(plan.bsns)]
            for i in range(0, len(persons), 2000):
                r = httpx.post(http.brp + "/test/personen", json=persons[i:i + 2000], timeout=120)
                r.raise_for_status()

        def client_json(tw: Tw) -> dict[str, Any]:
            return {"bsn": plan.bsns[tw.client], "geboortedatum": plan.born[tw.client].isoformat(),
                    "geslacht": str(1 + tw.client % 2), "naam": {"achternaam": f"Demo{tw.client}"},
                    "contact": CONTACT}

        def omvang(tw: Tw) -> dict[str, Any]:
            return {"volume": tw.volume, "eenheid": tw.product.eenheid, "frequentie": "4"}

        direct = [tw for tw in plan.toewijzingen if not tw.via_verzoek]
        via = [tw for tw in plan.toewijzingen if tw.via_verzoek]
        with _timed(result, "toewijzingen (301)"):
            def issue(tw: Tw) -> None:
                body = {"domein": "jeugd", "aanbieder": tw.aanbieder, "client": client_json(tw),
                        "product": {"categorie": tw.product.categorie, "code": tw.product.code},
                        "ingangsdatum": tw.ingang.isoformat(), "einddatum": tw.eind.isoformat(), "omvang": omvang(tw)}
                data = http.call("POST", "allocation", "/v1/toewijzingen", ("gemeente", tw.gemeente), json=body).json()
                tw.nummer, tw.bericht_id = data["toewijzing"]["toewijzingNummer"], data["berichtId"]
            parallel(workers, issue, direct)

        with _timed(result, "verzoeken (315/319)"):
            refs: dict[str, Tw] = {}

            def ask(tw: Tw) -> None:
                ref = f"V{uuid.uuid4().hex[:16]}"
                refs[ref] = tw
                naam = None if tw.verwijzer in ("01", "06", "08") else "Verwijzer"
                body = vot(tw.aanbieder, tw.gemeente, Client(plan.bsns[tw.client], geboortedatum=plan.born[tw.client],
                                                             achternaam=f"Demo{tw.client}", voornamen=None,
                                                             voorletters=None),
                           [Aanvraag(ref, tw.product.categorie, tw.product.code, tw.ingang, tw.eind,
                                     omvang=(tw.volume, tw.product.eenheid or "04", "4"),
                                     verwijzer=(tw.verwijzer or "01", naam, None))],
                           dagtekening=tw.verzoek_dag)
                http.xml("allocation", ("aanbieder", tw.aanbieder), body)
            parallel(workers, ask, via)
            open_verzoeken: dict[str, str] = {}
            for gemeente in plan.gemeenten:
                page = 1
                while True:
                    data = http.call("GET", "allocation", "/v1/verzoeken", ("gemeente", gemeente),
                                     params={"status": "open", "page": page, "pageSize": 500}).json()
                    for v in data["results"]:
                        open_verzoeken[v["referentieAanbieder"]] = v["id"]
                    if not data.get("next"):
                        break
                    page += 1

            def answer(item: tuple[str, Tw]) -> None:
                ref, tw = item
                vid = open_verzoeken.get(ref)
                if vid is None or tw.verzoek_uitkomst == "open":
                    return
                party = ("gemeente", tw.gemeente)
                if tw.verzoek_uitkomst == "afgewezen":
                    http.call("POST", "allocation", f"/v1/verzoeken/{vid}/afwijzingen", party,
                              json={"redenAfwijzingVerzoek": "3"})
                    return
                verwijsdatum = tw.ingang - timedelta(days=rng.randint(0, 14))
                data = http.call("POST", "allocation", f"/v1/verzoeken/{vid}/toewijzingen", party,
                                 json={"contact": CONTACT, "verwijsdatum": verwijsdatum.isoformat(),
                                       "afwijzenBijWeigering": True}).json()
                if data.get("toewijzingen"):
                    tw.nummer, tw.bericht_id = data["toewijzingen"][0]["toewijzingNummer"], data["berichtId"]
            parallel(workers, answer, list(refs.items()))
        issued = [tw for tw in plan.toewijzingen if tw.nummer is not None]
        result.counts["toewijzingen"] = len(issued)
        result.counts["verzoeken"] = len(via)

        with _timed(result, "retouren (302)"):
            seen: set[str] = set()
            targets = []
            for tw in issued:
                if tw.bericht_id and tw.bericht_id not in seen and rng.random() < retour_share:
                    seen.add(tw.bericht_id)
                    targets.append(tw)

            def retour(tw: Tw) -> None:
                party = ("aanbieder", tw.aanbieder)
                xml = http.call("GET", "allocation", f"/v1/berichten/{tw.bericht_id}/inhoud", party).content
                http.xml("allocation", party, retour_op(xml, RetourCodes()), expect=(202,))
            parallel(workers, retour, targets)
            result.counts["retouren"] = len(targets)

        with _timed(result, "start/stop (305/307)"):
            def regie(tw: Tw) -> None:
                if tw.ingang > plan.today:
                    return
                party = ("aanbieder", tw.aanbieder)
                client = Client(plan.bsns[tw.client], geboortedatum=plan.born[tw.client],
                                achternaam=f"Demo{tw.client}", voornamen=None, voorletters=None)
                begin = min(tw.ingang + timedelta(days=rng.randint(0, 10)), plan.today, tw.eind)
                late = rng.random() < 0.1
                dag = min(begin + timedelta(days=rng.randint(8, 20) if late else rng.randint(0, 5)), plan.today)
                tw.start, tw.start_dag = begin, dag
                http.xml("allocation", party, start(tw.aanbieder, tw.gemeente, client, [Regel(tw.nummer, begin)],
                                                    dagtekening=dag))
                if tw.eind < plan.today - timedelta(days=2):
                    stop_dag = min(tw.eind + timedelta(days=rng.randint(0, 6)), plan.today)
                    tw.stop_dag = stop_dag
                    http.xml("allocation", party, stop(tw.aanbieder, tw.gemeente, client,
                                                       [Regel(tw.nummer, begin, einddatum=tw.eind)],
                                                       dagtekening=stop_dag))
            parallel(workers, regie, issued)
            result.counts["starts"] = sum(1 for tw in issued if tw.start)
            result.counts["stops"] = sum(1 for tw in issued if tw.stop_dag)

        with _timed(result, "wachten op events"):
            wait_outbox(stack)

        with _timed(result, "declaraties (323/325)"):
            by_pair: dict[tuple[str, str], list[Tw]] = defaultdict(list)
            for tw in issued:
                if tw.start is not None:
                    by_pair[(tw.aanbieder, tw.gemeente)].append(tw)
            months = []
            m = plan.first_month
            while m < plan.last_month:  # complete months only (TR137: nothing after the Dagtekening)
                months.append(m)
                m = add_months(m, 1)
            prestaties_total = [0]

            def declare(item: tuple[tuple[str, str], list[Tw]]) -> None:
                (agb, gemeente), tws = item
                n = 0
                for month in months:
                    first, last = month_bounds(month)
                    d = Declaratie(afzender=agb, ontvanger=gemeente, periode=(month.year, month.month),
                                   nummer=f"{gemeente}{month:%y%m}", compact=True)
                    for i, tw in enumerate(tws):
                        # IV089: from the 1st, or the later Ingangsdatum; declared once care has started
                        begin, end = max(first, tw.ingang), min(last, tw.eind)
                        if begin > end or (tw.start is not None and tw.start > last):
                            continue
                        days = (end - begin).days + 1
                        share = days / ((last - first).days + 1)
                        if tw.product.eenheid == "14":
                            volume = days
                        elif tw.product.eenheid == "82":
                            volume = 1
                        else:
                            volume = max(1, min(tw.volume, math.floor(tw.volume * share * rng.uniform(0.6, 1.0))))
                        tarief = tw.product.tarief or 0
                        if rng.random() < 0.01:
                            tarief += 150  # not the contract tariff: rejected (TR418, 0611)
                        d.add(plan.bsns[tw.client], Prestatie(
                            ref=f"D{gemeente}{month:%y%m}{i:06d}", toewijzing=tw.nummer or 0,
                            categorie=tw.product.categorie, code=tw.product.code, begin=begin, eind=end, volume=volume,
                            eenheid=tw.product.eenheid or "04", tarief=tarief))
                        n += 1
                    if d.clients:
                        http.xml("declaration", ("aanbieder", agb), d.to_bytes())
                with lock:
                    prestaties_total[0] += n
            parallel(workers, declare, sorted(by_pair.items()))
            result.counts["prestaties"] = prestaties_total[0]
            result.counts["aanbieder_gemeente_paren"] = len(by_pair)
    finally:
        http.close()
    return result


def wait_outbox(stack: Stack, timeout: float = 900.0) -> None:
    """Until the allocation service has relayed every toewijzing event to the declaration service."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = httpx.get(stack.url("allocation") + "/metrics", timeout=30).text
        depth = [line for line in text.splitlines() if line.startswith("outbox_depth{")]
        if depth and all(float(line.rsplit(" ", 1)[1]) == 0 for line in depth):
            return
        time.sleep(0.5)
    raise RuntimeError("the allocation outbox did not drain")


def pull(stack: Stack) -> dict[str, Any]:
    r = httpx.post(stack.url("reporting") + "/v1/synchronisaties", timeout=3600,
                   headers={"Authorization": f"Bearer {token('service', 'svc-reporting')}"})
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


REPORT_QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("zorggebruik", {}), ("zorggebruik", {"groepering": ["gemeente", "segment"]}),
    ("kosten", {}), ("kosten", {"groepering": ["gemeente", "segment"], "periode": "totaal"}),
    ("concentratie", {}), ("concentratie", {"groepering": ["gemeente", "segment"]}),
    ("verwijzers", {"groepering": ["segment"], "periode": "totaal"}),
    ("doorlooptijden", {"groepering": ["segment"]}), ("termijnen", {"groepering": ["gemeente"]}),
    ("budgetgebruik", {}), ("lumpsums", {"periode": "kwartaal"}),
]


def compute_reports(stack: Stack, party: tuple[str, str] = ("regio", "TWENTE")) -> dict[str, float]:
    """Every report (and its main breakdowns) once, timed; the cache is bypassed by a fresh pull before."""
    out: dict[str, float] = {}
    with httpx.Client(base_url=stack.url("reporting"), timeout=3600,
                      headers={"Authorization": f"Bearer {token(*party)}"}) as client:
        for name, params in REPORT_QUERIES:
            t = time.perf_counter()
            r = client.get(f"/v1/rapportages/{name}", params=params)
            r.raise_for_status()
            label = name + ("" if not params else "(" + ",".join(f"{k}={v}" for k, v in params.items()) + ")")
            out[label] = time.perf_counter() - t
    return out


def start_stack(base: Path, clients: int, aanbieders: int, database_url: str | None) -> tuple[Stack, Plan]:
    plan = plan_year(clients, aanbieders)
    parties = base / "parties-demo-year.yaml"
    write_parties(parties, plan.aanbieders)
    stack = Stack(base_dir=base, database_url=database_url, extra_env={
        "PARTIES_FILE": str(parties), "RATE_LIMIT_PER_MINUTE": "0", "SYNC_INTERVAL_SECONDS": "0",
        "LOG_LEVEL": "WARNING"})
    stack.migrate()
    stack.start()
    return stack, plan


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=16_000)
    ap.add_argument("--aanbieders", type=int, default=360)
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args(argv)
    db = os.environ.get("DATABASE_URL")
    db = db if db and db.startswith("postgresql") else None
    print(f"demo year: {args.clients} clients, {args.aanbieders} aanbieders, 14 gemeenten; "
          f"database: {'PostgreSQL' if db else 'SQLite'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="demo-year-") as tmp:
        t0 = time.perf_counter()
        stack, plan = start_stack(Path(tmp), args.clients, args.aanbieders, db)
        try:
            result = generate(stack, plan, workers=args.workers)
            generated = time.perf_counter() - t0
            t = time.perf_counter()
            pulled = pull(stack)
            ingest = time.perf_counter() - t
            reports = compute_reports(stack)
            print(f"generated in {generated:.0f} s: {result.counts}")
            print(f"ingest (pull of the whole year): {ingest:.1f} s; "
                  f"{sum(b['gelezen'] + b['overgeslagen'] for b in pulled['bronnen'])} messages")
            for name, seconds in reports.items():
                print(f"  {name:60} {seconds:6.2f} s")
            print(f"every report: {sum(reports.values()):.1f} s; total {time.perf_counter() - t0:.0f} s")
        finally:
            stack.stop()
            stack.drop_schemas()


if __name__ == "__main__":
    sys.exit(main())
