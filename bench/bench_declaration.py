"""Declaration service benchmark: a 10,000-prestatie JW323 judged over HTTP, and the memory of a 25 MB one.

Starts the platform (PostgreSQL when DATABASE_URL points at one, SQLite files otherwise; printed), loads a
contract line through the eligibility admin API and the matching toewijzingen through the declaration
service's events endpoint, then prints:

1. the full judging time of a generated 10,000-prestatie JW323 (HTTP post → parse, XSD, all rules, persist,
   325 built and returned) divided by bare lxml parse + validate of the same file with the official JW323
   XSD, measured in the same run (goal: at most 3);
2. the peak memory of the declaration process while it judges the largest declaratie the standard allows
   (OP179: 25 MB, about 35,000 prestaties written compactly), divided by the file size (goal: at most 10).
   Peak = VmHWM of the server process after resetting it (`echo 5 > /proc/<pid>/clear_refs`); printed both as
   the whole process and as the growth over the idle process.

    python -m bench.bench_declaration                      # SQLite
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test python -m bench.bench_declaration
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from lxml import etree

from services.common.devstack import Stack
from services.common.settings import REPO_ROOT
from tests.builders.declaration import BatchToewijzing, batch, elfproef_bsns
from tests.support import token_for

OFFICIAL = Path(os.environ.get("OFFICIAL_STANDARDS_DIR", REPO_ROOT.parent / "shared" / "standards"))
GEMEENTE, AANBIEDER = "0141", "11110001"
N_BATCH = 10_000
N_BIG = 36_000  # compact: ~690 bytes a prestatie → just under 25 MB
RUNS = 5


def api(stack: Stack, service: str, party: str) -> httpx.Client:
    return httpx.Client(base_url=stack.url(service), timeout=300,
                        headers={"Authorization": f"Bearer {token_for(party)}"})


def load_world(stack: Stack, n: int, first_year: int, tag: str) -> list[BatchToewijzing]:
    """A contract line and `n` toewijzingen (10 hours a week, declared in minutes) covering `first_year` on."""
    code = f"B{tag}{uuid.uuid4().hex[:3].upper()}"[:5]
    with api(stack, "eligibility", GEMEENTE) as elig:
        resp = elig.post("/v1/contracten", json={
            "gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "categorie": "45", "code": code,
            "naam": "Ambulante begeleiding (bench)", "uitvoeringsvariant": "inspanningsgericht", "eenheid": "01",
            "tarief": 130, "geldigVanaf": f"{first_year}-01-01"})
        resp.raise_for_status()
    bsns = elfproef_bsns(9_000)
    base = 700_000_000 + (uuid.uuid4().int % 1_000) * 100_000
    toewijzingen = [BatchToewijzing(base + i, bsns[i % len(bsns)], "45", code, "01", 600, 130) for i in range(n)]
    with api(stack, "declaration", "svc-allocation") as svc:
        for start in range(0, n, 5_000):
            events = [{"eventId": str(uuid.uuid4()), "kind": "toewijzing.gewijzigd", "versie": 1, "toewijzing": {
                "gemeente": GEMEENTE, "aanbieder": AANBIEDER, "domein": "jeugd", "bsn": t.bsn,
                "toewijzingNummer": t.nummer, "product": {"categorie": "45", "code": code},
                "ingangsdatum": f"{first_year}-01-01", "einddatum": f"{first_year + 1}-12-31",
                "omvang": {"volume": 600, "eenheid": "01", "frequentie": "2"}, "status": "actief"}}
                for t in toewijzingen[start:start + 5_000]]
            svc.post("/v1/events/batch", json={"events": events}).raise_for_status()
    return toewijzingen


def bare_parse_validate(body: bytes) -> tuple[float, float, str]:
    xsd = OFFICIAL / "xsd" / "ijw" / "3.2" / "JW323.xsd"
    label = "official JW323.xsd"
    if not xsd.exists():
        xsd, label = REPO_ROOT / "schemas" / "ijw" / "3.2" / "JW323.xsd", "project JW323.xsd (official not found)"
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    parser = etree.XMLParser()
    times = []
    for _ in range(9):
        started = time.perf_counter()
        assert schema.validate(etree.fromstring(body, parser))
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), label


def post(stack: Stack, body: bytes) -> tuple[float, httpx.Response]:
    with api(stack, "declaration", AANBIEDER) as client:
        client.get("/health/live")  # the connection is open before the clock starts
        started = time.perf_counter()
        resp = client.post("/v1/berichten", content=body, headers={"Content-Type": "application/xml"})
        elapsed = time.perf_counter() - started
    if resp.status_code != 200:
        raise SystemExit(f"declaratie not judged: HTTP {resp.status_code}: {resp.text[:500]}")
    return elapsed, resp


def codes(resp: httpx.Response) -> list[str]:
    root = etree.fromstring(resp.content)
    return [c.text or "" for c in root.findall("{*}DeclaratieAntwoord/{*}RetourCodes/{*}RetourCode")]


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    url = url if url and url.startswith("postgresql") else None
    print(f"database: {'PostgreSQL ' + url.split('@')[-1] if url else 'SQLite (temp files)'}")
    with tempfile.TemporaryDirectory(prefix="bench-declaration-") as tmp:
        stack = Stack(base_dir=Path(tmp), database_url=url, extra_env={"LOG_LEVEL": "WARNING"})
        try:
            stack.migrate()
            stack.start(("eligibility", "declaration"))
            run(stack)
        finally:
            stack.stop()
            stack.drop_schemas()


def run(stack: Stack) -> None:
    # ---- 1. 10,000 prestaties: full judging vs bare parse + validate -------------------------------------
    t0 = time.perf_counter()
    toewijzingen = load_world(stack, N_BATCH, 2023, "A")
    print(f"loaded 1 contract line and {N_BATCH:,} toewijzingen (events) in {time.perf_counter() - t0:.1f} s")
    # statistics of the tables just loaded, as the autovacuum daemon would have them within a minute: the
    # benchmark measures the steady state, not a planner working from an empty table's numbers
    stack.analyze("declaration")
    bodies = [batch(toewijzingen, afzender=AANBIEDER, ontvanger=GEMEENTE, year=2023, month=m).to_bytes()
              for m in range(1, RUNS + 1)]
    bare_best, bare_median, label = bare_parse_validate(bodies[0])
    post(stack, bodies[0])  # warm: first-use imports, compiled schema caches, contract cache
    full = []
    for body in bodies[1:]:
        elapsed, resp = post(stack, body)
        assert codes(resp) == ["8001"], codes(resp)
        full.append(elapsed)
    print(f"JW323 with {N_BATCH:,} prestaties, {len(bodies[0]) / 1e6:.1f} MB (compact), {len(full)} declaraties")
    print(f"  bare lxml parse+validate ({label}): best {bare_best * 1000:.0f} ms, median {bare_median * 1000:.0f} ms")
    print(f"  full judging over HTTP (post → 325, all rules, persisted): best {min(full) * 1000:.0f} ms, "
          f"median {statistics.median(full) * 1000:.0f} ms")
    print(f"  ratio full/bare (best): {min(full) / bare_best:.2f}   (goal <= 3)")
    print(f"  ratio full/bare (median): {statistics.median(full) / bare_median:.2f}")

    # ---- 2. the largest declaratie (OP179, 25 MB): peak memory of the server process ---------------------
    t0 = time.perf_counter()
    big_world = load_world(stack, N_BIG, 2024, "Z")
    big = batch(big_world, afzender=AANBIEDER, ontvanger=GEMEENTE, year=2024, month=2).to_bytes()
    print(f"loaded {N_BIG:,} toewijzingen in {time.perf_counter() - t0:.1f} s; declaratie {len(big) / 1e6:.1f} MB "
          f"({len(big) / 2**20:.1f} MiB, limit 25 MiB)")
    # a fresh server process, warmed up with one small declaratie, so "idle" is what a replica looks like
    # rather than the heap left behind by the loading above
    stack.restart("declaration")
    small = batch(big_world[:10], afzender=AANBIEDER, ontvanger=GEMEENTE, year=2024, month=1).to_bytes()
    post(stack, small)
    proc = stack.procs["declaration"].popen
    assert proc is not None
    pid = proc.pid
    idle_kb = status_kb(pid, "VmRSS")
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    except OSError as exc:
        print(f"  cannot reset the peak ({exc}); VmHWM includes earlier requests")
    elapsed, resp = post(stack, big)
    peak_kb = status_kb(pid, "VmHWM")
    size_mb = len(big) / 2**20
    print(f"  judged in {elapsed:.2f} s: {codes(resp)}")
    print(f"  declaration process RSS idle {idle_kb / 1024:.0f} MiB, peak while judging {peak_kb / 1024:.0f} MiB")
    print(f"  peak memory / file size (whole process): {peak_kb / 1024 / size_mb:.1f}   (goal <= 10)")
    print(f"  peak growth / file size (over the idle process): {(peak_kb - idle_kb) / 1024 / size_mb:.1f}")


if __name__ == "__main__":
    sys.exit(main())
