"""Plain objects the rules work on: the declaratie as read from the 323, the toewijzing read model and the
contract terms. Slotted classes, because a big declaratie has tens of thousands of prestaties."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any


from services.common.messages.types import MessageType


class ClientIn:
    __slots__ = ("bsn", "codes", "part", "pos", "prestaties", "rules")

    def __init__(self, part: int, pos: int, bsn: str):
        self.part = part  # which part of the message (services.common.xml.parts) and where in its Clienten
        self.pos = pos
        self.bsn = bsn
        self.prestaties: list[PrestatieIn] = []
        self.codes: list[str] = []  # Client-class retourcodes (TR304)
        self.rules: list[str] = []


_NO_CODES: tuple[str, ...] = ()


class PrestatieIn:
    """One Prestatie of the 323 plus what judging it found out."""

    __slots__ = (
        "amount",
        "approved",
        "begin",
        "bsn",
        "categorie",
        "code",
        "codes",
        "dc",
        "debet_of_credit",
        "eenheid",
        "eind",
        "line",
        "nummer",
        "pos",
        "ref",
        "ref_claim",
        "rules",
        # filled while judging
        "t",
        "tarief",
        "volume",
        "volume_norm",
        "vorig",
    )

    def __init__(self, pos: int, client: ClientIn, ref: str, vorig: str | None, nummer: int,
                 categorie: str, code: str, begin: date, eind: date, volume: int, eenheid: str,
                 tarief: int | None, amount: int, dc: str):
        self.pos = pos  # index in the client's Prestaties
        self.bsn = client.bsn  # not the client itself: no reference cycles, so no work for the cyclic GC
        self.ref = ref
        self.vorig = vorig
        self.nummer = nummer  # ToewijzingNummer
        self.categorie = categorie
        self.code = code
        self.begin = begin
        self.eind = eind
        self.volume = volume
        self.eenheid = eenheid
        self.tarief = tarief
        self.amount = amount  # IngediendBedrag/Bedrag (unsigned, as in the message)
        self.dc = dc
        self.t: Toewijzing | None = None
        self.line: ContractLine | None = None
        # the shared empty tuple until the first failure (fail): most prestaties never get a code, and two
        # lists each would be 72,000 objects on a 25 MB declaratie
        self.codes: list[str] = _NO_CODES  # type: ignore[assignment]
        self.rules: list[str] = _NO_CODES  # type: ignore[assignment]
        self.approved = False
        self.ref_claim: str | None = None
        self.debet_of_credit: EarlierPrestatie | None = None  # the debet a credit cancels (TR323)
        self.volume_norm = volume_norm(volume, eenheid)

    def fail(self, retourcode: str, rule: str | None = None) -> None:
        """Add a retourcode and the rule behind it (none for 0233: not judged because of its client)."""
        if self.codes is _NO_CODES:
            self.codes, self.rules = [], []
        self.codes.append(retourcode)
        if rule is not None:
            self.rules.append(rule)

    @property
    def debet(self) -> bool:
        return self.dc != "C"

    @property
    def signed(self) -> int:
        return -self.amount if self.dc == "C" else self.amount

    @property
    def product_key(self) -> tuple[int, str, str, date, date]:
        """The key TR389/TR416 use: same toewijzing, product and ProductPeriode."""
        return (self.nummer, self.categorie, self.code, self.begin, self.eind)


def volume_norm(volume: int, eenheid: str) -> int:
    """Volume in a unit that makes uren and minuten comparable (TR341: an uur-toewijzing may be declared
    in minuten): minutes for 01/04, the volume itself for every other eenheid."""
    if eenheid == "04":
        return volume * 60
    return volume


@dataclass
class DeclaratieIn:
    mtype: MessageType
    domein: str
    gemeente: str
    aanbieder: str
    nummer: str
    periode_begin: date
    periode_eind: date
    dagtekening: date  # DeclaratieDagtekening
    bericht_dagtekening: date  # header Dagtekening
    totaal_abs: int
    totaal_dc: str
    clients: list[ClientIn] = field(default_factory=list)
    prestaties: list[PrestatieIn] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # DeclaratieAntwoord-class retourcodes (TR333, TR318)
    rules: list[str] = field(default_factory=list)

    @property
    def totaal(self) -> int:
        return -self.totaal_abs if self.totaal_dc == "C" else self.totaal_abs

    @property
    def periode(self) -> str:
        return f"{self.periode_begin.year:04d}-{self.periode_begin.month:02d}"

    @cached_property
    def product_periods(self) -> set[tuple[date, date]]:
        """The distinct ProductPeriodes (a big declaratie has thousands of prestaties but a few periods, so
        the date rules check each period once)."""
        return {(p.begin, p.eind) for p in self.prestaties}


class Toewijzing:
    """A row of the read model, as the rules need it."""

    __slots__ = (
        "aanbieder",
        "bsn",
        "budget",
        "categorie",
        "code",
        "eenheid",
        "einddatum",
        "frequentie",
        "ingangsdatum",
        "nummer",
        "status",
        "volume",
    )

    def __init__(self, nummer: int, aanbieder: str, bsn: str, categorie: str | None, code: str | None,
                 ingangsdatum: date, einddatum: date | None, volume: int | None, eenheid: str | None,
                 frequentie: str | None, budget: int | None, status: str):
        self.nummer = nummer
        self.aanbieder = aanbieder
        self.bsn = bsn
        self.categorie = categorie
        self.code = code
        self.ingangsdatum = ingangsdatum
        self.einddatum = einddatum
        self.volume = volume
        self.eenheid = eenheid
        self.frequentie = frequentie
        self.budget = budget
        self.status = status

    @property
    def has_omvang(self) -> bool:
        return self.volume is not None and self.eenheid is not None and self.frequentie is not None


@dataclass(frozen=True)
class ContractLine:
    """One product line of the contract between a gemeente and an aanbieder (eligibility's terms)."""

    categorie: str
    code: str | None
    uitvoeringsvariant: str  # inspanningsgericht / outputgericht / taakgericht
    eenheid: str | None
    tarief: int | None  # eurocent per eenheid
    geldig_vanaf: date
    geldig_tot: date | None
    domein: str = "jeugd"
    naam: str = ""
    perceel: str | None = None
    declaratiemoment: str | None = None  # outputgericht: maandelijks / einde-traject
    start_stop_verplicht: bool = True
    budgetplafond: int | None = None
    lumpsum: dict[str, Any] | None = None
    contract_id: str | None = None

    def valid_on(self, day: date) -> bool:
        return self.geldig_vanaf <= day and (self.geldig_tot is None or day <= self.geldig_tot)


@dataclass
class EarlierPrestatie:
    """An already judged prestatie (earlier declaratie or earlier in this batch) the correction rules need."""

    id: int | None
    ref: str
    # the gemeente it was declared to: ReferentieNummers are unique per aanbieder (TR314), ToewijzingNummers only
    # per gemeente (TR332), so a credit cancels a debet of its own gemeente only (TR323)
    gemeente: str
    nummer: int
    categorie: str
    code: str
    begin: date
    eind: date
    volume_norm: int
    signed: int
    debet: bool
    approved: bool
    gecrediteerd: bool
