"""Load: a Twente-scale region driven for a bounded time, with throughput, latency, errors and a
reconciliation that every message was stored exactly once and answered exactly once.

The world is the demo year's (bench/demo_year.py: 14 gemeenten, 360 aanbieders with a heavy tail, 16,000
clients in four segments, contracts per segment, a parties file with a token per party). Setup goes through the
real interfaces: the contract import (eligibility), the persons (stand-in BRP), and every toewijzing through
the gemeente API of the allocation service (an eligibility check each, a 301 in the aanbieder's mailbox, an
event to the declaration service), in parallel; then the run waits for the outbox to drain.

The run (default 5 minutes) is a mix of what a region's day looks like, from `--workers` threads, plus one
thread that sends the monthly 323 declaraties of every aanbieder × gemeente pair, month after month (the
largest aanbieders' batches hold hundreds of prestaties):

    305 start zorg 28 · 307 stop zorg 9 · aanbieder mailbox (poll ?status=nieuw, confirm each) 24 ·
    gemeente mailbox on allocation and declaration 14 · 315 verzoek 6 (a sixth of them for a taakgericht
    product: answered with a 319 at once) · gemeente answers an open verzoek 3 · gemeente reads
    (toewijzingen, verzoeken, termijnen, declaraties, betalingen) 10 · the same message sent again 6

Reported per operation: count, throughput, p50/p95/p99 latency, unexpected answers and 5xx. Then the
reconciliation: every message the generator posted (keyed by Afzender + BerichtIdentificatie) is listed through
GET /v1/berichten as a service party (service parties see every message) and must be stored exactly once (under
the Bericht-Id its first answer named), and answered by exactly one retour (the Retour-Id of its first answer;
every repeat of the message answered with the same Retour-Id and `Idempotent-Replay: true`).

    .venv/bin/python -m bench.load                                   # 5 minutes, full scale, SQLite
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python -m bench.load
    .venv/bin/python -m bench.load --duration 20 --clients 300 --aanbieders 12     # a smoke run
    .venv/bin/python -m bench.load --json report.json

Exit code 1 when a message was lost or duplicated, a 5xx was answered, or anything else unexpected came back.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.demo_year import (
    CONTACT,
    CRISIS_LUMPSUM,
    SEGMENTS,
    Plan,
    Tw,
    add_months,
    contracts_yaml,
    month_bounds,
    plan_year,
    token,
    wait_outbox,
    write_parties,
)
from services.common.clock import today_nl
from services.common.devstack import Stack
from tests.builders.allocation import Aanvraag, Client, Regel, start, stop, vot
from tests.builders.declaration import Declaratie, Prestatie

RETOUR_OF = {"305": "306", "307": "308", "315": "316", "323": "325"}
MIX: dict[str, int] = {"305": 28, "307": 9, "mailbox-aanbieder": 24, "mailbox-gemeente": 14, "315": 6,
                       "beantwoord-verzoek": 3, "gemeente-leest": 10, "opnieuw": 6}
Party = tuple[str, str]


# ---- measuring --------------------------------------------------------------------------------------------
@dataclass
class Sent:
    """One message the generator posted, and what every attempt got back."""

    service: str
    afzender: str
    berichttype: str  # JW305
    identificatie: str
    body: bytes | None
    bericht_id: str | None = None
    retour_id: str | None = None
    status: int = 0
    oordeel: str = ""
    repeats: list[tuple[int, str | None, str | None]] = field(default_factory=list)  # (status, Retour-Id, replay)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int]] = defaultdict(Counter)
        self.unexpected: dict[str, Counter[str]] = defaultdict(Counter)
        self.sent: dict[tuple[str, str, str], Sent] = {}
        self.recent: deque[Sent] = deque(maxlen=5000)
        self.prestaties = 0
        self.verdicts: Counter[str] = Counter()

    def record(self, op: str, started: float, status: int, expected: Iterable[int], detail: str = "") -> None:
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[op].append(elapsed)
            self.statuses[op][status] += 1
            if status not in tuple(expected):
                self.unexpected[op][f"{status} {detail}"[:160]] += 1


class Api:
    """One pooled httpx client per service; the bearer token per request (many parties, few connections)."""

    def __init__(self, stack: Stack, workers: int):
        limits = httpx.Limits(max_connections=workers * 3, max_keepalive_connections=workers * 3)
        self.clients = {name: httpx.Client(base_url=stack.url(name), timeout=120, limits=limits)
                        for name in ("allocation", "declaration", "eligibility")}
        self.brp = stack.url("brp")

    def request(self, method: str, service: str, path: str, party: Party, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token(*party)}", **kw.pop("headers", {})}
        return self.clients[service].request(method, path, headers=headers, **kw)

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def timed(rec: Recorder, op: str, expected: Iterable[int], call: Callable[[], httpx.Response]) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        resp = call()
    except httpx.HTTPError as exc:
        rec.record(op, started, 0, expected, type(exc).__name__)
        return None
    rec.record(op, started, resp.status_code, expected, resp.text[:120] if resp.status_code not in expected else "")
    return resp


# ---- the world --------------------------------------------------------------------------------------------
@dataclass
class World:
    plan: Plan
    issued: list[Tw]
    not_started: deque[Tw]
    started: list[tuple[Tw, date]]
    lock: threading.Lock = field(default_factory=threading.Lock)
    weights_aanbieder: list[str] = field(default_factory=list)
    crisis: list[Tw] = field(default_factory=list)  # toewijzingen of aanbieders with the crisis lump sum

    def client(self, tw: Tw) -> Client:
        p = self.plan
        return Client(p.bsns[tw.client], geboortedatum=p.born[tw.client], achternaam=f"Demo{tw.client}",
                      voornamen=None, voorletters=None)


def start_stack(base: Path, plan: Plan, database_url: str | None) -> Stack:
    parties = base / "parties-load.yaml"
    write_parties(parties, plan.aanbieders)
    stack = Stack(base_dir=base, database_url=database_url, extra_env={"PARTIES_FILE": str(parties)})
    stack.migrate()
    stack.start()
    return stack


def setup(stack: Stack, plan: Plan, workers: int, log: Callable[[str], None] = print) -> World:
    api = Api(stack, workers)
    regio: Party = ("regio", "TWENTE")
    try:
        t = time.perf_counter()
        for body in contracts_yaml(plan).values():
            r = api.request("POST", "eligibility", "/v1/contracten/import", regio, content=body.encode(),
                            headers={"Content-Type": "application/yaml"})
            r.raise_for_status()
        persons = [{"burgerservicenummer": b, "geboortedatum": plan.born[i].isoformat(),
                    "gemeenteVanInschrijving": plan.client_gemeente[i], "geslachtsnaam": f"Demo{i}",
                    "voornamen": "Kind"} for i, b in enumerate(plan.bsns)]
        for i in range(0, len(persons), 2000):
            httpx.post(api.brp + "/test/personen", json=persons[i:i + 2000], timeout=120).raise_for_status()
        log(f"  contracts and {len(persons)} persons in {time.perf_counter() - t:.0f} s")

        t = time.perf_counter()
        refused: Counter[str] = Counter()

        def issue(tw: Tw) -> None:
            body = {"domein": "jeugd", "aanbieder": tw.aanbieder,
                    "client": {"bsn": plan.bsns[tw.client], "geboortedatum": plan.born[tw.client].isoformat(),
                               "geslacht": str(1 + tw.client % 2), "naam": {"achternaam": f"Demo{tw.client}"},
                               "contact": CONTACT},
                    "product": {"categorie": tw.product.categorie, "code": tw.product.code},
                    "ingangsdatum": tw.ingang.isoformat(), "einddatum": tw.eind.isoformat(),
                    "omvang": {"volume": tw.volume, "eenheid": tw.product.eenheid, "frequentie": "4"}}
            for attempt in range(5):
                r = api.request("POST", "allocation", "/v1/toewijzingen", ("gemeente", tw.gemeente), json=body)
                if r.status_code not in (429, 503):
                    break
                time.sleep(0.5 * (attempt + 1))
            if r.status_code == 201:
                data = r.json()
                tw.nummer, tw.bericht_id = data["toewijzing"]["toewijzingNummer"], data["berichtId"]
            else:
                refused[f"{r.status_code} {r.json().get('code', '')}"] += 1

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(issue, plan.toewijzingen))
        issued = [tw for tw in plan.toewijzingen if tw.nummer is not None]
        log(f"  {len(issued)} toewijzingen issued in {time.perf_counter() - t:.0f} s"
            + (f" (refused: {dict(refused)})" if refused else ""))
        t = time.perf_counter()
        wait_outbox(stack)
        log(f"  toewijzing events relayed to the declaration service in {time.perf_counter() - t:.0f} s")
    finally:
        api.close()
    rng = random.Random(11)
    startable = [tw for tw in issued if tw.ingang <= plan.today]
    rng.shuffle(startable)
    sizes = Counter(tw.aanbieder for tw in issued)
    weighted = [agb for agb, n in sizes.items() for _ in range(max(1, round(math.sqrt(n))))]
    crisis = [tw for tw in issued if plan.segment_of[tw.aanbieder] == "Crisis"]
    return World(plan, issued, deque(startable), [], weights_aanbieder=weighted, crisis=crisis)


# ---- the operations -----------------------------------------------------------------------------------------
class Load:
    def __init__(self, stack: Stack, world: World, workers: int, seed: int = 5):
        self.stack, self.world, self.workers = stack, world, workers
        self.api = Api(stack, workers + 2)
        self.rec = Recorder()
        self.rng_seed = seed
        self.stop = threading.Event()
        self.today = world.plan.today

    # -- posting a message, keeping what the reconciliation needs --
    def post(self, rng: random.Random, op: str, service: str, party: Party, body: bytes, berichttype: str,
             identificatie: str, keep_body: bool = True) -> httpx.Response | None:
        resp = timed(self.rec, op, (200,), lambda: self.api.request(
            "POST", service, "/v1/berichten", party, content=body, headers={"Content-Type": "application/xml"}))
        sent = Sent(service, party[1], berichttype, identificatie, body if keep_body else None)
        attempts = 0
        while (resp is None or resp.status_code >= 500 or resp.status_code == 429) and attempts < 5:
            # not accepted: the aanbieder's software sends the same message again later
            attempts += 1
            time.sleep(0.5 * attempts)
            resp = timed(self.rec, op + " (herhaald)", (200,), lambda: self.api.request(
                "POST", service, "/v1/berichten", party, content=body, headers={"Content-Type": "application/xml"}))
        if resp is not None:
            sent.status, sent.bericht_id = resp.status_code, resp.headers.get("Bericht-Id")
            sent.retour_id, sent.oordeel = resp.headers.get("Retour-Id"), resp.headers.get("Berichten-Oordeel", "")
        with self.rec.lock:
            self.rec.sent[(party[1], berichttype, identificatie)] = sent
            self.rec.verdicts[f"{berichttype} {sent.oordeel}"] += 1
            if keep_body:
                self.rec.recent.append(sent)
        return resp

    def start_zorg(self, rng: random.Random) -> None:
        w = self.world
        with w.lock:
            if not w.not_started:
                return
            tw = w.not_started.popleft()
        begin = min(max(tw.ingang, self.today - timedelta(days=rng.randint(0, 30))), self.today, tw.eind)
        ident = uuid.uuid4().hex[:12].upper()
        body = start(tw.aanbieder, tw.gemeente, w.client(tw), [Regel(tw.nummer, begin)], identificatie=ident)
        resp = self.post(rng, "305", "allocation", ("aanbieder", tw.aanbieder), body, "JW305", ident)
        if resp is not None and resp.status_code == 200 and resp.headers.get("Berichten-Oordeel") == "goedgekeurd":
            with w.lock:
                w.started.append((tw, begin))

    def stop_zorg(self, rng: random.Random) -> None:
        w = self.world
        with w.lock:
            if not w.started:
                return
            tw, begin = w.started.pop(rng.randrange(len(w.started)))
        eind = max(begin, min(self.today, tw.eind))
        ident = uuid.uuid4().hex[:12].upper()
        body = stop(tw.aanbieder, tw.gemeente, w.client(tw), [Regel(tw.nummer, begin, einddatum=eind)],
                    identificatie=ident)
        self.post(rng, "307", "allocation", ("aanbieder", tw.aanbieder), body, "JW307", ident)

    def verzoek(self, rng: random.Random) -> None:
        w = self.world
        if w.crisis and rng.random() < 1 / 6:
            # the crisis lump sum is taakgericht: no client-level toewijzing, a 319 (reden 4) follows at once
            tw, product, omvang = rng.choice(w.crisis), CRISIS_LUMPSUM, (1, "04", "4")
        else:
            tw = rng.choice(w.issued)
            product = rng.choice([p for p, _ in SEGMENTS[w.plan.segment_of[tw.aanbieder]]["producten"]])
            omvang = (product.volume[0], product.eenheid or "04", "4")
        ident = uuid.uuid4().hex[:12].upper()
        body = vot(tw.aanbieder, tw.gemeente, w.client(tw), [
            Aanvraag(f"L{uuid.uuid4().hex[:14]}", product.categorie, product.code, self.today,
                     self.today + timedelta(days=180), omvang=omvang)], identificatie=ident)
        self.post(rng, "315", "allocation", ("aanbieder", tw.aanbieder), body, "JW315", ident)

    def mailbox(self, rng: random.Random, party: Party, service: str) -> None:
        op = f"mailbox ({party[0]})"
        resp = timed(self.rec, op + " lijst", (200,), lambda: self.api.request(
            "GET", service, "/v1/berichten", party, params={"status": "nieuw", "pageSize": 25}))
        if resp is None or resp.status_code != 200:
            return
        for item in resp.json()["results"]:
            if rng.random() < 0.3:  # the back-office fetches the content of some of them
                timed(self.rec, op + " inhoud", (200,), lambda i=item: self.api.request(
                    "GET", service, f"/v1/berichten/{i['id']}/inhoud", party))
            timed(self.rec, op + " ontvangen", (200,), lambda i=item: self.api.request(
                "POST", service, f"/v1/berichten/{i['id']}/ontvangen", party))

    def beantwoord(self, rng: random.Random) -> None:
        gemeente = rng.choice(self.world.plan.gemeenten)
        party: Party = ("gemeente", gemeente)
        resp = timed(self.rec, "gemeente leest verzoeken", (200,), lambda: self.api.request(
            "GET", "allocation", "/v1/verzoeken", party, params={"status": "open", "pageSize": 20}))
        if resp is None or resp.status_code != 200 or not resp.json()["results"]:
            return
        v = rng.choice(resp.json()["results"])
        # another worker may answer the same verzoek at the same moment: 409 (TR359/TR365) is a fine answer
        timed(self.rec, "beantwoord verzoek", (201, 409), lambda: self.api.request(
            "POST", "allocation", f"/v1/verzoeken/{v['id']}/toewijzingen", party,
            json={"contact": CONTACT, "verwijsdatum": self.today.isoformat(), "afwijzenBijWeigering": True}))

    def leest(self, rng: random.Random) -> None:
        gemeente = rng.choice(self.world.plan.gemeenten)
        party: Party = ("gemeente", gemeente)
        month = add_months(self.world.plan.first_month, rng.randrange(11))
        service, path, params = rng.choice([
            ("allocation", "/v1/toewijzingen", {"status": "actief", "pageSize": 50}),
            ("allocation", "/v1/verzoeken", {"pageSize": 50}),
            ("allocation", "/v1/termijnen", {"status": "verlopen"}),
            ("declaration", "/v1/declaraties", {"pageSize": 50}),
            ("declaration", "/v1/betalingen", {"periode": f"{month:%Y-%m}"}),
        ])
        timed(self.rec, f"gemeente leest {path.split('/')[-1]}", (200,),
              lambda: self.api.request("GET", service, path, party, params=params))

    def opnieuw(self, rng: random.Random) -> None:
        with self.rec.lock:
            if not self.rec.recent:
                return
            sent = self.rec.recent[rng.randrange(len(self.rec.recent))]
        assert sent.body is not None
        resp = timed(self.rec, "zelfde bericht opnieuw", (200,), lambda: self.api.request(
            "POST", sent.service, "/v1/berichten", ("aanbieder", sent.afzender), content=sent.body,
            headers={"Content-Type": "application/xml"}))
        if resp is not None:
            with self.rec.lock:
                sent.repeats.append((resp.status_code, resp.headers.get("Retour-Id"),
                                     resp.headers.get("Idempotent-Replay")))

    # -- the workers --
    def worker(self, n: int) -> None:
        rng = random.Random(self.rng_seed * 1000 + n)
        ops = list(MIX)
        weights = [MIX[o] for o in ops]
        plan = self.world.plan
        while not self.stop.is_set():
            op = rng.choices(ops, weights)[0]
            if op == "305":
                self.start_zorg(rng)
            elif op == "307":
                self.stop_zorg(rng)
            elif op == "315":
                self.verzoek(rng)
            elif op == "mailbox-aanbieder":
                self.mailbox(rng, ("aanbieder", rng.choice(self.world.weights_aanbieder)), "allocation")
            elif op == "mailbox-gemeente":
                self.mailbox(rng, ("gemeente", rng.choice(plan.gemeenten)), rng.choice(["allocation", "declaration"]))
            elif op == "beantwoord-verzoek":
                self.beantwoord(rng)
            elif op == "gemeente-leest":
                self.leest(rng)
            else:
                self.opnieuw(rng)

    def declaraties(self) -> None:
        """The monthly 323 of every aanbieder × gemeente pair, month after month (TR318: each after the last)."""
        rng = random.Random(self.rng_seed)
        plan = self.world.plan
        by_pair: dict[tuple[str, str], list[Tw]] = defaultdict(list)
        for tw in self.world.issued:
            by_pair[(tw.aanbieder, tw.gemeente)].append(tw)
        pairs = sorted(by_pair)
        month = plan.first_month
        while month < plan.last_month and not self.stop.is_set():
            rng.shuffle(pairs)
            for pair in pairs:
                if self.stop.is_set():
                    return
                d = declaratie(plan, pair, by_pair[pair], month, rng)
                if d is None:
                    continue
                body = d.to_bytes()
                resp = self.post(rng, "323", "declaration", ("aanbieder", pair[0]), body, "JW323", d.identificatie,
                                 keep_body=len(body) < 200_000)
                with self.rec.lock:
                    self.rec.prestaties += len(d.prestaties())
                    self.rec.latency[f"323 ({_size_class(len(d.prestaties()))} prestaties)"].append(
                        self.rec.latency["323"][-1])
                if resp is not None and resp.status_code == 200:
                    pass
            month = add_months(month, 1)

    def run(self, duration: float) -> float:
        threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(self.workers)]
        threads.append(threading.Thread(target=self.declaraties, daemon=True))
        started = time.perf_counter()
        for t in threads:
            t.start()
        self.stop.wait(duration)
        self.stop.set()
        for t in threads:
            t.join(timeout=300)
        return time.perf_counter() - started


def _size_class(n: int) -> str:
    return "1-9" if n < 10 else "10-99" if n < 100 else "100+"


def declaratie(plan: Plan, pair: tuple[str, str], tws: list[Tw], month: date, rng: random.Random) -> Declaratie | None:
    """One month of one pair: a prestatie per toewijzing that runs in the month (IV089: from the 1st or the
    later Ingangsdatum, to the last day or the earlier Einddatum), within its Omvang per month."""
    agb, gemeente = pair
    first, last = month_bounds(month)
    d = Declaratie(afzender=agb, ontvanger=gemeente, periode=(month.year, month.month),
                   nummer=f"L{gemeente}{month:%y%m}", compact=True)
    for i, tw in enumerate(tws):
        begin, end = max(first, tw.ingang), min(last, tw.eind)
        if begin > end:
            continue
        days = (end - begin).days + 1
        if tw.product.eenheid == "14":
            volume = days
        elif tw.product.eenheid == "82":
            volume = 1
        else:
            share = days / ((last - first).days + 1)
            volume = max(1, min(tw.volume, math.floor(tw.volume * share * rng.uniform(0.6, 1.0))))
        d.add(plan.bsns[tw.client], Prestatie(
            ref=f"L{gemeente}{month:%y%m}{i:06d}", toewijzing=tw.nummer or 0, categorie=tw.product.categorie,
            code=tw.product.code, begin=begin, eind=end, volume=volume, eenheid=tw.product.eenheid or "04",
            tarief=tw.product.tarief))
    return d if d.clients else None


# ---- reconciliation -----------------------------------------------------------------------------------------
def stored_messages(stack: Stack, service: str, since: datetime) -> list[dict[str, Any]]:
    """Every message of a service since a moment, listed as that service's own party (which sees them all)."""
    out: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {token('service', 'svc-' + service)}"}
    with httpx.Client(base_url=stack.url(service), timeout=300, headers=headers) as client:
        for page in itertools.count(1):
            r = client.get("/v1/berichten", params={"sinds": since.isoformat(), "page": page, "pageSize": 500})
            r.raise_for_status()
            body = r.json()
            out.extend(body["results"])
            if page * 500 >= body["count"]:
                return out


