"""Fixtures for the declaration tests: contract lines through the eligibility admin API, toewijzingen as
events to the declaration service (the real interfaces over real HTTP), and a period allocator.

Why a period allocator: TR318 refuses a DeclaratiePeriode before the last one an aanbieder sent to a gemeente
(the same month again is allowed, IV090). Tests share the demo parties, so every test takes fresh months for
its (gemeente, aanbieder, domein) from one increasing sequence and never lands before another test's month.
"""
from __future__ import annotations

import itertools
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from tests.builders.declaration import Declaratie, Prestatie, month_bounds
from tests.support import Api, next_bsn, parse_xml, unique_code
from services.common.clock import today_nl

GEMEENTE = "0141"
AANBIEDER = "11110001"
_nummers = itertools.count(int(uuid.uuid4().int % 400_000_000) + 100_000_000)


def next_nummer() -> int:
    return next(_nummers)


def stranger_bsn() -> str:
    """A BSN that has no toewijzing anywhere (not even one of the demo data)."""
    from services.declaration.demo import DEMO_BSNS

    while True:
        bsn = next_bsn()
        if bsn not in DEMO_BSNS:
            return bsn


class Periods:
    """Hands out consecutive, never reused months per (gemeente, aanbieder, domein), from 2022-01 on."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, str, str], tuple[int, int]] = {}
        self._lock = threading.Lock()

    def take(self, gemeente: str, aanbieder: str, domein: str = "jeugd", n: int = 1) -> list[tuple[int, int]]:
        with self._lock:
            year, month = self._next.get((gemeente, aanbieder, domein), (2022, 1))
            out = []
            for _ in range(n):
                out.append((year, month))
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            # the DeclaratiePeriode must lie in the past (TR137 needs product periods ≤ the Dagtekening)
            assert (year, month) <= (today_nl().year, today_nl().month), "period allocator exhausted"
            self._next[(gemeente, aanbieder, domein)] = (year, month)
            return out


_PERIODS = Periods()
UNIQUE: Any = object()  # "make up a unique product code" (None means an aspecifieke contract line)


@pytest.fixture
def periods() -> Periods:
    return _PERIODS


@dataclass
class World:
    """One test's slice of the platform: its contract lines, toewijzingen and declaraties."""

    eligibility: Callable[[str], Api]
    declaration: Callable[[str], Api]
    gemeente: str = GEMEENTE
    aanbieder: str = AANBIEDER
    domein: str = "jeugd"
    versions: dict[int, int] = field(default_factory=dict)

    # ---- contracts (eligibility admin API) ------------------------------------------------------------
    def contract(self, *, categorie: str = "45", code: Any = UNIQUE, variant: str = "inspanningsgericht",
                 eenheid: str | None = "04", tarief: int | None = 6500, vanaf: str = "2021-01-01",
                 tot: str | None = None, gemeente: str | None = None, aanbieder: str | None = None,
                 **extra: Any) -> dict[str, Any]:
        body = {
            "gemeente": gemeente or self.gemeente, "aanbieder": aanbieder or self.aanbieder, "domein": self.domein,
            "categorie": categorie, "code": unique_code() if code is UNIQUE else code, "naam": extra.pop("naam", "Testproduct"),
            "perceel": extra.pop("perceel", None), "uitvoeringsvariant": variant, "eenheid": eenheid,
            "tarief": tarief, "geldigVanaf": vanaf, "geldigTot": tot, **extra,
        }
        resp = self.eligibility(body["gemeente"]).post("/v1/contracten", json=body)
        if resp.status_code == 404:
            pytest.skip("eligibility has no contract admin API (POST /v1/contracten) yet")
        assert resp.status_code == 201, resp.text
        return resp.json()  # type: ignore[no-any-return]

    # ---- toewijzingen (events, as the allocation service sends them) -----------------------------------
    def toewijzing(self, bsn: str, *, categorie: str | None = "45", code: str | None = None,
                   ingang: date | str, eind: date | str | None = None, volume: int | None = None,
                   eenheid: str | None = None, frequentie: str | None = None, budget: int | None = None,
                   status: str = "actief", reden: str | None = None, nummer: int | None = None,
                   aanbieder: str | None = None, versie: int | None = None) -> int:
        nummer = nummer or next_nummer()
        versie = versie if versie is not None else self.versions.get(nummer, 0) + 1
        self.versions[nummer] = max(versie, self.versions.get(nummer, 0))
        event = {
            "eventId": str(uuid.uuid4()), "kind": "toewijzing.gewijzigd", "versie": versie,
            "occurredAt": "2026-01-01T10:00:00Z",
            "toewijzing": {
                "gemeente": self.gemeente, "aanbieder": aanbieder or self.aanbieder, "domein": self.domein,
                "bsn": bsn, "toewijzingNummer": nummer,
                "product": None if categorie is None else {"categorie": categorie, "code": code},
                "ingangsdatum": str(ingang), "einddatum": str(eind) if eind else None, "redenWijziging": reden,
                "omvang": None if volume is None else {"volume": volume, "eenheid": eenheid, "frequentie": frequentie},
                "budget": budget, "status": status, "berichtId": None,
            },
        }
        resp = self.declaration("svc-allocation").post("/v1/events", json=event,
                                                       headers={"Event-Id": event["eventId"]})
        assert resp.status_code == 200, resp.text
        return nummer

    # ---- declaraties ---------------------------------------------------------------------------------
    def declaratie(self, year: int, month: int, **kw: Any) -> Declaratie:
        return Declaratie(afzender=self.aanbieder, ontvanger=self.gemeente, periode=(year, month),
                          standard="ijw" if self.domein == "jeugd" else "iwmo", **kw)

    def post(self, d: Declaratie) -> Answer:
        resp = self.declaration(self.aanbieder).post_xml(d.to_bytes())
        assert resp.status_code == 200, resp.text
        return Answer(resp, parse_xml(resp.content))

    def months(self, n: int = 1) -> list[tuple[int, int]]:
        return _PERIODS.take(self.gemeente, self.aanbieder, self.domein, n)

    def case(self, *, months: int = 1, eenheid: str = "04", tarief: int = 6000, volume: int | None = 10,
             frequentie: str | None = "2", budget: int | None = None, variant: str = "inspanningsgericht",
             categorie: str = "45", toewijzing_eind: date | None = None, contract: dict[str, Any] | None = None,
             ingang: date | None = None) -> Case:
        """The common setup: a contract line, a client with a toewijzing from the first month on, and
        `months` fresh declaratie periods (inspanningsgericht, 10 uur per week at 60 euro an hour)."""
        periods = self.months(months)
        y, m = periods[0]
        begin, _ = month_bounds(y, m)
        line = self.contract(categorie=categorie, eenheid=eenheid, tarief=tarief, variant=variant,
                             **(contract or {}))
        bsn = next_bsn()
        toewijzing_eind = toewijzing_eind or date(periods[-1][0] + 1, 12, 31)
        nummer = self.toewijzing(bsn, categorie=categorie, code=line["code"], ingang=ingang or begin,
                                 eind=toewijzing_eind, volume=volume, eenheid=eenheid if volume is not None else None,
                                 frequentie=frequentie if volume is not None else None, budget=budget)
        return Case(self, periods, line["code"], categorie, bsn, nummer, tarief, eenheid, line)


