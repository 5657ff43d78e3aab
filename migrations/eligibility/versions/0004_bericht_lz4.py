"""bericht.content compressed with lz4 on PostgreSQL (see services.common.store.migration)

Revision ID: eli_0004
Revises: eli_0003
Create Date: 2026-12-01
"""
from services.common.store.migration import compress_bericht_content

revision = "eli_0004"
down_revision = "eli_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    compress_bericht_content("lz4")


def downgrade() -> None:
    compress_bericht_content("pglz")
