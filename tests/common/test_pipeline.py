"""The inbound pipeline over real HTTP: auth, routing, retour layering, idempotency, TR056, TR135, mailbox."""
from __future__ import annotations

import concurrent.futures
from datetime import timedelta

import httpx
import pytest
from lxml import etree

from services.common.clock import today_nl
from services.common.messages.types import by_code

from ..support import header_codes, parse_xml, retourcodes
from .factory import start_bericht

XML = {"Content-Type": "application/xml"}


def auth(party: str) -> dict[str, str]:
    kind = "gemeente" if len(party) == 4 else "aanbieder"
    return {"Authorization": f"Bearer demo-{kind}-{party}", **XML}


def post(url: str, body: bytes, party: str = "11110001") -> httpx.Response:
    return httpx.post(url + "/v1/berichten", content=body, headers=auth(party), timeout=30)


@pytest.fixture
def url(kernel_service) -> str:  # type: ignore[no-untyped-def]
    return kernel_service.url


def test_missing_and_unknown_token_are_401(url: str) -> None:
    r = httpx.post(url + "/v1/berichten", content=start_bericht(), headers=XML)
    assert r.status_code == 401 and r.json()["code"] == "niet-geauthenticeerd"
    assert r.headers["www-authenticate"] == "Bearer"
    r = httpx.post(url + "/v1/berichten", content=start_bericht(), headers={"Authorization": "Bearer nope", **XML})
    assert r.status_code == 401 and r.json()["code"] == "token-ongeldig"


def test_acting_for_another_party_is_refused(url: str) -> None:
    r = post(url, start_bericht(afzender="11110002"), party="11110001")
    assert r.status_code == 403 and r.json()["code"] == "afzender-niet-toegestaan"
    r = post(url, start_bericht(), party="0141")  # a gemeente posting an aanbieder's message
    assert r.status_code == 403


def test_unknown_ontvanger(url: str) -> None:
    r = post(url, start_bericht(ontvanger="0363"))
    assert r.status_code == 400 and r.json()["code"] == "onbekende-ontvanger"


def test_message_for_another_service_names_it(url: str) -> None:
    body = start_bericht().replace(b"jw305", b"jw323")  # namespace of a 323: routed before XSD validation
    r = post(url, body)
    assert r.status_code == 400
    assert r.json()["code"] == "verkeerde-dienst" and r.json()["dienst"] == "declaration"
    assert "declaration" in r.json()["detail"]


def test_outbound_only_type_cannot_be_posted(url: str) -> None:
    body = start_bericht().replace(b"jw305", b"jw301")
    r = post(url, body)
    assert r.status_code == 400 and r.json()["code"] == "bericht-niet-ontvangbaar"


def test_approved_message_gets_header_only_retour(url: str, official_dir) -> None:  # type: ignore[no-untyped-def]
    r = post(url, start_bericht())
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = parse_xml(r.content)
    assert etree.QName(root).namespace == by_code("JW306").namespace
    assert root.find("{*}Client") is None and header_codes(root) == []
    assert r.headers["Berichten-Oordeel"] == "goedgekeurd"
    _official_valid(official_dir, "JW306", root)


def test_class_level_rejection_layering(url: str, official_dir) -> None:  # type: ignore[no-untyped-def]
    r = post(url, start_bericht(statuses=("1", "3")))
    root = parse_xml(r.content)
    codes = retourcodes(root)
    assert header_codes(root) == ["0200"]
    assert codes["Client"] == ["0200"]
    assert codes["StartProduct"] == ["0200", "9063"]
    assert r.headers["Afkeur-Regels"] == "TEST063"
    _official_valid(official_dir, "JW306", root)


def test_iwmo_retour_uses_iwmo_namespace(url: str) -> None:
    r = post(url, start_bericht(standard="WMO", statuses=("3",)))
    assert r.status_code == 200
    root = parse_xml(r.content)
    assert etree.QName(root).namespace == by_code("WMO306").namespace
    assert retourcodes(root)["StartProduct"] == ["9063"]


def test_same_message_twice_returns_the_stored_retour(url: str) -> None:
    body = start_bericht()
    first, second = post(url, body), post(url, body)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert second.headers["Idempotent-Replay"] == "true"
    assert first.headers["Bericht-Id"] == second.headers["Bericht-Id"]


def test_same_identification_other_content_is_9056(url: str) -> None:
    body = start_bericht(identificatie="DUPTEST1")
    first = post(url, body)
    other = post(url, start_bericht(identificatie="DUPTEST1", statuses=("1", "1")))
    assert header_codes(parse_xml(other.content)) == ["9056"]
    assert other.headers["Berichten-Oordeel"] == "verworpen"
    # the first one is untouched and still answers with its own retour
    again = post(url, body)
    assert again.content == first.content


def test_concurrent_duplicates_store_one_message(url: str) -> None:
    body = start_bericht()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda _: post(url, body), range(8)))
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert len({r.headers["Bericht-Id"] for r in responses}) == 1


def test_dagtekening_in_the_future_is_8848(url: str) -> None:
    r = post(url, start_bericht(dagtekening=today_nl() + timedelta(days=1)))
    root = parse_xml(r.content)
    assert header_codes(root) == ["8848"] and root.find("{*}Client") is None


