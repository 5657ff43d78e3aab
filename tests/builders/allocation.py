"""Builders for the allocation messages an aanbieder sends: 315, 317, 305, 307, and the retours 302/320 on
the gemeente's 301/319. Valid by default; every field can be set to break one rule on purpose.

    from tests.builders.allocation import Client, Aanvraag, vot
    body = vot("11110001", "0141", Client("999900006"), [Aanvraag("REF-1", "45", "45A03", date(2026, 4, 1),
                                                                  date(2026, 12, 31), omvang=(4, "04", "2"))])

Dates default to today so the dagtekening rule (TR135) passes; `standard="iwmo"` gives the WMO variant.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from lxml import etree
from services.common.clock import today_nl

BASIS = {"ijw": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
         "iwmo": "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema"}
PREFIX = {"ijw": "jw", "iwmo": "wmo"}
BERICHTCODE = {
    ("ijw", "305"): "438", ("ijw", "307"): "440", ("ijw", "315"): "446", ("ijw", "317"): "486",
    ("iwmo", "305"): "418", ("iwmo", "307"): "420", ("iwmo", "315"): "444", ("iwmo", "317"): "480",
}
_ALPHABET = string.ascii_uppercase + string.digits


def new_ident() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def new_ref(prefix: str = "REF") -> str:
    return f"{prefix}-{secrets.token_hex(8)}"


@dataclass
class Client:
    bsn: str
    geboortedatum: date = date(2012, 5, 1)
    geslacht: str = "1"
    achternaam: str = "Testpersoon"
    voorvoegsel: str | None = None
    voornamen: str | None = "Tom"
    voorletters: str | None = "T"
    datum_gebruik: str | None = None


@dataclass
class Aanvraag:
    """An AangevraagdProduct (315)."""

    referentie: str
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None = None
    omvang: tuple[int, str, str] | None = None  # (volume, eenheid, frequentie)
    budget: int | None = None
    verwijzer: tuple[str, str | None, str | None] = ("02", "Huisarts Jansen", None)  # type, naam, zorgverlenercode
    beschikking: tuple[int, date] | None = None


@dataclass
class TeWijzigen:
    nummer: int
    gewenste_ingangsdatum: date
    einddatum: date | None = None
    omvang: tuple[int, str, str] | None = None
    budget: int | None = None


@dataclass
class Nieuw:
    categorie: str | None
    code: str | None
    gewenste_ingangsdatum: date
    einddatum: date | None = None
    omvang: tuple[int, str, str] | None = None
    budget: int | None = None


@dataclass
class Regel:
    """A StartProduct (305) or StopProduct (307)."""

    nummer: int | None
    begindatum: date
    status: str = "1"
    categorie: str | None = None
    code: str | None = None
    toewijzing_ingangsdatum: date | None = None
    einddatum: date | None = None  # stop only
    reden: str | None = None  # RedenBeeindiging, stop only


class _Doc:
    def __init__(self, standard: str, number: str):
        self.standard, self.number = standard, number
        self.ns = f"http://www.istandaarden.nl/{standard}/3_2/{PREFIX[standard]}{number}/schema"
        self.b_ns = BASIS[standard]
        self.root = etree.Element(f"{{{self.ns}}}Bericht",
                                  nsmap={f"{PREFIX[standard]}{number}": self.ns, standard: self.b_ns})

    def m(self, parent: etree._Element, tag: str, text: object = None) -> etree._Element:
        el = etree.SubElement(parent, f"{{{self.ns}}}{tag}")
        if text is not None:
            el.text = text.isoformat() if isinstance(text, date) else str(text)
        return el

    def b(self, parent: etree._Element, tag: str, text: object = None) -> etree._Element:
        el = etree.SubElement(parent, f"{{{self.b_ns}}}{tag}")
        if text is not None:
            el.text = text.isoformat() if isinstance(text, date) else str(text)
        return el

    def header(self, afzender: str, ontvanger: str, identificatie: str | None, dagtekening: date | None) -> None:
        h = self.m(self.root, "Header")
        self.m(h, "BerichtCode", BERICHTCODE[(self.standard, self.number)])
        self.m(h, "BerichtVersie", 3)
        self.m(h, "BerichtSubversie", 2)
        self.m(h, "Afzender", afzender)
        self.m(h, "Ontvanger", ontvanger)
        ident = self.m(h, "BerichtIdentificatie")
        self.b(ident, "Identificatie", identificatie or new_ident())
        self.b(ident, "Dagtekening", dagtekening or today_nl())
        xsd = self.m(h, "XsdVersie")
        self.b(xsd, "BasisschemaXsdVersie", "1.0.0")
        self.b(xsd, "BerichtXsdVersie", "1.0.0")

    def client(self, c: Client) -> etree._Element:
        el = self.m(self.root, "Client")
        self.m(el, "Bsn", c.bsn)
        geb = self.m(el, "Geboortedatum")
        self.b(geb, "Datum", c.geboortedatum)
        if c.datum_gebruik:
            self.b(geb, "DatumGebruik", c.datum_gebruik)
        self.m(el, "Geslacht", c.geslacht)
        naam = self.m(el, "Naam")
        gn = self.b(naam, "Geslachtsnaam")
        self.b(gn, "Achternaam", c.achternaam)
        if c.voorvoegsel:
            self.b(gn, "Voorvoegsel", c.voorvoegsel)
        if c.voornamen:
            self.b(naam, "Voornamen", c.voornamen)
        if c.voorletters:
            self.b(naam, "Voorletters", c.voorletters)
        return el

    def product(self, parent: etree._Element, categorie: str | None, code: str | None) -> None:
        if categorie is None:
            return
        p = self.m(parent, "Product")
        self.b(p, "Categorie", categorie)
        if code:
            self.b(p, "Code", code)

    def omvang(self, parent: etree._Element, omvang: tuple[int, str, str] | None) -> None:
        if omvang is None:
            return
        om = self.m(parent, "Omvang")
        self.b(om, "Volume", omvang[0])
        self.b(om, "Eenheid", omvang[1])
        self.b(om, "Frequentie", omvang[2])

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


def vot(afzender: str, ontvanger: str, client: Client, producten: Sequence[Aanvraag], *, standard: str = "ijw",
        identificatie: str | None = None, dagtekening: date | None = None) -> bytes:
    d = _Doc(standard, "315")
    d.header(afzender, ontvanger, identificatie, dagtekening)
    c = d.client(client)
    wrapper = d.m(c, "AangevraagdeProducten")
    for a in producten:
        p = d.m(wrapper, "AangevraagdProduct")
        d.m(p, "ReferentieAanbieder", a.referentie)
        if a.beschikking:
            d.m(p, "BeschikkingNummer", a.beschikking[0])
        d.product(p, a.categorie, a.code)
        if a.beschikking:
            d.m(p, "BeschikkingIngangsdatum", a.beschikking[1])
        d.m(p, "ToewijzingIngangsdatum", a.ingangsdatum)
        if a.einddatum:
            d.m(p, "ToewijzingEinddatum", a.einddatum)
        d.omvang(p, a.omvang)
        if a.budget is not None:
            d.m(p, "Budget", a.budget)
        v = d.m(p, "Verwijzer")
        d.b(v, "Type", a.verwijzer[0])
        if a.verwijzer[1]:
            d.b(v, "Naam", a.verwijzer[1])
        if a.verwijzer[2]:
            d.b(v, "ZorgverlenerCode", a.verwijzer[2])
    return d.bytes()


def vow(afzender: str, ontvanger: str, bsn: str, referentie: str, *, ongewijzigd: Iterable[int] = (),
        te_wijzigen: Iterable[TeWijzigen] = (), nieuw: Iterable[Nieuw] = (), reden: str = "1", standard: str = "ijw",
        identificatie: str | None = None, dagtekening: date | None = None) -> bytes:
    d = _Doc(standard, "317")
    d.header(afzender, ontvanger, identificatie, dagtekening)
    c = d.m(d.root, "Client")
    d.m(c, "Bsn", bsn)
    v = d.m(c, "Verzoek")
    d.m(v, "ReferentieAanbieder", referentie)
    d.m(v, "RedenVerzoek", reden)
    ongewijzigd, te_wijzigen, nieuw = list(ongewijzigd), list(te_wijzigen), list(nieuw)
    if ongewijzigd:
        w = d.m(v, "OngewijzigdeProducten")
        for n in ongewijzigd:
            d.m(d.m(w, "OngewijzigdProduct"), "ToewijzingNummer", n)
    if te_wijzigen:
        w = d.m(v, "TeWijzigenProducten")
        for t in te_wijzigen:
            p = d.m(w, "TeWijzigenProduct")
            d.m(p, "ToewijzingNummer", t.nummer)
            d.m(p, "GewensteIngangsdatum", t.gewenste_ingangsdatum)
            if t.einddatum:
                d.m(p, "Einddatum", t.einddatum)
            d.omvang(p, t.omvang)
            if t.budget is not None:
                d.m(p, "Budget", t.budget)
    if nieuw:
        w = d.m(v, "NieuweProducten")
        for n in nieuw:
            p = d.m(w, "NieuwProduct")
            d.product(p, n.categorie, n.code)
            d.m(p, "GewensteIngangsdatum", n.gewenste_ingangsdatum)
            if n.einddatum:
                d.m(p, "Einddatum", n.einddatum)
            d.omvang(p, n.omvang)
            if n.budget is not None:
                d.m(p, "Budget", n.budget)
    return d.bytes()


def _regie(number: str, afzender: str, ontvanger: str, client: Client, regels: Sequence[Regel], standard: str,
           identificatie: str | None, dagtekening: date | None) -> bytes:
    d = _Doc(standard, number)
    d.header(afzender, ontvanger, identificatie, dagtekening)
    c = d.client(client)
    start = number == "305"
    wrapper = d.m(c, "StartProducten" if start else "StopProducten")
    for r in regels:
        p = d.m(wrapper, "StartProduct" if start else "StopProduct")
        if r.nummer is not None:
            d.m(p, "ToewijzingNummer", r.nummer)
        d.product(p, r.categorie, r.code)
        if r.toewijzing_ingangsdatum:
            d.m(p, "ToewijzingIngangsdatum", r.toewijzing_ingangsdatum)
        d.m(p, "Begindatum", r.begindatum)
        if not start:
            d.m(p, "RedenBeeindiging", r.reden or ("31" if standard == "ijw" else "19"))
            d.m(p, "Einddatum", r.einddatum or r.begindatum)
        d.m(p, "StatusAanlevering", r.status)
    return d.bytes()


def start(afzender: str, ontvanger: str, client: Client, regels: Sequence[Regel], *, standard: str = "ijw",
          identificatie: str | None = None, dagtekening: date | None = None) -> bytes:
    return _regie("305", afzender, ontvanger, client, regels, standard, identificatie, dagtekening)


def stop(afzender: str, ontvanger: str, client: Client, regels: Sequence[Regel], *, standard: str = "ijw",
         identificatie: str | None = None, dagtekening: date | None = None) -> bytes:
    return _regie("307", afzender, ontvanger, client, regels, standard, identificatie, dagtekening)


@dataclass
class RetourCodes:
    """Codes an aanbieder puts in a 302/320: per class local name, or per ToewijzingNummer for a product."""

    header: Sequence[str] = ()
    client: Sequence[str] = ("0200",)
    producten: Mapping[int, Sequence[str]] = field(default_factory=dict)
    antwoord: Sequence[str] = ("0200",)


def retour_op(heen: bytes, codes: RetourCodes | None = None) -> bytes:
    """The aanbieder's 302 on a 301, or 320 on a 319: the header and body copied, with RetourCodes (IV028)."""
    codes = codes or RetourCodes()
    src = etree.fromstring(heen)
    heen_ns = etree.QName(src).namespace or ""
    standard = "ijw" if "/ijw/" in heen_ns else "iwmo"
    number = heen_ns.rsplit("/", 2)[-2][-3:]
    retour_number = {"301": "302", "319": "320"}[number]
    ns = heen_ns.replace(number + "/schema", retour_number + "/schema")
    b_ns = BASIS[standard]
    codes_berichtcode = {("ijw", "302"): "437", ("ijw", "320"): "489", ("iwmo", "302"): "415", ("iwmo", "320"): "483"}

    def copy(el: etree._Element, parent: etree._Element | None) -> etree._Element:
        q = etree.QName(el)
        tag = f"{{{ns if q.namespace == heen_ns else q.namespace}}}{q.localname}"
        new = etree.Element(tag, nsmap={f"{PREFIX[standard]}{retour_number}": ns, standard: b_ns}) if parent is None \
            else etree.SubElement(parent, tag)
        if len(el) == 0:
            new.text = el.text
        for child in el:
            if isinstance(child.tag, str):
                copy(child, new)
        return new

    root = copy(src, None)
    header = root.find(f"{{{ns}}}Header")
    assert header is not None
    header.find(f"{{{ns}}}BerichtCode").text = codes_berichtcode[(standard, retour_number)]  # type: ignore[union-attr]
    etree.SubElement(header, f"{{{ns}}}IdentificatieRetour").text = new_ident()
    etree.SubElement(header, f"{{{ns}}}DagtekeningRetour").text = today_nl().isoformat()
    xsd = etree.SubElement(header, f"{{{ns}}}XsdVersieRetour")
    etree.SubElement(xsd, f"{{{b_ns}}}BasisschemaXsdVersie").text = "1.0.0"
    etree.SubElement(xsd, f"{{{b_ns}}}BerichtXsdVersie").text = "1.0.0"

    def add_codes(parent: etree._Element, values: Sequence[str]) -> None:
        wrapper = etree.SubElement(parent, f"{{{ns}}}RetourCodes")
        for v in values:
            etree.SubElement(wrapper, f"{{{ns}}}RetourCode").text = v

    if codes.header:
        add_codes(header, codes.header)
    if retour_number == "302":
        client = root.find(f"{{{ns}}}Client")
        assert client is not None
        # Relatie and Contact are retour classes of the 302 too (RetourCodes after their last element)
        for cls in ("Relatie", "Contact"):
            for el in client.iter(f"{{{ns}}}{cls}"):
                add_codes(el, ("0200",))
        for tp in client.iter(f"{{{ns}}}ToegewezenProduct"):
            nummer = int(tp.findtext(f"{{{ns}}}ToewijzingNummer") or 0)
            add_codes(tp, codes.producten.get(nummer, ("0200",)))
        add_codes(client, codes.client)
    else:
        antwoord = root.find(f"{{{ns}}}Antwoord")
        assert antwoord is not None
        wpb = antwoord.find(f"{{{ns}}}Woonplaatsbeginsel")
        if wpb is not None:
            add_codes(wpb, ("0200",))
        add_codes(antwoord, codes.antwoord)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
