"""A fast generator of JW323 / WMO323 declaraties, from one prestatie to the largest file OP179 allows.

Small messages for the rule tests and big ones for the benchmarks come from the same code: plain string
templates (no lxml building), so a 35,000-prestatie file of 25 MB is written in well under a second.

    from tests.builders.declaration import Declaratie, Prestatie
    d = Declaratie(afzender="11110001", ontvanger="0141", periode=(2026, 4))
    d.add("999900006", Prestatie(ref="R1", toewijzing=300201, categorie="45", code="45A03",
                                 begin=date(2026, 4, 1), eind=date(2026, 4, 30), volume=120,
                                 eenheid="01", tarief=130))
    body = d.to_bytes()

Amounts are signed integer eurocents: a negative `bedrag` is a credit (DebetCredit C). Without an
explicit `bedrag` the prestatie's amount follows TR346 (volume × tarief; for minutes declared against an
hourly tariff the caller gives the amount, IV081), and the declaratie total follows TR358 unless
`totaal` overrides it (to break TR358 on purpose).
"""
from __future__ import annotations

import calendar
import itertools
import secrets
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from services.common.clock import today_nl

NS = {
    "ijw": ("http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
            "http://www.istandaarden.nl/ijw/3_2/jw323/schema", "jw323", "490"),
    "iwmo": ("http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
             "http://www.istandaarden.nl/iwmo/3_2/wmo323/schema", "wmo323", "484"),
}
_ALPHABET = string.ascii_uppercase + string.digits


def new_id(length: int = 12) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Prestatie:
    ref: str
    toewijzing: int
    categorie: str
    code: str
    begin: date
    eind: date
    volume: int
    eenheid: str
    tarief: int | None = None  # ProductTarief in eurocent; None for eenheid 83 (CD087)
    bedrag: int | None = None  # signed eurocent; None: volume × tarief (TR346) as a debet
    vorig_ref: str | None = None  # VorigReferentieNummer (credit only, CD060)
    credit: bool = False  # make the computed amount a credit
    dc: str | None = None  # force DebetCredit (to break CS325 on purpose)

    def amount(self) -> int:
        if self.bedrag is not None:
            return self.bedrag
        base = self.volume if self.eenheid == "83" else self.volume * (self.tarief or 0)
        return -base if self.credit else base

    def credit_of(self, ref: str) -> Prestatie:
        """A full credit of this (debet) prestatie under a new ReferentieNummer (TR323, OP366)."""
        return Prestatie(ref=ref, toewijzing=self.toewijzing, categorie=self.categorie, code=self.code,
                         begin=self.begin, eind=self.eind, volume=self.volume, eenheid=self.eenheid,
                         tarief=self.tarief, bedrag=-abs(self.amount()), vorig_ref=self.ref)


