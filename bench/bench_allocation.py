"""Start zorg (305) messages per second through the full pipeline, against the validate-only endpoint.

Starts the platform as real processes (services.common.devstack.Stack): PostgreSQL schemas when DATABASE_URL
points at PostgreSQL, else SQLite files (printed). Prepares N toewijzingen through the gemeente API (each
checked by the eligibility service against the stand-in BRP), then posts N single-client JW305 messages
over HTTP to POST /v1/berichten (parse, XSD, idempotency, rules TR019/TR326/TR074/..., registration,
retour, all stored in one transaction) and the same bodies to POST /v1/berichten/validaties (safe parse and
XSD only, nothing stored) on the same server, with the same client concurrency, in interleaved rounds (a
slice validated, the same slice posted, the order alternating). Prints both rates and their ratio (goal:
>= 0.5), with the median and range of the per-round ratios.

The per-party rate limit (6,000/min by default) is switched off for the run (RATE_LIMIT_PER_MINUTE=0):
the benchmark measures the service, not the limiter. The reporting service is not started (nothing here needs
it, and its periodic pull would fall into one of the timed runs).

    .venv/bin/python -m bench.bench_allocation [--messages 1000] [--concurrency 4]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from stdnum.nl import bsn as stdnum_bsn

from services.common.clock import today_nl
from services.common.devstack import Stack, brp_available
from tests.builders.allocation import Client, Regel, start

GEMEENTE, AANBIEDER, CODE = "0141", "11110001", "BENCH"
GEM = {"Authorization": "Bearer demo-gemeente-0141"}
AAN = {"Authorization": f"Bearer demo-aanbieder-{AANBIEDER}"}


def bench_bsns(n: int) -> list[str]:
    out, k = [], 0
    while len(out) < n:
        candidate = f"9997{k:05d}"  # 9997xxxxx: apart from the tests' and the other benchmarks' ranges
        k += 1
        if stdnum_bsn.is_valid(candidate):
            out.append(candidate)
    return out


def prepare(stack: Stack, bsns: Sequence[str], ingang: date, concurrency: int) -> list[int]:
    elig, alloc = stack.url("eligibility"), stack.url("allocation")
    persons = [{"burgerservicenummer": b, "geboortedatum": "2012-05-01", "gemeenteVanInschrijving": GEMEENTE}
               for b in bsns]
    httpx.post(stack.url("brp") + "/test/personen", json=persons, timeout=120).raise_for_status()
    httpx.post(elig + "/v1/contracten", headers=GEM, timeout=30, json={
        "gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "categorie": "45", "code": CODE,
        "naam": "Benchmark", "perceel": "1", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "04",
        "tarief": 6500, "geldigVanaf": "2020-01-01", "geldigTot": None, "declaratiemoment": None,
        "startStopVerplicht": True, "budgetplafond": None, "lumpsum": None}).raise_for_status()
    contact = {"soort": "01", "adres": {"huisnummer": 1, "postcode": "7600AA", "landcode": "NL"}}

    def create(client: httpx.Client, bsn: str) -> int:
        body = {"domein": "jeugd", "aanbieder": AANBIEDER,
                "client": {"bsn": bsn, "geboortedatum": "2012-05-01", "naam": {"achternaam": "Bench"}, "contact": contact},
                "product": {"categorie": "45", "code": CODE}, "ingangsdatum": ingang.isoformat(),
                "einddatum": date(ingang.year + 1, 12, 31).isoformat(),
                "omvang": {"volume": 4, "eenheid": "04", "frequentie": "2"}}
        resp = client.post(alloc + "/v1/toewijzingen", json=body, headers=GEM)
        resp.raise_for_status()
        return int(resp.json()["toewijzing"]["toewijzingNummer"])

    return run_parallel(bsns, create, concurrency)[1]


class Senders:
    """`concurrency` threads, each with its own keep-alive connection, kept across calls: a timed run starts
    with its connections open and its threads waiting."""

    def __init__(self, concurrency: int):
        self._pool = ThreadPoolExecutor(concurrency)
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._lock = threading.Lock()

    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = httpx.Client(timeout=60)
            with self._lock:
                self._clients.append(client)
        return client

    def run(self, items: Sequence[Any], fn: Callable[[httpx.Client, Any], Any]) -> tuple[float, list[Any]]:
        """fn(client, item) for every item; the seconds it took and the results in order."""
        started = time.perf_counter()
        results = list(self._pool.map(lambda item: fn(self._client(), item), items))
        return time.perf_counter() - started, results

    def close(self) -> None:
        self._pool.shutdown()
        for c in self._clients:
            c.close()


def run_parallel(items: Sequence[Any], fn: Callable[[httpx.Client, Any], Any], concurrency: int) -> tuple[float, list[Any]]:
    """Call fn for every item from `concurrency` threads, each with its own keep-alive connection."""
    senders = Senders(concurrency)
    try:
        return senders.run(items, fn)
    finally:
        senders.close()


def wait_for_outbox(url: str, timeout: float = 60.0) -> bool:
    """Let the relay deliver the preparation's toewijzing events first, so it does not compete with the run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in httpx.get(url + "/metrics", timeout=10).text.splitlines():
            if line.startswith("outbox_depth{") and float(line.rsplit(" ", 1)[1]) == 0:
                return True
        time.sleep(0.5)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5,
                        help="slices of the messages, each validated and posted in turn")
    parser.add_argument("--workers", type=int, default=1,
                        help="uvicorn worker processes of the allocation service (both endpoints share them)")
    args = parser.parse_args()
    n, conc = args.messages, args.concurrency
    database_url = os.environ.get("DATABASE_URL") if os.environ.get("DATABASE_URL", "").startswith("postgresql") else None
    ingang = today_nl() - timedelta(days=14)
    bsns = bench_bsns(n)
    with tempfile.TemporaryDirectory(prefix="bench-allocation-") as tmp:
        stack = Stack(base_dir=Path(tmp), database_url=database_url,
                      extra_env={"RATE_LIMIT_PER_MINUTE": "0"})
        try:
            stack.migrate()
            if args.workers > 1:
                proc = stack._proc("allocation")
                proc.args += ["--workers", str(args.workers)]
                stack.procs["allocation"] = proc
            # not the reporting service: its pull of the new messages every 30 s would land in one of the two
            # timed runs at random and cost the allocation service CPU there (what it costs is its own figure)
            stack.start(names=(("brp",) if brp_available() else ()) + ("eligibility", "allocation", "declaration"))
            t0 = time.perf_counter()
            nummers = prepare(stack, bsns, ingang, conc)
            prep = time.perf_counter() - t0
            drained = wait_for_outbox(stack.url("allocation"))
            # the 1,000 toewijzingen were loaded seconds ago: without this the planner may still work from the
            # statistics of an empty table, which the autovacuum daemon would have renewed within a minute
            stack.analyze("allocation")
            bodies = [start(AANBIEDER, GEMEENTE, Client(bsn), [Regel(nr, ingang)]) for bsn, nr in zip(bsns, nummers)]
            url = stack.url("allocation") + "/v1/berichten"

            def validate(client: httpx.Client, body: bytes) -> int:
                return client.post(url + "/validaties", content=body,
                                   headers={**AAN, "Content-Type": "application/xml"}).status_code

            def post(client: httpx.Client, body: bytes) -> tuple[int, str]:
                resp = client.post(url, content=body, headers={**AAN, "Content-Type": "application/xml"})
                return resp.status_code, resp.headers.get("Berichten-Oordeel", "")

            senders = Senders(conc)
            senders.run(bodies[: min(50, n)] * 4, validate)  # warm up: schemas compiled, connections open
            # interleaved rounds (validate a slice, post the same slice, the order alternating), so that a
            # slower or faster minute of this shared machine falls on both endpoints alike
            validate_s = post_s = 0.0
            ratios: list[float] = []
            size = max(1, n // args.rounds)
            for i, lo in enumerate(range(0, n, size)):
                chunk = bodies[lo: lo + size]
                runs: dict[str, float] = {}
                for name in (("validate", "post") if i % 2 == 0 else ("post", "validate")):
                    seconds, results = senders.run(chunk, validate if name == "validate" else post)
                    if name == "validate":
                        assert all(c == 200 for c in results), sorted(set(results))
                    else:
                        bad = [r for r in results if r != (200, "goedgekeurd")]
                        assert not bad, bad[:5]
                    runs[name] = seconds
                validate_s, post_s = validate_s + runs["validate"], post_s + runs["post"]
                ratios.append(runs["validate"] / runs["post"])
            senders.close()
        finally:
            stack.stop()
            stack.drop_schemas()
    validate_rate, post_rate = n / validate_s, n / post_s
    print(f"allocation 305 benchmark: {n} single-client JW305 messages, concurrency {conc}, "
          f"{args.workers} worker process(es), "
          f"database: {'PostgreSQL' if database_url else 'SQLite (set DATABASE_URL for PostgreSQL)'}")
    print(f"  prepared {n} toewijzingen via the gemeente API in {prep:6.1f} s ({n / prep:6.0f}/s); "
          f"events {'delivered' if drained else 'still in the outbox (declaration service not accepting them)'}")
    print(f"  validate-only  POST /v1/berichten/validaties : {validate_s:6.2f} s  {validate_rate:7.0f} msgs/s")
    print(f"  full pipeline  POST /v1/berichten (305→306)  : {post_s:6.2f} s  {post_rate:7.0f} msgs/s")
    print(f"  ratio full/validate-only                     : {post_rate / validate_rate:6.2f}  (goal >= 0.5); "
          f"per round median {statistics.median(ratios):.2f}, range {min(ratios):.2f}-{max(ratios):.2f}")


if __name__ == "__main__":
    main()
