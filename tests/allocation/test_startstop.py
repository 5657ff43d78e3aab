"""305 start zorg and 307 stop zorg: one test per rule, each posting an offending message over HTTP and
asserting the exact retourcode on the exact class (or the 0001 header-only retour for XSLT-level rules)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.builders.allocation import Regel, start, stop
from tests.support import header_codes, retourcodes

from .conftest import World
from services.common.clock import today_nl

TODAY = today_nl()
INGANG = TODAY - timedelta(days=20)


@pytest.fixture
def toegewezen(world: Callable[..., World]) -> Callable[..., tuple[World, int]]:
    def _make(**kw) -> tuple[World, int]:  # type: ignore[no-untyped-def]
        w = world(**kw)
        tw = w.toewijzing(ingangsdatum=INGANG.isoformat())
        return w, tw["toewijzing"]["toewijzingNummer"]
    return _make


def _start(w: World, *regels: Regel) -> dict[str, list[str]]:
    _, root = w.send(start(w.aanbieder, w.gemeente, w.client(), list(regels), standard=w.standard))
    assert root is not None
    return retourcodes(root)


def _stop(w: World, *regels: Regel) -> dict[str, list[str]]:
    _, root = w.send(stop(w.aanbieder, w.gemeente, w.client(), list(regels), standard=w.standard))
    assert root is not None
    return retourcodes(root)


def test_start_accepted_without_remarks(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    resp, root = w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG)]))
    assert header_codes(root) == [] and retourcodes(root) == {}
    assert resp.headers["Berichten-Oordeel"] == "goedgekeurd"


def test_TR019_start_without_toewijzing(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    codes = _start(w, Regel(999_999_990, INGANG))
    assert codes["StartProduct"] == ["9019"]
    assert codes["Header"] == ["0200"] and codes["Client"] == ["0200"]


def test_TR019_toewijzing_of_another_client(toegewezen, world) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    other = world(contract=False)
    codes = _start(other, Regel(nummer, INGANG))
    assert codes["StartProduct"] == ["9019"]


def test_TR019_toewijzing_of_another_aanbieder(toegewezen) -> None:  # type: ignore[no-untyped-def]
    """The same client at the same gemeente, but the number is another aanbieder's: unknown to this one,
    looked up alone (one number) and among others (several), and nothing is registered on it."""
    w, nummer = toegewezen()
    other = replace(w, aanbieder="11110002")
    assert _start(other, Regel(nummer, INGANG))["StartProduct"] == ["9019"]
    assert set(_start(other, Regel(nummer, INGANG), Regel(999_999_993, INGANG))["StartProduct"]) == {"9019"}
    assert w.gem.get(f"/v1/toewijzingen/{nummer}").json()["regie"] == []
    assert _start(w, Regel(nummer, INGANG)) == {}  # its own aanbieder still starts it


def test_TR019_stop_without_toewijzing(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    codes = _stop(w, Regel(999_999_991, INGANG, einddatum=TODAY))
    assert codes["StopProduct"] == ["9019", "9069"]


def test_TR019_only_the_bad_product_is_refused(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    codes = _start(w, Regel(nummer, INGANG), Regel(999_999_992, INGANG))
    assert codes["StartProduct"] == ["0200", "9019"]
    detail = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert [r["soort"] for r in detail["regie"]] == ["start"]


def test_TR326_second_start_while_first_is_current(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    codes = _start(w, Regel(nummer, INGANG + timedelta(days=3)))
    assert codes["StartProduct"] == ["9326"]


def test_TR326_new_start_allowed_after_temporary_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=2), reden="20")) == {}
    assert _start(w, Regel(nummer, INGANG + timedelta(days=5))) == {}  # OP379


def test_TR074_start_key_already_received(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=2), reden="20")) == {}
    # the start is no longer current (stopped), but its key was received before
    codes = _start(w, Regel(nummer, INGANG))
    assert codes["StartProduct"] == ["9074"]


def test_TR063_delete_start_never_sent(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    codes = _start(w, Regel(nummer, INGANG, status="3"))
    assert codes["StartProduct"] == ["9063"]


def test_TR063_delete_stop_never_sent(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=TODAY, status="3"))
    assert codes["StopProduct"] == ["9063"]


def test_correction_delete_and_resend_start(toegewezen) -> None:  # type: ignore[no-untyped-def]
    """IV008: remove with StatusAanlevering 3 and send the corrected start (other Begindatum) in one message."""
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _start(w, Regel(nummer, INGANG, status="3"), Regel(nummer, INGANG + timedelta(days=1))) == {}
    detail = w.gem.get(f"/v1/toewijzingen/{nummer}").json()
    assert [(r["begindatum"], r["status"]) for r in detail["regie"]] == [
        (INGANG.isoformat(), "verwijderd"), ((INGANG + timedelta(days=1)).isoformat(), "actueel")]


def test_TR071_delete_start_after_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=TODAY)) == {}
    codes = _start(w, Regel(nummer, INGANG, status="3"))
    assert codes["StartProduct"] == ["9071"]


def test_TR382_stop_without_current_start(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    codes = _stop(w, Regel(nummer, INGANG + timedelta(days=1), einddatum=TODAY))  # other Begindatum than the start
    assert codes["StopProduct"] == ["9069"]


def test_TR413_second_temporary_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=2), reden="20")) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=4), reden="20"))
    # the same key (RedenBeeindiging is part of it since 3.2) is also TR074
    assert codes["StopProduct"] == ["9074", "9413"]


def test_TR414_definitive_stop_before_temporary_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=5), reden="20")) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=3), reden="31"))
    assert codes["StopProduct"] == ["9414"]


def test_definitive_stop_after_temporary_stop_is_accepted(toegewezen) -> None:  # type: ignore[no-untyped-def]
    """OP377: a definitive stop may follow a temporary stop without a new start (same Einddatum allowed)."""
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=5), reden="20")) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=5), reden="31")) == {}


def test_TR415_stop_after_definitive_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=TODAY - timedelta(days=1), reden="31")) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=TODAY, reden="34"))
    assert codes["StopProduct"] == ["9415"]


def test_TR074_stop_key_already_received(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=TODAY, reden="31")) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=TODAY, reden="31"))
    assert codes["StopProduct"] == ["9074", "9415"]


# ---- XSLT level: the whole message is rejected with 0001 ------------------------------------------
def _rejected(w: World, body: bytes, rule: str) -> None:
    resp, root = w.send(body)
    assert header_codes(root) == ["0001"]
    assert root.find("{*}Client") is None  # header only (IV028)
    assert rule in resp.headers["Afkeur-Regels"].split(",")
    assert resp.headers["Berichten-Oordeel"] == "verworpen"


def test_CS058_status_aanlevering_2_not_allowed(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    _rejected(w, start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG, status="2")]), "CS058")


def test_TR018_stop_einddatum_before_begindatum(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    _rejected(w, stop(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG, einddatum=INGANG - timedelta(days=1))]),
              "TR018")


def test_TR134_start_in_the_future(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    _rejected(w, start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, TODAY + timedelta(days=1))]), "TR134")


def test_TR101_duplicate_start_in_one_message(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    _rejected(w, start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG), Regel(nummer, INGANG)]), "TR101")


def test_CS002_bsn_fails_elfproef(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    client = w.client()
    client.bsn = "999999999"  # nine digits (passes the XSD pattern), fails the elfproef
    _rejected(w, start(w.aanbieder, w.gemeente, client, [Regel(nummer, INGANG)]), "CS002")


# ---- variants: start/stop without ToewijzingNummer ------------------------------------------------
def test_taakgericht_start_without_toewijzing_accepted_when_contract_asks(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="taakgericht", eenheid=None, startStopVerplicht=True)
    assert _start(w, Regel(None, INGANG, categorie=w.categorie, code=w.code)) == {}
    assert _stop(w, Regel(None, INGANG, categorie=w.categorie, code=w.code, einddatum=TODAY)) == {}


def test_TR019_taakgericht_without_start_stop_agreement(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="taakgericht", eenheid=None, startStopVerplicht=False)
    codes = _start(w, Regel(None, INGANG, categorie=w.categorie, code=w.code))
    assert codes["StartProduct"] == ["9019"]


def test_TR381_productcode_under_another_categorie(world) -> None:  # type: ignore[no-untyped-def]
    """The contract (the productcodelijst between gemeente and aanbieder) knows the code under its own
    categorie only: a start or stop naming it under another gets S329 (and 9019: no contract line for it)."""
    w = world(variant="taakgericht", eenheid=None, startStopVerplicht=True)
    andere = "46" if w.categorie != "46" else "45"
    assert sorted(_start(w, Regel(None, INGANG, categorie=andere, code=w.code))["StartProduct"]) == ["9019", "S329"]
    stop_codes = _stop(w, Regel(None, INGANG, categorie=andere, code=w.code, einddatum=TODAY))["StopProduct"]
    assert "S329" in stop_codes
    assert _start(w, Regel(None, INGANG, categorie=w.categorie, code=w.code)) == {}  # its own categorie


def test_TR019_inspanningsgericht_start_needs_toewijzingnummer(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="inspanningsgericht")
    codes = _start(w, Regel(None, INGANG, categorie=w.categorie, code=w.code))
    assert codes["StartProduct"] == ["9019"]


def test_TR019_outputgericht_start_needs_toewijzingnummer(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="outputgericht", eenheid="82")
    codes = _start(w, Regel(None, INGANG, categorie=w.categorie, code=w.code))
    assert codes["StartProduct"] == ["9019"]


def test_TR326_taakgericht_second_start(world) -> None:  # type: ignore[no-untyped-def]
    w = world(variant="taakgericht", eenheid=None, startStopVerplicht=True)
    assert _start(w, Regel(None, INGANG, categorie=w.categorie, code=w.code)) == {}
    codes = _start(w, Regel(None, INGANG + timedelta(days=1), categorie=w.categorie, code=w.code))
    assert codes["StartProduct"] == ["9326"]


def test_taakgericht_start_when_contracts_unreachable_is_refused_and_not_stored(world, stack) -> None:  # type: ignore[no-untyped-def]
    """Without the contract the platform cannot tell whether start/stop is asked: 503, nothing stored, and
    the very same message is accepted once the contract terms can be read again."""
    w = world(variant="taakgericht", eenheid=None, startStopVerplicht=True, geldigVanaf="2019-01-01")
    body = start(w.aanbieder, w.gemeente, w.client(), [Regel(None, INGANG, categorie=w.categorie, code=w.code)])
    stack.stop(("eligibility",))
    try:
        resp, _ = w.send(body, expect=503)
        assert resp.headers["content-type"].startswith("application/problem+json")
    finally:
        stack.start(("eligibility",))
    resp, root = w.send(body)
    assert resp.headers.get("Idempotent-Replay") is None and retourcodes(root) == {}


def test_iwmo_start_and_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen(domein="wmo")
    _, root = w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG)], standard="iwmo"))
    assert retourcodes(root) == {}
    _, root = w.send(start(w.aanbieder, w.gemeente, w.client(), [Regel(nummer, INGANG + timedelta(days=1))],
                           standard="iwmo"))
    assert retourcodes(root)["StartProduct"] == ["9326"]



# ---- TR413 / TR414 / TR415 within one 307 -----------------------------------------------------------
def test_TR415_two_definitive_stops_in_one_message(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=TODAY - timedelta(days=1), reden="31"),
                  Regel(nummer, INGANG, einddatum=TODAY, reden="34"))
    assert codes["StopProduct"] == ["0200", "9415"]
    regie = w.gem.get(f"/v1/toewijzingen/{nummer}").json()["regie"]
    assert [(r["soort"], r["redenBeeindiging"]) for r in regie] == [("start", None), ("stop", "31")]


def test_TR414_definitive_stop_before_temporary_stop_in_one_message(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    codes = _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=5), reden="20"),
                  Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=3), reden="31"))
    assert codes["StopProduct"] == ["0200", "9414"]


def test_temporary_then_definitive_stop_in_one_message_is_accepted(toegewezen) -> None:  # type: ignore[no-untyped-def]
    """OP377 within one message: the definitive stop may follow the temporary one (same or later Einddatum)."""
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=5), reden="20"),
                 Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=5), reden="31")) == {}


def test_CS139_on_the_start(toegewezen) -> None:  # type: ignore[no-untyped-def]
    w, nummer = toegewezen()
    _rejected(w, start(w.aanbieder, w.gemeente, w.client(geboortedatum=date(2012, 5, 15), datum_gebruik="1"),
                       [Regel(nummer, INGANG)]), "CS139")


# ---- OP271 / OP272: was the start / stop in time? ------------------------------------------------------
def _tijdig(w: World, nummer: int) -> list[tuple[str, str | None, bool | None]]:
    regie = w.gem.get(f"/v1/toewijzingen/{nummer}").json()["regie"]
    return [(r["soort"], r["redenBeeindiging"], r["tijdig"]) for r in regie]


def test_OP271_OP272_terugwerkende_kracht_and_stop_after_temporary_stop(toegewezen) -> None:  # type: ignore[no-untyped-def]
    """The toewijzing was issued today from 20 days ago (terugwerkende kracht): a start today is in time (OP271:
    5 werkdagen after receipt of the 301). The temporary stop of 18 days ago is late; the definitive stop after
    it is due once the end was known (OP272), which no message says: not to be established while the toewijzing
    still runs."""
    w, nummer = toegewezen()
    assert _start(w, Regel(nummer, INGANG)) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=2), reden="20")) == {}
    assert _stop(w, Regel(nummer, INGANG, einddatum=INGANG + timedelta(days=2), reden="31")) == {}
    assert _tijdig(w, nummer) == [("start", None, True), ("stop", "20", False), ("stop", "31", None)]


def test_OP272_definitive_stop_after_temporary_stop_is_late_after_the_toewijzing_ended(world) -> None:  # type: ignore[no-untyped-def]
    """By the end of the toewijzing it was known that delivery stopped for good: more than 5 werkdagen after
    that, the definitive stop is late whatever its Einddatum."""
    w = world()
    ingang, eind = TODAY - timedelta(days=60), TODAY - timedelta(days=15)
    nummer = w.toewijzing(ingangsdatum=ingang.isoformat(), einddatum=eind.isoformat())["toewijzing"]["toewijzingNummer"]
    assert _start(w, Regel(nummer, ingang)) == {}
    assert _stop(w, Regel(nummer, ingang, einddatum=ingang + timedelta(days=5), reden="20")) == {}
    assert _stop(w, Regel(nummer, ingang, einddatum=ingang + timedelta(days=5), reden="31")) == {}
    assert _tijdig(w, nummer) == [("start", None, True), ("stop", "20", False), ("stop", "31", False)]
