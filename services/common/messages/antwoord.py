"""Build the 325 declaratie-antwoord from a 323, following IV087.

- fully approved: header 0200, DeclaratieAntwoord with 8001 and both totals equal to the submitted total;
- within-message rule failed: header only, 0001 and XsltVersie (the declaratie counts as not sent);
- header rule failed (e.g. TR056): header only with that code;
- Declaratie class rejected (e.g. TR333): header 0200, DeclaratieAntwoord with the code, toegekend 0;
- prestaties rejected: header 0200, DeclaratieAntwoord 0200 with the approved total, and only the
  rejected prestaties under their client (client 0200, or the client's code with its prestaties 0233).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from ..clock import today_nl
from .codes import GEEN_OPMERKING, TECHNISCH_AFGEKEURD, VOLLEDIG_TOEGEWEZEN
from .types import MessageType, by_code
from .xmlutil import new_identificatie


def signed_to_dc(cents: int) -> tuple[int, str]:
    """Integer eurocents with sign → (amount, D/C); 0 is D (CS325)."""
    return (abs(cents), "C" if cents < 0 else "D")


@dataclass
class RejectedClient:
    element: etree._Element  # the 323 Client element
    codes: Sequence[str] = (GEEN_OPMERKING,)
    prestaties: dict[etree._Element, Sequence[str]] = field(default_factory=dict)


class DeclaratieAntwoordBuilder:
    def __init__(self, heen_type: MessageType, heen_root: etree._Element, *, xsd_versie: str = "1.0.0"):
        if heen_type.number != "323":
            raise ValueError("the 325 answers a 323")
        self.heen_type = heen_type
        self.mtype = by_code(heen_type.retour or "")
        self.heen_root = heen_root
        self.xsd_versie = xsd_versie
        self._h = heen_type.namespace
        self._r = self.mtype.namespace
        self._b = self.mtype.basis_ns

    def _el(self, parent: etree._Element, tag: str, text: object = None, basis: bool = False) -> etree._Element:
        el = etree.SubElement(parent, f"{{{self._b if basis else self._r}}}{tag}")
        if text is not None:
            el.text = str(text)
        return el

    def _codes(self, parent: etree._Element, codes: Sequence[str]) -> None:
        wrapper = self._el(parent, "RetourCodes")
        for code in dict.fromkeys(codes):
            self._el(wrapper, "RetourCode", code)

    def _heen_text(self, path: str) -> str:
        found = self.heen_root.find(path, {"m": self._h, "b": self._b})
        return (found.text or "").strip() if found is not None else ""

    def _root_and_header(
        self, codes: Sequence[str], identificatie: str | None, dagtekening: date | None, xslt_versie: str | None
    ) -> etree._Element:
        mt = self.mtype
        root = etree.Element(f"{{{mt.namespace}}}Bericht", nsmap={mt.prefix: mt.namespace, mt.standard: mt.basis_ns})
        h = self._el(root, "Header")
        self._el(h, "BerichtCode", mt.berichtcode)
        self._el(h, "BerichtVersie", 3)
        self._el(h, "BerichtSubversie", 2)
        # the 325 is a message of the gemeente to the aanbieder: sender and receiver swap
        self._el(h, "Afzender", self._heen_text("m:Header/m:Ontvanger"))
        self._el(h, "Ontvanger", self._heen_text("m:Header/m:Afzender"))
        ident = self._el(h, "BerichtIdentificatie")
        self._el(ident, "Identificatie", identificatie or new_identificatie(), basis=True)
        self._el(ident, "Dagtekening", (dagtekening or today_nl()).isoformat(), basis=True)
        xsd = self._el(h, "XsdVersie")
        self._el(xsd, "BasisschemaXsdVersie", self.xsd_versie, basis=True)
        self._el(xsd, "BerichtXsdVersie", self.xsd_versie, basis=True)
        decl = self._el(h, "DeclaratieIdentificatie")
        self._el(decl, "Identificatie", self._heen_text("m:Header/m:BerichtIdentificatie/b:Identificatie"), basis=True)
        self._el(decl, "Dagtekening", self._heen_text("m:Header/m:BerichtIdentificatie/b:Dagtekening"), basis=True)
        if xslt_versie:
            self._el(h, "XsltVersie", xslt_versie)
        xsd_decl = self._el(h, "XsdVersieDeclaratie")
        self._el(xsd_decl, "BasisschemaXsdVersie",
                 self._heen_text("m:Header/m:XsdVersie/b:BasisschemaXsdVersie") or self.xsd_versie, basis=True)
        self._el(xsd_decl, "BerichtXsdVersie",
                 self._heen_text("m:Header/m:XsdVersie/b:BerichtXsdVersie") or self.xsd_versie, basis=True)
        self._codes(h, codes)
        return root

    def header_only(
        self, codes: Sequence[str], *, identificatie: str | None = None, dagtekening: date | None = None,
        xslt_versie: str | None = None,
    ) -> etree._Element:
        return self._root_and_header(codes, identificatie, dagtekening, xslt_versie)

    def technical_rejection(self, xslt_versie: str, **kw: object) -> etree._Element:
        return self.header_only([TECHNISCH_AFGEKEURD], xslt_versie=xslt_versie, **kw)  # type: ignore[arg-type]

    def answer(
        self,
        *,
        ingediend_cents: int,
        toegekend_cents: int,
        antwoord_codes: Sequence[str] | None = None,
        rejected: Sequence[RejectedClient] = (),
        identificatie: str | None = None,
        dagtekening: date | None = None,
        xslt_versie: str | None = None,
    ) -> etree._Element:
        """A judged declaratie. Without rejected clients and codes this is the full approval (8001)."""
        root = self._root_and_header([GEEN_OPMERKING], identificatie, dagtekening, xslt_versie)
        da = self._el(root, "DeclaratieAntwoord")
        self._el(da, "DeclaratieNummer", self._heen_text("m:Declaratie/m:DeclaratieNummer"))
        for tag, cents in (("TotaalIngediendBedrag", ingediend_cents), ("TotaalToegekendBedrag", toegekend_cents)):
            amount, dc = signed_to_dc(cents)
            total = self._el(da, tag)
            self._el(total, "TotaalBedrag", amount, basis=True)
            self._el(total, "DebetCredit", dc, basis=True)
        if rejected:
            clienten = self._el(da, "Clienten")
            for rc in rejected:
                self._client(clienten, rc)
        if antwoord_codes is None:
            antwoord_codes = [GEEN_OPMERKING] if rejected else [VOLLEDIG_TOEGEWEZEN]
        self._codes(da, antwoord_codes)
        return root

    def _client(self, clienten: etree._Element, rc: RejectedClient) -> None:
        client = self._el(clienten, "Client")
        bsn = rc.element.find(f"{{{self._h}}}Bsn")
        self._el(client, "Bsn", bsn.text if bsn is not None else "")
        prestaties = self._el(client, "Prestaties")
        for prestatie, codes in rc.prestaties.items():
            copy = self._copy(prestatie, prestaties)
            self._codes(copy, codes)
        self._codes(client, rc.codes)

    def _copy(self, el: etree._Element, parent: etree._Element) -> etree._Element:
        qname = etree.QName(el)
        ns = self._r if qname.namespace == self._h else qname.namespace
        new = etree.SubElement(parent, f"{{{ns}}}{qname.localname}")
        if len(el) == 0:
            new.text = el.text
        for child in el:
            if isinstance(child.tag, str):
                self._copy(child, new)
        return new


def all_prestaties_not_judged(client_el: etree._Element, heen_type: MessageType) -> Mapping[etree._Element, Sequence[str]]:
    from .codes import NIET_BEOORDEELD

    ns = heen_type.namespace
    return {p: [NIET_BEOORDEELD] for p in client_el.iterfind(f"{{{ns}}}Prestaties/{{{ns}}}Prestatie")}
