"""idempotentie: the Idempotency-Key of the JSON API's creating calls (services.common.idempotency)

Revision ID: all_0005
Revises: all_0004
Create Date: 2026-12-02
"""
from services.common.store.migration import create_idempotency_table, drop_idempotency_table

revision = "all_0005"
down_revision = "all_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_table()


def downgrade() -> None:
    drop_idempotency_table()
