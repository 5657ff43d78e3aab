"""Reading the inbound allocation messages (305, 307, 315, 317, 302, 320) into small typed objects, and
building the outbound ones (301, 319).

The objects keep their XML element (`el`) so a retour can put retourcodes on exactly that class; they
compare by identity (eq=False), which is what the rule runner and the retour builder key on.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from lxml import etree

from services.common.clock import now_nl
from services.common.messages.types import MessageType
from services.common.messages.xmlutil import Builder

from .models import Client, Toewijzing
from .rules.inhoud import als_lijst


def _text(el: etree._Element | None, tag: str) -> str | None:
    if el is None:
        return None
    found = el.find(tag)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return value or None


def _date(el: etree._Element | None, tag: str) -> date | None:
    value = _text(el, tag)
    return date.fromisoformat(value) if value else None


def _int(el: etree._Element | None, tag: str) -> int | None:
    value = _text(el, tag)
    return int(value) if value is not None else None


class Tags:
    """Clark-notation tag names for one message type (m: message namespace, b: basisschema)."""

    def __init__(self, mtype: MessageType):
        self.mtype = mtype
        self._m = "{" + mtype.namespace + "}"
        self._b = "{" + mtype.basis_ns + "}"

    def m(self, *names: str) -> str:
        return "/".join(self._m + n for n in names)

    def b(self, name: str) -> str:
        return self._b + name


# ---- shared pieces ----------------------------------------------------------------------------------
@dataclass(eq=False)
class ClientIn:
    el: etree._Element
    bsn: str
    geboortedatum: date | None = None
    datum_gebruik: str | None = None
    geslacht: str | None = None
    achternaam: str | None = None
    voorvoegsel: str | None = None
    voornamen: str | None = None
    voorletters: str | None = None


def read_client(root: etree._Element, t: Tags) -> ClientIn:
    el = root.find(t.m("Client"))
    assert el is not None  # the XSD requires it
    geb = el.find(t.m("Geboortedatum"))
    naam = el.find(t.m("Naam"))
    gnaam = naam.find(t.b("Geslachtsnaam")) if naam is not None else None
    return ClientIn(
        el=el,
        bsn=_text(el, t.m("Bsn")) or "",
        geboortedatum=_date(geb, t.b("Datum")),
        datum_gebruik=_text(geb, t.b("DatumGebruik")),
        geslacht=_text(el, t.m("Geslacht")),
        achternaam=_text(gnaam, t.b("Achternaam")),
        voorvoegsel=_text(gnaam, t.b("Voorvoegsel")),
        voornamen=_text(naam, t.b("Voornamen")),
        voorletters=_text(naam, t.b("Voorletters")),
    )


@dataclass(eq=False)
class Aanvraag:
    """What 315 AangevraagdProduct, 317 NieuwProduct and 317 TeWijzigenProduct have in common."""

    el: etree._Element
    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None

    @property
    def heeft_omvang(self) -> bool:
        return self.eenheid is not None

    @property
    def heeft_budget(self) -> bool:
        return self.budget is not None

    def omvang(self) -> dict[str, Any] | None:
        if not self.heeft_omvang:
            return None
        return {"volume": self.volume, "eenheid": self.eenheid, "frequentie": self.frequentie}


def _omvang(el: etree._Element, t: Tags) -> tuple[int | None, str | None, str | None]:
    om = el.find(t.m("Omvang"))
    if om is None:
        return None, None, None
    return _int(om, t.b("Volume")), _text(om, t.b("Eenheid")), _text(om, t.b("Frequentie"))


def _product(el: etree._Element, t: Tags) -> tuple[str | None, str | None]:
    p = el.find(t.m("Product"))
    if p is None:
        return None, None
    return _text(p, t.b("Categorie")), _text(p, t.b("Code"))


# ---- 305 / 307 ------------------------------------------------------------------------------------
@dataclass(eq=False)
class RegieProduct:
    """A StartProduct (305) or StopProduct (307)."""

    el: etree._Element
    soort: str  # start / stop
    toewijzing_nummer: int | None
    categorie: str | None
    code: str | None
    toewijzing_ingangsdatum: date | None
    begindatum: date
    status: str
    einddatum: date | None = None
    reden_beeindiging: str | None = None

    def start_sleutel(self) -> tuple[Any, ...]:
        """The logical key of the start this product is about (IV008/IV096): ToewijzingNummer and
        Begindatum, or for taakgericht (no ToewijzingNummer) Product and Begindatum."""
        return start_sleutel(self.toewijzing_nummer, self.categorie, self.code, self.begindatum)

    def sleutel(self) -> tuple[Any, ...]:
        """Its own logical key: a StopProduct's key includes RedenBeeindiging (since release 3.2)."""
        if self.soort == "stop":
            return (*self.start_sleutel(), self.reden_beeindiging)
        return self.start_sleutel()


