"""verzoek.uiterlijk of verzoeken 'in onderzoek': 8 weeks after the dagtekening of the verzoek (OP274/OP346)

Until this revision the 8 weeks were counted from the day the 319 'aanvraag in onderzoek' was sent; the rules
say "uiterlijk binnen acht weken na dagtekening van het verzoek". Data only: the open ones are recomputed
(row by row, so the date arithmetic is the same on SQLite and PostgreSQL). Downgrade restores the old count.

Revision ID: all_0003
Revises: all_0002
Create Date: 2026-12-02
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "all_0003"
down_revision = "all_0002"
branch_labels = None
depends_on = None

IN_ONDERZOEK_WEKEN = 8
verzoek = sa.table("verzoek", sa.column("id", sa.String), sa.column("status", sa.String),
                   sa.column("dagtekening", sa.Date), sa.column("in_onderzoek_op", sa.Date),
                   sa.column("uiterlijk", sa.Date))


def _herbereken(vanaf: sa.Column) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(verzoek.c.id, vanaf).where(verzoek.c.status == "in_onderzoek", vanaf.is_not(None)))
    for verzoek_id, datum in rows.all():
        conn.execute(verzoek.update().where(verzoek.c.id == verzoek_id)
                     .values(uiterlijk=datum + timedelta(weeks=IN_ONDERZOEK_WEKEN)))


def upgrade() -> None:
    _herbereken(verzoek.c.dagtekening)


def downgrade() -> None:
    _herbereken(verzoek.c.in_onderzoek_op)