def reconcile(stack: Stack, rec: Recorder, since: datetime) -> dict[str, Any]:
    accepted = [s for s in rec.sent.values() if s.status == 200]
    not_accepted = [s for s in rec.sent.values() if s.status != 200]
    stored: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for service in sorted({s.service for s in rec.sent.values()}):
        for m in stored_messages(stack, service, since):
            if m["richting"] == "in":
                stored[(m["afzender"], m["berichtType"], m["identificatie"])].append(m)
            elif m["antwoordOp"]:
                answers[m["antwoordOp"]].append(m)
    lost, duplicated, wrong_id, unanswered, answered_twice, wrong_retour, bad_repeats = [], [], [], [], [], [], []
    for s in accepted:
        rows = stored.get((s.afzender, s.berichttype, s.identificatie), [])
        if s.oordeel == "verworpen":  # refused at header level: stored with status verworpen, outside listings
            continue
        if not rows:
            lost.append(s.identificatie)
            continue
        if len(rows) > 1:
            duplicated.append(s.identificatie)
        if rows[0]["id"] != s.bericht_id:
            wrong_id.append(s.identificatie)
        retour_type = s.berichttype[:-3] + RETOUR_OF[s.berichttype[-3:]]
        retours = [a for a in answers.get(rows[0]["id"], []) if a["berichtType"] == retour_type]
        if not retours:
            unanswered.append(s.identificatie)
        elif len(retours) > 1:
            answered_twice.append(s.identificatie)
        elif retours[0]["id"] != s.retour_id:
            wrong_retour.append(s.identificatie)
        for status, retour_id, replay in s.repeats:
            if status != 200 or retour_id != s.retour_id or replay != "true":
                bad_repeats.append(f"{s.identificatie}: {status} {retour_id} {replay}")
    return {
        "posted": len(rec.sent), "accepted": len(accepted), "not_accepted": len(not_accepted),
        "repeats": sum(len(s.repeats) for s in rec.sent.values()),
        "lost": len(lost), "duplicated": len(duplicated), "stored_under_another_id": len(wrong_id),
        "unanswered": len(unanswered), "answered_more_than_once": len(answered_twice),
        "answered_with_another_retour": len(wrong_retour), "repeats_not_replayed": len(bad_repeats),
        "examples": (lost + duplicated + wrong_id + unanswered + answered_twice + wrong_retour + bad_repeats)[:10],
    }


