"""Pulling the message flow: each message counts once however often it is pulled, a source that is down is
reported and caught up later without loss, and the pull status says how far each source has been read."""
from __future__ import annotations

from datetime import date

from tests.declaration.conftest import _PERIODS

from .conftest import Region, prestatie, sync


def test_a_message_counts_once_however_often_it_is_pulled(region) -> None:  # type: ignore[no-untyped-def]
    r: Region = region()
    code = r.product()
    r.toewijzing(r.person(), code, date(2026, 1, 1), date(2026, 1, 31))
    for _ in range(3):  # the window makes every pull re-list recent messages; none is read twice
        r.sync()
        [row] = r.report("zorggebruik", van="2026-01", tot="2026-01", code=code)
        assert row["clientenInZorg"] == 1 and row["toewijzingenActief"] == 1
    status = r.as_("reporting", "svc-reporting").get("/v1/synchronisaties").json()["bronnen"]
    assert [s["bron"] for s in status] == ["allocation", "declaration"]
    assert all(s["cursor"] and s["berichten"] > 0 and s["laatsteFout"] is None for s in status)


def test_a_source_that_is_down_is_reported_and_caught_up_later(region, stack) -> None:  # type: ignore[no-untyped-def]
    r: Region = region(gemeente="0164", aanbieder="11110004")
    code = r.product()
    bsn = r.person(gemeente="0164")
    nummer = r.toewijzing(bsn, code, date(2022, 1, 1), date(2026, 12, 31))["toewijzingNummer"]
    r.wait_declaration(nummer)
    [month] = _PERIODS.take("0164", "11110004", "jeugd", 1)
    r.declaratie(*month, (bsn, prestatie(f"S{code}", nummer, code, *month, 2)))
    stack.stop(("declaration",))
    try:
        resp = r.as_("reporting", "svc-reporting").post("/v1/synchronisaties")
        assert resp.status_code == 200
        by_source = {b["bron"]: b for b in resp.json()["bronnen"]}
        assert by_source["declaration"]["fout"] and by_source["allocation"]["fout"] is None
        ym = f"{month[0]:04d}-{month[1]:02d}"
        assert r.report("kosten", van=ym, tot=ym, code=code) == []
    finally:
        stack.start(("declaration",))
    sync(stack)
    [row] = r.report("kosten", van=ym, tot=ym, code=code)
    assert row["goedgekeurd"] == 13000
