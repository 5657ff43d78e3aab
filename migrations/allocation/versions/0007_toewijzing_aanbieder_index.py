"""toewijzing: the aanbieder index leads with aanbieder

ix_toewijzing_gemeente_aanbieder (gemeente, aanbieder) competed with uq_toewijzing_nummer (gemeente, domein,
nummer) for the lookup of a 305/307 by ToewijzingNummer: while the table's statistics were young (a new
deployment, a bulk load) the planner took it and read every toewijzing of the gemeente per message. Led by
aanbieder it no longer fits that lookup, still serves gemeente + aanbieder, and now serves an aanbieder's
own list across gemeenten too; a gemeente's list alone has uq_toewijzing_nummer.

Revision ID: all_0007
Revises: all_0006
Create Date: 2026-12-03
"""
from alembic import op

revision = "all_0007"
down_revision = "all_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_toewijzing_gemeente_aanbieder", "toewijzing")
    op.create_index("ix_toewijzing_aanbieder_gemeente", "toewijzing", ["aanbieder", "gemeente"])


def downgrade() -> None:
    op.drop_index("ix_toewijzing_aanbieder_gemeente", "toewijzing")
    op.create_index("ix_toewijzing_gemeente_aanbieder", "toewijzing", ["gemeente", "aanbieder"])
