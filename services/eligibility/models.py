"""Tables of the eligibility service (its own DeclarativeBase; no other service reads them).

- contract_regel: one contract line = gemeente x aanbieder x product x validity period, with its terms.
- contract_afspraak: agreements per gemeente x aanbieder (clientenstop, werkgebied).
- verblijf: "a youth in residential care keeps the gemeente of before the stay" (Jeugdwet art. 1.1
  woonplaats 2); recorded by the gemeente because the BRP does not carry it.
- controle: the audit trail of every check answered, refused ones included (who asked, when, outcome,
  reason codes); a refused check may lack a valid gemeente, domein or peildatum (NULL).

A BSN is never stored in clear here: verblijf and controle keep a keyed hash (HMAC-SHA256), enough to
find a person's records again, useless to anyone without the key.
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class EligibilityBase(DeclarativeBase):
    """Tables owned by the eligibility service."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class ContractRegel(EligibilityBase):
    __tablename__ = "contract_regel"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))  # jeugd / wmo
    categorie: Mapped[str] = mapped_column(String(2))
    # '' for an aspecific line (the API shows null): NULL would escape the unique constraint on PostgreSQL
    code: Mapped[str] = mapped_column(String(5), default="")
    naam: Mapped[str] = mapped_column(String(200), default="")
    perceel: Mapped[str | None] = mapped_column(String(40), nullable=True)
    uitvoeringsvariant: Mapped[str] = mapped_column(String(20))
    eenheid: Mapped[str | None] = mapped_column(String(2), nullable=True)
    tarief: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # eurocents per eenheid
    geldig_vanaf: Mapped[date] = mapped_column(Date)
    geldig_tot: Mapped[date | None] = mapped_column(Date, nullable=True)  # inclusive; NULL = open-ended
    declaratiemoment: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_stop_verplicht: Mapped[bool] = mapped_column(Boolean, default=True)
    budgetplafond: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lumpsum_bedrag: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lumpsum_periode: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_door: Mapped[str] = mapped_column(String(20), default="")

    __table_args__ = (
        UniqueConstraint("gemeente", "aanbieder", "domein", "categorie", "code", "geldig_vanaf",
                         name="uq_contract_regel_product_periode"),
        Index("ix_contract_regel_partijen", "gemeente", "aanbieder", "domein"),
        Index("ix_contract_regel_aanbieder", "aanbieder"),
    )


class ContractAfspraak(EligibilityBase):
    __tablename__ = "contract_afspraak"

    gemeente: Mapped[str] = mapped_column(String(4), primary_key=True)
    aanbieder: Mapped[str] = mapped_column(String(8), primary_key=True)
    clientenstop: Mapped[bool] = mapped_column(Boolean, default=False)
    werkgebied: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty = no restriction
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gewijzigd_door: Mapped[str] = mapped_column(String(20), default="")


class Verblijf(EligibilityBase):
    __tablename__ = "verblijf"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    bsn_hash: Mapped[str] = mapped_column(String(64), index=True)
    gemeente_voor_verblijf: Mapped[str] = mapped_column(String(4))
    ingangsdatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    einddatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    geregistreerd_door: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Controle(EligibilityBase):
    """One answered check. Codes and party codes only: no BSN, name or birth date. `uitkomst` is toegestaan,
    afgewezen, or the problem code of a check that was refused unanswered (ongeldige-invoer,
    niet-uw-gemeente, verkeerde-rol, brp-onbereikbaar, brp-verzoek-ongeldig)."""

    __tablename__ = "controle"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    gevraagd_door: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    batch_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    bsn_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # NULL only for a refused check whose input had no valid value (migration eli_0003)
    gemeente: Mapped[str | None] = mapped_column(String(4), nullable=True)
    aanbieder: Mapped[str | None] = mapped_column(String(8), nullable=True)
    domein: Mapped[str | None] = mapped_column(String(5), nullable=True)
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    peildatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    uitkomst: Mapped[str] = mapped_column(String(20))  # see the class docstring
    redenen: Mapped[list[str]] = mapped_column(JSON, default=list)
    signalen: Mapped[list[str]] = mapped_column(JSON, default=list)
    verantwoordelijke_gemeente: Mapped[str | None] = mapped_column(String(4), nullable=True)
    contract_id: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (
        Index("ix_controle_gemeente", "gemeente", "created_at"),
        Index("ix_controle_gevraagd_door", "gevraagd_door", "created_at"),
        Index("ix_controle_bsn_hash", "bsn_hash"),
    )