def start_sleutel(nummer: int | None, categorie: str | None, code: str | None, begindatum: date) -> tuple[Any, ...]:
    if nummer is not None:
        return (nummer, None, None, begindatum)
    return (None, categorie, code, begindatum)


@dataclass
class RegieBericht:
    client: ClientIn
    producten: list[RegieProduct]


def read_regie(root: etree._Element, mtype: MessageType) -> RegieBericht:
    t = Tags(mtype)
    client = read_client(root, t)
    soort = "start" if mtype.number == "305" else "stop"
    path = ("StartProducten", "StartProduct") if soort == "start" else ("StopProducten", "StopProduct")
    producten = []
    for el in client.el.iterfind(t.m(*path)):
        categorie, code = _product(el, t)
        producten.append(RegieProduct(
            el=el, soort=soort, toewijzing_nummer=_int(el, t.m("ToewijzingNummer")), categorie=categorie,
            code=code, toewijzing_ingangsdatum=_date(el, t.m("ToewijzingIngangsdatum")),
            begindatum=_date(el, t.m("Begindatum")) or date.min, status=_text(el, t.m("StatusAanlevering")) or "",
            einddatum=_date(el, t.m("Einddatum")), reden_beeindiging=_text(el, t.m("RedenBeeindiging")),
        ))
    return RegieBericht(client, producten)


# ---- 315 ------------------------------------------------------------------------------------------
@dataclass(eq=False)
class AangevraagdProduct(Aanvraag):
    referentie: str = ""
    beschikking_nummer: int | None = None
    beschikking_ingangsdatum: date | None = None
    verwijzer_type: str | None = None
    verwijzer_naam: str | None = None
    verwijzer_zorgverlener: str | None = None
    raamcontract: str | None = None
    commentaar: str | None = None

    def inhoud(self) -> dict[str, Any]:
        """What the verzoek row keeps of it (the exact XML stays in the stored message)."""
        return {
            "product": {"categorie": self.categorie, "code": self.code} if self.categorie else None,
            "ingangsdatum": self.ingangsdatum.isoformat(),
            "einddatum": self.einddatum.isoformat() if self.einddatum else None,
            "omvang": self.omvang(), "budget": self.budget,
            "verwijzer": {"type": self.verwijzer_type, "naam": self.verwijzer_naam,
                          "zorgverlenerCode": self.verwijzer_zorgverlener},
            "beschikkingNummer": self.beschikking_nummer,
            "beschikkingIngangsdatum": self.beschikking_ingangsdatum.isoformat() if self.beschikking_ingangsdatum else None,
            "raamcontract": self.raamcontract, "commentaar": self.commentaar,
        }


@dataclass
class VotBericht:
    client: ClientIn
    producten: list[AangevraagdProduct]


def read_vot(root: etree._Element, mtype: MessageType) -> VotBericht:
    t = Tags(mtype)
    client = read_client(root, t)
    producten = []
    for el in client.el.iterfind(t.m("AangevraagdeProducten", "AangevraagdProduct")):
        categorie, code = _product(el, t)
        volume, eenheid, frequentie = _omvang(el, t)
        verwijzer = el.find(t.m("Verwijzer"))
        producten.append(AangevraagdProduct(
            el=el, categorie=categorie, code=code,
            ingangsdatum=_date(el, t.m("ToewijzingIngangsdatum")) or date.min,
            einddatum=_date(el, t.m("ToewijzingEinddatum")), volume=volume, eenheid=eenheid,
            frequentie=frequentie, budget=_int(el, t.m("Budget")),
            referentie=_text(el, t.m("ReferentieAanbieder")) or "",
            beschikking_nummer=_int(el, t.m("BeschikkingNummer")),
            beschikking_ingangsdatum=_date(el, t.m("BeschikkingIngangsdatum")),
            verwijzer_type=_text(verwijzer, t.b("Type")), verwijzer_naam=_text(verwijzer, t.b("Naam")),
            verwijzer_zorgverlener=_text(verwijzer, t.b("ZorgverlenerCode")),
            raamcontract=_text(el, t.m("Raamcontract")), commentaar=_text(el, t.m("Commentaar")),
        ))
    return VotBericht(client, producten)


