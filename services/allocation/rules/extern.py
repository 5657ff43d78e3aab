"""Rules against an external source (Controleniveau "externe bron", IV032 level 4): the code goes on the
class it concerns, or with a header-only retour when it is in the Header.

TR378 uses the CBS gemeentelijke indeling shipped with the service (`cbs_gemeentecodes.csv`, the indeling
of 1 January 2026: 342 gemeenten, from the standard's code list CBS_Gemeentecodes). TR378 allows an older
indeling that was current on the (Toewijzing)Ingangsdatum, so after a herindeling the codes of the
dissolved gemeenten are added to that file rather than removed: a code counts when it is in the file.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.common.rules import rule

CBS_GEMEENTECODES = Path(__file__).with_name("cbs_gemeentecodes.csv")


@lru_cache(maxsize=1)
def cbs_gemeentecodes() -> frozenset[str]:
    with CBS_GEMEENTECODES.open(encoding="utf-8", newline="") as f:
        return frozenset(row["gemeentecode"] for row in csv.DictReader(f))


def bestaande_gemeentecode(code: str | None) -> bool:
    """TR378: a gemeentecode from the CBS overview."""
    return code is not None and code in cbs_gemeentecodes()


@rule("TR378", retourcode="S300", applies_to="Header", messages={"305", "307", "315", "317"}, level="header",
      summary="Ontvanger is een bestaande gemeentecode uit het CBS-overzicht.")
def ontvanger_is_cbs_gemeente(header: Any, _msg: Any) -> bool:
    """In a 305/307/315/317 the only gemeentecode is the Ontvanger; a gemeente connected to the platform
    under a code that is not (or no longer) in the CBS overview gets S300 in a header-only retour (IV028)."""
    return bestaande_gemeentecode(header.ontvanger)
