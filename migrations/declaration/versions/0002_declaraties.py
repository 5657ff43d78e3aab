"""declaration tables: toewijzing (read model), declaratie, prestatie, betaalblokkade

Revision ID: dec_0002
Revises: dec_0001
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = "dec_0002"
down_revision = "dec_0001"
branch_labels = None
depends_on = None


def _bigint_pk() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "toewijzing",
        sa.Column("id", _bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("eenheid", sa.String(2), nullable=True),
        sa.Column("frequentie", sa.String(1), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("reden_wijziging", sa.String(2), nullable=True),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("bericht_id", sa.String(36), nullable=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("bijgewerkt_op", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("gemeente", "domein", "toewijzing_nummer", name="uq_toewijzing_nummer"),
    )
    op.create_index("ix_toewijzing_client", "toewijzing", ["aanbieder", "domein", "bsn"])

    op.create_table(
        "declaratie",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("declaratie_nummer", sa.String(12), nullable=False),
        sa.Column("periode", sa.String(7), nullable=False),
        sa.Column("periode_begin", sa.Date(), nullable=False),
        sa.Column("periode_eind", sa.Date(), nullable=False),
        sa.Column("declaratie_dagtekening", sa.Date(), nullable=False),
        sa.Column("ingediend_cents", sa.BigInteger(), nullable=False),
        sa.Column("toegekend_cents", sa.BigInteger(), nullable=False),
        sa.Column("afgewezen_cents", sa.BigInteger(), nullable=False),
        sa.Column("aantal_prestaties", sa.Integer(), nullable=False),
        sa.Column("aantal_afgewezen", sa.Integer(), nullable=False),
        sa.Column("oordeel", sa.String(20), nullable=False),
        sa.Column("antwoord_identificatie", sa.String(12), nullable=False),
        sa.Column("ontvangen_op", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("aanbieder", "domein", "declaratie_nummer", name="uq_declaratie_nummer"),
        sa.UniqueConstraint("aanbieder", "gemeente", "domein", "periode_begin", name="uq_declaratie_periode"),
    )
    op.create_index("ix_declaratie_gemeente_periode", "declaratie", ["gemeente", "periode"])
    op.create_index("ix_declaratie_aanbieder_periode", "declaratie", ["aanbieder", "periode"])

    op.create_table(
        "prestatie",
        sa.Column("id", _bigint_pk(), primary_key=True, autoincrement=True),
        # no FK constraint on purpose (bulk COPY cost); see services/declaration/models.py
        sa.Column("declaratie_id", sa.String(36), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("periode", sa.String(7), nullable=False),
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("referentie_nummer", sa.String(20), nullable=False),
        sa.Column("ref_claim", sa.String(20), nullable=True),
        sa.Column("vorig_referentie_nummer", sa.String(20), nullable=True),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=False),
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("volume_norm", sa.BigInteger(), nullable=False),
        sa.Column("eenheid", sa.String(2), nullable=False),
        sa.Column("tarief", sa.BigInteger(), nullable=True),
        sa.Column("bedrag_cents", sa.BigInteger(), nullable=False),
        sa.Column("debet", sa.Boolean(), nullable=False),
        sa.Column("goedgekeurd", sa.Boolean(), nullable=False),
        sa.Column("retourcodes", sa.String(120), nullable=True),
        sa.Column("regels", sa.String(200), nullable=True),
        sa.Column("variant", sa.String(20), nullable=True),
        sa.Column("gecrediteerd", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("aanbieder", "domein", "ref_claim", name="uq_prestatie_referentie"),
    )
    op.create_index("ix_prestatie_toewijzing", "prestatie", ["gemeente", "domein", "toewijzing_nummer", "begindatum"])
    op.create_index("ix_prestatie_declaratie", "prestatie", ["declaratie_id"])

    op.create_table(
        "betaalblokkade",
        sa.Column("gemeente", sa.String(4), primary_key=True),
        sa.Column("aanbieder", sa.String(8), primary_key=True),
        sa.Column("actief", sa.Boolean(), nullable=False),
        sa.Column("reden", sa.String(500), nullable=False),
        sa.Column("sinds", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gewijzigd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gewijzigd_door", sa.String(12), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("betaalblokkade")
    op.drop_index("ix_prestatie_declaratie", "prestatie")
    op.drop_index("ix_prestatie_toewijzing", "prestatie")
    op.drop_table("prestatie")
    op.drop_index("ix_declaratie_aanbieder_periode", "declaratie")
    op.drop_index("ix_declaratie_gemeente_periode", "declaratie")
    op.drop_table("declaratie")
    op.drop_index("ix_toewijzing_client", "toewijzing")
    op.drop_table("toewijzing")
