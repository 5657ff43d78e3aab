"""302 (retour on our 301) and 320 (retour on our 319): stored, linked to the message they answer, and
shown to the gemeente (its mailbox, and on the toewijzing when the aanbieder rejected something).

A retour gets no retour of its own (answer 202). A retour that names no message we sent to this
aanbieder is kept (nothing accepted is lost) with the verdict 'niet-gekoppeld'.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.pipeline import Inbound, Reply
from services.common.store.models import Bericht

from .messages import read_retour
from .models import RetourOntvangst


def ontvang_retour(msg: Inbound, session: Session) -> Reply:
    retour = read_retour(msg.root, msg.mtype)
    heen = msg.mtype.heen or ""
    origineel = session.scalar(select(Bericht.id).where(
        Bericht.idem_key == f"{msg.recipient}|{heen}|{retour.identificatie}|{retour.dagtekening.isoformat()}",
        Bericht.direction == "out", Bericht.recipient == msg.sender))
    session.add(RetourOntvangst(bericht_id=msg.id, origineel_id=origineel, berichttype=msg.mtype.code,
                                gemeente=msg.recipient, aanbieder=msg.sender, afgekeurd=retour.afgekeurd,
                                codes=retour.codes))
    if origineel is None:
        verdict = "niet-gekoppeld"
    else:
        verdict = "afgekeurd" if retour.afgekeurd else "goedgekeurd"
    return Reply(None, verdict)