# ---- reporting --------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[k]


def summary(rec: Recorder, elapsed: float) -> dict[str, Any]:
    ops = {}
    for op in sorted(rec.latency):
        lat = rec.latency[op]
        statuses = rec.statuses.get(op, Counter())
        ops[op] = {
            "count": len(lat), "per_second": round(len(lat) / elapsed, 2),
            "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1),
            "p99_ms": round(percentile(lat, 99) * 1000, 1), "max_ms": round(max(lat) * 1000, 1) if lat else 0,
            "5xx": sum(n for s, n in statuses.items() if s >= 500),
            "unexpected": sum(rec.unexpected.get(op, Counter()).values()),
        }
    requests = sum(len(v) for k, v in rec.latency.items() if not k.startswith("323 ("))
    every = [x for k, v in rec.latency.items() if not k.startswith("323 (") for x in v]
    return {
        "seconds": round(elapsed, 1), "requests": requests, "requests_per_second": round(requests / elapsed, 1),
        "p50_ms": round(percentile(every, 50) * 1000, 1), "p95_ms": round(percentile(every, 95) * 1000, 1),
        "p99_ms": round(percentile(every, 99) * 1000, 1),
        "5xx": sum(o["5xx"] for k, o in ops.items() if not k.startswith("323 (")),
        "unexpected": sum(o["unexpected"] for k, o in ops.items() if not k.startswith("323 (")),
        "unexpected_examples": {op: dict(c.most_common(3)) for op, c in rec.unexpected.items() if c},
        "messages_posted": len(rec.sent), "prestaties_declared": rec.prestaties,
        "verdicts": dict(sorted(rec.verdicts.items())), "operations": ops,
    }