@dataclass
class Case:
    world: World
    periods: list[tuple[int, int]]
    code: str
    categorie: str
    bsn: str
    nummer: int
    tarief: int
    eenheid: str
    line: dict[str, Any]

    @property
    def year(self) -> int:
        return self.periods[0][0]

    @property
    def month(self) -> int:
        return self.periods[0][1]

    def bounds(self, i: int = 0) -> tuple[date, date]:
        return month_bounds(*self.periods[i])

    def prestatie(self, i: int = 0, *, ref: str | None = None, volume: int = 4, **kw: Any) -> Prestatie:
        begin, end = self.bounds(i)
        values: dict[str, Any] = {"ref": ref or new_ref(), "toewijzing": self.nummer, "categorie": self.categorie,
                                      "code": self.code, "begin": begin, "eind": end, "volume": volume, "eenheid": self.eenheid,
                                      "tarief": None if self.eenheid == "83" else self.tarief}
        values.update(kw)
        return Prestatie(**values)

    def declaratie(self, i: int = 0, *prestaties: Prestatie, **kw: Any) -> Declaratie:
        d = self.world.declaratie(*self.periods[i], **kw)
        d.add(self.bsn, *(prestaties or (self.prestatie(i),)))
        return d

    def post(self, i: int = 0, *prestaties: Prestatie, **kw: Any) -> Answer:
        return self.world.post(self.declaratie(i, *prestaties, **kw))

    def another_client(self, **kw: Any) -> tuple[str, int]:
        """A second client with the same kind of toewijzing (for a good prestatie beside a bad one)."""
        bsn = next_bsn()
        begin, _ = self.bounds()
        values: dict[str, Any] = {"categorie": self.categorie, "code": self.code, "ingang": begin,
                                      "eind": date(self.periods[-1][0] + 1, 12, 31), "volume": 10, "eenheid": self.eenheid,
                                      "frequentie": "2"}
        values.update(kw)
        return bsn, self.world.toewijzing(bsn, **values)

    def with_good_prestatie(self, d: Declaratie, i: int = 0, volume: int = 3) -> Prestatie:
        """Add an approvable prestatie of another client; returns it (its amount is what gets toegekend)."""
        bsn, nummer = self.another_client()
        good = self.prestatie(i, toewijzing=nummer, volume=volume)
        d.add(bsn, good)
        return good


