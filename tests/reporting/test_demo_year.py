"""Over a whole generated year (reduced scale, bench/demo_year.py): the feed never carries a BSN, a name, an
address or a full birth date and keeps one pseudonym per client across every period; every report answers;
and the dashboard works in a real headless browser (Debian's chromium driven by playwright-core)."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from bench.demo_year import REPORT_QUERIES, add_months, token
from services.common.clock import today_nl

REPO = Path(__file__).resolve().parents[2]
DEV_KEY = b"dev-only-pseudonym-key-change-me"
NINE_DIGITS = re.compile(r"(?<![0-9a-f])[0-9]{9}(?![0-9a-f])")


def _regio(demo_year) -> httpx.Client:  # type: ignore[no-untyped-def]
    return httpx.Client(base_url=demo_year.stack.url("reporting"), timeout=300,
                        headers={"Authorization": f"Bearer {token('regio', 'TWENTE')}"})


def _months(plan) -> list[str]:  # type: ignore[no-untyped-def]
    out, m = [], plan.first_month
    while m <= plan.last_month:
        out.append(f"{m:%Y-%m}")
        m = add_months(m, 1)
    return out


def test_the_year_was_generated_and_pulled(demo_year) -> None:  # type: ignore[no-untyped-def]
    counts = demo_year.result.counts
    assert counts["toewijzingen"] > 0.9 * len(demo_year.plan.bsns) and counts["prestaties"] > counts["toewijzingen"]
    assert all(b["fout"] is None for b in demo_year.pull["bronnen"]) and demo_year.pull["contractfout"] is None
    print(f"\ndemo year ({len(demo_year.plan.bsns)} clients): {demo_year.result.line()}; "
          f"total with the pull {demo_year.seconds:.0f} s; counts {counts}")


def test_feed_has_no_bsn_name_address_or_birth_date_and_stable_pseudonyms(demo_year) -> None:  # type: ignore[no-untyped-def]
    plan = demo_year.plan
    pseudonym_of = {hmac.new(DEV_KEY, b"bsn:" + b.encode(), hashlib.sha256).hexdigest(): i
                    for i, b in enumerate(plan.bsns)}
    bsns = set(plan.bsns)
    seen_in: dict[str, set[str]] = defaultdict(set)
    per_toewijzing: dict[str, set[str]] = defaultdict(set)
    records = 0
    with _regio(demo_year) as api:
        for month in _months(plan):
            for soort in ("toewijzingen", "startstop", "declaraties"):
                rows, page = [], 1
                while True:
                    body = api.get(f"/v1/feed/{soort}", params={"periode": month, "page": page, "pageSize": 5000})
                    assert body.status_code == 200, body.text
                    data = body.json()
                    rows.extend(data["records"])
                    if not data["next"]:
                        break
                    page += 1
                text = api.get(f"/v1/feed/{soort}/export.csv", params={"periode": month}).text
                assert len(list(csv.DictReader(io.StringIO(text)))) == len(rows)
                blob = json.dumps(rows) + text
                assert not (set(NINE_DIGITS.findall(blob)) & bsns), f"a BSN in the {soort} feed of {month}"
                for forbidden in ("Demo", "Kind", "0546123456", "geboortedatum", "Achternaam", "postcode"):
                    assert forbidden not in blob, (forbidden, soort, month)
                for row in rows:
                    records += 1
                    client = pseudonym_of.get(row["pseudoniem"])
                    assert client is not None, "a pseudonym that is not HMAC(key, BSN) of a client"
                    born = plan.born[client]
                    assert born.isoformat() not in {str(v) for v in row.values()}
                    assert row["geboortejaar"] in (None, born.year)
                    assert row["sleutelId"] == "dev-only"
                    seen_in[row["pseudoniem"]].add(month)
                    if row.get("toewijzingId"):
                        per_toewijzing[row["toewijzingId"]].add(row["pseudoniem"])
    assert records > 10 * len(plan.bsns)
    assert all(len(p) == 1 for p in per_toewijzing.values())  # one toewijzing, one client, every period
    assert sum(1 for months in seen_in.values() if len(months) >= 2) > len(plan.bsns) / 3


def test_every_report_answers_on_the_year(demo_year) -> None:  # type: ignore[no-untyped-def]
    with _regio(demo_year) as api:
        for name, params in REPORT_QUERIES:
            resp = api.get(f"/v1/rapportages/{name}", params=params)
            assert resp.status_code == 200, (name, resp.text[:500])
            assert resp.json()["rijen"], name
        conc = api.get("/v1/rapportages/concentratie", params={"groepering": "segment"}).json()["rijen"]
        ambulant = next(r for r in conc if r["segment"] == "Ambulant")
        assert ambulant["aanbieders"] > 10 and ambulant["aandeelTop10Procent"] > 25.0  # a heavy tail
        verw = api.get("/v1/rapportages/verwijzers", params={"periode": "totaal"}).json()["rijen"]
        assert {r["verwijzer"] for r in verw if r["toewijzingen"]} >= {"01", "02", "onbekend"}


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def test_dashboard_in_a_real_browser(demo_year) -> None:  # type: ignore[no-untyped-def]
    browser = _chromium()
    if browser is None:
        pytest.skip("Debian's chromium is not installed (`apt-get install chromium`; `make test` installs it "
                    "when it runs as root)")
    if shutil.which("node") is None or not (REPO / "node_modules" / "playwright-core").is_dir():
        pytest.skip("node or playwright-core is missing (`npm install`; `make test` runs it)")
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "dashboard.png"
    shot.unlink(missing_ok=True)
    result = subprocess.run(
        ["node", str(Path(__file__).parent / "browser" / "dashboard.mjs"), demo_year.stack.url("reporting"),
         token("regio", "TWENTE"), "0153", str(shot), browser],
        capture_output=True, text=True, timeout=240, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    verdict = json.loads(result.stdout.strip().splitlines()[-1])
    before, after = verdict["before"], verdict["after"]
    assert verdict["problems"] == [], verdict["problems"]  # no script error, no CSP violation, no failed request
    assert before["charts"] and all(state == "klaar" for state in before["charts"]), before["charts"]
    assert before["bars"] > 50 and before["lines"] >= 1
    assert "0153" in before["gemeenten"] and len(before["gemeenten"]) == 14
    assert after["goedgekeurd"] != before["goedgekeurd"] and after["clienten"] != before["clienten"]
    assert shot.exists() and shot.stat().st_size > 20_000
    print(f"\nscreenshot: {shot} ({today_nl()})")
