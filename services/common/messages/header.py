"""Reading the header of any iJw/iWmo message."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from .types import MessageType


@dataclass(frozen=True)
class Header:
    berichtcode: str
    versie: str
    subversie: str
    afzender: str
    ontvanger: str
    identificatie: str
    dagtekening: date
    basisschema_xsd_versie: str
    bericht_xsd_versie: str

    def logical_sender(self, mtype: MessageType) -> str:
        # A retour copies the heen-header unchanged, so the party answering is the header's Ontvanger.
        return self.ontvanger if mtype.is_retour else self.afzender

    def logical_recipient(self, mtype: MessageType) -> str:
        return self.afzender if mtype.is_retour else self.ontvanger


def read_header(root: etree._Element, mtype: MessageType) -> Header:
    """Read the header of a schema-valid message (validation guarantees every element is there)."""
    m, b = mtype.namespace, mtype.basis_ns
    header = root.find(f"{{{m}}}Header")
    if header is None:  # pragma: no cover - excluded by the XSD
        raise ValueError("message has no Header")

    def text(tag: str, ns: str = m, parent: etree._Element = header) -> str:
        el = parent.find(f"{{{ns}}}{tag}")
        return (el.text or "").strip() if el is not None else ""

    ident = header.find(f"{{{m}}}BerichtIdentificatie")
    xsd = header.find(f"{{{m}}}XsdVersie")
    return Header(
        berichtcode=text("BerichtCode"),
        versie=text("BerichtVersie"),
        subversie=text("BerichtSubversie"),
        afzender=text("Afzender"),
        ontvanger=text("Ontvanger"),
        identificatie=text("Identificatie", b, ident),
        dagtekening=date.fromisoformat(text("Dagtekening", b, ident)),
        basisschema_xsd_versie=text("BasisschemaXsdVersie", b, xsd) if xsd is not None else "",
        bericht_xsd_versie=text("BerichtXsdVersie", b, xsd) if xsd is not None else "",
    )