@dataclass
class Declaratie:
    afzender: str
    ontvanger: str
    periode: tuple[int, int] | tuple[date, date]
    standard: str = "ijw"
    nummer: str = field(default_factory=lambda: new_id(12))
    identificatie: str = field(default_factory=lambda: new_id(12))
    dagtekening: date = field(default_factory=today_nl)
    declaratie_dagtekening: date | None = None
    totaal: int | None = None  # signed override of TotaalIngediendBedrag (to break TR358)
    totaal_dc: str | None = None  # force the total's DebetCredit (to break CS325 on purpose)
    compact: bool = False
    clients: list[tuple[str, list[Prestatie]]] = field(default_factory=list)

    def add(self, bsn: str, *prestaties: Prestatie, separate: bool = False) -> Declaratie:
        """Add prestaties to the client with this BSN (a second Client element only with `separate`)."""
        if not separate:
            for existing, ps in self.clients:
                if existing == bsn:
                    ps.extend(prestaties)
                    return self
        self.clients.append((bsn, list(prestaties)))
        return self

    def prestaties(self) -> list[Prestatie]:
        return [p for _, ps in self.clients for p in ps]

    @property
    def period(self) -> tuple[date, date]:
        a, b = self.periode
        if isinstance(a, date) and isinstance(b, date):
            return a, b
        return month_bounds(int(a), int(b))  # type: ignore[arg-type]

    def total(self) -> int:
        if self.totaal is not None:
            return self.totaal
        return sum(p.amount() for p in self.prestaties())

    def to_bytes(self) -> bytes:
        return b"".join(self.chunks())

    def chunks(self) -> Iterator[bytes]:
        """The message as a stream of byte chunks (a 25 MB file never needs to be one string here)."""
        basis, ns, pfx, code = NS[self.standard]
        std = "ijw" if self.standard == "ijw" else "iwmo"
        nl, i = ("", "") if self.compact else ("\n", "  ")
        begin, eind = self.period
        total = self.total()
        head = (
            f'<?xml version="1.0" encoding="UTF-8"?>{nl}'
            f'<{pfx}:Bericht xmlns:{pfx}="{ns}" xmlns:{std}="{basis}">{nl}'
            f"{i}<{pfx}:Header>"
            f"<{pfx}:BerichtCode>{code}</{pfx}:BerichtCode>"
            f"<{pfx}:BerichtVersie>3</{pfx}:BerichtVersie><{pfx}:BerichtSubversie>2</{pfx}:BerichtSubversie>"
            f"<{pfx}:Afzender>{self.afzender}</{pfx}:Afzender><{pfx}:Ontvanger>{self.ontvanger}</{pfx}:Ontvanger>"
            f"<{pfx}:BerichtIdentificatie><{std}:Identificatie>{self.identificatie}</{std}:Identificatie>"
            f"<{std}:Dagtekening>{self.dagtekening.isoformat()}</{std}:Dagtekening></{pfx}:BerichtIdentificatie>"
            f"<{pfx}:XsdVersie><{std}:BasisschemaXsdVersie>1.0.0</{std}:BasisschemaXsdVersie>"
            f"<{std}:BerichtXsdVersie>1.0.0</{std}:BerichtXsdVersie></{pfx}:XsdVersie>"
            f"</{pfx}:Header>{nl}"
            f"{i}<{pfx}:Declaratie><{pfx}:DeclaratieNummer>{self.nummer}</{pfx}:DeclaratieNummer>"
            f"<{pfx}:DeclaratiePeriode><{std}:Begindatum>{begin.isoformat()}</{std}:Begindatum>"
            f"<{std}:Einddatum>{eind.isoformat()}</{std}:Einddatum></{pfx}:DeclaratiePeriode>"
            f"<{pfx}:DeclaratieDagtekening>{(self.declaratie_dagtekening or self.dagtekening).isoformat()}"
            f"</{pfx}:DeclaratieDagtekening>"
            f"<{pfx}:TotaalIngediendBedrag><{std}:TotaalBedrag>{abs(total)}</{std}:TotaalBedrag>"
            f"<{std}:DebetCredit>{self.totaal_dc or ('C' if total < 0 else 'D')}</{std}:DebetCredit></{pfx}:TotaalIngediendBedrag>{nl}"
            f"{i}{i}<{pfx}:Clienten>{nl}"
        )
        yield head.encode()
        batch: list[str] = []
        for bsn, prestaties in self.clients:
            batch.append(f"{i}{i}{i}<{pfx}:Client><{pfx}:Bsn>{bsn}</{pfx}:Bsn><{pfx}:Prestaties>{nl}")
            for p in prestaties:
                batch.append(_prestatie(p, pfx, std, nl, i * 4))
            batch.append(f"{i}{i}{i}</{pfx}:Prestaties></{pfx}:Client>{nl}")
            if len(batch) > 2000:
                yield "".join(batch).encode()
                batch.clear()
        batch.append(f"{i}{i}</{pfx}:Clienten></{pfx}:Declaratie>{nl}</{pfx}:Bericht>{nl}")
        yield "".join(batch).encode()


