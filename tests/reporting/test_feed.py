"""The pseudonymised feed: the same client has the same pseudonym in every period, no BSN, name, address or
full birth date leaves, records of one toewijzing link through toewijzingId, JSON pages equal the CSV file,
and the key in use follows the region's key list (rotation)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from services.common.problems import Problem
from services.reporting.feed import VELDEN, Pseudonymiser, current_key
from services.reporting.settings import PseudonymKey
from tests.declaration.conftest import _PERIODS

from .conftest import Region, prestatie


def _feed(r: Region, soort: str, periode: str, party: str = "TWENTE") -> list[dict]:  # type: ignore[type-arg]
    api = r.as_("reporting", party)
    out, page = [], 1
    while True:
        body = api.get(f"/v1/feed/{soort}", params={"periode": periode, "page": page, "pageSize": 500}).json()
        out.extend(body["records"])
        if not body["next"]:
            return out
        page += 1


def test_feed_pseudonyms_are_stable_across_periods_and_nothing_identifying_leaves(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(gemeente="1735", aanbieder="11110002")
    code = r.product()
    born = date(2011, 7, 23)
    bsn = r.person(born, gemeente="1735")
    nummer = r.toewijzing(bsn, code, date(2022, 1, 1), date(2026, 12, 31), born=born)["toewijzingNummer"]
    r.wait_declaration(nummer)
    months = _PERIODS.take("1735", "11110002", "jeugd", 2)
    for i, month in enumerate(months):
        r.declaratie(*month, (bsn, prestatie(f"F{i}{code}", nummer, code, *month, 3)))
    r.start(bsn, nummer, date(2022, 1, 10), date(2022, 1, 12), born=born)
    r.sync()

    p1, p2 = (f"{y:04d}-{m:02d}" for y, m in months)
    mine = lambda rows: [x for x in rows if x.get("code") == code]
    t1, t2 = mine(_feed(r, "toewijzingen", p1)), mine(_feed(r, "toewijzingen", p2))
    d1, d2 = mine(_feed(r, "declaraties", p1)), mine(_feed(r, "declaraties", p2))
    [s1] = mine(_feed(r, "startstop", "2022-01"))
    assert len(t1) == len(t2) == len(d1) == len(d2) == 1
    pseudonyms = {x["pseudoniem"] for x in (*t1, *t2, *d1, *d2, s1)}
    assert len(pseudonyms) == 1 and len(next(iter(pseudonyms))) == 64
    assert {x["toewijzingId"] for x in (*t1, *d1, *d2, s1)} == {t1[0]["toewijzingId"]}
    assert t1[0]["geboortejaar"] == 2011 and d1[0]["geboortejaar"] == 2011
    assert t1[0]["sleutelId"] == "dev-only" and t1[0]["segment"] == r.segment
    assert list(t1[0]) == [name for name, _, _ in VELDEN["toewijzingen"]]
    text = json.dumps([t1, t2, d1, d2, s1])
    for forbidden in (bsn, born.isoformat(), "Testpersoon", "Tom", "0546123456", "ToewijzingNummer",
                      "toewijzingNummer", "referentie"):
        assert forbidden not in text, forbidden
    # the CSV file is the same records
    resp = r.as_("reporting", "TWENTE").get("/v1/feed/declaraties/export.csv", params={"periode": p1})
    assert resp.status_code == 200 and resp.headers["Sleutel-Id"] == "dev-only"
    rows = [row for row in csv.DictReader(io.StringIO(resp.text)) if row["code"] == code]
    assert [row["pseudoniem"] for row in rows] == [d1[0]["pseudoniem"]]
    assert rows[0]["bedrag"] == "19500" and rows[0]["goedgekeurd"] == "True"
    manifest = r.as_("reporting", "TWENTE").get("/v1/feed/manifest", params={"periode": p1}).json()
    assert manifest["sleutelId"] == "dev-only" and manifest["aantallen"]["declaraties"] >= 1


def test_the_feed_of_a_regio_holds_only_its_member_gemeenten(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(gemeente="1640")
    code = r.product()
    r.toewijzing(r.person(gemeente="1640"), code, date(2026, 1, 1), date(2026, 1, 31))
    r.sync()
    assert [x for x in _feed(r, "toewijzingen", "2026-01") if x["code"] == code] == []
    assert len([x for x in _feed(r, "toewijzingen", "2026-01", "svc-reporting") if x["code"] == code]) == 1


def test_key_rotation_starts_a_new_series_and_a_named_key_repeats_the_old_one() -> None:
    old = PseudonymKey(id="2025", key="oude-sleutel-van-de-regio", notBefore=date(2025, 1, 1))
    new = PseudonymKey(id="2026", key="nieuwe-sleutel-van-de-regio", notBefore=date(2026, 7, 1))
    keys = [old, new]
    assert current_key(keys, date(2026, 6, 30)).id == "2025"  # the new key is not valid yet
    assert current_key(keys, date(2026, 7, 1)).id == "2026"
    assert current_key(keys, date(2026, 7, 1), "2025").id == "2025"  # still configured: an export under it
    with pytest.raises(Problem):
        current_key(keys, date(2026, 6, 30), "2026")  # a key from the future is never used
    bsn = "999900006"
    a, b = Pseudonymiser(old), Pseudonymiser(new)
    assert a.pseudonym(bsn) == Pseudonymiser(old).pseudonym(bsn)  # stable for one key
    assert a.pseudonym(bsn) != b.pseudonym(bsn)  # a new series after rotation
    assert bsn not in a.pseudonym(bsn)