def test_mailbox_is_scoped_paged_and_confirmable(url: str) -> None:
    r = post(url, start_bericht())
    bericht_id, retour_id = r.headers["Bericht-Id"], r.headers["Retour-Id"]
    gemeente = auth("0141")
    inbox = httpx.get(url + "/v1/berichten", params={"status": "nieuw", "pageSize": 500}, headers=gemeente).json()
    assert bericht_id in [m["id"] for m in inbox["results"]]
    page = httpx.get(url + "/v1/berichten", params={"status": "nieuw", "pageSize": 1}, headers=gemeente).json()
    assert page["pageSize"] == 1 and len(page["results"]) == 1
    if page["count"] > 1:
        assert "page=2" in page["next"]
    created = [m["aangemaaktOp"] for m in inbox["results"]]
    assert created == sorted(created)  # oldest first
    # another gemeente and another aanbieder do not even learn it exists
    for party in ("0153", "11110002"):
        assert httpx.get(url + f"/v1/berichten/{bericht_id}", headers=auth(party)).status_code == 404
        assert httpx.post(url + f"/v1/berichten/{bericht_id}/ontvangen", headers=auth(party)).status_code == 404
    # the sender sees its own message and the retour, byte for byte
    assert httpx.get(url + f"/v1/berichten/{retour_id}/inhoud", headers=auth("11110001")).content == r.content
    done = httpx.post(url + f"/v1/berichten/{bericht_id}/ontvangen", headers=gemeente).json()
    assert done["status"] == "ontvangen" and done["ontvangenOp"]
    inbox = httpx.get(url + "/v1/berichten", params={"status": "nieuw", "pageSize": 500}, headers=gemeente).json()
    assert bericht_id not in [m["id"] for m in inbox["results"]]


def test_api_conventions_on_every_response(url: str) -> None:
    r = httpx.get(url + "/v1/berichten", headers={**auth("0141"), "X-Request-ID": "trace-me-123"})
    assert r.headers["API-Version"]
    assert r.headers["X-Request-ID"] == "trace-me-123"
    assert r.headers["Cache-Control"] == "no-store"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    bad = httpx.get(url + "/v1/berichten", params={"pageSize": 0}, headers=auth("0141"))
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert bad.json()["invalidParams"][0]["name"] == "pageSize"
    assert httpx.get(url + "/v1/openapi.json").status_code == 200  # published without auth
    assert httpx.get(url + "/docs").status_code == 200
    assert httpx.get(url + "/nergens").json()["status"] == 404


def test_metrics_count_messages(url: str) -> None:
    post(url, start_bericht())
    text = httpx.get(url + "/metrics").text
    assert 'berichten_total{service="allocation",type="JW305",verdict="goedgekeurd"}' in text
    assert "http_request_duration_seconds_bucket" in text


def test_validate_only_endpoint_stores_nothing(url: str) -> None:
    body = start_bericht()
    r = httpx.post(url + "/v1/berichten/validaties", content=body, headers=auth("11110001"))
    assert r.status_code == 200 and r.json() == {"geldig": True, "berichtType": "JW305"}
    bad = httpx.post(url + "/v1/berichten/validaties", content=start_bericht(bsn="12"), headers=auth("11110001"))
    assert bad.status_code == 400 and bad.json()["code"] == "xsd-validatie"


def _official_valid(official_dir, code: str, root: etree._Element) -> None:  # type: ignore[no-untyped-def]
    std = "ijw" if code.startswith("JW") else "iwmo"
    path = official_dir / "xsd" / std / "3.2" / f"{code}.xsd"
    schema = etree.XMLSchema(etree.parse(str(path)))
    assert schema.validate(root), schema.error_log


def test_outbox_keeps_order_per_destination(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A newer event never overtakes an older one that waits out its backoff for the same destination."""
    import threading
    from datetime import timedelta
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from services.common.app import build_context
    from services.common.devstack import free_port
    from services.common.migrate import upgrade
    from services.common.outbox import enqueue, relay_once
    from services.common.settings import CommonSettings
    from services.common.store.models import OutboxEntry, utcnow

    received: list[str] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            received.append(self.headers["Event-Id"])
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/events"
    settings = CommonSettings(service_name="allocation", database_url=f"sqlite:///{tmp_path / 'o.db'}")
    upgrade("allocation", settings)
    ctx = build_context("allocation", settings)
    try:
        with ctx.db.transaction() as s:
            first = enqueue(s, kind="t", destination=url, payload={"n": 1}, event_id="first")
            s.flush()
            first.next_attempt_at = utcnow() + timedelta(hours=1)  # as if it failed and backs off
            enqueue(s, kind="t", destination=url, payload={"n": 2}, event_id="second")
        with httpx.Client() as client:
            assert relay_once(ctx, client) == 0 and received == []
            with ctx.db.transaction() as s:
                s.get(OutboxEntry, first.id).next_attempt_at = utcnow()
            assert relay_once(ctx, client) == 2
        assert received == ["first", "second"]
    finally:
        server.shutdown()
        ctx.db.dispose()