# ---- 317 ------------------------------------------------------------------------------------------
@dataclass(eq=False)
class OngewijzigdProduct:
    el: etree._Element
    toewijzing_nummer: int


@dataclass(eq=False)
class TeWijzigenProduct(Aanvraag):
    toewijzing_nummer: int = 0

    def inhoud(self) -> dict[str, Any]:
        return {"toewijzingNummer": self.toewijzing_nummer, "gewensteIngangsdatum": self.ingangsdatum.isoformat(),
                "einddatum": self.einddatum.isoformat() if self.einddatum else None,
                "omvang": self.omvang(), "budget": self.budget}


@dataclass(eq=False)
class NieuwProduct(Aanvraag):
    def inhoud(self) -> dict[str, Any]:
        return {"product": {"categorie": self.categorie, "code": self.code} if self.categorie else None,
                "gewensteIngangsdatum": self.ingangsdatum.isoformat(),
                "einddatum": self.einddatum.isoformat() if self.einddatum else None,
                "omvang": self.omvang(), "budget": self.budget}


@dataclass(eq=False)
class VerzoekIn:
    el: etree._Element
    referentie: str
    reden_verzoek: str | None
    ongewijzigd: list[OngewijzigdProduct] = field(default_factory=list)
    te_wijzigen: list[TeWijzigenProduct] = field(default_factory=list)
    nieuw: list[NieuwProduct] = field(default_factory=list)

    def inhoud(self) -> dict[str, Any]:
        return {"redenVerzoek": self.reden_verzoek,
                "ongewijzigd": [o.toewijzing_nummer for o in self.ongewijzigd],
                "teWijzigen": [w.inhoud() for w in self.te_wijzigen],
                "nieuw": [n.inhoud() for n in self.nieuw]}


@dataclass
class VowBericht:
    client: ClientIn
    verzoek: VerzoekIn


def read_vow(root: etree._Element, mtype: MessageType) -> VowBericht:
    t = Tags(mtype)
    client_el = root.find(t.m("Client"))
    assert client_el is not None
    client = ClientIn(el=client_el, bsn=_text(client_el, t.m("Bsn")) or "")
    vel = client_el.find(t.m("Verzoek"))
    assert vel is not None
    verzoek = VerzoekIn(el=vel, referentie=_text(vel, t.m("ReferentieAanbieder")) or "",
                        reden_verzoek=_text(vel, t.m("RedenVerzoek")))
    for el in vel.iterfind(t.m("OngewijzigdeProducten", "OngewijzigdProduct")):
        verzoek.ongewijzigd.append(OngewijzigdProduct(el, _int(el, t.m("ToewijzingNummer")) or 0))
    for el in vel.iterfind(t.m("TeWijzigenProducten", "TeWijzigenProduct")):
        volume, eenheid, frequentie = _omvang(el, t)
        verzoek.te_wijzigen.append(TeWijzigenProduct(
            el=el, categorie=None, code=None, ingangsdatum=_date(el, t.m("GewensteIngangsdatum")) or date.min,
            einddatum=_date(el, t.m("Einddatum")), volume=volume, eenheid=eenheid, frequentie=frequentie,
            budget=_int(el, t.m("Budget")), toewijzing_nummer=_int(el, t.m("ToewijzingNummer")) or 0))
    for el in vel.iterfind(t.m("NieuweProducten", "NieuwProduct")):
        categorie, code = _product(el, t)
        volume, eenheid, frequentie = _omvang(el, t)
        verzoek.nieuw.append(NieuwProduct(
            el=el, categorie=categorie, code=code,
            ingangsdatum=_date(el, t.m("GewensteIngangsdatum")) or date.min, einddatum=_date(el, t.m("Einddatum")),
            volume=volume, eenheid=eenheid, frequentie=frequentie, budget=_int(el, t.m("Budget"))))
    return VowBericht(client, verzoek)