def new_ref() -> str:
    return "R" + secrets.token_hex(9).upper()


# ---- calendar counts as the standard's texts state them (IV076/IV077), independent of services.declaration ----
def days_of(begin: date, end: date) -> list[date]:
    return [begin + timedelta(days=n) for n in range((end - begin).days + 1)]


def week_numbers(begin: date, end: date) -> int:
    """IV077 inspanningsgericht: "worden de weeknummers geteld" (ISO weeks, so week 52 and week 1 are two)."""
    return len({d.isocalendar()[:2] for d in days_of(begin, end)})


def sundays_in(begin: date, end: date) -> int:
    """IV077 outputgericht: "het aantal zondagen dat binnen de productperiode ligt"."""
    return sum(1 for d in days_of(begin, end) if d.weekday() == 6)


def weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


@dataclass
class Answer:
    """A 325 as the tests read it."""

    response: Any
    root: Any

    def _text(self, path: str) -> str | None:
        el = self.root.find(path)
        return el.text if el is not None else None

    @property
    def header_codes(self) -> list[str]:
        return [c.text for c in self.root.findall("{*}Header/{*}RetourCodes/{*}RetourCode")]

    @property
    def antwoord_codes(self) -> list[str]:
        return [c.text for c in self.root.findall("{*}DeclaratieAntwoord/{*}RetourCodes/{*}RetourCode")]

    def total(self, which: str) -> int:
        """Signed TotaalIngediendBedrag / TotaalToegekendBedrag (which = 'Ingediend' / 'Toegekend')."""
        amount = int(self._text(f"{{*}}DeclaratieAntwoord/{{*}}Totaal{which}Bedrag/{{*}}TotaalBedrag") or 0)
        dc = self._text(f"{{*}}DeclaratieAntwoord/{{*}}Totaal{which}Bedrag/{{*}}DebetCredit")
        return -amount if dc == "C" else amount

    @property
    def ingediend(self) -> int:
        return self.total("Ingediend")

    @property
    def toegekend(self) -> int:
        return self.total("Toegekend")

    def prestatie_codes(self) -> dict[str, list[str]]:
        """ReferentieNummer → retourcodes of every prestatie in the 325 (only rejected ones are there)."""
        out = {}
        for p in self.root.iter("{*}Prestatie"):
            ref = p.find("{*}ProductReferentie/{*}ReferentieNummer").text
            out[ref] = [c.text for c in p.findall("{*}RetourCodes/{*}RetourCode")]
        return out

    def client_codes(self) -> dict[str, list[str]]:
        out = {}
        for c in self.root.iter("{*}Client"):
            out[c.find("{*}Bsn").text] = [x.text for x in c.findall("{*}RetourCodes/{*}RetourCode")]
        return out

    @property
    def rules(self) -> list[str]:
        value = self.response.headers.get("Afkeur-Regels", "")
        return [r for r in value.split(",") if r]

    @property
    def declaratie_id(self) -> str | None:
        return self.response.headers.get("Declaratie-Id")


GEMEENTEN = ("0141", "0153", "0164", "0147", "1735", "1640")
AANBIEDERS = ("11110001", "11110002", "11110003", "11110004", "11110005")
# The big-batch tests give thousands of toewijzingen to nearly every valid test BSN on these pairs, so a
# "client without any toewijzing" cannot be found there: the rotation leaves them out.
BULK_PAIRS = frozenset({("0147", "11110003"), ("1735", "11110002")})
_pairs = itertools.cycle([(g, a) for a in AANBIEDERS for g in GEMEENTEN if (g, a) not in BULK_PAIRS])
_pairs_lock = threading.Lock()


@pytest.fixture
def world(eligibility_as: Callable[[str], Api], declaration_as: Callable[[str], Api]) -> World:
    """A World on the next gemeente × aanbieder pair of the demo parties, round robin: each pair has room for
    about 58 monthly declaraties (2022-01 up to last month), the suite needs more than that."""
    with _pairs_lock:
        gemeente, aanbieder = next(_pairs)
    return World(eligibility=eligibility_as, declaration=declaration_as, gemeente=gemeente, aanbieder=aanbieder)


@pytest.fixture
def make_world(eligibility_as: Callable[[str], Api], declaration_as: Callable[[str], Api]):  # type: ignore[no-untyped-def]
    def _make(**kw: Any) -> World:
        return World(eligibility=eligibility_as, declaration=declaration_as, **kw)
    return _make


__all__ = ["Answer", "Case", "Periods", "World", "days_of", "month_bounds", "new_ref", "next_nummer",
           "stranger_bsn", "sundays_in", "unique_code", "week_numbers", "weekday_on_or_after",
           "weekday_on_or_before"]
