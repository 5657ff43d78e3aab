"""Every accepted inbound and every outbound message, stored with its exact bytes.

Derived tables (toewijzingen, declaraties) are built from these messages, never the other way round.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db import KernelBase


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class Bericht(KernelBase):
    __tablename__ = "bericht"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    message_type: Mapped[str] = mapped_column(String(8))  # JW315
    standard: Mapped[str] = mapped_column(String(4))  # ijw / iwmo
    direction: Mapped[str] = mapped_column(String(3))  # in / out (seen from the platform)
    sender: Mapped[str] = mapped_column(String(8))  # logical sender party code
    recipient: Mapped[str] = mapped_column(String(8))  # logical recipient party code
    identificatie: Mapped[str] = mapped_column(String(12))
    dagtekening: Mapped[date] = mapped_column(Date)
    # unique per sender, message type and BerichtIdentificatie (TR056); NULL for a rejected duplicate
    idem_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # mailbox state for the recipient: nieuw until fetched and confirmed
    status: Mapped[str] = mapped_column(String(10), default="nieuw")
    received_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    in_reply_to: Mapped[str | None] = mapped_column(ForeignKey("bericht.id"), nullable=True)
    retour_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(20), nullable=True)
    failures: Mapped[list | None] = mapped_column(JSON, nullable=True)  # rule codes only, no personal data
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_bericht_mailbox", "recipient", "status", "created_at"),
        Index("ix_bericht_sender", "sender", "created_at"),
    )

    def meta(self) -> dict:
        def iso(moment: datetime | None) -> str | None:
            if moment is None:
                return None
            # SQLite hands back naive datetimes; everything is stored in UTC
            return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()

        return {
            "id": self.id,
            "berichtType": self.message_type,
            "standaard": self.standard,
            "richting": self.direction,
            "afzender": self.sender,
            "ontvanger": self.recipient,
            "identificatie": self.identificatie,
            "dagtekening": self.dagtekening.isoformat(),
            "status": self.status,
            "ontvangenOp": iso(self.received_at),
            "aangemaaktOp": iso(self.created_at),
            "grootte": self.size,
            "antwoordOp": self.in_reply_to,
            "retourId": self.retour_id,
            "oordeel": self.verdict,
            "afkeurredenen": self.failures or [],
        }


class OutboxEntry(KernelBase):
    """Written in the same transaction as the change it announces; relayed over HTTP until delivered."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))  # toewijzing.gewijzigd, bericht.push, ...
    destination: Mapped[str] = mapped_column(String(300))  # service name or URL
    payload: Mapped[str] = mapped_column(Text)  # JSON (or XML for a push)
    content_type: Mapped[str] = mapped_column(String(40), default="application/json")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)

    __table_args__ = (Index("ix_outbox_due", "delivered_at", "next_attempt_at"),)


class InboxEntry(KernelBase):
    """Ids of events already applied, so a redelivered event changes nothing (idempotent receiver)."""

    __tablename__ = "inbox"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