# ---- 302 / 320: which message do they answer, and what did the aanbieder say ---------------------
@dataclass
class RetourIn:
    identificatie: str
    dagtekening: date
    codes: dict[str, list[str]]

    @property
    def afgekeurd(self) -> bool:
        """Any code other than 0200 (geen opmerking) is a remark the gemeente has to look at."""
        return any(c != "0200" for codes in self.codes.values() for c in codes)


def read_retour(root: etree._Element, mtype: MessageType) -> RetourIn:
    t = Tags(mtype)
    ident = root.find(t.m("Header", "BerichtIdentificatie"))
    codes: dict[str, list[str]] = {}
    for wrapper in root.iter(t.m("RetourCodes")):
        parent = wrapper.getparent()
        name = etree.QName(parent).localname if parent is not None else "?"
        codes.setdefault(name, []).extend((c.text or "").strip() for c in wrapper)
    return RetourIn(identificatie=_text(ident, t.b("Identificatie")) or "",
                    dagtekening=_date(ident, t.b("Dagtekening")) or date.min, codes=codes)


# ---- building the 301 -----------------------------------------------------------------------------
def build_301(
    mtype: MessageType,
    *,
    gemeente: str,
    aanbieder: str,
    identificatie: str,
    dagtekening: date,
    client: Client,
    toewijzingen: list[Toewijzing],
    gewijzigd: set[str],
    referenties: Mapping[str, str],
    xsd_versie: str,
) -> etree._Element:
    """A 301 with the client and the given ToegewezenProducten (the caller picks them per OP087).

    `gewijzigd`: ids of the toewijzingen this message changes; only those carry their RedenWijziging (IV099:
    a ToegewezenProduct unchanged since the last 301 has none, IV093 for the OngewijzigdProducten of a VOW).
    `referenties`: the ReferentieAanbieder per toewijzing id, only in the 301 that honours a verzoek (TR379)."""
    bld = Builder(mtype)
    root = bld.root()
    bld.header(root, afzender=gemeente, ontvanger=aanbieder, identificatie=identificatie, dagtekening=dagtekening,
               xsd_versie=xsd_versie)
    c = bld.m(root, "Client")
    bld.m(c, "Bsn", client.bsn)
    geb = bld.m(c, "Geboortedatum")
    bld.b(geb, "Datum", client.geboortedatum)
    bld.opt(geb, "DatumGebruik", client.datum_gebruik, basis=True)
    bld.m(c, "Geslacht", client.geslacht or "0")
    naam = bld.m(c, "Naam")
    gn = bld.b(naam, "Geslachtsnaam")
    bld.b(gn, "Achternaam", client.achternaam)
    bld.opt(gn, "Voorvoegsel", client.voorvoegsel, basis=True)
    if client.partner_achternaam:
        pn = bld.b(naam, "Partnernaam")
        bld.b(pn, "Achternaam", client.partner_achternaam)
        bld.opt(pn, "Voorvoegsel", client.partner_voorvoegsel, basis=True)
    bld.opt(naam, "Voornamen", client.voornamen, basis=True)
    bld.opt(naam, "Voorletters", client.voorletters, basis=True)
    bld.b(naam, "NaamGebruik", client.naamgebruik or "1")
    _contactgegevens(bld, c, als_lijst(client.contact))
    producten = bld.m(c, "ToegewezenProducten")
    for tw in toewijzingen:
        tp = bld.m(producten, "ToegewezenProduct")
        bld.m(tp, "ToewijzingNummer", tw.nummer)
        bld.opt(tp, "ReferentieAanbieder", referenties.get(tw.id))
        if tw.categorie:
            p = bld.m(tp, "Product")
            bld.b(p, "Categorie", tw.categorie)
            bld.opt(p, "Code", tw.code, basis=True)
        bld.m(tp, "Toewijzingsdatum", tw.toewijzingsdatum)
        bld.m(tp, "Toewijzingstijd", tw.toewijzingstijd.replace(microsecond=0).isoformat())
        bld.m(tp, "Ingangsdatum", tw.ingangsdatum)
        bld.opt(tp, "Einddatum", tw.einddatum)
        bld.opt(tp, "RedenWijziging", tw.reden_wijziging if tw.id in gewijzigd else None)
        if tw.eenheid:
            om = bld.m(tp, "Omvang")
            bld.b(om, "Volume", tw.volume if tw.volume is not None else 0)
            bld.b(om, "Eenheid", tw.eenheid)
            bld.b(om, "Frequentie", tw.frequentie)
        bld.opt(tp, "Budget", tw.budget)
        bld.opt(tp, "Commentaar", tw.commentaar)
    return root


