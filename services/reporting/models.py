"""The reporting service's own tables: facts derived from the message flow of the other services.

Nothing here is typed in by hand. Every row comes from a message pulled from the allocation or the
declaration service (`ingest_bericht` keeps which ones, so a message is read once) or from the contract
catalogue of the eligibility service (`contract_regel`, replaced on every pull). The whole database can be
thrown away and rebuilt from the message flow.

Personal data: the BSN is kept in one column (`client.bsn`), only to join messages of one client and to
derive the pseudonym of the knowledge-centre feed with the region's current key; no report or feed reads
it out. Of the birth date only the year is kept. Names, addresses and contact details in the messages are
never read into any table.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class ReportingBase(DeclarativeBase):
    pass


def _pk() -> Mapped[int]:
    return mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)


class IngestBron(ReportingBase):
    """Where the last pull of one source service stopped (created_at of the newest message it saw)."""

    __tablename__ = "ingest_bron"

    bron: Mapped[str] = mapped_column(String(20), primary_key=True)  # allocation / declaration
    cursor: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    laatst_gestart: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    laatst_klaar: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    berichten: Mapped[int] = mapped_column(BigInteger, default=0)
    laatste_fout: Mapped[str | None] = mapped_column(String(300), nullable=True)


class IngestBericht(ReportingBase):
    """One message of a source service that has been read (or deliberately skipped): read once."""

    __tablename__ = "ingest_bericht"

    bron: Mapped[str] = mapped_column(String(20), primary_key=True)
    bericht_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bericht_type: Mapped[str] = mapped_column(String(8))
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verwerkt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resultaat: Mapped[str] = mapped_column(String(12))  # gelezen / overgeslagen


class Client(ReportingBase):
    __tablename__ = "client"

    id: Mapped[int] = _pk()
    bsn: Mapped[str] = mapped_column(String(9), unique=True)
    geboortejaar: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Toewijzing(ReportingBase):
    """The current state of one toewijzing, from the newest 301 that names it (Toewijzingsdatum + -tijd)."""

    __tablename__ = "toewijzing"

    id: Mapped[int] = _pk()
    gemeente: Mapped[str] = mapped_column(String(4))
    domein: Mapped[str] = mapped_column(String(5))
    nummer: Mapped[int] = mapped_column(BigInteger)
    aanbieder: Mapped[str] = mapped_column(String(8))
    client_id: Mapped[int] = mapped_column(BigInteger)
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    ingangsdatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    reden_wijziging: Mapped[str | None] = mapped_column(String(2), nullable=True)
    volume: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    eenheid: Mapped[str | None] = mapped_column(String(2), nullable=True)
    frequentie: Mapped[str | None] = mapped_column(String(1), nullable=True)
    budget: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    referentie: Mapped[str | None] = mapped_column(String(36), nullable=True)
    eerste_toewijzingsdatum: Mapped[date] = mapped_column(Date)
    versie_moment: Mapped[str] = mapped_column(String(60))  # Toewijzingsdatum T tijd | created_at: orders versions
    bericht_id: Mapped[str] = mapped_column(String(36))

    __table_args__ = (
        UniqueConstraint("gemeente", "domein", "nummer", name="uq_rep_toewijzing"),
        Index("ix_rep_toewijzing_periode", "gemeente", "ingangsdatum"),
        Index("ix_rep_toewijzing_aanbieder", "aanbieder"),
    )


class UitgaandBericht(ReportingBase):
    """A 301 or 319 the platform sent: the aanbieder owes a retour (302/320) within 3 werkdagen (OP090)."""

    __tablename__ = "uitgaand_bericht"

    bericht_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bericht_type: Mapped[str] = mapped_column(String(3))  # 301 / 319
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    identificatie: Mapped[str] = mapped_column(String(12))
    dagtekening: Mapped[date] = mapped_column(Date)
    # the product it is about: a 301's first ToegewezenProduct; a 319 names the verzoek (ReferentieAanbieder)
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    referentie: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (Index("ix_rep_uitgaand_header", "gemeente", "bericht_type", "identificatie", "dagtekening"),)


class RetourOntvangst(ReportingBase):
    """A 302 or 320 of an aanbieder, keyed by the header of the 301/319 it answers (copied in the retour)."""

    __tablename__ = "retour_ontvangst"

    bericht_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    heen_type: Mapped[str] = mapped_column(String(3))  # 301 / 319
    gemeente: Mapped[str] = mapped_column(String(4))
    heen_identificatie: Mapped[str] = mapped_column(String(12))
    heen_dagtekening: Mapped[date] = mapped_column(Date)
    dagtekening: Mapped[date] = mapped_column(Date)  # DagtekeningRetour
    afgekeurd: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_rep_retour_heen", "gemeente", "heen_type", "heen_identificatie", "heen_dagtekening"),)


class Verzoek(ReportingBase):
    """One AangevraagdProduct of a 315 (a verzoek om toewijzing per product, OP274) or one 317."""

    __tablename__ = "verzoek"

    id: Mapped[int] = _pk()
    bericht_id: Mapped[str] = mapped_column(String(36))
    soort: Mapped[str] = mapped_column(String(3))  # vot / vow
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    client_id: Mapped[int] = mapped_column(BigInteger)
    referentie: Mapped[str] = mapped_column(String(36))
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    verwijzer_type: Mapped[str | None] = mapped_column(String(2), nullable=True)
    dagtekening: Mapped[date] = mapped_column(Date)
    geaccepteerd: Mapped[bool] = mapped_column(Boolean)  # the 316/318 had no remark on it

    __table_args__ = (
        UniqueConstraint("bericht_id", "referentie", name="uq_rep_verzoek"),
        Index("ix_rep_verzoek_ref", "aanbieder", "domein", "referentie"),
    )


class Antwoord(ReportingBase):
    """An answer to a verzoek: a 301 product carrying its ReferentieAanbieder, or a 319."""

    __tablename__ = "antwoord"

    id: Mapped[int] = _pk()
    bericht_id: Mapped[str] = mapped_column(String(36))
    soort: Mapped[str] = mapped_column(String(12))  # toewijzing / afwijzing / onderzoek
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    referentie: Mapped[str] = mapped_column(String(36))
    datum: Mapped[date] = mapped_column(Date)
    toewijzing_nummer: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reden: Mapped[str | None] = mapped_column(String(1), nullable=True)  # RedenAfwijzingVerzoek

    __table_args__ = (
        UniqueConstraint("bericht_id", "referentie", "soort", "toewijzing_nummer", name="uq_rep_antwoord"),
        Index("ix_rep_antwoord_ref", "aanbieder", "domein", "referentie"),
    )


class Regie(ReportingBase):
    """One StartProduct (305) or StopProduct (307), with whether our retour accepted it."""

    __tablename__ = "regie"

    id: Mapped[int] = _pk()
    bericht_id: Mapped[str] = mapped_column(String(36))
    volgnummer: Mapped[int] = mapped_column(Integer)  # position in the message
    soort: Mapped[str] = mapped_column(String(5))  # start / stop
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    client_id: Mapped[int] = mapped_column(BigInteger)
    toewijzing_nummer: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    categorie: Mapped[str | None] = mapped_column(String(2), nullable=True)
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date, nullable=True)
    reden_beeindiging: Mapped[str | None] = mapped_column(String(2), nullable=True)
    status_aanlevering: Mapped[str] = mapped_column(String(1))
    geaccepteerd: Mapped[bool] = mapped_column(Boolean)
    dagtekening: Mapped[date] = mapped_column(Date)
    aangemaakt_op: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("bericht_id", "volgnummer", name="uq_rep_regie"),
        Index("ix_rep_regie_gemeente", "gemeente", "begindatum"),
    )


class Declaratie(ReportingBase):
    """A judged 323 (technically rejected ones never reach the mailbox listing: they count as not sent)."""

    __tablename__ = "declaratie"

    bericht_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    nummer: Mapped[str] = mapped_column(String(12))
    periode: Mapped[str] = mapped_column(String(7))  # DeclaratiePeriode, YYYY-MM
    dagtekening: Mapped[date] = mapped_column(Date)
    ingediend: Mapped[int] = mapped_column(BigInteger)  # signed eurocent
    toegekend: Mapped[int] = mapped_column(BigInteger)
    oordeel: Mapped[str] = mapped_column(String(20))
    afkeurcodes: Mapped[str | None] = mapped_column(String(60), nullable=True)  # Declaratie-level codes

    __table_args__ = (Index("ix_rep_declaratie_periode", "gemeente", "periode"),)


class Prestatie(ReportingBase):
    """One Prestatie of a 323 with the verdict of its 325 (approved unless the 325 lists it)."""

    __tablename__ = "prestatie"

    id: Mapped[int] = _pk()
    bericht_id: Mapped[str] = mapped_column(String(36))
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    declaratie_periode: Mapped[str] = mapped_column(String(7))
    client_id: Mapped[int] = mapped_column(BigInteger)
    referentie: Mapped[str] = mapped_column(String(36))
    vorig_referentie: Mapped[str | None] = mapped_column(String(36), nullable=True)
    toewijzing_nummer: Mapped[int] = mapped_column(BigInteger)
    categorie: Mapped[str] = mapped_column(String(2))
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    begindatum: Mapped[date] = mapped_column(Date)
    einddatum: Mapped[date] = mapped_column(Date)
    maand: Mapped[str] = mapped_column(String(7))  # month of the ProductPeriode (one month, CS337)
    volume: Mapped[int] = mapped_column(BigInteger)
    eenheid: Mapped[str] = mapped_column(String(2))
    tarief: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    bedrag: Mapped[int] = mapped_column(BigInteger)  # signed eurocent: debet +, credit −
    goedgekeurd: Mapped[bool] = mapped_column(Boolean)
    retourcodes: Mapped[str | None] = mapped_column(String(60), nullable=True)

    __table_args__ = (
        Index("ix_rep_prestatie_maand", "gemeente", "maand"),
        Index("ix_rep_prestatie_toewijzing", "gemeente", "domein", "toewijzing_nummer"),
        Index("ix_rep_prestatie_bericht", "bericht_id"),
    )


class ContractRegel(ReportingBase):
    """A copy of one contract line of the eligibility service (GET /v1/contracten), for segment/perceel,
    uitvoeringsvariant, tariffs, budget caps and lump sums. Replaced on every pull."""

    __tablename__ = "contract_regel"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    gemeente: Mapped[str] = mapped_column(String(4))
    aanbieder: Mapped[str] = mapped_column(String(8))
    domein: Mapped[str] = mapped_column(String(5))
    categorie: Mapped[str] = mapped_column(String(2))
    code: Mapped[str | None] = mapped_column(String(5), nullable=True)
    naam: Mapped[str | None] = mapped_column(String(200), nullable=True)
    perceel: Mapped[str | None] = mapped_column(String(100), nullable=True)
    uitvoeringsvariant: Mapped[str] = mapped_column(String(20))
    eenheid: Mapped[str | None] = mapped_column(String(2), nullable=True)
    tarief: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    geldig_vanaf: Mapped[date] = mapped_column(Date)
    geldig_tot: Mapped[date | None] = mapped_column(Date, nullable=True)
    declaratiemoment: Mapped[str | None] = mapped_column(String(20), nullable=True)
    budgetplafond: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lumpsum_bedrag: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    lumpsum_periode: Mapped[str | None] = mapped_column(String(10), nullable=True)
