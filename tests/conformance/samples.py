"""Sample instances of every iJw/iWmo 3.2 message type, built from the project spec.

    from tests.conformance import samples
    xml = samples.sample_bytes("JW301", "full")      # every optional element, 2x every repeat
    xml = samples.sample_bytes("WMO302", "minimal")  # mandatory elements only
    root, sites = samples.build("JW323", "full")     # lxml tree + one Site per element

The samples are valid at XSD level (and plausible: elfproef-valid BSNs, real dates,
consistent periods and declared totals), not a statement about business rules.
``build`` also returns, per element, the particle of the spec it was made from; the
mutation tests use that to know what is mandatory, repeating, coded, etc.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

_REPO = Path(__file__).resolve().parents[2]
if str(_REPO) not in sys.path:  # make ``schemas`` importable when run outside pytest
    sys.path.insert(0, str(_REPO))

from schemas.model import ComplexType, MessageSpec, Particle, Restriction, SimpleType, load_spec  # noqa: E402

VARIANTS = ("full", "minimal")

#: BSNs that pass the elfproef (test numbers of the 9999xxxxx range)
BSNS = ("999900006", "999900018", "999900031", "999900043")


def elfproef(bsn: str) -> bool:
    """The BSN 11-proef (CS002): sum(d_i * w_i), w = 9..2, -1 for the last digit, % 11 == 0."""
    if not re.fullmatch(r"[0-9]{9}", bsn):
        return False
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True)) - int(bsn[8])
    return total % 11 == 0 and bsn != "000000000"


# Values per simple type; a tuple gives one value per occurrence (cycled).
TYPE_VALUES: dict[str, tuple[str, ...]] = {
    "LDT_AgbCode": ("12345678",),
    "LDT_Gemeente": ("0363",),
    "LDT_BurgerServicenummer": BSNS,
    "LDT_Datum": ("2024-01-01",),
    "LDT_Tijd": ("09:30:00",),
    "LDT_IdentificatieBericht": ("BER000000001", "BER000000002"),
    "LDT_Versie": ("1.0.0",),
    "LDT_Naam": ("Jansen", "Pieters"),
    "LDT_Voorvoegsel": ("van der",),
    "LDT_Voorletters": ("PJ", "AM"),
    "LDT_Commentaar": ("Toelichting bij dit onderdeel.",),
    "LDT_Persoonsid": ("REL-1", "REL-2"),
    "LDT_RelatieVolgorde": ("1", "2"),
    "LDT_Organisatienaam": ("Zorgorganisatie De Linde",),
    "LDT_Emailadres": ("info@example.org",),
    "LDT_Telefoonnummer": ("0201234567", "0612345678"),
    "LDT_Landnummer": ("0031",),
    "LDT_Taal": ("Nederlands",),
    "LDT_Postcode": ("1011AB",),
    "LDT_Straatnaam": ("Dorpsstraat",),
    "LDT_Plaatsnaam": ("Amsterdam",),
    "LDT_Huisnummer": ("12",),
    "LDT_Huisletter": ("A",),
    "LDT_HuisnummerToevoeging": ("bis",),
    "LDT_Nummer": ("202400001", "202400002", "202400003", "202400004"),
    "LDT_Referentie": ("REF-2024-0001", "REF-2024-0002", "REF-2024-0003", "REF-2024-0004"),
    "LDT_ReferentieNummer": ("PRS2024000001", "PRS2024000002", "PRS2024000003", "PRS2024000004"),
    "LDT_ProductCode": ("45A01",),
    "LDT_NaamVerwijzer": ("Huisartsenpraktijk De Linde",),
    "LDT_Volume": ("10",),
    "LDT_Budget": ("150000",),
    "LDT_Bedrag": ("6500",),
    "LDT_TotaalBedrag": ("0",),  # fixed up after building (sum of the prestaties)
    "LDT_IdentificatieDeclaratie": ("DEC2024001",),
}

#: preferred codes per coded type (per standard where code lists differ); default: first code
CODE_CHOICE: dict[str, str | dict[str, str]] = {
    "LDT_ProductCategorie": {"ijw": "45", "iwmo": "02"},
    "LDT_RedenBeeindiging": {"ijw": "31", "iwmo": "19"},
    "LDT_Eenheid": "04",
    "LDT_Frequentie": "2",
    "LDT_RedenWijziging": "04",
    "LDT_RetourCode": "0200",
    "LDT_TypeVerwijzer": "02",
    "LDT_LandCode": "NL",
    "LDT_Geslacht": "2",
    "LDT_DebetCredit": "D",
    "LDT_StatusAanlevering": "1",
    "LDT_VerzoekAntwoord": "1",
    "LDT_RedenAfwijzingVerzoek": {"ijw": "8", "iwmo": "3"},
    "LDT_SoortRelatie": "10",
    "LDT_AdresSoort": "01",
    "LDT_NaamGebruik": "1",
    "LDT_JaNee": "1",
    "LDT_Communicatievorm": "1",
    "LDT_JuridischeStatus": "04",
    "LDT_WettelijkeVertegenwoordiging": "06",
    "LDT_RedenVerzoek": "1",
    "LDT_DatumGebruik": "1",
}

#: values by (parent element, element) or element name, overriding the type defaults
NAME_VALUES: dict[tuple[str, str] | str, tuple[str, ...]] = {
    ("Geboortedatum", "Datum"): ("2012-05-17", "1980-03-02"),
    "Dagtekening": ("2024-02-05",),
    "DagtekeningRetour": ("2024-02-06",),
    "Toewijzingsdatum": ("2024-01-15",),
    "Ingangsdatum": ("2024-01-01",),
    ("ToegewezenProduct", "Einddatum"): ("2024-12-31",),
    ("StopProduct", "Einddatum"): ("2024-06-30",),
    ("TeWijzigenProduct", "Einddatum"): ("2024-12-31",),
    ("NieuwProduct", "Einddatum"): ("2024-12-31",),
    ("Periode", "Begindatum"): ("2020-01-01",),
    ("Periode", "Einddatum"): ("2030-12-31",),
    ("ProductPeriode", "Einddatum"): ("2024-01-31",),
    ("DeclaratiePeriode", "Einddatum"): ("2024-01-31",),
    "DeclaratieDagtekening": ("2024-02-05",),
    "BeschikkingIngangsdatum": ("2024-01-01",),
    "ToewijzingIngangsdatum": ("2024-01-01",),
    "ToewijzingEinddatum": ("2024-12-31",),
    "GewensteIngangsdatum": ("2024-03-01",),
    "DeclaratieNummer": ("DEC2024001",),
    ("Verwijzer", "Naam"): ("Huisartsenpraktijk De Linde",),
    ("Verwijzer", "ZorgverlenerCode"): ("01234567",),
    ("Prestatie", "ProductTarief"): ("6500",),
    ("IngediendBedrag", "Bedrag"): ("65000",),
    ("Prestatie", "GeleverdVolume"): ("10",),
    "BeschikkingNummer": ("700001",),
    ("Contact", "Soort"): ("01", "02"),
    ("ProductReferentie", "VorigReferentieNummer"): (
        "PRS2023000091",
        "PRS2023000092",
        "PRS2023000093",
        "PRS2023000094",
    ),
    "Voornamen": ("Pieter Jan", "Anna Maria"),
}

PRODUCT_CODES = {"ijw": "45A01", "iwmo": "02A01"}


@dataclass(frozen=True)
class Site:
    """One element of a built sample."""

    path: tuple[int, ...]  # child indexes from the root (root = ())
    names: tuple[str, ...]  # local names from the root ("Bericht", "Client", "Bsn")
    particle: Particle | None  # None for the root element
    container: str | None  # name of the complex type that declares the element
    namespace: str  # namespace of the element
    type: ComplexType | SimpleType | None
    restriction: Restriction | None  # inline fixed-pattern restriction, if any
    count: int  # occurrences of this particle under the same parent


def _value(msg: MessageSpec, parent: str, p: Particle, st: SimpleType, occurrence: int) -> str:
    """Sample text for element ``p`` under the element named ``parent``."""
    std = msg.standard.key
    for key in ((parent, p.name), p.name):
        vals = NAME_VALUES.get(key)
        if vals:
            return vals[occurrence % len(vals)]
    if isinstance(p.type, Restriction) and re.fullmatch(r"[0-9A-Za-z]+", p.type.pattern):
        return p.type.pattern
    if st.codes:
        choice = CODE_CHOICE.get(st.name)
        if isinstance(choice, dict):
            choice = choice[std]
        return choice if choice in st.codes else next(iter(st.codes))
    if st.name == "LDT_ProductCode":
        return PRODUCT_CODES[std]
    vals = TYPE_VALUES.get(st.name)
    if not vals:
        raise KeyError(f"no sample value for {st.name} ({msg.id} {parent}/{p.name})")
    return vals[occurrence % len(vals)]


class _Builder:
    def __init__(self, msg: MessageSpec, variant: str):
        if variant not in VARIANTS:
            raise ValueError(f"variant must be one of {VARIANTS}")
        self.msg = msg
        self.variant = variant
        self.sites: list[tuple[etree._Element, Site]] = []
        self.counters: dict[str, int] = {}

    def occurrence(self, key: str) -> int:
        n = self.counters.get(key, 0)
        self.counters[key] = n + 1
        return n

    def count_for(self, p: Particle) -> int:
        if self.variant == "minimal":
            return p.min_occurs
        return 2 if p.repeating else 1

    def fill(self, el: etree._Element, type_name: str, names: tuple[str, ...]) -> None:
        msg = self.msg
        t = msg.lookup(type_name)
        assert isinstance(t, ComplexType)
        ns = msg.namespace_of_type(type_name)
        for p in t.particles:
            n = self.count_for(p)
            for _ in range(n):
                child = etree.SubElement(el, f"{{{ns}}}{p.name}")
                target = msg.lookup(p.type_name)
                restriction = p.type if isinstance(p.type, Restriction) else None
                self.sites.append(
                    (child, Site((), names + (p.name,), p, type_name, ns, target, restriction, n))
                )
                if isinstance(target, ComplexType):
                    self.fill(child, p.type_name, names + (p.name,))
                else:
                    occ = self.occurrence(f"{type_name}/{p.name}:{target.name}")
                    child.text = _value(msg, names[-1], p, target, occ)

    def build(self) -> etree._Element:
        msg = self.msg
        nsmap = {msg.name: msg.namespace, msg.standard.prefix: msg.standard.basis_namespace}
        root = etree.Element(f"{{{msg.namespace}}}Bericht", nsmap=nsmap)
        self.sites.append(
            (root, Site((), ("Bericht",), None, None, msg.namespace, msg.types["Root"], None, 1))
        )
        self.fill(root, "Root", ("Bericht",))
        _fixups(msg, root)
        return root


def _fixups(msg: MessageSpec, root: etree._Element) -> None:
    """Make totals consistent with the prestaties (declaratie / declaratie-antwoord)."""
    ns = msg.namespace
    bns = msg.standard.basis_namespace
    for holder in ("Declaratie", "DeclaratieAntwoord"):
        for d in root.iter(f"{{{ns}}}{holder}"):
            total = sum(int(b.text) for b in d.iter(f"{{{bns}}}Bedrag"))
            for tot in d.iter(f"{{{bns}}}TotaalBedrag"):
                tot.text = str(total)


def build(message_type: str, variant: str = "full") -> tuple[etree._Element, list[Site]]:
    """Build a sample; returns the root element and one ``Site`` per element (root first)."""
    msg = load_spec().message(message_type)
    b = _Builder(msg, variant)
    root = b.build()
    index = {}
    for el in root.iter():
        parent = el.getparent()
        index[el] = () if parent is None else index[parent] + (parent.index(el),)
    sites = [
        Site(index[el], s.names, s.particle, s.container, s.namespace, s.type, s.restriction, s.count)
        for el, s in b.sites
    ]
    return root, sites


def sample_bytes(message_type: str, variant: str = "full") -> bytes:
    """Serialized sample message (UTF-8, with XML declaration, pretty printed)."""
    root, _ = build(message_type, variant)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def locate(root: etree._Element, path: tuple[int, ...]) -> etree._Element:
    el = root
    for i in path:
        el = el[i]
    return el
