"""bericht.content compressed with lz4 on PostgreSQL (see services.common.store.migration)

Revision ID: all_0004
Revises: all_0003
Create Date: 2026-12-01
"""
from services.common.store.migration import compress_bericht_content

revision = "all_0004"
down_revision = "all_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    compress_bericht_content("lz4")


def downgrade() -> None:
    compress_bericht_content("pglz")
