"""What every report shares: filters, the caller's scope, periods, dimensions and the contract lookup.

Scope: a gemeente sees its own gemeente's facts, a regio its member gemeenten, an aanbieder its own facts
(as aanbieder), a service party everything. Filters narrow that scope and never widen it: asking for
another gemeente gives an empty answer, never its data.
"""
from __future__ import annotations

import bisect
import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.auth import Party
from services.common.clock import today_nl

from ..models import ContractRegel

Granularity = Literal["maand", "kwartaal", "jaar", "totaal"]
DIMENSIONS = ("gemeente", "segment", "product", "aanbieder", "domein")
ONBEKEND = "onbekend"


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def parse_month(key: str) -> tuple[int, int]:
    year, month = key.split("-")
    return int(year), int(month)


def month_start(key: str) -> date:
    y, m = parse_month(key)
    return date(y, m, 1)


def month_end(key: str) -> date:
    y, m = parse_month(key)
    return date(y, m, calendar.monthrange(y, m)[1])


def add_months(key: str, n: int) -> str:
    y, m = parse_month(key)
    total = y * 12 + (m - 1) + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def months_between(van: str, tot: str) -> list[str]:
    out, cur = [], van
    while cur <= tot:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def period_of_month(key: str, granularity: Granularity) -> str:
    y, m = parse_month(key)
    if granularity == "maand":
        return key
    if granularity == "kwartaal":
        return f"{y:04d}-Q{(m - 1) // 3 + 1}"
    if granularity == "jaar":
        return f"{y:04d}"
    return "totaal"


