"""Build a retour (302/306/308/316/318/320) from its heen-message, following IV028.

- no remarks: header only, without RetourCodes;
- a within-message rule failed (the standard's XSLT level): header only with 0001 and XsltVersie;
- a header rule failed (e.g. TR056): header only with that rule's retourcode;
- rules failed on classes: the header gets 0200 and the client's classes are copied unchanged, each
  with its own retourcodes: 0200 no remark, 0233 not judged, or the rule's retourcode.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from lxml import etree

from ..clock import today_nl
from .codes import GEEN_OPMERKING, TECHNISCH_AFGEKEURD
from .types import MessageType, by_code
from .xmlutil import new_identificatie


class RetourBuilder:
    def __init__(self, heen_type: MessageType, heen_root: etree._Element, *, xsd_versie: str = "1.0.0"):
        if heen_type.retour is None or heen_type.number == "323":
            raise ValueError(f"{heen_type.code} has no 3xx retour")
        self.heen_type = heen_type
        self.retour_type = by_code(heen_type.retour)
        self.heen_root = heen_root
        self.xsd_versie = xsd_versie
        self._heen_ns = heen_type.namespace
        self._retour_ns = self.retour_type.namespace

    # --- header -------------------------------------------------------------------------------
    def _header(
        self,
        root: etree._Element,
        codes: Sequence[str],
        *,
        identificatie: str,
        dagtekening: date,
        xslt_versie: str | None,
    ) -> None:
        heen_header = self.heen_root.find(f"{{{self._heen_ns}}}Header")
        assert heen_header is not None
        header = self._copy(heen_header, root, with_children=True)
        code_el = header.find(f"{{{self._retour_ns}}}BerichtCode")
        assert code_el is not None
        code_el.text = self.retour_type.berichtcode
        r, b = self._retour_ns, self.retour_type.basis_ns
        etree.SubElement(header, f"{{{r}}}IdentificatieRetour").text = identificatie
        etree.SubElement(header, f"{{{r}}}DagtekeningRetour").text = dagtekening.isoformat()
        if xslt_versie:
            etree.SubElement(header, f"{{{r}}}XsltVersie").text = xslt_versie
        xsd = etree.SubElement(header, f"{{{r}}}XsdVersieRetour")
        etree.SubElement(xsd, f"{{{b}}}BasisschemaXsdVersie").text = self.xsd_versie
        etree.SubElement(xsd, f"{{{b}}}BerichtXsdVersie").text = self.xsd_versie
        if codes:
            self._codes(header, codes)

    def _codes(self, parent: etree._Element, codes: Sequence[str]) -> None:
        wrapper = etree.SubElement(parent, f"{{{self._retour_ns}}}RetourCodes")
        for code in dict.fromkeys(codes):  # keep order, drop duplicates
            etree.SubElement(wrapper, f"{{{self._retour_ns}}}RetourCode").text = code

    def _copy(self, el: etree._Element, parent: etree._Element, with_children: bool) -> etree._Element:
        """Copy an element into the retour, moving message-namespace elements to the retour namespace."""
        qname = etree.QName(el)
        ns = self._retour_ns if qname.namespace == self._heen_ns else qname.namespace
        new = etree.SubElement(parent, f"{{{ns}}}{qname.localname}")
        if len(el) == 0:
            new.text = el.text
        elif with_children:
            for child in el:
                if isinstance(child.tag, str):
                    self._copy(child, new, True)
        return new

    def _root(self) -> etree._Element:
        rt = self.retour_type
        return etree.Element(f"{{{rt.namespace}}}Bericht", nsmap={rt.prefix: rt.namespace, rt.standard: rt.basis_ns})

    # --- public -------------------------------------------------------------------------------
    def header_only(
        self, codes: Sequence[str] = (), *, identificatie: str | None = None, dagtekening: date | None = None,
        xslt_versie: str | None = None,
    ) -> etree._Element:
        root = self._root()
        self._header(root, codes, identificatie=identificatie or new_identificatie(),
                     dagtekening=dagtekening or today_nl(), xslt_versie=xslt_versie)
        return root

    def technical_rejection(self, xslt_versie: str, **kw: object) -> etree._Element:
        return self.header_only([TECHNISCH_AFGEKEURD], xslt_versie=xslt_versie, **kw)  # type: ignore[arg-type]

    def with_classes(
        self,
        class_codes: Mapping[etree._Element, Sequence[str]],
        *,
        default: str = GEEN_OPMERKING,
        header_codes: Sequence[str] = (GEEN_OPMERKING,),
        identificatie: str | None = None,
        dagtekening: date | None = None,
        xslt_versie: str | None = None,
    ) -> etree._Element:
        """Copy the body and give every class its codes; classes not in `class_codes` get `default`.

        `class_codes` is keyed by the heen-message's own elements (Client, StartProduct, ...).
        """
        root = self._root()
        self._header(root, header_codes, identificatie=identificatie or new_identificatie(),
                     dagtekening=dagtekening or today_nl(), xslt_versie=xslt_versie)
        body = self.heen_root.find(f"{{{self._heen_ns}}}{self.heen_type.body}")
        assert body is not None
        classes = set(self.retour_type.retour_classes)
        self._copy_classes(body, root, classes, class_codes, default)
        return root

    def _copy_classes(
        self,
        el: etree._Element,
        parent: etree._Element,
        classes: set[str],
        class_codes: Mapping[etree._Element, Sequence[str]],
        default: str,
    ) -> None:
        new = self._copy(el, parent, with_children=False)
        for child in el:
            if isinstance(child.tag, str):
                if len(child):
                    self._copy_classes(child, new, classes, class_codes, default)
                else:
                    self._copy(child, new, True)
        if etree.QName(el).localname in classes:
            self._codes(new, class_codes.get(el) or [default])
