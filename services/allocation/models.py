"""Tables of the allocation service (its own DeclarativeBase; the kernel tables live in KernelBase).

Personal data (BSN, name, birth date, address) lives only in `client`; every other table points at a
client by its opaque id, and none of it ever reaches a log line or a URL.

Identifiers the standard requires to be unique are unique constraints here, so two concurrent writers
cannot both win: ToewijzingNummer per gemeente per domein (TR332/OP275) and ReferentieAanbieder per
aanbieder per domein (TR347/OP361).
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.store.models import new_id, utcnow

BigId = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    """The allocation service's own tables."""


class Client(Base):
    """A client as known to one gemeente: what a 301 needs (name, birth date, geslacht, contact)."""

    __tablename__ = "client"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    gemeente: Mapped[str] = mapped_column(String(4))
    bsn: Mapped[str] = mapped_column(String(9))
    geboortedatum: Mapped[date] = mapped_column(Date)
    datum_gebruik: Mapped[str | None] = mapped_column(String(1), nullable=True)
    geslacht: Mapped[str] = mapped_column(String(1), default="0")
    achternaam: Mapped[str] = mapped_column(String(200))
    voorvoegsel: Mapped[str | None] = mapped_column(String(10), nullable=True)
    voornamen: Mapped[str | None] = mapped_column(String(200), nullable=True)
    voorletters: Mapped[str | None] = mapped_column(String(6), nullable=True)
    partner_achternaam: Mapped[str | None] = mapped_column(String(200), nullable=True)
    partner_voorvoegsel: Mapped[str | None] = mapped_column(String(10), nullable=True)
    naamgebruik: Mapped[str] = mapped_column(String(1), default="1")
    # one contact (dict) or all of them (list): rules.inhoud.als_lijst reads both
    contact: Mapped[dict[str, Any] | list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("gemeente", "bsn", name="uq_client_gemeente_bsn"),)


class Toewijzing(Base):
    """The current state of one ToegewezenProduct; every earlier state is a ToewijzingVersie."""

    __tablename__ = "toewijzing"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    gemeente: Mapped[str] = mapped_column(String(4))
    domein: Mapped[str] = mapped_column(String(5))  # jeugd / wmo
    nummer: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"))
    aanbieder: Mapped[str] = mapped_column(String(8))
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    reden_wijziging: Mapped[str | None] = mapped_column(String(2), nullable=True)
    volume: Mapped[int | None] = mapped_column(Integer, nullable=True)
    eenheid: Mapped[str | None] = mapped_column(String(2), nullable=True)
    frequentie: Mapped[str | None] = mapped_column(String(1), nullable=True)
    budget: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # eurocent
    commentaar: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    uitvoeringsvariant: Mapped[str | None] = mapped_column(String(20), nullable=True)
    start_stop_verplicht: Mapped[bool] = mapped_column(Boolean, default=True)
    referentie_aanbieder: Mapped[str | None] = mapped_column(String(36), nullable=True)
    verzoek_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="actief")  # actief / verwijderd
    versie: Mapped[int] = mapped_column(Integer, default=1)
    toewijzingsdatum: Mapped[date] = mapped_column(Date)
    toewijzingstijd: Mapped[time] = mapped_column(Time)
    laatste_bericht_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("gemeente", "domein", "nummer", name="uq_toewijzing_nummer"),  # TR332 / OP275
        Index("ix_toewijzing_client_aanbieder", "client_id", "aanbieder"),
        Index("ix_toewijzing_aanbieder_gemeente", "aanbieder", "gemeente"),  # all_0007
    )

    @property
    def verwijderd(self) -> bool:
        return self.status == "verwijderd"

    def actueel_op(self, peildatum: date) -> bool:
        """OP087/TR349: valid on or after the date, and not removed (RedenWijziging 13 or 01 with
        Einddatum = Ingangsdatum)."""
        if self.verwijderd:
            return False
        if self.reden_wijziging in ("13", "01") and self.einddatum == self.ingangsdatum:
            return False
        return self.einddatum is None or self.einddatum >= peildatum


class ToewijzingVersie(Base):
    """Every state a toewijzing has had, with the 301 that announced it and what caused it."""

    __tablename__ = "toewijzing_versie"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    toewijzing_id: Mapped[str] = mapped_column(ForeignKey("toewijzing.id"))
    versie: Mapped[int] = mapped_column(Integer)
    bericht_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # the 301
    oorzaak: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(8))
    verzoek_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("toewijzing_id", "versie", name="uq_toewijzing_versie"),)


