"""verzoek.woonplaatsbeginsel: honouring was refused on the woonplaatsbeginsel, so OP359's 2 weeks apply

Revision ID: all_0006
Revises: all_0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "all_0006"
down_revision = "all_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("verzoek") as batch:
        batch.add_column(sa.Column("woonplaatsbeginsel", sa.String(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("verzoek") as batch:
        batch.drop_column("woonplaatsbeginsel")
