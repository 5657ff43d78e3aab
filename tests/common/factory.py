"""A small JW305/WMO305 factory for the kernel tests (domain tests have richer builders)."""
from __future__ import annotations

from datetime import date

from services.common.clock import today_nl
from services.common.messages.types import by_code
from services.common.messages.xmlutil import Builder, new_identificatie, serialize


def start_bericht(
    *, standard: str = "JW", afzender: str = "11110001", ontvanger: str = "0141", bsn: str = "999900006",
    identificatie: str | None = None, dagtekening: date | None = None, statuses: tuple[str, ...] = ("1",),
) -> bytes:
    mtype = by_code(f"{standard}305")
    b = Builder(mtype)
    root = b.root()
    b.header(root, afzender=afzender, ontvanger=ontvanger, identificatie=identificatie or new_identificatie(),
             dagtekening=dagtekening or today_nl())
    client = b.m(root, "Client")
    b.m(client, "Bsn", bsn)
    geb = b.m(client, "Geboortedatum")
    b.b(geb, "Datum", "2012-05-01")
    b.m(client, "Geslacht", "2")
    naam = b.m(client, "Naam")
    gn = b.b(naam, "Geslachtsnaam")
    b.b(gn, "Achternaam", "Testpersoon")
    products = b.m(client, "StartProducten")
    for i, status in enumerate(statuses):
        p = b.m(products, "StartProduct")
        b.m(p, "ToewijzingNummer", 1000 + i)
        prod = b.m(p, "Product")
        b.b(prod, "Categorie", "45" if standard == "JW" else "02")
        b.b(prod, "Code", "45A03" if standard == "JW" else "02A01")
        b.m(p, "ToewijzingIngangsdatum", "2026-01-01")
        b.m(p, "Begindatum", "2026-01-05")
        b.m(p, "StatusAanlevering", status)
    return serialize(root)
