"""Kernel tables for a service's first Alembic revision (each service owns a copy in its own database)."""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def _bigint_pk() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def create_kernel_tables() -> None:
    op.create_table(
        "bericht",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("message_type", sa.String(8), nullable=False),
        sa.Column("standard", sa.String(4), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("sender", sa.String(8), nullable=False),
        sa.Column("recipient", sa.String(8), nullable=False),
        sa.Column("identificatie", sa.String(12), nullable=False),
        sa.Column("dagtekening", sa.Date(), nullable=False),
        sa.Column("idem_key", sa.String(64), nullable=True, unique=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("in_reply_to", sa.String(36), sa.ForeignKey("bericht.id"), nullable=True),
        sa.Column("retour_id", sa.String(36), nullable=True),
        sa.Column("verdict", sa.String(20), nullable=True),
        sa.Column("failures", sa.JSON(), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_bericht_mailbox", "bericht", ["recipient", "status", "created_at"])
    op.create_index("ix_bericht_sender", "bericht", ["sender", "created_at"])
    op.create_table(
        "outbox",
        sa.Column("id", _bigint_pk(), primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("destination", sa.String(300), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
    )
    op.create_index("ix_outbox_due", "outbox", ["delivered_at", "next_attempt_at"])
    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )


def drop_kernel_tables() -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")
    op.drop_index("ix_bericht_sender", "bericht")
    op.drop_index("ix_bericht_mailbox", "bericht")
    op.drop_table("bericht")


def compress_bericht_content(method: str = "lz4") -> None:
    """Compress newly stored message bytes with lz4 instead of PostgreSQL's default pglz.

    Every message is stored with its exact bytes; a 10,000-prestatie declaratie is 7.6 MB, and pglz took
    longer to compress it than lxml takes to parse and validate it (measured: 107-124 ms pglz, 29-35 ms lz4,
    same stored size within a few percent). lz4 is a build option of PostgreSQL 14 and later: without it, or
    on SQLite, nothing changes. Existing values keep their compression until rewritten.
    """
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.execute(sa.text(
        "SELECT :m = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"), {"m": method}).scalar()
    if available:
        op.execute(f"ALTER TABLE bericht ALTER COLUMN content SET COMPRESSION {method}")


def create_idempotency_table() -> None:
    """services.common.idempotency: the Idempotency-Key of the JSON API's creating calls."""
    op.create_table(
        "idempotentie",
        sa.Column("party", sa.String(8), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("operation", sa.String(80), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotentie_created_at", "idempotentie", ["created_at"])


def drop_idempotency_table() -> None:
    op.drop_index("ix_idempotentie_created_at", "idempotentie")
    op.drop_table("idempotentie")
