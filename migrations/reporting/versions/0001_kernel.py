"""kernel tables: bericht, outbox, inbox

Revision ID: rep_0001
Revises:
Create Date: 2026-11-24
"""
from services.common.store.migration import create_kernel_tables, drop_kernel_tables

revision = "rep_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_kernel_tables()


def downgrade() -> None:
    drop_kernel_tables()