def print_report(report: dict[str, Any]) -> None:
    s = report["summary"]
    print(f"\n{s['requests']} requests in {s['seconds']} s: {s['requests_per_second']} req/s; "
          f"p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms; 5xx {s['5xx']}, "
          f"unexpected {s['unexpected']}")
    print(f"{'operation':42} {'count':>7} {'/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'5xx':>4} {'unexp':>5}")
    for op, o in s["operations"].items():
        print(f"{op:42} {o['count']:7} {o['per_second']:7} {o['p50_ms']:8} {o['p95_ms']:8} {o['p99_ms']:8} "
              f"{o['5xx']:4} {o['unexpected']:5}")
    print(f"messages posted {s['messages_posted']}, prestaties declared {s['prestaties_declared']}")
    print(f"verdicts: {s['verdicts']}")
    if s["unexpected_examples"]:
        print(f"unexpected: {s['unexpected_examples']}")
    print(f"reconciliation: {json.dumps(report['reconciliation'])}")


def ok(report: dict[str, Any]) -> bool:
    r, s = report["reconciliation"], report["summary"]
    bad = ("lost", "duplicated", "stored_under_another_id", "unanswered", "answered_more_than_once",
           "answered_with_another_retour", "repeats_not_replayed", "not_accepted")
    return s["5xx"] == 0 and s["unexpected"] == 0 and all(r[k] == 0 for k in bad)


