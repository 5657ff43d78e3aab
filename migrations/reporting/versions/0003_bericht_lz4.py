"""bericht.content compressed with lz4 on PostgreSQL (see services.common.store.migration)

Revision ID: rep_0003
Revises: rep_0002
Create Date: 2026-12-01
"""
from services.common.store.migration import compress_bericht_content

revision = "rep_0003"
down_revision = "rep_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    compress_bericht_content("lz4")


def downgrade() -> None:
    compress_bericht_content("pglz")
