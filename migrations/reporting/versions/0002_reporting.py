"""reporting tables: ingest log and cursor, clients, toewijzingen, verzoeken and answers, start/stop,
declaraties and prestaties, retours, the copy of the contract catalogue

Revision ID: rep_0002
Revises: rep_0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "rep_0002"
down_revision = "rep_0001"
branch_labels = None
depends_on = None


def _big() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _pk() -> sa.types.TypeEngine:
    return _big()


def upgrade() -> None:
    op.create_table(
        "ingest_bron",
        sa.Column("bron", sa.String(20), primary_key=True),
        sa.Column("cursor", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatst_gestart", sa.DateTime(timezone=True), nullable=True),
        sa.Column("laatst_klaar", sa.DateTime(timezone=True), nullable=True),
        sa.Column("berichten", _big(), nullable=False),
        sa.Column("laatste_fout", sa.String(300), nullable=True),
    )
    op.create_table(
        "ingest_bericht",
        sa.Column("bron", sa.String(20), primary_key=True),
        sa.Column("bericht_id", sa.String(36), primary_key=True),
        sa.Column("bericht_type", sa.String(8), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verwerkt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resultaat", sa.String(12), nullable=False),
    )
    op.create_table(
        "client",
        sa.Column("id", _pk(), primary_key=True, autoincrement=True),
        sa.Column("bsn", sa.String(9), unique=True, nullable=False),
        sa.Column("geboortejaar", sa.Integer(), nullable=True),
    )
    op.create_table(
        "contract_regel",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=False),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("naam", sa.String(200), nullable=True),
        sa.Column("perceel", sa.String(100), nullable=True),
        sa.Column("uitvoeringsvariant", sa.String(20), nullable=False),
        sa.Column("eenheid", sa.String(2), nullable=True),
        sa.Column("tarief", _big(), nullable=True),
        sa.Column("geldig_vanaf", sa.Date(), nullable=False),
        sa.Column("geldig_tot", sa.Date(), nullable=True),
        sa.Column("declaratiemoment", sa.String(20), nullable=True),
        sa.Column("budgetplafond", _big(), nullable=True),
        sa.Column("lumpsum_bedrag", _big(), nullable=True),
        sa.Column("lumpsum_periode", sa.String(10), nullable=True),
    )
    op.create_table(
        "toewijzing",
        sa.Column("id", _pk(), primary_key=True, autoincrement=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("nummer", _big(), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("client_id", _big(), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_wijziging", sa.String(2), nullable=True),
        sa.Column("volume", _big(), nullable=True),
        sa.Column("eenheid", sa.String(2), nullable=True),
        sa.Column("frequentie", sa.String(1), nullable=True),
        sa.Column("budget", _big(), nullable=True),
        sa.Column("referentie", sa.String(36), nullable=True),
        sa.Column("eerste_toewijzingsdatum", sa.Date(), nullable=False),
        sa.Column("versie_moment", sa.String(60), nullable=False),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.UniqueConstraint("gemeente", "domein", "nummer", name="uq_rep_toewijzing"),
    )
    op.create_index("ix_rep_toewijzing_aanbieder", "toewijzing", ["aanbieder"])
    op.create_index("ix_rep_toewijzing_periode", "toewijzing", ["gemeente", "ingangsdatum"])
    op.create_table(
        "uitgaand_bericht",
        sa.Column("bericht_id", sa.String(36), primary_key=True),
        sa.Column("bericht_type", sa.String(3), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("identificatie", sa.String(12), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("referentie", sa.String(36), nullable=True),
    )
    op.create_index("ix_rep_uitgaand_header", "uitgaand_bericht",
                    ["gemeente", "bericht_type", "identificatie", "dagtekening"])
    op.create_table(
        "retour_ontvangst",
        sa.Column("bericht_id", sa.String(36), primary_key=True),
        sa.Column("heen_type", sa.String(3), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("heen_identificatie", sa.String(12), nullable=False),
        sa.Column("heen_dagtekening", sa.Date(), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("afgekeurd", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_rep_retour_heen", "retour_ontvangst",
                    ["gemeente", "heen_type", "heen_identificatie", "heen_dagtekening"])
    op.create_table(
        "verzoek",
        sa.Column("id", _pk(), primary_key=True, autoincrement=True),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("soort", sa.String(3), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("client_id", _big(), nullable=False),
        sa.Column("referentie", sa.String(36), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("verwijzer_type", sa.String(2), nullable=True),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("geaccepteerd", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("bericht_id", "referentie", name="uq_rep_verzoek"),
    )
    op.create_index("ix_rep_verzoek_ref", "verzoek", ["aanbieder", "domein", "referentie"])
    op.create_table(
        "antwoord",
        sa.Column("id", _pk(), primary_key=True, autoincrement=True),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("soort", sa.String(12), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("referentie", sa.String(36), nullable=False),
        sa.Column("datum", sa.Date(), nullable=False),
        sa.Column("toewijzing_nummer", _big(), nullable=True),
        sa.Column("reden", sa.String(1), nullable=True),
        sa.UniqueConstraint("bericht_id", "referentie", "soort", "toewijzing_nummer", name="uq_rep_antwoord"),
    )
    op.create_index("ix_rep_antwoord_ref", "antwoord", ["aanbieder", "domein", "referentie"])
    op.create_table(
        "regie",
        sa.Column("id", _pk(), primary_key=True, autoincrement=True),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("soort", sa.String(5), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("client_id", _big(), nullable=False),
        sa.Column("toewijzing_nummer", _big(), nullable=True),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_beeindiging", sa.String(2), nullable=True),
        sa.Column("status_aanlevering", sa.String(1), nullable=False),
        sa.Column("geaccepteerd", sa.Boolean(), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("bericht_id", "volgnummer", name="uq_rep_regie"),
    )
    op.create_index("ix_rep_regie_gemeente", "regie", ["gemeente", "begindatum"])
    op.create_table(
        "declaratie",
        sa.Column("bericht_id", sa.String(36), primary_key=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("nummer", sa.String(12), nullable=False),
        sa.Column("periode", sa.String(7), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("ingediend", _big(), nullable=False),
        sa.Column("toegekend", _big(), nullable=False),
        sa.Column("oordeel", sa.String(20), nullable=False),
        sa.Column("afkeurcodes", sa.String(60), nullable=True),
    )
    op.create_index("ix_rep_declaratie_periode", "declaratie", ["gemeente", "periode"])
    op.create_table(
        "prestatie",
        sa.Column("id", _pk(), primary_key=True, autoincrement=True),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("declaratie_periode", sa.String(7), nullable=False),
        sa.Column("client_id", _big(), nullable=False),
        sa.Column("referentie", sa.String(36), nullable=False),
        sa.Column("vorig_referentie", sa.String(36), nullable=True),
        sa.Column("toewijzing_nummer", _big(), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=False),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("maand", sa.String(7), nullable=False),
        sa.Column("volume", _big(), nullable=False),
        sa.Column("eenheid", sa.String(2), nullable=False),
        sa.Column("tarief", _big(), nullable=True),
        sa.Column("bedrag", _big(), nullable=False),
        sa.Column("goedgekeurd", sa.Boolean(), nullable=False),
        sa.Column("retourcodes", sa.String(60), nullable=True),
    )
    op.create_index("ix_rep_prestatie_bericht", "prestatie", ["bericht_id"])
    op.create_index("ix_rep_prestatie_maand", "prestatie", ["gemeente", "maand"])
    op.create_index("ix_rep_prestatie_toewijzing", "prestatie", ["gemeente", "domein", "toewijzing_nummer"])


def downgrade() -> None:
    op.drop_index("ix_rep_toewijzing_aanbieder", "toewijzing")
    op.drop_index("ix_rep_toewijzing_periode", "toewijzing")
    op.drop_index("ix_rep_uitgaand_header", "uitgaand_bericht")
    op.drop_index("ix_rep_retour_heen", "retour_ontvangst")
    op.drop_index("ix_rep_verzoek_ref", "verzoek")
    op.drop_index("ix_rep_antwoord_ref", "antwoord")
    op.drop_index("ix_rep_regie_gemeente", "regie")
    op.drop_index("ix_rep_declaratie_periode", "declaratie")
    op.drop_index("ix_rep_prestatie_bericht", "prestatie")
    op.drop_index("ix_rep_prestatie_maand", "prestatie")
    op.drop_index("ix_rep_prestatie_toewijzing", "prestatie")
    op.drop_table("prestatie")
    op.drop_table("declaratie")
    op.drop_table("regie")
    op.drop_table("antwoord")
    op.drop_table("verzoek")
    op.drop_table("retour_ontvangst")
    op.drop_table("uitgaand_bericht")
    op.drop_table("toewijzing")
    op.drop_table("contract_regel")
    op.drop_table("client")
    op.drop_table("ingest_bericht")
    op.drop_table("ingest_bron")
