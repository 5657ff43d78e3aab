"""allocation tables: client, toewijzing, toewijzing_versie, verzoek, regie, retour_ontvangst, nummer_reeks

Revision ID: all_0002
Revises: all_0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "all_0002"
down_revision = "all_0001"
branch_labels = None
depends_on = None


def _big_pk() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _ts(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "client",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("bsn", sa.String(9), nullable=False),
        sa.Column("geboortedatum", sa.Date(), nullable=False),
        sa.Column("datum_gebruik", sa.String(1), nullable=True),
        sa.Column("geslacht", sa.String(1), nullable=False),
        sa.Column("achternaam", sa.String(200), nullable=False),
        sa.Column("voorvoegsel", sa.String(10), nullable=True),
        sa.Column("voornamen", sa.String(200), nullable=True),
        sa.Column("voorletters", sa.String(6), nullable=True),
        sa.Column("partner_achternaam", sa.String(200), nullable=True),
        sa.Column("partner_voorvoegsel", sa.String(10), nullable=True),
        sa.Column("naamgebruik", sa.String(1), nullable=False),
        sa.Column("contact", sa.JSON(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.UniqueConstraint("gemeente", "bsn", name="uq_client_gemeente_bsn"),
    )
    op.create_table(
        "toewijzing",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("nummer", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.String(36), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("ingangsdatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_wijziging", sa.String(2), nullable=True),
        sa.Column("volume", sa.Integer(), nullable=True),
        sa.Column("eenheid", sa.String(2), nullable=True),
        sa.Column("frequentie", sa.String(1), nullable=True),
        sa.Column("budget", sa.BigInteger(), nullable=True),
        sa.Column("commentaar", sa.String(1000), nullable=True),
        sa.Column("uitvoeringsvariant", sa.String(20), nullable=True),
        sa.Column("start_stop_verplicht", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("referentie_aanbieder", sa.String(36), nullable=True),
        sa.Column("verzoek_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("toewijzingsdatum", sa.Date(), nullable=False),
        sa.Column("toewijzingstijd", sa.Time(), nullable=False),
        sa.Column("laatste_bericht_id", sa.String(36), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        # TR332 / OP275: a ToewijzingNummer is unique per gemeente per wettelijk domein
        sa.UniqueConstraint("gemeente", "domein", "nummer", name="uq_toewijzing_nummer"),
    )
    op.create_index("ix_toewijzing_client_aanbieder", "toewijzing", ["client_id", "aanbieder"])
    op.create_index("ix_toewijzing_gemeente_aanbieder", "toewijzing", ["gemeente", "aanbieder"])
    op.create_table(
        "toewijzing_versie",
        sa.Column("id", _big_pk(), primary_key=True, autoincrement=True),
        sa.Column("toewijzing_id", sa.String(36), sa.ForeignKey("toewijzing.id"), nullable=False),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.Column("bericht_id", sa.String(36), nullable=True),
        sa.Column("oorzaak", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(8), nullable=False),
        sa.Column("verzoek_id", sa.String(36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("toewijzing_id", "versie", name="uq_toewijzing_versie"),
    )
    op.create_table(
        "verzoek",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("soort", sa.String(3), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("client_id", sa.String(36), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("referentie_aanbieder", sa.String(36), nullable=False),
        sa.Column("status", sa.String(14), nullable=False),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("ontvangen_op", sa.Date(), nullable=False),
        sa.Column("uiterlijk", sa.Date(), nullable=False),
        sa.Column("inhoud", sa.JSON(), nullable=False),
        sa.Column("voorcontrole", sa.String(10), nullable=False),
        sa.Column("voorcontrole_codes", sa.JSON(), nullable=True),
        sa.Column("antwoord_bericht_id", sa.String(36), nullable=True),
        sa.Column("reden_afwijzing", sa.String(1), nullable=True),
        sa.Column("in_onderzoek_op", sa.Date(), nullable=True),
        sa.Column("beantwoord_op", sa.DateTime(timezone=True), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        # TR347 / OP361: ReferentieAanbieder is unique per aanbieder per wettelijk domein
        sa.UniqueConstraint("aanbieder", "domein", "referentie_aanbieder", name="uq_verzoek_referentie"),
    )
    op.create_index("ix_verzoek_gemeente_status", "verzoek", ["gemeente", "status"])
    op.create_index("ix_verzoek_client_aanbieder", "verzoek", ["client_id", "aanbieder", "status"])
    op.create_table(
        "regie",
        sa.Column("id", _big_pk(), primary_key=True, autoincrement=True),
        sa.Column("soort", sa.String(5), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("client_id", sa.String(36), sa.ForeignKey("client.id"), nullable=False),
        sa.Column("toewijzing_id", sa.String(36), nullable=True),
        sa.Column("toewijzing_nummer", sa.BigInteger(), nullable=True),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("toewijzing_ingangsdatum", sa.Date(), nullable=True),
        sa.Column("begindatum", sa.Date(), nullable=False),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("reden_beeindiging", sa.String(2), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("verwijderd_door", sa.String(36), nullable=True),
        sa.Column("ontvangen_op", sa.Date(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_regie_toewijzing", "regie", ["toewijzing_id", "soort"])
    op.create_index("ix_regie_client", "regie", ["client_id", "aanbieder", "soort"])
    op.create_table(
        "retour_ontvangst",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("bericht_id", sa.String(36), nullable=False),
        sa.Column("origineel_id", sa.String(36), nullable=True),
        sa.Column("berichttype", sa.String(8), nullable=False),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("afgekeurd", sa.Boolean(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        _ts("created_at"),
    )
    op.create_index("ix_retour_origineel", "retour_ontvangst", ["origineel_id"])
    op.create_table(
        "nummer_reeks",
        sa.Column("gemeente", sa.String(4), primary_key=True),
        sa.Column("laatste", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("nummer_reeks")
    op.drop_index("ix_retour_origineel", "retour_ontvangst")
    op.drop_table("retour_ontvangst")
    op.drop_index("ix_regie_client", "regie")
    op.drop_index("ix_regie_toewijzing", "regie")
    op.drop_table("regie")
    op.drop_index("ix_verzoek_client_aanbieder", "verzoek")
    op.drop_index("ix_verzoek_gemeente_status", "verzoek")
    op.drop_table("verzoek")
    op.drop_table("toewijzing_versie")
    op.drop_index("ix_toewijzing_gemeente_aanbieder", "toewijzing")
    op.drop_index("ix_toewijzing_client_aanbieder", "toewijzing")
    op.drop_table("toewijzing")
    op.drop_table("client")