def _prestatie(p: Prestatie, pfx: str, std: str, nl: str, indent: str) -> str:
    amount = p.amount()
    vorig = f"<{std}:VorigReferentieNummer>{p.vorig_ref}</{std}:VorigReferentieNummer>" if p.vorig_ref else ""
    tarief = f"<{pfx}:ProductTarief>{p.tarief}</{pfx}:ProductTarief>" if p.tarief is not None else ""
    return (
        f"{indent}<{pfx}:Prestatie><{pfx}:ProductReferentie><{std}:ReferentieNummer>{p.ref}</{std}:ReferentieNummer>"
        f"{vorig}</{pfx}:ProductReferentie><{pfx}:ToewijzingNummer>{p.toewijzing}</{pfx}:ToewijzingNummer>"
        f"<{pfx}:ProductCategorie>{p.categorie}</{pfx}:ProductCategorie><{pfx}:ProductCode>{p.code}</{pfx}:ProductCode>"
        f"<{pfx}:ProductPeriode><{std}:Begindatum>{p.begin.isoformat()}</{std}:Begindatum>"
        f"<{std}:Einddatum>{p.eind.isoformat()}</{std}:Einddatum></{pfx}:ProductPeriode>"
        f"<{pfx}:GeleverdVolume>{p.volume}</{pfx}:GeleverdVolume><{pfx}:Eenheid>{p.eenheid}</{pfx}:Eenheid>{tarief}"
        f"<{pfx}:IngediendBedrag><{std}:Bedrag>{abs(amount)}</{std}:Bedrag>"
        f"<{std}:DebetCredit>{p.dc or ('C' if amount < 0 else 'D')}</{std}:DebetCredit></{pfx}:IngediendBedrag>"
        f"</{pfx}:Prestatie>{nl}"
    )


# ---- big batches --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchToewijzing:
    """The part of a toewijzing a generated prestatie needs."""

    nummer: int
    bsn: str
    categorie: str
    code: str
    eenheid: str
    volume: int  # volume per prestatie (fits the toewijzing's Omvang)
    tarief: int | None


def batch(
    toewijzingen: Iterable[BatchToewijzing],
    *,
    afzender: str,
    ontvanger: str,
    year: int,
    month: int,
    standard: str = "ijw",
    compact: bool = True,
    ref_prefix: str | None = None,
    clients_per_group: int = 1,
) -> Declaratie:
    """One prestatie per toewijzing for the month (IV089), grouped per client as the standard wants."""
    begin, eind = month_bounds(year, month)
    prefix = ref_prefix or new_id(6)
    d = Declaratie(afzender=afzender, ontvanger=ontvanger, periode=(year, month), standard=standard,
                   compact=compact, dagtekening=today_nl())
    counter = itertools.count(1)
    for t in toewijzingen:
        d.add(t.bsn, Prestatie(ref=f"{prefix}{next(counter):09d}", toewijzing=t.nummer, categorie=t.categorie,
                               code=t.code, begin=begin, eind=eind, volume=t.volume, eenheid=t.eenheid,
                               tarief=t.tarief))
    return d


def elfproef_bsns(count: int) -> list[str]:
    """Up to `count` distinct BSNs of the test range 999900006-999999990 passing the elfproef (there are
    about 9,000; callers spread bigger batches over several prestaties per client)."""
    from stdnum.nl import bsn as stdnum_bsn

    out: list[str] = []
    for n in range(999_900_006, 999_999_991):
        candidate = str(n)
        if stdnum_bsn.is_valid(candidate):
            out.append(candidate)
            if len(out) == count:
                break
    return out


test_bsns = elfproef_bsns  # the older name, used by bench/bench_kernel.py
test_bsns.__test__ = False  # type: ignore[attr-defined]  # not a test, although pytest would think so
