"""Who may see and change what. Every party sees only its own data; a regio sees its member gemeenten;
service parties (the other services) read everything. Another party's object answers 404, so its
existence does not leak."""
from __future__ import annotations

from services.common.auth import Party


def manages(party: Party, gemeente: str) -> bool:
    """May this party change the contracts and records of this gemeente?"""
    if party.is_service:
        return True
    if party.kind in ("gemeente", "regio"):
        return gemeente in party.scope()
    return False


def reads_gemeente(party: Party, gemeente: str) -> bool:
    return party.is_service or (party.kind in ("gemeente", "regio") and gemeente in party.scope())


def reads_contract(party: Party, gemeente: str, aanbieder: str) -> bool:
    """An aanbieder reads its own contracts; a gemeente (or its regio) its own."""
    if party.is_aanbieder:
        return party.code == aanbieder
    return reads_gemeente(party, gemeente)
