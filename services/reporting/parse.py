"""Reading the facts the reports need out of the exact XML the other services stored.

Only the elements named here are read: the BSN (to join one client's messages), the birth date (of which
only the year is kept), codes, numbers, dates and amounts. Names, addresses, phone numbers and free text
are never touched. The messages were schema-validated by the service that received or built them; they are
parsed again with the kernel's safe parser all the same.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from services.common.messages.header import Header, read_header
from services.common.messages.types import MessageType, by_namespace
from services.common.xml.safe import parse as safe_parse

OK_CODES = {"0200", "8001"}  # "geen opmerking" and "declaratie volledig toegewezen"


class NotAMessage(ValueError):
    pass


@dataclass
class Parsed:
    mtype: MessageType
    header: Header
    root: etree._Element

    @property
    def domein(self) -> str:
        return self.mtype.domain

    def m(self, tag: str) -> str:
        return f"{{{self.mtype.namespace}}}{tag}"

    def b(self, tag: str) -> str:
        return f"{{{self.mtype.basis_ns}}}{tag}"

    def text(self, el: etree._Element | None, *path: str) -> str | None:
        """Text of a descendant: each step is `m:Tag` (message ns) or `b:Tag` (basisschema ns)."""
        for step in path:
            if el is None:
                return None
            ns, tag = step.split(":", 1)
            el = el.find(self.m(tag) if ns == "m" else self.b(tag))
        if el is None or el.text is None:
            return None
        return el.text.strip()

    def date(self, el: etree._Element | None, *path: str) -> date | None:
        value = self.text(el, *path)
        return date.fromisoformat(value) if value else None

    def int(self, el: etree._Element | None, *path: str) -> int | None:
        value = self.text(el, *path)
        return int(value) if value is not None else None

    def children(self, el: etree._Element | None, *path: str) -> list[etree._Element]:
        if el is None:
            return []
        *parents, last = path
        for step in parents:
            ns, tag = step.split(":", 1)
            found = el.find(self.m(tag) if ns == "m" else self.b(tag))
            if found is None:
                return []
            el = found
        ns, tag = last.split(":", 1)
        return el.findall(self.m(tag) if ns == "m" else self.b(tag))

    def codes(self, el: etree._Element | None) -> list[str]:
        """The RetourCodes directly under a class element."""
        return [c.text.strip() for c in self.children(el, "m:RetourCodes", "m:RetourCode") if c.text]


def parse_message(content: bytes) -> Parsed:
    try:
        root = safe_parse(content)
    except Exception as exc:  # noqa: BLE001 - anything unreadable is reported, never half-read
        raise NotAMessage(f"unreadable XML: {type(exc).__name__}") from None
    mtype = by_namespace(etree.QName(root).namespace or "")
    if mtype is None:
        raise NotAMessage("not an iJw/iWmo 3.2 message")
    return Parsed(mtype, read_header(root, mtype), root)


# ---- facts --------------------------------------------------------------------------------------------
@dataclass
class ClientFeit:
    bsn: str
    geboortejaar: int | None


@dataclass
class ToegewezenProduct:
    nummer: int
    referentie: str | None
    categorie: str | None
    code: str | None
    toewijzingsdatum: date
    toewijzingstijd: str
    ingangsdatum: date
    einddatum: date | None
    reden_wijziging: str | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None


@dataclass
class Toewijzing301:
    gemeente: str
    aanbieder: str
    domein: str
    client: ClientFeit
    producten: list[ToegewezenProduct]


@dataclass
class VerzoekProduct:
    referentie: str
    categorie: str | None
    code: str | None
    verwijzer_type: str | None


@dataclass
class Verzoek31x:
    soort: str  # vot / vow
    gemeente: str
    aanbieder: str
    domein: str
    dagtekening: date
    client: ClientFeit
    producten: list[VerzoekProduct]


@dataclass
class Antwoord319:
    gemeente: str
    aanbieder: str
    domein: str
    dagtekening: date
    referentie: str
    verzoek_antwoord: str  # 1 afgewezen, 2 in onderzoek
    reden: str | None


@dataclass
class RegieProduct:
    toewijzing_nummer: int | None
    categorie: str | None
    code: str | None
    begindatum: date
    einddatum: date | None
    reden_beeindiging: str | None
    status_aanlevering: str


@dataclass
class Regie30x:
    soort: str  # start / stop
    gemeente: str
    aanbieder: str
    domein: str
    dagtekening: date
    client: ClientFeit
    producten: list[RegieProduct]


@dataclass
class Retour30x:
    """A 302 or 320 of an aanbieder: which heen-message it answers and whether it has remarks."""

    heen_type: str
    gemeente: str
    heen_identificatie: str
    heen_dagtekening: date
    dagtekening: date
    afgekeurd: bool


@dataclass
class PrestatieFeit:
    bsn: str
    referentie: str
    vorig_referentie: str | None
    toewijzing_nummer: int
    categorie: str
    code: str | None
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    tarief: int | None
    bedrag: int  # signed eurocent


@dataclass
class Declaratie323:
    gemeente: str
    aanbieder: str
    domein: str
    nummer: str
    periode: str
    dagtekening: date
    ingediend: int
    prestaties: list[PrestatieFeit] = field(default_factory=list)


@dataclass
class Antwoord325:
    toegekend: int
    declaratie_codes: list[str]  # codes on DeclaratieAntwoord
    afgewezen: dict[str, list[str]]  # ReferentieNummer → codes of each listed (rejected) prestatie


def _client(p: Parsed, client: etree._Element | None) -> ClientFeit:
    geboren = p.text(client, "m:Geboortedatum", "b:Datum")
    return ClientFeit(bsn=p.text(client, "m:Bsn") or "", geboortejaar=int(geboren[:4]) if geboren else None)


def _signed(p: Parsed, el: etree._Element | None, amount_tag: str) -> int:
    amount = p.int(el, f"b:{amount_tag}") or 0
    return -amount if p.text(el, "b:DebetCredit") == "C" else amount


def read_301(p: Parsed) -> Toewijzing301:
    client = p.root.find(p.m("Client"))
    producten = []
    for tp in p.children(client, "m:ToegewezenProducten", "m:ToegewezenProduct"):
        omvang = tp.find(p.m("Omvang"))
        producten.append(ToegewezenProduct(
            nummer=p.int(tp, "m:ToewijzingNummer") or 0,
            referentie=p.text(tp, "m:ReferentieAanbieder"),
            categorie=p.text(tp, "m:Product", "b:Categorie"),
            code=p.text(tp, "m:Product", "b:Code"),
            toewijzingsdatum=p.date(tp, "m:Toewijzingsdatum") or p.header.dagtekening,
            toewijzingstijd=p.text(tp, "m:Toewijzingstijd") or "00:00:00",
            ingangsdatum=p.date(tp, "m:Ingangsdatum") or p.header.dagtekening,
            einddatum=p.date(tp, "m:Einddatum"),
            reden_wijziging=p.text(tp, "m:RedenWijziging"),
            volume=p.int(omvang, "b:Volume"),
            eenheid=p.text(omvang, "b:Eenheid"),
            frequentie=p.text(omvang, "b:Frequentie"),
            budget=p.int(tp, "m:Budget"),
        ))
    return Toewijzing301(p.header.afzender, p.header.ontvanger, p.domein, _client(p, client), producten)


def read_315(p: Parsed) -> Verzoek31x:
    client = p.root.find(p.m("Client"))
    producten = [
        VerzoekProduct(
            referentie=p.text(ap, "m:ReferentieAanbieder") or "",
            categorie=p.text(ap, "m:Product", "b:Categorie"),
            code=p.text(ap, "m:Product", "b:Code"),
            verwijzer_type=p.text(ap, "m:Verwijzer", "b:Type"),
        )
        for ap in p.children(client, "m:AangevraagdeProducten", "m:AangevraagdProduct")
    ]
    return Verzoek31x("vot", p.header.ontvanger, p.header.afzender, p.domein, p.header.dagtekening,
                      _client(p, client), producten)


def read_317(p: Parsed) -> Verzoek31x:
    client = p.root.find(p.m("Client"))
    verzoek = client.find(p.m("Verzoek")) if client is not None else None
    product = VerzoekProduct(referentie=p.text(verzoek, "m:ReferentieAanbieder") or "", categorie=None, code=None,
                             verwijzer_type=None)
    return Verzoek31x("vow", p.header.ontvanger, p.header.afzender, p.domein, p.header.dagtekening,
                      ClientFeit(p.text(client, "m:Bsn") or "", None), [product])


def read_319(p: Parsed) -> Antwoord319:
    antwoord = p.root.find(p.m("Antwoord"))
    return Antwoord319(p.header.afzender, p.header.ontvanger, p.domein, p.header.dagtekening,
                       referentie=p.text(antwoord, "m:ReferentieAanbieder") or "",
                       verzoek_antwoord=p.text(antwoord, "m:VerzoekAntwoord") or "",
                       reden=p.text(antwoord, "m:RedenAfwijzingVerzoek"))


def read_30x(p: Parsed) -> Regie30x:
    start = p.mtype.number == "305"
    client = p.root.find(p.m("Client"))
    wrapper, item = ("m:StartProducten", "m:StartProduct") if start else ("m:StopProducten", "m:StopProduct")
    producten = [
        RegieProduct(
            toewijzing_nummer=p.int(sp, "m:ToewijzingNummer"),
            categorie=p.text(sp, "m:Product", "b:Categorie"),
            code=p.text(sp, "m:Product", "b:Code"),
            begindatum=p.date(sp, "m:Begindatum") or p.header.dagtekening,
            einddatum=None if start else p.date(sp, "m:Einddatum"),
            reden_beeindiging=None if start else p.text(sp, "m:RedenBeeindiging"),
            status_aanlevering=p.text(sp, "m:StatusAanlevering") or "1",
        )
        for sp in p.children(client, wrapper, item)
    ]
    return Regie30x("start" if start else "stop", p.header.ontvanger, p.header.afzender, p.domein,
                    p.header.dagtekening, _client(p, client), producten)


def accepted_products(p: Parsed, product_tag: str) -> list[bool]:
    """Per product class of a retour (306/308/316), in message order: accepted without any remark."""
    client = p.root.find(p.m("Client"))
    if set(p.codes(p.root.find(p.m("Header")))) - {"0200"}:
        return []
    client_ok = not (set(p.codes(client)) - {"0200"})
    return [client_ok and not (set(p.codes(el)) - {"0200"}) for el in client.iter(p.m(product_tag))] \
        if client is not None else []


def read_retour_in(p: Parsed) -> Retour30x:
    header = p.root.find(p.m("Header"))
    codes: set[str] = set()
    for el in p.root.iter(p.m("RetourCodes")):
        codes.update(c.text.strip() for c in el if c.text)
    return Retour30x(
        heen_type=p.mtype.heen[-3:] if p.mtype.heen else "",
        gemeente=p.header.afzender,
        heen_identificatie=p.header.identificatie,
        heen_dagtekening=p.header.dagtekening,
        dagtekening=p.date(header, "m:DagtekeningRetour") or p.header.dagtekening,
        afgekeurd=bool(codes - {"0200"}),
    )


def read_323(p: Parsed) -> Declaratie323:
    decl = p.root.find(p.m("Declaratie"))
    begin = p.date(decl, "m:DeclaratiePeriode", "b:Begindatum") or p.header.dagtekening
    out = Declaratie323(
        gemeente=p.header.ontvanger, aanbieder=p.header.afzender, domein=p.domein,
        nummer=p.text(decl, "m:DeclaratieNummer") or "", periode=f"{begin.year:04d}-{begin.month:02d}",
        dagtekening=p.header.dagtekening,
        ingediend=_signed(p, decl.find(p.m("TotaalIngediendBedrag")) if decl is not None else None, "TotaalBedrag"),
    )
    for client in p.children(decl, "m:Clienten", "m:Client"):
        bsn = p.text(client, "m:Bsn") or ""
        for pr in p.children(client, "m:Prestaties", "m:Prestatie"):
            out.prestaties.append(PrestatieFeit(
                bsn=bsn,
                referentie=p.text(pr, "m:ProductReferentie", "b:ReferentieNummer") or "",
                vorig_referentie=p.text(pr, "m:ProductReferentie", "b:VorigReferentieNummer"),
                toewijzing_nummer=p.int(pr, "m:ToewijzingNummer") or 0,
                categorie=p.text(pr, "m:ProductCategorie") or "",
                code=p.text(pr, "m:ProductCode"),
                begindatum=p.date(pr, "m:ProductPeriode", "b:Begindatum") or begin,
                einddatum=p.date(pr, "m:ProductPeriode", "b:Einddatum") or begin,
                volume=p.int(pr, "m:GeleverdVolume") or 0,
                eenheid=p.text(pr, "m:Eenheid") or "",
                tarief=p.int(pr, "m:ProductTarief"),
                bedrag=_signed(p, pr.find(p.m("IngediendBedrag")), "Bedrag"),
            ))
    return out


def read_325(p: Parsed) -> Antwoord325:
    da = p.root.find(p.m("DeclaratieAntwoord"))
    afgewezen: dict[str, list[str]] = {}
    for client in p.children(da, "m:Clienten", "m:Client"):
        for pr in p.children(client, "m:Prestaties", "m:Prestatie"):
            ref = p.text(pr, "m:ProductReferentie", "b:ReferentieNummer") or ""
            afgewezen[ref] = p.codes(pr)
    toegekend = da.find(p.m("TotaalToegekendBedrag")) if da is not None else None
    return Antwoord325(toegekend=_signed(p, toegekend, "TotaalBedrag"), declaratie_codes=p.codes(da),
                       afgewezen=afgewezen)


def iter_codes(p: Parsed) -> Iterator[str]:
    for el in p.root.iter(p.m("RetourCode")):
        if el.text:
            yield el.text.strip()