def run_load(stack: Stack, plan: Plan, *, duration: float, workers: int, log: Callable[[str], None] = print,
             seed: int = 5) -> dict[str, Any]:
    """Setup, the timed run, and the reconciliation against a running stack; returns the report."""
    t = time.perf_counter()
    world = setup(stack, plan, workers, log)
    setup_seconds = time.perf_counter() - t
    since = datetime.now(UTC) - timedelta(seconds=1)
    load = Load(stack, world, workers, seed)
    try:
        log(f"  running the mix for {duration:.0f} s with {workers} workers and one declaratie sender ...")
        elapsed = load.run(duration)
    finally:
        load.api.close()
    t = time.perf_counter()
    reconciliation = reconcile(stack, load.rec, since)
    return {
        "world": {"gemeenten": len(plan.gemeenten), "aanbieders": len(plan.aanbieders), "clients": len(plan.bsns),
                  "toewijzingen": len(world.issued)},
        "setup_seconds": round(setup_seconds, 1), "reconciliation_seconds": round(time.perf_counter() - t, 1),
        "summary": summary(load.rec, elapsed), "reconciliation": reconciliation,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=300.0, help="seconds of the timed run (default 300)")
    ap.add_argument("--clients", type=int, default=16_000)
    ap.add_argument("--aanbieders", type=int, default=360)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--json", type=Path, help="also write the report as JSON here")
    args = ap.parse_args(argv)
    db = os.environ.get("DATABASE_URL")
    db = db if db and db.startswith("postgresql") else None
    print(f"load: {args.clients} clients, {args.aanbieders} aanbieders, 14 gemeenten, {args.duration:.0f} s, "
          f"{args.workers} workers; database: {'PostgreSQL ' + db.split('@')[-1] if db else 'SQLite files'}",
          flush=True)
    plan = plan_year(args.clients, args.aanbieders)
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        stack = start_stack(Path(tmp), plan, db)
        try:
            report = run_load(stack, plan, duration=args.duration, workers=args.workers,
                              log=lambda m: print(m, flush=True))
        finally:
            stack.stop()
            stack.drop_schemas()
    report["settings"] = {"database": "PostgreSQL" if db else "SQLite", "duration": args.duration,
                          "workers": args.workers, "date": today_nl().isoformat(), "cpus": os.cpu_count()}
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0 if ok(report) else 1


if __name__ == "__main__":
    sys.exit(main())
