"""Outbound messages (301, 319, ...): validated against the XSD, stored, put in the recipient's mailbox
and, when the recipient has a push URL, queued for push delivery, all in the caller's transaction."""
from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

from lxml import etree
from sqlalchemy.orm import Session

from .logging import get_logger
from .messages.types import MessageType
from .messages.xmlutil import serialize
from .outbox import enqueue
from .store.models import Bericht, new_id, utcnow

if TYPE_CHECKING:
    from .app import ServiceContext

log = get_logger("outbound")


class OutboundInvalid(RuntimeError):
    """We built a message that fails its own XSD: a bug, never sent."""


def check_outbound(ctx: ServiceContext, root: etree._Element, mtype: MessageType) -> None:
    errors = ctx.schemas.validate(root, mtype)
    if errors:
        log.error("outbound_invalid", type=mtype.code, errors=[e.message for e in errors[:5]])
        raise OutboundInvalid(f"{mtype.code} fails its XSD: {errors[0].message}")


def store_outbound(
    ctx: ServiceContext,
    session: Session,
    *,
    root: etree._Element,
    mtype: MessageType,
    sender: str,
    recipient: str,
    identificatie: str,
    dagtekening: date,
    in_reply_to: str | None = None,
    request_id: str | None = None,
) -> Bericht:
    check_outbound(ctx, root, mtype)
    content = serialize(root)
    bericht = Bericht(
        id=new_id(), message_type=mtype.code, standard=mtype.standard, direction="out", sender=sender,
        recipient=recipient, identificatie=identificatie, dagtekening=dagtekening,
        idem_key=f"{sender}|{mtype.code}|{identificatie}|{dagtekening.isoformat()}",
        sha256=hashlib.sha256(content).hexdigest(), size=len(content), content=content, created_at=utcnow(),
        status="nieuw", in_reply_to=in_reply_to, verdict=None, request_id=request_id,
    )
    session.add(bericht)
    party = ctx.parties.get(recipient)
    if party is not None and party.push_url:
        enqueue(session, kind="bericht.push", destination=party.push_url, payload=content.decode("utf-8"),
                content_type="application/xml", event_id=bericht.id)
    return bericht
