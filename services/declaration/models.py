"""Tables of the declaration service (its own database; migrations/declaration/versions/0002_* on).

- `toewijzing`: the read model of the toewijzingen, fed by the allocation service's events (highest versie
  wins); the declaration service never asks allocation while judging.
- `declaratie` / `prestatie`: every judged 323 and each of its prestaties with its verdict and retourcodes,
  amounts in signed integer eurocents (debet positive, credit negative). A declaratie rejected as a whole
  (0001, or a Declaratie-class code such as 9333) counts as not sent (IV087) and leaves no rows here; the
  kernel's `bericht` table still holds its exact bytes and the 325.
- `verbruik`: per toewijzing, the running totals of its approved, not credited debets (normalised volume and
  eurocent), which TR322 and TR369 compare against; kept by the same transaction that stores the prestaties,
  so reading them costs one row per toewijzing however many months were declared before.
- `betaalblokkade`: a gemeente holding payments to an aanbieder (suspected fraud).

Uniqueness the standard requires is a database constraint, not only a check in code: DeclaratieNummer per
aanbieder per domein (TR333), ReferentieNummer per aanbieder per domein (TR314, through `ref_claim`),
ToewijzingNummer per gemeente per domein (TR332, in the read model). The DeclaratiePeriode is not unique:
a second declaratie for the same month as the last one is allowed (IV090); TR318 only refuses an earlier
month, which is an order between rows, not a key (the lock per aanbieder × domein serialises it).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.store.models import utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements only INTEGER PRIMARY KEY


class DeclarationBase(DeclarativeBase):
    """The declaration service's own tables (the kernel's live in KernelBase)."""


class Toewijzing(DeclarationBase):
    __tablename__ = "toewijzing"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    domein: Mapped[str] = mapped_column(String(5))  # jeugd / wmo
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    aanbieder: Mapped[str] = mapped_column(String(8))
    bsn: Mapped[str] = mapped_column(String(9))
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)  # None: generieke toewijzing
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)  # None: aspecifiek
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    volume: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    eenheid: Mapped[str | None] = mapped_column(String(2), nullable=True)
    frequentie: Mapped[str | None] = mapped_column(String(1), nullable=True)
    budget: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # eurocent
    status: Mapped[str] = mapped_column(String(10))  # actief / verwijderd
    reden_wijziging: Mapped[str | None] = mapped_column(String(2), nullable=True)
    versie: Mapped[int] = mapped_column(Integer)
    bericht_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    event_id: Mapped[str] = mapped_column(String(36))
    bijgewerkt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("gemeente", "domein", "toewijzing_nummer", name="uq_toewijzing_nummer"),
        Index("ix_toewijzing_client", "aanbieder", "domein", "bsn"),
    )


class Declaratie(DeclarationBase):
    __tablename__ = "declaratie"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bericht_id: Mapped[str] = mapped_column(String(36))  # the inbound 323 in the kernel's bericht table
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    declaratie_nummer: Mapped[str] = mapped_column(String(12))
    periode: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the DeclaratiePeriode
    periode_begin: Mapped[date] = mapped_column(Date)
    periode_eind: Mapped[date] = mapped_column(Date)
    declaratie_dagtekening: Mapped[date] = mapped_column(Date)
    ingediend_cents: Mapped[int] = mapped_column(BigInteger)
    toegekend_cents: Mapped[int] = mapped_column(BigInteger)
    afgewezen_cents: Mapped[int] = mapped_column(BigInteger)
    aantal_prestaties: Mapped[int] = mapped_column(Integer)
    aantal_afgewezen: Mapped[int] = mapped_column(Integer)
    oordeel: Mapped[str] = mapped_column(String(20))  # goedgekeurd / deels-afgekeurd / afgekeurd
    antwoord_identificatie: Mapped[str] = mapped_column(String(12))  # BerichtIdentificatie of our 325
    ontvangen_op: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("aanbieder", "domein", "declaratie_nummer", name="uq_declaratie_nummer"),  # TR333
        # TR318 reads max(periode_begin) per aanbieder × gemeente × domein for every declaratie (not unique: IV090)
        Index("ix_declaratie_periode_begin", "aanbieder", "gemeente", "domein", "periode_begin"),
        Index("ix_declaratie_gemeente_periode", "gemeente", "periode"),
        Index("ix_declaratie_aanbieder_periode", "aanbieder", "periode"),
    )


class Prestatie(DeclarationBase):
    __tablename__ = "prestatie"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # No FOREIGN KEY constraint: PostgreSQL would check it row by row on a 35,000-row COPY (a third of the
    # insert time). Both rows are written by this service in one transaction (service.persist), so the link
    # cannot dangle; ix_prestatie_declaratie serves the joins.
    declaratie_id: Mapped[str] = mapped_column(String(36))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    periode: Mapped[str] = mapped_column(String(7))  # DeclaratiePeriode of the declaratie (payments)
    bsn: Mapped[str] = mapped_column(String(9))
    referentie_nummer: Mapped[str] = mapped_column(String(20))
    # = referentie_nummer when this prestatie claims the number (TR314); NULL when it was refused with 8021
    ref_claim: Mapped[str | None] = mapped_column(String(20), nullable=True)
    vorig_referentie_nummer: Mapped[str | None] = mapped_column(String(20), nullable=True)
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    categorie: Mapped[str] = mapped_column(String(2))
    code: Mapped[str] = mapped_column(String(5))
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date] = mapped_column(Date)
    volume: Mapped[int] = mapped_column(BigInteger)
    volume_norm: Mapped[int] = mapped_column(BigInteger)  # minutes for 01/04, else the volume itself
    eenheid: Mapped[str] = mapped_column(String(2))
    tarief: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    bedrag_cents: Mapped[int] = mapped_column(BigInteger)  # signed: credit negative
    debet: Mapped[bool] = mapped_column(Boolean)
    goedgekeurd: Mapped[bool] = mapped_column(Boolean)
    retourcodes: Mapped[str | None] = mapped_column(String(120), nullable=True)  # space separated
    regels: Mapped[str | None] = mapped_column(String(200), nullable=True)  # rule codes behind them
    variant: Mapped[str | None] = mapped_column(String(20), nullable=True)
    gecrediteerd: Mapped[bool] = mapped_column(Boolean, default=False)  # an approved credit cancelled it

    __table_args__ = (
        UniqueConstraint("aanbieder", "domein", "ref_claim", name="uq_prestatie_referentie"),  # TR314
        Index("ix_prestatie_toewijzing", "gemeente", "domein", "toewijzing_nummer", "begindatum"),
        Index("ix_prestatie_declaratie", "declaratie_id"),
    )


class Verbruik(DeclarationBase):
    """What a toewijzing has used so far: the sums of volume_norm and bedrag_cents over its approved debets
    that no approved credit cancelled; equal to that SUM over `prestatie`, which a test proves."""

    __tablename__ = "verbruik"

    gemeente: Mapped[str] = mapped_column(String(4), primary_key=True)
    domein: Mapped[str] = mapped_column(String(5), primary_key=True)
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    volume_norm: Mapped[int] = mapped_column(BigInteger)
    bedrag_cents: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = {"postgresql_with": {"fillfactor": 50}}  # HOT updates: see migration dec_0006


class Betaalblokkade(DeclarationBase):
    """A gemeente holds payments to an aanbieder; declaraties are still judged and answered."""

    __tablename__ = "betaalblokkade"

    gemeente: Mapped[str] = mapped_column(String(4), primary_key=True)
    aanbieder: Mapped[str] = mapped_column(String(8), primary_key=True)
    actief: Mapped[bool] = mapped_column(Boolean)
    reden: Mapped[str] = mapped_column(String(500))
    sinds: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_op: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_door: Mapped[str] = mapped_column(String(12))
