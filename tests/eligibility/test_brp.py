"""The BRP client against the stand-in BRP over real HTTP: fields, parsing, batching, cache, and the
unavailability of the BRP (503 brp-onbereikbaar, never a guess)."""
from __future__ import annotations

import time
from datetime import date

import httpx
import pytest

from services.eligibility.brp.client import FIELDS, BrpClient, BrpRequestInvalid, BrpUnavailable
from tests.support import next_bsn

from .conftest import brp_answers, brp_down, brp_post, check_body


def client(stack, **kw) -> BrpClient:  # type: ignore[no-untyped-def]
    kw.setdefault("api_key", "demo-brp-key")
    return BrpClient(stack.url("brp"), **kw)


def requests_seen(stack) -> int:  # type: ignore[no-untyped-def]
    return int(httpx.get(stack.url("brp") + "/test/statistiek", timeout=10).json()["verzoeken"])


def test_brp_client_reads_a_person(stack, add_person) -> None:
    bsn = add_person("2011-04-08", "0153", verblijfInstelling=True, gemeenteVoorVerblijf="0164")
    brp = client(stack)
    try:
        p = brp.get_person(bsn)
    finally:
        brp.close()
    assert p is not None
    assert (p.geboortedatum, p.gemeente_van_inschrijving, p.verblijfplaats_type, p.overleden) == \
        (date(2011, 4, 8), "0153", "Adres", False)
    assert (p.in_instelling, p.gemeente_voor_verblijf) == (True, "0164")
    assert bsn not in repr(p)  # personal fields stay out of repr, so out of tracebacks and logs


def test_brp_client_deceased_partial_dates_and_unknown(stack, add_person) -> None:
    dead = add_person("1940-02-02", "0141", overlijdensdatum="2025-12-24")
    partial = add_person("2012-05", "0141")
    unknown = next_bsn()
    brp = client(stack)
    try:
        found = brp.get_persons([dead, partial, unknown])
    finally:
        brp.close()
    assert found.persons[dead].overleden and found.persons[dead].overlijdensdatum == date(2025, 12, 24)
    p = found.persons[partial]
    assert p.geboortedatum is None and (p.geboortedatum_vroegst, p.geboortedatum_laatst) == \
        (date(2012, 5, 1), date(2012, 5, 31))
    assert found.persons[unknown] is None and not found.unavailable


def test_brp_client_asks_only_the_needed_fields(stack) -> None:
    # the stand-in answers what the specification allows; names are never asked for
    assert "naam" not in " ".join(FIELDS)
    body = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999900006"], "fields": FIELDS}
    answer = httpx.post(stack.url("brp") + "/haalcentraal/api/brp/personen", json=body,
                        headers={"X-API-KEY": "demo-brp-key"}, timeout=10)
    assert answer.status_code == 200
    person = answer.json()["personen"][0]
    assert set(person) <= {"burgerservicenummer", "geboorte", "gemeenteVanInschrijving", "verblijfplaats",
                           "overlijden", "opschortingBijhouding", "standinVerblijf"}
    assert person["geboorte"] == {"datum": {"type": "Datum", "datum": "2010-02-14", "langFormaat": "14 februari 2010"}}


def test_standin_refuses_unknown_fields_and_missing_key(stack) -> None:
    url = stack.url("brp") + "/haalcentraal/api/brp/personen"
    body = {"type": "RaadpleegMetBurgerservicenummer", "burgerservicenummer": ["999900006"], "fields": ["bestaatniet"]}
    bad = httpx.post(url, json=body, headers={"X-API-KEY": "demo-brp-key"}, timeout=10)
    assert bad.status_code == 400 and bad.json()["invalidParams"][0]["name"] == "fields[0]"
    assert httpx.post(url, json={**body, "fields": FIELDS}, timeout=10).status_code == 401
    too_many = {**body, "fields": FIELDS, "burgerservicenummer": ["999900006"] * 21}
    assert httpx.post(url, json=too_many, headers={"X-API-KEY": "demo-brp-key"}, timeout=10).status_code == 400


def test_brp_client_batches_per_20_and_caches(stack, add_person) -> None:
    bsns = [next_bsn() for _ in range(45)]
    brp_post(stack, "/test/personen", [{"burgerservicenummer": b, "geboortedatum": "2012-01-01",
                                        "gemeenteVanInschrijving": "0141"} for b in bsns])
    brp = client(stack, cache_seconds=60)
    try:
        before = requests_seen(stack)
        first = brp.get_persons(bsns)
        assert all(first.persons[b] is not None for b in bsns)
        assert requests_seen(stack) - before == 3  # 45 persons: 20 + 20 + 5
        second = brp.get_persons(bsns)
        assert requests_seen(stack) - before == 3  # all from the cache
        assert second.persons == first.persons
    finally:
        brp.close()
    uncached = client(stack, cache_seconds=0)
    try:
        before = requests_seen(stack)
        uncached.get_persons(bsns[:5])
        uncached.get_persons(bsns[:5])
        assert requests_seen(stack) - before == 2
    finally:
        uncached.close()


