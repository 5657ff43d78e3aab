"""Reporting benchmark: one generated year of a 16,000-client region (bench/demo_year.py), then how long it
takes to pull the whole year into the reporting service and to compute every report over HTTP.

Baselines measured in the same run, on the same database:
- a bare scan of the prestatie fact table (`SELECT COUNT(*), SUM(bedrag) FROM prestatie`, best of 5),
  the least any report over the declaraties has to do; printed as the ratio report time / scan;
- the pull of the year (messages read per second), against which the reports are a small extra.

    python -m bench.bench_reporting                                   # full scale, SQLite files
    python -m bench.bench_reporting --clients 4000 --aanbieders 120   # smaller
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m bench.bench_reporting
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from bench.demo_year import compute_reports, generate, pull, start_stack
from services.common.db import make_engine


def scan_seconds(stack, runs: int = 5) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    engine = make_engine(stack.settings("reporting"))
    best, count = float("inf"), 0
    try:
        with engine.connect() as conn:
            for _ in range(runs):
                t = time.perf_counter()
                count, _total = conn.execute(text("SELECT COUNT(*), SUM(bedrag) FROM prestatie")).one()
                best = min(best, time.perf_counter() - t)
    finally:
        engine.dispose()
    return best, int(count)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="reporting over one generated year")
    ap.add_argument("--clients", type=int, default=16_000)
    ap.add_argument("--aanbieders", type=int, default=360)
    ap.add_argument("--workers", type=int, default=8)
    args = ap.parse_args(argv)
    db = os.environ.get("DATABASE_URL")
    db = db if db and db.startswith("postgresql") else None
    print(f"reporting benchmark: {args.clients} clients, {args.aanbieders} aanbieders, 14 gemeenten; "
          f"database {'PostgreSQL' if db else 'SQLite'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-reporting-") as tmp:
        t0 = time.perf_counter()
        stack, plan = start_stack(Path(tmp), args.clients, args.aanbieders, db)
        try:
            result = generate(stack, plan, workers=args.workers)
            generation = time.perf_counter() - t0
            t = time.perf_counter()
            pulled = pull(stack)
            ingest = time.perf_counter() - t
            messages = sum(b["gelezen"] + b["overgeslagen"] for b in pulled["bronnen"])
            scan, prestaties = scan_seconds(stack)
            cold = compute_reports(stack)
            warm = compute_reports(stack)
            total_cold, total_warm = sum(cold.values()), sum(warm.values())
            print(f"\ngeneration of the year: {generation:.0f} s  {result.counts}")
            print(f"pull of the year: {ingest:.1f} s for {messages} messages ({messages / ingest:.0f}/s)")
            print(f"baseline scan of {prestaties} prestaties: {scan * 1000:.1f} ms")
            for name, seconds in cold.items():
                print(f"  {name:62} {seconds:6.2f} s")
            print(f"every report, cold: {total_cold:.2f} s  = {total_cold / scan:.0f} x the bare scan, "
                  f"{100 * total_cold / ingest:.1f}% of the pull")
            print(f"every report, again (cached until the next pull): {total_warm:.2f} s")
            print(f"generation + pull + every report: {generation + ingest + total_cold:.0f} s")
        finally:
            stack.stop()
            stack.drop_schemas()


if __name__ == "__main__":
    main()
