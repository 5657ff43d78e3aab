"""declaratie: a DeclaratiePeriode may be used twice (IV090), so uq_declaratie_periode becomes a plain index

TR318 refuses only a DeclaratiePeriode before the last submitted one; IV090 names "een 2e declaratie van de
maand mei" as a legal way to send care found later, so two declaraties of one aanbieder to one gemeente in one
domein may share a period. The index keeps TR318's max(periode_begin) lookup as cheap as the constraint did.

Downgrade recreates the unique constraint; it fails (and changes nothing) while two declaraties share a period,
which is legal data from this revision on.

Revision ID: dec_0003
Revises: dec_0002
Create Date: 2026-12-01
"""
from alembic import op

revision = "dec_0003"
down_revision = "dec_0002"
branch_labels = None
depends_on = None

COLUMNS = ["aanbieder", "gemeente", "domein", "periode_begin"]


def upgrade() -> None:
    # batch: SQLite cannot drop a constraint in place (the table is copied); PostgreSQL gets a plain ALTER TABLE
    with op.batch_alter_table("declaratie") as batch:
        batch.drop_constraint("uq_declaratie_periode", type_="unique")
    op.create_index("ix_declaratie_periode_begin", "declaratie", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_declaratie_periode_begin", "declaratie")
    with op.batch_alter_table("declaratie") as batch:
        batch.create_unique_constraint("uq_declaratie_periode", COLUMNS)
