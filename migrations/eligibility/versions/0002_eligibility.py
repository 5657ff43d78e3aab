"""eligibility tables: contract_regel, contract_afspraak, verblijf, controle (audit)

Revision ID: eli_0002
Revises: eli_0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "eli_0002"
down_revision = "eli_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contract_regel",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=False),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=False),
        sa.Column("code", sa.String(5), nullable=False, server_default=""),
        sa.Column("naam", sa.String(200), nullable=False, server_default=""),
        sa.Column("perceel", sa.String(40), nullable=True),
        sa.Column("uitvoeringsvariant", sa.String(20), nullable=False),
        sa.Column("eenheid", sa.String(2), nullable=True),
        sa.Column("tarief", sa.BigInteger(), nullable=True),
        sa.Column("geldig_vanaf", sa.Date(), nullable=False),
        sa.Column("geldig_tot", sa.Date(), nullable=True),
        sa.Column("declaratiemoment", sa.String(20), nullable=True),
        sa.Column("start_stop_verplicht", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("budgetplafond", sa.BigInteger(), nullable=True),
        sa.Column("lumpsum_bedrag", sa.BigInteger(), nullable=True),
        sa.Column("lumpsum_periode", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gewijzigd_door", sa.String(20), nullable=False, server_default=""),
        sa.UniqueConstraint("gemeente", "aanbieder", "domein", "categorie", "code", "geldig_vanaf",
                            name="uq_contract_regel_product_periode"),
    )
    op.create_index("ix_contract_regel_partijen", "contract_regel", ["gemeente", "aanbieder", "domein"])
    op.create_index("ix_contract_regel_aanbieder", "contract_regel", ["aanbieder"])
    op.create_table(
        "contract_afspraak",
        sa.Column("gemeente", sa.String(4), primary_key=True),
        sa.Column("aanbieder", sa.String(8), primary_key=True),
        sa.Column("clientenstop", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("werkgebied", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gewijzigd_door", sa.String(20), nullable=False, server_default=""),
    )
    op.create_table(
        "verblijf",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("bsn_hash", sa.String(64), nullable=False),
        sa.Column("gemeente_voor_verblijf", sa.String(4), nullable=False),
        sa.Column("ingangsdatum", sa.Date(), nullable=True),
        sa.Column("einddatum", sa.Date(), nullable=True),
        sa.Column("geregistreerd_door", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_verblijf_bsn_hash", "verblijf", ["bsn_hash"])
    op.create_table(
        "controle",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gevraagd_door", sa.String(20), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.Column("bsn_hash", sa.String(64), nullable=True),
        sa.Column("gemeente", sa.String(4), nullable=False),
        sa.Column("aanbieder", sa.String(8), nullable=True),
        sa.Column("domein", sa.String(5), nullable=False),
        sa.Column("categorie", sa.String(2), nullable=True),
        sa.Column("code", sa.String(5), nullable=True),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("uitkomst", sa.String(20), nullable=False),
        sa.Column("redenen", sa.JSON(), nullable=False),
        sa.Column("signalen", sa.JSON(), nullable=False),
        sa.Column("verantwoordelijke_gemeente", sa.String(4), nullable=True),
        sa.Column("contract_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_controle_gemeente", "controle", ["gemeente", "created_at"])
    op.create_index("ix_controle_gevraagd_door", "controle", ["gevraagd_door", "created_at"])
    op.create_index("ix_controle_bsn_hash", "controle", ["bsn_hash"])


def downgrade() -> None:
    op.drop_index("ix_controle_bsn_hash", "controle")
    op.drop_index("ix_controle_gevraagd_door", "controle")
    op.drop_index("ix_controle_gemeente", "controle")
    op.drop_table("controle")
    op.drop_index("ix_verblijf_bsn_hash", "verblijf")
    op.drop_table("verblijf")
    op.drop_table("contract_afspraak")
    op.drop_index("ix_contract_regel_aanbieder", "contract_regel")
    op.drop_index("ix_contract_regel_partijen", "contract_regel")
    op.drop_table("contract_regel")