def pct(part: float, whole: float, digits: int = 1) -> float | None:
    if not whole:
        return None
    return float(Decimal(str(100.0 * part / whole)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def round_half_up(value: float, digits: int = 0) -> float:
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def div_cents(total: int, n: int) -> int | None:
    """Integer eurocents of total / n, rounded half away from zero."""
    if not n:
        return None
    return int((Decimal(total) / Decimal(n)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)


@dataclass
class Filters:
    van: str
    tot: str
    periode: Granularity = "maand"
    groepering: tuple[str, ...] = ()
    gemeenten: tuple[str, ...] = ()
    aanbieders: tuple[str, ...] = ()
    segmenten: tuple[str, ...] = ()
    domein: str | None = None
    categorie: str | None = None
    code: str | None = None
    peildatum: date = field(default_factory=today_nl)

    @property
    def start(self) -> date:
        return month_start(self.van)

    @property
    def end(self) -> date:
        return month_end(self.tot)

    def periods(self) -> list[Period]:
        """The periods of the window in order (a period is clipped to the window)."""
        out: dict[str, Period] = {}
        for m in months_between(self.van, self.tot):
            key = period_of_month(m, self.periode)
            s, e = month_start(m), month_end(m)
            if key in out:
                out[key] = Period(key, out[key].start, e)
            else:
                out[key] = Period(key, s, e)
        return list(out.values())

    def period_for(self, d: date) -> str | None:
        if not (self.start <= d <= self.end):
            return None
        return period_of_month(month_key(d), self.periode)

    def as_json(self) -> dict[str, Any]:
        return {
            "van": self.van, "tot": self.tot, "periode": self.periode, "groepering": list(self.groepering),
            "gemeente": list(self.gemeenten), "aanbieder": list(self.aanbieders), "segment": list(self.segmenten),
            "domein": self.domein, "categorie": self.categorie, "code": self.code,
            "peildatum": self.peildatum.isoformat(),
        }


@dataclass(frozen=True)
class Scope:
    """Which facts the caller may see: None = no restriction on that column."""

    gemeenten: frozenset[str] | None
    aanbieders: frozenset[str] | None

    @classmethod
    def of(cls, party: Party) -> Scope:
        if party.is_service:
            return cls(None, None)
        if party.kind == "aanbieder":
            return cls(None, frozenset({party.code}))
        if party.kind in ("gemeente", "regio"):
            return cls(frozenset(party.scope()), None)
        return cls(frozenset(), frozenset())

    def narrow(self, f: Filters) -> tuple[frozenset[str] | None, frozenset[str] | None]:
        """Gemeenten and aanbieders to select: scope ∩ filter (an empty set selects nothing)."""
        g = self.gemeenten
        if f.gemeenten:
            g = frozenset(f.gemeenten) if g is None else g & frozenset(f.gemeenten)
        a = self.aanbieders
        if f.aanbieders:
            a = frozenset(f.aanbieders) if a is None else a & frozenset(f.aanbieders)
        return g, a


def where(table: Any, scope: Scope, f: Filters, *, product: bool = True) -> list[Any]:
    """SQL conditions for scope and the simple filters (segment is applied after the contract lookup)."""
    g, a = scope.narrow(f)
    conds: list[Any] = []
    if g is not None:
        conds.append(table.c.gemeente.in_(sorted(g)))
    if a is not None:
        conds.append(table.c.aanbieder.in_(sorted(a)))
    if f.domein:
        conds.append(table.c.domein == f.domein)
    if product and f.categorie:
        conds.append(table.c.categorie == f.categorie)
    if product and f.code:
        conds.append(table.c.code == f.code)
    return conds


# ---- contracts: segment/perceel and uitvoeringsvariant ---------------------------------------------------
@dataclass(frozen=True)
class Line:
    id: str
    gemeente: str
    aanbieder: str
    domein: str
    categorie: str
    code: str | None
    naam: str | None
    perceel: str | None
    variant: str
    eenheid: str | None
    tarief: int | None
    vanaf: date
    tot: date | None
    budgetplafond: int | None
    lumpsum_bedrag: int | None
    lumpsum_periode: str | None

    def valid_on(self, d: date) -> bool:
        return self.vanaf <= d and (self.tot is None or d <= self.tot)

    @property
    def segment(self) -> str:
        return self.perceel or ONBEKEND


class Contracts:
    """The copy of the contract catalogue, indexed for "which line covers this fact on this day"."""

    def __init__(self, lines: Iterable[Line]):
        self.lines = list(lines)
        self._by_key: dict[tuple[str, str, str, str, str | None], list[Line]] = defaultdict(list)
        for line in self.lines:
            self._by_key[(line.gemeente, line.aanbieder, line.domein, line.categorie, line.code)].append(line)
        for lst in self._by_key.values():
            lst.sort(key=lambda ln: ln.vanaf)
        self._cache: dict[tuple[Any, ...], Line | None] = {}

    @classmethod
    def load(cls, session: Session) -> Contracts:
        rows = session.execute(select(ContractRegel)).scalars().all()
        return cls(Line(r.id, r.gemeente, r.aanbieder, r.domein, r.categorie, r.code, r.naam, r.perceel,
                        r.uitvoeringsvariant, r.eenheid, r.tarief, r.geldig_vanaf, r.geldig_tot, r.budgetplafond,
                        r.lumpsum_bedrag, r.lumpsum_periode) for r in rows)

    def _pick(self, lines: Sequence[Line], on: date) -> Line | None:
        if not lines:
            return None
        starts = [ln.vanaf for ln in lines]
        i = bisect.bisect_right(starts, on) - 1
        if i >= 0 and lines[i].valid_on(on):
            return lines[i]
        # outside every validity period: the nearest line still names the product's segment
        return lines[max(i, 0)]

    def line(self, gemeente: str, aanbieder: str, domein: str, categorie: str | None, code: str | None,
             on: date) -> Line | None:
        if categorie is None:
            return None
        key = (gemeente, aanbieder, domein, categorie, code, on)
        if key in self._cache:
            return self._cache[key]
        found = None
        if code is not None:
            found = self._pick(self._by_key.get((gemeente, aanbieder, domein, categorie, code), []), on)
        if found is None:
            found = self._pick(self._by_key.get((gemeente, aanbieder, domein, categorie, None), []), on)
        self._cache[key] = found
        return found


def product_label(categorie: str | None, code: str | None) -> str:
    if categorie is None:
        return "generiek"
    return f"{categorie}/{code}" if code else f"{categorie}/*"


@dataclass
class Fact:
    """The dimensions of one fact, ready for grouping."""

    gemeente: str
    aanbieder: str
    domein: str
    categorie: str | None
    code: str | None
    segment: str

    def key(self, dims: Sequence[str]) -> tuple[str, ...]:
        return tuple(self.value(d) for d in dims)

    def value(self, dim: str) -> str:
        if dim == "product":
            return product_label(self.categorie, self.code)
        return str(getattr(self, dim))


def make_fact(contracts: Contracts, gemeente: str, aanbieder: str, domein: str, categorie: str | None,
              code: str | None, on: date) -> tuple[Fact, Line | None]:
    line = contracts.line(gemeente, aanbieder, domein, categorie, code, on)
    return Fact(gemeente, aanbieder, domein, categorie, code, line.segment if line else ONBEKEND), line


def keep_segment(f: Filters, fact: Fact) -> bool:
    return not f.segmenten or fact.segment in f.segmenten


def dims_json(dims: Sequence[str], key: Sequence[str]) -> dict[str, str]:
    return dict(zip(dims, key, strict=True))


def percentile(sorted_values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of an ascending list."""
    if not sorted_values:
        return None
    import math

    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def median(sorted_values: Sequence[float]) -> float | None:
    n = len(sorted_values)
    if not n:
        return None
    mid = n // 2
    return float(sorted_values[mid]) if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2.0


def day_after(d: date) -> date:
    return d + timedelta(days=1)