def _contactgegevens(bld: Builder, client_el: etree._Element, contacten: list[Mapping[str, Any]]) -> None:
    """The client's Contacts in the order given, each exactly as the gemeente API accepted it (rules/inhoud.py:
    TR061 over all, CONTACT_CONDITIES TR006, CD034, CD005, CD025, CS089 on each), elements in XSD order; the 301
    is not built with contacts that break them (toewijzingen.controleer_contact)."""
    cg = bld.m(client_el, "Contactgegevens")
    for contact in contacten:
        ct = bld.m(cg, "Contact")
        bld.m(ct, "Soort", contact.get("soort") or "01")
        adres = contact.get("adres") or {}
        if adres:
            _adres(bld, bld.m(ct, "Adres"), adres)
        if contact.get("telefoon"):
            tel = bld.m(ct, "Telefoon")
            t1 = bld.b(tel, "Telefoon01")
            bld.b(t1, "Telefoonnummer", contact["telefoon"])
            bld.b(t1, "Landnummer", contact.get("landnummer") or "0031")
        bld.opt(ct, "Emailadres", contact.get("email"))


def _adres(bld: Builder, a: etree._Element, adres: Mapping[str, Any]) -> None:
    """CDT_Adres: Huis (Huisnummer required, then Huisletter, HuisnummerToevoeging), Postcode, Straatnaam,
    Plaatsnaam, LandCode."""
    if adres.get("huisnummer") is not None:
        huis = bld.b(a, "Huis")
        bld.b(huis, "Huisnummer", adres["huisnummer"])
        bld.opt(huis, "Huisletter", adres.get("huisletter"), basis=True)
        bld.opt(huis, "HuisnummerToevoeging", adres.get("toevoeging"), basis=True)
    bld.opt(a, "Postcode", adres.get("postcode"), basis=True)
    bld.opt(a, "Straatnaam", adres.get("straatnaam"), basis=True)
    bld.opt(a, "Plaatsnaam", adres.get("plaatsnaam"), basis=True)
    bld.opt(a, "LandCode", adres.get("landcode"), basis=True)


# ---- building the 319 -----------------------------------------------------------------------------
def build_319(
    mtype: MessageType,
    *,
    gemeente: str,
    aanbieder: str,
    identificatie: str,
    dagtekening: date,
    referentie: str,
    verzoek_antwoord: str,
    reden: str | None,
    woonplaatsbeginsel_gemeente: str | None,
    xsd_versie: str,
) -> etree._Element:
    """A 319 antwoordbericht. CD085/CD086: RedenAfwijzingVerzoek only with VerzoekAntwoord 1;
    TR377/TR409 (iJw): the Woonplaatsbeginsel class exactly when the reason is 8."""
    bld = Builder(mtype)
    root = bld.root()
    bld.header(root, afzender=gemeente, ontvanger=aanbieder, identificatie=identificatie, dagtekening=dagtekening,
               xsd_versie=xsd_versie)
    a = bld.m(root, "Antwoord")
    bld.m(a, "ReferentieAanbieder", referentie)
    bld.m(a, "VerzoekAntwoord", verzoek_antwoord)
    if verzoek_antwoord == "1" and reden:
        bld.m(a, "RedenAfwijzingVerzoek", reden)
        if reden == "8" and mtype.standard == "ijw" and woonplaatsbeginsel_gemeente:
            wpb = bld.m(a, "Woonplaatsbeginsel")
            bld.m(wpb, "Gemeente", woonplaatsbeginsel_gemeente)
    return root


now_local = now_nl  # Toewijzingsdatum/-tijd are local Dutch time without a zone (LDT_Datum, LDT_Tijd)


def time_of(moment: datetime) -> time:
    return moment.time().replace(microsecond=0)
