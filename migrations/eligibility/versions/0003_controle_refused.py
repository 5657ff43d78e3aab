"""controle: refused checks are recorded too; their gemeente, domein and peildatum may be missing

Every check answered gets an audit row, also one refused before the rules (an invalid BSN, a schema
error, another gemeente, the wrong role). Such input may hold no valid gemeente, domein or peildatum:
those columns become nullable. The longest new uitkomst value, brp-verzoek-ongeldig, fits String(20).

Revision ID: eli_0003
Revises: eli_0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "eli_0003"
down_revision = "eli_0002"
branch_labels = None
depends_on = None

COLUMNS = (("gemeente", sa.String(4)), ("domein", sa.String(5)), ("peildatum", sa.Date()))


def upgrade() -> None:
    # batch mode: SQLite cannot ALTER a column in place (the table is copied); PostgreSQL alters it directly
    with op.batch_alter_table("controle") as batch:
        for name, type_ in COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=True)


def downgrade() -> None:
    # rows without these values cannot satisfy NOT NULL again: they go first
    op.execute("DELETE FROM controle WHERE gemeente IS NULL OR domein IS NULL OR peildatum IS NULL")
    with op.batch_alter_table("controle") as batch:
        for name, type_ in COLUMNS:
            batch.alter_column(name, existing_type=type_, nullable=False)
