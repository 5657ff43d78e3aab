"""Who sees what: a gemeente its own, a regio its members, an aanbieder its own; the feed and the pull are
for the regio and the services; CSV export equals the JSON; bad input gets a 400 problem, never a 500."""
from __future__ import annotations

import csv
import io
from datetime import date

from .conftest import Region


def _setup(region) -> tuple[Region, Region, str]:  # type: ignore[no-untyped-def]
    """The same product in Almelo (a TWENTE member) and Leudal (not a member), one toewijzing each."""
    almelo: Region = region()
    code = almelo.product()
    leudal = Region(almelo.stack, gemeente="1640", segment=almelo.segment)
    leudal.product(code=code)
    almelo.toewijzing(almelo.person(), code, date(2026, 1, 1), date(2026, 3, 31))
    leudal.toewijzing(leudal.person(gemeente="1640"), code, date(2026, 1, 1), date(2026, 3, 31))
    almelo.sync()
    return almelo, leudal, code


def _in_care(r: Region, party: str, **params) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = r.report("zorggebruik", party=party, van="2026-01", tot="2026-01", code=r.codes[0],
                    groepering=["gemeente"], **params)
    return {row["gemeente"]: row["clientenInZorg"] for row in rows}


def test_each_party_sees_only_its_own_scope(region) -> None:  # type: ignore[no-untyped-def]
    almelo, _, _ = _setup(region)
    assert _in_care(almelo, "svc-reporting") == {"0141": 1, "1640": 1}
    assert _in_care(almelo, "TWENTE") == {"0141": 1}  # Leudal is no member of the regio
    assert _in_care(almelo, "0141") == {"0141": 1}
    assert _in_care(almelo, "1640") == {"1640": 1}
    assert _in_care(almelo, "0153") == {}
    # a filter never widens the scope: Enschede asking for Almelo gets nothing
    assert _in_care(almelo, "0153", gemeente="0141") == {}
    assert _in_care(almelo, "11110001") == {"0141": 1, "1640": 1}  # the aanbieder of both
    assert _in_care(almelo, "11110002") == {}
    assert _in_care(almelo, "11110001", aanbieder="11110002") == {}


def test_feed_and_pull_are_for_the_regio_and_services_only(reporting_as) -> None:  # type: ignore[no-untyped-def]
    for party in ("0141", "11110001"):
        api = reporting_as(party)
        for path in ("/v1/feed/toewijzingen?periode=2026-01", "/v1/feed/velden", "/v1/synchronisaties"):
            resp = api.get(path)
            assert resp.status_code == 403 and resp.headers["content-type"] == "application/problem+json", path
        assert api.post("/v1/synchronisaties").status_code == 403
    assert reporting_as("TWENTE").get("/v1/feed/velden").status_code == 200
    assert reporting_as("0141").get("/v1/rapportages/kosten", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_csv_export_has_the_same_rows_as_the_json(region) -> None:  # type: ignore[no-untyped-def]
    almelo, _, code = _setup(region)
    params = {"van": "2026-01", "tot": "2026-03", "code": code, "segment": almelo.segment, "groepering": "gemeente"}
    api = almelo.as_("reporting", "TWENTE")
    rows = api.get("/v1/rapportages/zorggebruik", params=params).json()["rijen"]
    resp = api.get("/v1/rapportages/zorggebruik/export.csv", params=params)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert resp.headers["content-disposition"] == 'attachment; filename="zorggebruik-2026-01-2026-03.csv"'
    table = list(csv.DictReader(io.StringIO(resp.text)))
    assert list(table[0]) == ["periode", "gemeente", "clientenInZorg", "instroom", "uitstroom", "toewijzingenActief",
                              "gestart", "gestopt"]
    assert [{k: str(v) for k, v in row.items()} for row in rows] == table
    assert [r["clientenInZorg"] for r in table] == ["1", "1", "1"]


def test_bad_filters_are_a_400_problem(reporting_as) -> None:  # type: ignore[no-untyped-def]
    api = reporting_as("TWENTE")
    for params in ({"van": "2026-13"}, {"van": "2026-05", "tot": "2026-01"}, {"van": "2000-01", "tot": "2026-01"},
                   {"gemeente": "141"}, {"groepering": "bsn"}, {"periode": "week"}, {"peildatum": "gisteren"}):
        resp = api.get("/v1/rapportages/kosten", params=params)
        assert resp.status_code == 400, (params, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
    resp = api.get("/v1/rapportages/concentratie", params={"groepering": "aanbieder"})
    assert resp.status_code == 400 and resp.json()["code"] == "ongeldige-groepering"
    assert api.get("/v1/rapportages/bestaat-niet").status_code == 404
    assert api.get("/v1/feed/toewijzingen", params={"periode": "2026-01", "sleutelId": "onbekend"}).status_code == 400


def test_every_report_answers_for_every_party(reporting_as) -> None:  # type: ignore[no-untyped-def]
    listing = reporting_as("0141").get("/v1/rapportages").json()["rapportages"]
    assert {r["naam"] for r in listing} == {"zorggebruik", "kosten", "concentratie", "verwijzers", "doorlooptijden",
                                            "termijnen", "budgetgebruik", "lumpsums"}
    for party in ("0141", "TWENTE", "11110001", "svc-reporting"):
        for report in listing:
            for path in (report["href"], report["csv"]):
                resp = reporting_as(party).get(path, params={"periode": "kwartaal"})
                assert resp.status_code == 200, (party, path, resp.text[:300])