def test_brp_client_unavailable_after_retries(stack) -> None:
    brp = client(stack, retries=2)
    try:
        with brp_down(stack):
            started = time.perf_counter()
            with pytest.raises(BrpUnavailable) as err:
                brp.get_person(next_bsn())
            assert "503" in err.value.reason
            assert time.perf_counter() - started < 5
    finally:
        brp.close()


def test_brp_client_connection_refused_and_wrong_key(stack) -> None:
    from services.common.devstack import free_port

    nowhere = BrpClient(f"http://127.0.0.1:{free_port()}", api_key="x", retries=1, timeout=1)
    try:
        with pytest.raises(BrpUnavailable):
            nowhere.get_person("999900006")
    finally:
        nowhere.close()
    wrong_key = client(stack, api_key="verkeerd")
    try:
        with pytest.raises(BrpUnavailable) as err:
            wrong_key.get_person("999900006")
        assert "401" in err.value.reason
    finally:
        wrong_key.close()


def test_brp_client_timeout(stack) -> None:
    brp = client(stack, timeout=0.3, retries=1, cache_seconds=0)
    try:
        brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 1500})
        started = time.perf_counter()
        with pytest.raises(BrpUnavailable) as err:
            brp.get_person("999900006")
        assert err.value.reason == "timeout"
        assert time.perf_counter() - started < 3
    finally:
        brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 0})
        brp.close()


def test_check_answers_503_brp_onbereikbaar_when_brp_down(eligibility_as, stack, add_person) -> None:
    bsn = add_person("2012-01-01", "0141")
    almelo = eligibility_as("0141")
    with brp_down(stack):
        response = almelo.post("/v1/checks", json=check_body(bsn))
        batch = almelo.post("/v1/checks/batch", json={"checks": [check_body(bsn)]})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "brp-onbereikbaar"
    assert bsn not in response.text
    assert batch.status_code == 200 and batch.json()["resultaten"][0]["fout"]["code"] == "brp-onbereikbaar"
    # the unanswered check is in the audit trail too
    audit = almelo.get("/v1/checks", params={"uitkomst": "brp-onbereikbaar"}).json()
    assert audit["count"] >= 1
    # and once the BRP is back, the same question is answered
    assert almelo.post("/v1/checks", json=check_body(bsn)).json()["toegestaan"] is True


def test_cached_person_is_answered_while_brp_down(eligibility_as, stack, add_person) -> None:
    cached = add_person("2012-01-01", "0141")
    almelo = eligibility_as("0141")
    assert almelo.post("/v1/checks", json=check_body(cached)).status_code == 200  # now in the service's cache
    fresh = add_person("2012-01-01", "0141")
    with brp_down(stack):
        assert almelo.post("/v1/checks", json=check_body(cached)).status_code == 200
        assert almelo.post("/v1/checks", json=check_body(fresh)).status_code == 503


# ---- what the client reads: partial dates as ranges, opschorting, datumVan, verblijft niet op adres -------
def test_brp_client_reads_ranges_opschorting_and_address_marks(stack, add_person) -> None:
    dead = add_person("1944-08-08", "0141", overlijdensdatum="2026-05")
    emigrated = add_person("2013-03-03", "0141", opschorting="E", opschortingDatum="2025-08-01", adresSinds="2020-02")
    not_there = add_person("2010-07-07", "0153", verblijftNietOpAdres=True, adresSinds=None)
    brp = client(stack, cache_seconds=0)
    try:
        found = brp.get_persons([dead, emigrated, not_there]).persons
    finally:
        brp.close()
    d = found[dead]
    assert d.overleden and d.overlijdensdatum is None  # never a guessed day
    assert (d.overlijdensdatum_vroegst, d.overlijdensdatum_laatst) == (date(2026, 5, 1), date(2026, 5, 31))
    e = found[emigrated]
    assert (e.opschorting_reden, e.opschorting_datum, e.overleden) == ("E", date(2025, 8, 1), False)
    assert (e.adres_vanaf_vroegst, e.adres_vanaf_laatst, e.adres_vanaf_bekend) == \
        (date(2020, 2, 1), date(2020, 2, 29), True)
    n = found[not_there]
    assert n.verblijft_niet_op_adres and n.adres_vanaf_bekend is False and not n.overleden


# ---- a 400 of the BRP is our configuration error: 502 brp-verzoek-ongeldig, logged as an error ------------
def test_brp_400_is_a_configuration_error_not_an_outage(stack) -> None:
    brp = client(stack, retries=2, cache_seconds=0)
    try:
        with brp_answers(stack, 400):
            before = requests_seen(stack)
            with pytest.raises(BrpRequestInvalid) as err:
                brp.get_person(next_bsn())
            assert requests_seen(stack) - before == 1  # retrying our own wrong request helps nobody
    finally:
        brp.close()
    assert not isinstance(err.value, BrpUnavailable) and "400" in err.value.reason


