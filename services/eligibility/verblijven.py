"""The verblijf register: for a youth in residential care, the gemeente of inscription just before the
stay (Jeugdwet art. 1.1 woonplaats 2). The BRP does not carry it, so the responsible gemeente records it
here; checks use it for the woonplaatsbeginsel. Stored with a keyed hash of the BSN, never the BSN."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.common.auth import Party
from services.common.problems import Problem

from .access import manages
from .models import Verblijf
from .schemas import VerblijfIn
from .service import as_utc


def verblijf_out(row: Verblijf) -> dict[str, Any]:
    return {"id": row.id, "gemeenteVoorVerblijf": row.gemeente_voor_verblijf, "ingangsdatum": row.ingangsdatum,
            "einddatum": row.einddatum, "geregistreerdDoor": row.geregistreerd_door,
            "aangemaaktOp": as_utc(row.created_at)}


def _sees(caller: Party, row: Verblijf) -> bool:
    return caller.is_service or row.gemeente_voor_verblijf in caller.scope() or row.geregistreerd_door == caller.code


def create(*, session: Session, caller: Party, data: VerblijfIn, bsn_hash: str) -> dict[str, Any]:
    # the gemeente that stays responsible records the stay (or a service acting for it)
    if not manages(caller, data.gemeenteVoorVerblijf):
        raise Problem(403, "niet-uw-gemeente",
                      "Alleen de gemeente van vóór het verblijf (of een dienst) legt dit verblijf vast.")
    row = Verblijf(bsn_hash=bsn_hash, gemeente_voor_verblijf=data.gemeenteVoorVerblijf,
                   ingangsdatum=data.ingangsdatum, einddatum=data.einddatum, geregistreerd_door=caller.code)
    session.add(row)
    session.flush()
    return verblijf_out(row)


def search(*, session: Session, caller: Party, bsn_hash: str) -> list[dict[str, Any]]:
    rows = session.scalars(select(Verblijf).where(Verblijf.bsn_hash == bsn_hash).order_by(Verblijf.created_at)).all()
    return [verblijf_out(r) for r in rows if _sees(caller, r)]


def delete(*, session: Session, caller: Party, verblijf_id: str) -> None:
    row = session.get(Verblijf, verblijf_id)
    if row is None or not _sees(caller, row):
        raise Problem(404, "niet-gevonden", "Dit verblijf bestaat niet (of is niet van u).")
    if not manages(caller, row.gemeente_voor_verblijf):
        raise Problem(403, "niet-uw-gemeente", "Alleen de gemeente van vóór het verblijf kan dit verwijderen.")
    session.delete(row)
