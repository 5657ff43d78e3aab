"""Eligibility checks per second: the batch form (10,000 checks) against an uncached and a cached BRP.

Starts the stand-in BRP and the eligibility service as real processes (services.common.devstack.Stack,
SQLite files, or PostgreSQL schemas when DATABASE_URL points at PostgreSQL), adds 10,000 test persons to
the stand-in BRP, and posts the same 10,000-check batch:
  1. with the BRP cache disabled (BRP_CACHE_SECONDS=0): every person is asked from the BRP (20 per request,
     4 requests in parallel), once against the stand-in as it is (local, answers in about a millisecond) and
     once with a simulated BRP latency (--brp-latency-ms, default 50 ms per request, closer to a real BRP);
  2. with the cache on, after one warming run: every person comes from the cache.
The timed runs are repeated and the best is reported; the ratios compare runs measured in this same run.

    .venv/bin/python -m bench.bench_eligibility [--checks 10000] [--brp-latency-ms 50]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from stdnum.nl import bsn as stdnum_bsn

from services.common.devstack import Stack

TOKEN = {"Authorization": "Bearer demo-service-allocation"}
GEMEENTEN = ("0141", "0153", "0164", "0147", "1735")


def test_bsns(n: int) -> list[str]:
    # from 999700000 up: apart from the fixture (99999xxxx) and next_bsn() (9999xxxxx); about 1 in 11 passes
    out: list[str] = []
    candidate = 999_700_000
    while len(out) < n and candidate < 999_900_000:
        if stdnum_bsn.is_valid(str(candidate)):
            out.append(str(candidate))
        candidate += 1
    if len(out) < n:
        raise SystemExit(f"only {len(out)} test BSNs in the range; ask for fewer checks")
    return out


def persons_and_checks(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    bsns = test_bsns(n)
    persons, checks = [], []
    for i, bsn in enumerate(bsns):
        gemeente = GEMEENTEN[i % len(GEMEENTEN)]
        adult = i % 4 == 3
        born = f"{1960 + i % 40}-03-15" if adult else f"{2008 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        # every 10th person lives elsewhere: a refusal on the woonplaatsbeginsel
        lives = GEMEENTEN[(i + 1) % len(GEMEENTEN)] if i % 10 == 0 else gemeente
        persons.append({"burgerservicenummer": bsn, "geboortedatum": born, "gemeenteVanInschrijving": lives})
        check: dict[str, Any] = {"bsn": bsn, "peildatum": "2026-04-01", "gemeente": gemeente,
                                 "domein": "wmo" if adult else "jeugd"}
        if not adult:
            # ambulante begeleiding 45A03: regional from 2025 with 11110001, in Almelo its own purchase with
            # 11110002 (demo data, after the seeds)
            aanbieder = "11110002" if gemeente == "0141" else "11110001"
            check.update({"aanbieder": aanbieder, "product": {"categorie": "45", "code": "45A03"},
                          "verwijzer": {"type": "02", "naam": "Huisarts", "datum": "2026-03-01"},
                          "einddatum": "2026-12-31"})
        checks.append(check)
    return persons, checks


def run_batch(url: str, checks: list[dict[str, Any]]) -> tuple[float, list[dict[str, Any]]]:
    started = time.perf_counter()
    response = httpx.post(url + "/v1/checks/batch", json={"checks": checks}, headers=TOKEN, timeout=600)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response.json()["resultaten"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=10_000)
    parser.add_argument("--brp-latency-ms", type=int, default=50, help="simulated BRP latency per request")
    args = parser.parse_args()
    persons, checks = persons_and_checks(args.checks)
    database_url = os.environ.get("DATABASE_URL") if os.environ.get("DATABASE_URL", "").startswith("postgresql") else None
    with tempfile.TemporaryDirectory(prefix="bench-eligibility-") as tmp:
        stack = Stack(base_dir=Path(tmp), database_url=database_url,
                      extra_env={"BRP_CACHE_SECONDS": "0", "LOG_LEVEL": "WARNING"})
        try:
            stack.migrate()
            stack.load_demo()
            stack.start(("brp", "eligibility"))
            for i in range(0, len(persons), 2_000):
                httpx.post(stack.url("brp") + "/test/personen", json=persons[i:i + 2_000], timeout=120).raise_for_status()
            url = stack.url("eligibility")

            uncached = min(run_batch(url, checks)[0] for _ in range(2))
            httpx.post(stack.url("brp") + "/test/beschikbaarheid",
                       json={"beschikbaar": True, "vertragingMs": args.brp_latency_ms}, timeout=10).raise_for_status()
            slow = run_batch(url, checks)[0]
            httpx.post(stack.url("brp") + "/test/beschikbaarheid", json={"beschikbaar": True, "vertragingMs": 0},
                       timeout=10).raise_for_status()

            stack.procs["eligibility"].env["BRP_CACHE_SECONDS"] = "3600"
            stack.restart("eligibility")
            cold, results = run_batch(url, checks)  # fills the cache
            cached = min(run_batch(url, checks)[0] for _ in range(3))
        finally:
            stack.stop()
            stack.drop_schemas()
    n = len(checks)
    allowed = sum(1 for r in results if r.get("toegestaan"))
    errors = sum(1 for r in results if "fout" in r)
    print(f"eligibility batch, {n} checks ({allowed} toegestaan, {n - allowed - errors} afgewezen, {errors} fouten), "
          f"database: {'PostgreSQL' if database_url else 'SQLite'}")
    lat = f"uncached BRP, +{args.brp_latency_ms} ms per BRP request"
    print(f"  {'uncached BRP (BRP_CACHE_SECONDS=0)':42}: {uncached:6.2f} s  {n / uncached:8.0f} checks/s")
    print(f"  {lat:42}: {slow:6.2f} s  {n / slow:8.0f} checks/s")
    print(f"  {'cache filling run (cold, local BRP)':42}: {cold:6.2f} s  {n / cold:8.0f} checks/s")
    print(f"  {'cached BRP (warm)':42}: {cached:6.2f} s  {n / cached:8.0f} checks/s")
    print(f"  ratio cached / uncached (local stand-in)  : {uncached / cached:6.2f}x")
    print(f"  ratio cached / uncached (+{args.brp_latency_ms} ms BRP)      : {slow / cached:6.2f}x")


if __name__ == "__main__":
    main()