def test_check_answers_502_brp_verzoek_ongeldig(eligibility_as, stack, add_person) -> None:
    bsn = add_person("2012-01-01", "0141")
    almelo = eligibility_as("0141")
    with brp_answers(stack, 400):
        response = almelo.post("/v1/checks", json=check_body(bsn, peildatum="2026-04-04"))
        batch = almelo.post("/v1/checks/batch", json={"checks": [check_body(bsn)]})
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "brp-verzoek-ongeldig" and bsn not in response.text
    assert batch.json()["resultaten"][0]["fout"]["status"] == 502
    audit = almelo.get("/v1/checks", params={"uitkomst": "brp-verzoek-ongeldig", "gevraagdDoor": "0141"}).json()
    assert any(r["peildatum"] == "2026-04-04" for r in audit["results"])
    lines = [ln for ln in stack.procs["eligibility"].log_path.read_text(errors="replace").splitlines()
             if "brp_request_invalid" in ln]
    assert lines and all('"error"' in ln and bsn not in ln for ln in lines)
    assert almelo.post("/v1/checks", json=check_body(bsn)).status_code == 200  # fixed: answered again


# ---- 429: Retry-After is honoured, and passed on when waiting would pass the deadline --------------------
def test_brp_429_waits_for_retry_after(stack) -> None:
    brp = client(stack, retries=1, cache_seconds=0, deadline_seconds=10)
    try:
        with brp_answers(stack, 429, retry_after="1"):
            before, started = requests_seen(stack), time.perf_counter()
            with pytest.raises(BrpUnavailable) as err:
                brp.get_person(next_bsn())
            elapsed = time.perf_counter() - started
            assert requests_seen(stack) - before == 2
        assert elapsed >= 1.0 and err.value.retry_after == 1.0  # waited as asked, not the 0.1 s backoff
        with brp_answers(stack, 429, retry_after="120"):
            before, started = requests_seen(stack), time.perf_counter()
            with pytest.raises(BrpUnavailable) as err:
                brp.get_person(next_bsn())
            assert requests_seen(stack) - before == 1 and time.perf_counter() - started < 2
        assert err.value.retry_after == 120.0
    finally:
        brp.close()


def test_check_passes_the_brps_retry_after_on(eligibility_as, stack, add_person) -> None:
    bsn = add_person("2012-01-01", "0141")
    with brp_answers(stack, 429, retry_after="60"):
        response = eligibility_as("0141").post("/v1/checks", json=check_body(bsn))
    assert response.status_code == 503 and response.json()["code"] == "brp-onbereikbaar"
    assert response.headers["retry-after"] == "60" and response.json()["retryAfter"] == 60
    assert eligibility_as("0141").post("/v1/checks", json=check_body(bsn)).status_code == 200


# ---- a hanging BRP: one deadline per request, and a circuit breaker ----------------------------------------
def test_brp_deadline_bounds_a_whole_batch(stack) -> None:
    bsns = [next_bsn() for _ in range(45)]  # 3 chunks, asked one after the other
    brp = client(stack, timeout=1.0, retries=2, concurrency=1, cache_seconds=0, deadline_seconds=1.5,
                 breaker_failures=0)
    try:
        brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 3000})
        started = time.perf_counter()
        lookup = brp.get_persons(bsns)
        elapsed = time.perf_counter() - started
    finally:
        brp_post(stack, "/test/beschikbaarheid", {"beschikbaar": True, "vertragingMs": 0})
        brp.close()
    # without the deadline: 3 chunks x 3 attempts x 1 s and more
    assert elapsed < 2.5, elapsed
    assert set(lookup.unavailable) == set(bsns)
    assert any("deadline" in e.reason for e in lookup.unavailable.values())


def test_brp_circuit_breaker_fails_fast_then_tries_again(stack) -> None:
    brp = client(stack, retries=0, cache_seconds=0, breaker_failures=2, breaker_cooldown_seconds=1.0)
    try:
        with brp_down(stack):
            for _ in range(2):
                with pytest.raises(BrpUnavailable):
                    brp.get_person(next_bsn())
            before = requests_seen(stack)
            with pytest.raises(BrpUnavailable) as err:
                brp.get_person(next_bsn())
            assert requests_seen(stack) == before  # open: the BRP is not asked at all
            assert err.value.reason == "stroomonderbreker open" and 0 < (err.value.retry_after or 0) <= 1.0
            time.sleep(1.1)
            with pytest.raises(BrpUnavailable):  # cool-down over: asked again; one failure opens it at once
                brp.get_person(next_bsn())
            assert requests_seen(stack) == before + 1
            with pytest.raises(BrpUnavailable) as again:
                brp.get_person(next_bsn())
            assert again.value.reason == "stroomonderbreker open"
        with pytest.raises(BrpUnavailable):  # the BRP is back, but the breaker is still open
            brp.get_person("999900006")
        time.sleep(1.1)
        assert brp.get_person("999900006") is not None  # closed again after one success
        assert brp.get_person("999900006") is not None
    finally:
        brp.close()