class Verzoek(Base):
    """A verzoek om toewijzing (one per AangevraagdProduct) or om wijziging (one per 317)."""

    __tablename__ = "verzoek"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    soort: Mapped[str] = mapped_column(String(3))  # vot / vow
    gemeente: Mapped[str] = mapped_column(String(4))
    domein: Mapped[str] = mapped_column(String(5))
    aanbieder: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"))
    referentie_aanbieder: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(14), default="open")  # open/in_onderzoek/toegewezen/afgewezen
    bericht_id: Mapped[str] = mapped_column(String(36))
    dagtekening: Mapped[date] = mapped_column(Date)
    ontvangen_op: Mapped[date] = mapped_column(Date)
    uiterlijk: Mapped[date] = mapped_column(Date)  # OP274/OP346, OP359 or 8 weeks while in onderzoek
    inhoud: Mapped[dict[str, Any]] = mapped_column(JSON)
    voorcontrole: Mapped[str] = mapped_column(String(10), default="wacht")  # wacht/ok/afgewezen/nvt
    voorcontrole_codes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    antwoord_bericht_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    reden_afwijzing: Mapped[str | None] = mapped_column(String(1), nullable=True)
    in_onderzoek_op: Mapped[date | None] = mapped_column(Date, nullable=True)
    # eligibility refused honouring on the woonplaatsbeginsel: the gemeente it named ("" if none), and from then
    # on OP359's 2 weeks from receipt for the refusal
    woonplaatsbeginsel: Mapped[str | None] = mapped_column(String(4), nullable=True)
    beantwoord_op: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("aanbieder", "domein", "referentie_aanbieder", name="uq_verzoek_referentie"),  # TR347
        Index("ix_verzoek_gemeente_status", "gemeente", "status"),
        Index("ix_verzoek_client_aanbieder", "client_id", "aanbieder", "status"),
    )

    @property
    def onderhanden(self) -> bool:
        """TR374: in behandeling until a 319 'afgewezen' or a 301 with its ReferentieAanbieder was sent."""
        return self.status in ("open", "in_onderzoek")


class Regie(Base):
    """A StartProduct (305) or StopProduct (307) as registered; deletions (StatusAanlevering 3) mark the
    row verwijderd and keep it."""

    __tablename__ = "regie"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    soort: Mapped[str] = mapped_column(String(5))  # start / stop
    gemeente: Mapped[str] = mapped_column(String(4))
    domein: Mapped[str] = mapped_column(String(5))
    aanbieder: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id"))
    toewijzing_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    toewijzing_nummer: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    toewijzing_ingangsdatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    reden_beeindiging: Mapped[str | None] = mapped_column(String(2), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="actueel")  # actueel / verwijderd
    bericht_id: Mapped[str] = mapped_column(String(36))
    verwijderd_door: Mapped[str | None] = mapped_column(String(36), nullable=True)
    ontvangen_op: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_regie_toewijzing", "toewijzing_id", "soort"),
        Index("ix_regie_client", "client_id", "aanbieder", "soort"),
    )

    @property
    def actueel(self) -> bool:
        return self.status == "actueel"


class RetourOntvangst(Base):
    """A 302 or 320 the aanbieder sent on our 301 or 319, linked to it (a rejection is visible to the
    gemeente on the toewijzing and in its mailbox)."""

    __tablename__ = "retour_ontvangst"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    bericht_id: Mapped[str] = mapped_column(String(36))  # the inbound 302/320
    origineel_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # our 301/319
    berichttype: Mapped[str] = mapped_column(String(8))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    afgekeurd: Mapped[bool] = mapped_column(Boolean, default=False)
    codes: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_retour_origineel", "origineel_id"),)


class NummerReeks(Base):
    """The last ToewijzingNummer handed out per gemeente. One series serves both domains, so a number
    is unique per gemeente per domein (TR332) and also names one toewijzing in the gemeente's URLs."""

    __tablename__ = "nummer_reeks"

    gemeente: Mapped[str] = mapped_column(String(4), primary_key=True)
    laatste: Mapped[int] = mapped_column(BigInteger)


__all__ = ["Base", "Client", "NummerReeks", "Regie", "RetourOntvangst", "Toewijzing", "ToewijzingVersie",
           "Verzoek"]
