"""Rules inside one message: the conditions (CD), constraints (CS) and XSLT-level technical rules (TR) of
iJw/iWmo 3.2. Their Controleniveau is "bericht inhoud (xslt)" and their retourcode 0001: one failure
rejects the whole message with a header-only retour (IV028), and the rule codes are recorded on the
stored message and in the `Afkeur-Regels` response header.

The same checks guard what the gemeente API puts in a 301 (`toewijzing_fouten` for a ToegewezenProduct,
`contact_fouten` for the client's Contact), so the platform never sends a 301 the aanbieder would reject.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Protocol

from stdnum.nl import bsn as stdnum_bsn

from services.common.rules import rule

GRENS_2020 = date(2020, 12, 31)  # CD080/CD095/CD096/CS338/CS343 apply to periods past 2020
EENHEDEN_NIET_PER_DAG = {"14", "16", "83", "84"}  # CS338/CS343
GEEN_DAG_FREQUENTIE = {"2", "4", "6"}
MAX = date.max


class ProductAanvraag(Protocol):
    """The shape the product conditions need (AangevraagdProduct, NieuwProduct, TeWijzigenProduct, and
    the gemeente API's toewijzing input)."""

    categorie: str | None
    code: str | None
    ingangsdatum: date
    einddatum: date | None
    volume: int | None
    eenheid: str | None
    frequentie: str | None
    budget: int | None


def _omvang(a: ProductAanvraag) -> bool:
    return a.eenheid is not None


def _budget(a: ProductAanvraag) -> bool:
    return a.budget is not None


def na_2020(einddatum: date | None) -> bool:
    return einddatum is None or einddatum > GRENS_2020


def zelfde_product(a: Any, b: Any) -> bool:
    """TR302/TR361/TR386/TR410: the same product at code level; without a code at categorie level; an
    aanvraag without categorie is compared with every other one."""
    if a.categorie is None or b.categorie is None:
        return True
    if a.code and b.code:
        return bool(a.categorie == b.categorie and a.code == b.code)
    return bool(a.categorie == b.categorie)


def overlapt(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return a_start <= (b_end or MAX) and b_start <= (a_end or MAX)


def overlappende(aanvragen: Iterable[Any]) -> set[int]:
    """Ids of the aanvragen that overlap another one of the same product."""
    items = list(aanvragen)
    bad: set[int] = set()
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if zelfde_product(a, b) and overlapt(a.ingangsdatum, a.einddatum, b.ingangsdatum, b.einddatum):
                bad.update((id(a), id(b)))
    return bad


# ---- the client ---------------------------------------------------------------------------------
@rule("CS002", retourcode="0001", applies_to="Client", messages={"305", "307", "315", "317"}, level="bericht",
      summary="Bsn moet voldoen aan de elfproef.")
def bsn_elfproef(client: Any, _ctx: Any) -> bool:
    return len(client.bsn) == 9 and stdnum_bsn.is_valid(client.bsn)


ONBEKENDE_GEBOORTEDATUM = date(1900, 1, 1)  # IV009: DatumGebruik 3 goes with 01-01-1900


def geboortedatum_onbekend(datum: date | None, datum_gebruik: str | None) -> bool:
    """TR002's toelichting: unknown means DatumGebruik 3 *and* Datum 01-01-1900, not DatumGebruik 3 alone."""
    return datum_gebruik == "3" and datum == ONBEKENDE_GEBOORTEDATUM


@rule("TR002", retourcode="0001", applies_to="Client", messages={"305", "307", "315"}, level="bericht",
      summary="Geboortedatum mag niet meer dan 120 jaar voor de Dagtekening liggen, tenzij onbekend.")
def geboortedatum_niet_te_oud(client: Any, ctx: Any) -> bool:
    if client.geboortedatum is None or geboortedatum_onbekend(client.geboortedatum, client.datum_gebruik):
        return True
    dag = ctx.dagtekening
    try:
        grens = dag.replace(year=dag.year - 120)
    except ValueError:  # 29 February
        grens = dag.replace(year=dag.year - 120, day=28)
    return client.geboortedatum >= grens


@rule("CS139", retourcode="0001", applies_to="Client", messages={"305", "307", "315"}, level="bericht",
      summary="Voor Geboortedatum moeten DatumGebruik en Datum met elkaar in overeenstemming zijn.")
def datum_gebruik_past_bij_datum(client: Any, _ctx: Any) -> bool:
    """IV009: the unknown parts are 01 (day, month) or 1900 (year): DatumGebruik 1 day 01, 2 01-01, 3 01-01-1900."""
    datum, gebruik = client.geboortedatum, client.datum_gebruik
    if datum is None or gebruik is None:
        return True
    if gebruik == "3":
        return datum == ONBEKENDE_GEBOORTEDATUM
    if gebruik == "2":
        return (datum.month, datum.day) == (1, 1)
    if gebruik == "1":
        return datum.day == 1
    return True


# ---- product conditions (315 AangevraagdProduct, 317 NieuwProduct / TeWijzigenProduct) -------------
VOT, NIEUW, WIJZIG = ("315", "AangevraagdProduct"), ("317", "NieuwProduct"), ("317", "TeWijzigenProduct")


def _register(code: str, summary: str, targets: Iterable[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """Register one condition for several classes (the same rule text applies to each)."""
    def wrap(func):  # type: ignore[no-untyped-def]
        for number, cls in targets:
            rule(code, retourcode="0001", applies_to=cls, messages={number}, level="bericht", summary=summary)(func)
        return func
    return wrap


@_register("CD041", "Omvang verplicht als Code in Product gevuld is.", [VOT, NIEUW])
def omvang_bij_productcode(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (a.code and not _omvang(a))


@_register("CD075", "Einddatum verplicht als Budget gevuld is.", [VOT, NIEUW, WIJZIG])
def einddatum_bij_budget(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (_budget(a) and a.einddatum is None)


@_register("CD076", "Einddatum verplicht als Frequentie 2 (per week) is.", [VOT, NIEUW, WIJZIG])
def einddatum_bij_per_week(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (a.frequentie == "2" and a.einddatum is None)


@_register("CD077", "Omvang leeg laten als Budget gevuld is.", [VOT, NIEUW, WIJZIG])
def geen_omvang_bij_budget(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (_budget(a) and _omvang(a))


@_register("CD078", "Budget leeg laten als Omvang gevuld is.", [VOT, NIEUW, WIJZIG])
def geen_budget_bij_omvang(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (_omvang(a) and _budget(a))


@_register("CD079", "Product verplicht als Budget leeg is.", [VOT, NIEUW])
def product_zonder_budget(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return _budget(a) or a.categorie is not None


@_register("CD095", "Omvang leeg laten als Code leeg is en ToewijzingEinddatum na 31-12-2020 of leeg.", [VOT])
def geen_omvang_aspecifiek_vot(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (not a.code and na_2020(a.einddatum) and _omvang(a))


@_register("CD096", "Omvang leeg laten als Code leeg is en Einddatum na 31-12-2020 of leeg.", [NIEUW])
def geen_omvang_aspecifiek_nieuw(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (not a.code and na_2020(a.einddatum) and _omvang(a))


@_register("CS003", "Einddatum groter dan of gelijk aan de ingangsdatum.", [VOT, NIEUW, WIJZIG])
def einddatum_na_ingangsdatum(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return a.einddatum is None or a.einddatum >= a.ingangsdatum


@_register("CS338", "Eenheid 14, 16, 83 of 84 (na 2020): Frequentie 2, 4 of 6.", [NIEUW, WIJZIG])
def frequentie_bij_eenheid(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return not (a.eenheid in EENHEDEN_NIET_PER_DAG and na_2020(a.einddatum) and a.frequentie not in GEEN_DAG_FREQUENTIE)


@_register("CS343", "Eenheid 14, 16, 83 of 84 (na 2020): Frequentie 2, 4 of 6.", [VOT])
def frequentie_bij_eenheid_vot(a: ProductAanvraag, _ctx: Any = None) -> bool:
    return frequentie_bij_eenheid(a)


@rule("TR380", retourcode="0001", applies_to="NieuwProduct", messages={"317"}, level="bericht",
      summary="GewensteIngangsdatum van een NieuwProduct ligt na de Dagtekening van het bericht.")
def nieuw_product_na_dagtekening(n: ProductAanvraag, ctx: Any) -> bool:
    """The official XSLT checks NieuwProduct/GewensteIngangsdatum strictly after the Dagtekening (OP343: a VOW
    comes in time). A TeWijzigenProduct may ask for the past: TR357 governs that one."""
    return n.ingangsdatum > ctx.dagtekening


@rule("CD043", retourcode="0001", applies_to="AangevraagdProduct", messages={"315"}, level="bericht",
      summary="BeschikkingIngangsdatum verplicht als BeschikkingNummer gevuld is, anders leeg.")
def beschikking_ingangsdatum(a: Any, _ctx: Any) -> bool:
    return (a.beschikking_nummer is None) == (a.beschikking_ingangsdatum is None)


_VERWIJZER_MET_CODE = {"02", "03", "04", "05"}


@rule("CD066", retourcode="0001", applies_to="AangevraagdProduct", messages={"315"}, level="bericht",
      summary="Verwijzer 02-05 met ZorgverlenerCode: NaamVerwijzer leeg.")
def verwijzer_naam_leeg_bij_code(a: Any, _ctx: Any) -> bool:
    return not (a.verwijzer_type in _VERWIJZER_MET_CODE and a.verwijzer_zorgverlener and a.verwijzer_naam)


@rule("CD067", retourcode="0001", applies_to="AangevraagdProduct", messages={"315"}, level="bericht",
      summary="Verwijzer 02-05 zonder ZorgverlenerCode: NaamVerwijzer gevuld.")
def verwijzer_naam_zonder_code(a: Any, _ctx: Any) -> bool:
    return not (a.verwijzer_type in _VERWIJZER_MET_CODE and not a.verwijzer_zorgverlener and not a.verwijzer_naam)


@rule("CD068", retourcode="0001", applies_to="AangevraagdProduct", messages={"315"}, level="bericht",
      summary="Verwijzer anders dan 02-05: ZorgverlenerCode leeg.")
def zorgverlenercode_alleen_arts(a: Any, _ctx: Any) -> bool:
    return a.verwijzer_type in _VERWIJZER_MET_CODE or not a.verwijzer_zorgverlener


# ---- within-message uniqueness and overlap --------------------------------------------------------
@rule("TR383", retourcode="0001", applies_to="Bericht", messages={"315"}, level="bericht",
      summary="ReferentieAanbieder is uniek voor elk AangevraagdProduct binnen het bericht.")
def referentie_uniek_in_vot(bericht: Any, _ctx: Any) -> bool:
    refs = [p.referentie for p in bericht.producten]
    return len(refs) == len(set(refs))


@rule("TR386", retourcode="0001", applies_to="Bericht", messages={"315"}, level="bericht",
      summary="Een Product mag alleen vaker in een VOT voorkomen als de zorgperiodes niet overlappen.")
def geen_overlap_in_vot(bericht: Any, _ctx: Any) -> bool:
    return not overlappende(bericht.producten)


@rule("TR352", retourcode="0001", applies_to="Verzoek", messages={"317"}, level="bericht",
      summary="Een VOW bevat minstens 1 OngewijzigdProduct of TeWijzigenProduct.")
def vow_met_bestaand_product(verzoek: Any, _ctx: Any) -> bool:
    return bool(verzoek.ongewijzigd or verzoek.te_wijzigen)


@rule("TR353", retourcode="0001", applies_to="Verzoek", messages={"317"}, level="bericht",
      summary="Een VOW bevat minstens 1 TeWijzigenProduct of NieuwProduct.")
def vow_met_wijziging(verzoek: Any, _ctx: Any) -> bool:
    return bool(verzoek.te_wijzigen or verzoek.nieuw)


@rule("TR410", retourcode="0001", applies_to="Verzoek", messages={"317"}, level="bericht",
      summary="Een Product mag alleen vaker als NieuwProduct voorkomen als de zorgperiodes niet overlappen.")
def geen_overlap_nieuwe_producten(verzoek: Any, _ctx: Any) -> bool:
    return not overlappende(verzoek.nieuw)


@rule("TR101", retourcode="0001", applies_to="Verzoek", messages={"317"}, level="bericht",
      summary="Geen dubbele regels: een ToewijzingNummer staat maar één keer in een VOW.")
def geen_dubbele_toewijzing_in_vow(verzoek: Any, _ctx: Any) -> bool:
    nummers = [o.toewijzing_nummer for o in verzoek.ongewijzigd] + [w.toewijzing_nummer for w in verzoek.te_wijzigen]
    return len(nummers) == len(set(nummers))


@rule("TR101", retourcode="0001", applies_to="Bericht", messages={"305", "307"}, level="bericht",
      summary="Geen dubbele regels: de logische sleutel van elk Start-/StopProduct is uniek in het bericht.")
def geen_dubbele_regieregels(bericht: Any, _ctx: Any) -> bool:
    keys = [p.sleutel() for p in bericht.producten]
    return len(keys) == len(set(keys))


# ---- start / stop ---------------------------------------------------------------------------------
@rule("CS058", retourcode="0001", applies_to="StartProduct", messages={"305"}, level="bericht",
      summary="StatusAanlevering 1 (eerste aanlevering) of 3 (verwijderen) vullen.")
@rule("CS058", retourcode="0001", applies_to="StopProduct", messages={"307"}, level="bericht",
      summary="StatusAanlevering 1 (eerste aanlevering) of 3 (verwijderen) vullen.")
def status_aanlevering_1_of_3(p: Any, _ctx: Any) -> bool:
    return p.status in ("1", "3")


@rule("TR134", retourcode="0001", applies_to="StartProduct", messages={"305"}, level="bericht",
      summary="Begindatum niet groter dan de Dagtekening van het bericht.")
def start_niet_in_toekomst(p: Any, ctx: Any) -> bool:
    return p.begindatum <= ctx.dagtekening


@rule("TR134", retourcode="0001", applies_to="StopProduct", messages={"307"}, level="bericht",
      summary="Einddatum niet groter dan de Dagtekening van het bericht.")
def stop_niet_in_toekomst(p: Any, ctx: Any) -> bool:
    return p.einddatum is None or p.einddatum <= ctx.dagtekening


@rule("TR018", retourcode="0001", applies_to="StopProduct", messages={"307"}, level="bericht",
      summary="Einddatum moet groter dan of gelijk zijn aan Begindatum.")
def stop_na_start(p: Any, _ctx: Any) -> bool:
    return p.einddatum is None or p.einddatum >= p.begindatum


# ---- the gemeente API: what may go into a ToegewezenProduct (301) ----------------------------------
TOEWIJZING_CONDITIES: list[tuple[str, str, Any]] = [
    ("CD041", "Omvang is verplicht bij een productcode.", omvang_bij_productcode),
    ("CD075", "Einddatum is verplicht bij een budget.", einddatum_bij_budget),
    ("CD076", "Einddatum is verplicht bij frequentie 2 (per week).", einddatum_bij_per_week),
    ("CD077", "Omvang en budget gaan niet samen.", geen_omvang_bij_budget),
    ("CD079", "Product is verplicht zonder budget.", product_zonder_budget),
    ("CD080", "Omvang blijft leeg zonder productcode (aspecifiek of generiek).", geen_omvang_aspecifiek_nieuw),
    ("CS003", "Einddatum ligt voor de ingangsdatum.", einddatum_na_ingangsdatum),
    ("CS338", "Bij eenheid 14, 16, 83 of 84 is de frequentie 2, 4 of 6.", frequentie_bij_eenheid),
]


def toewijzing_fouten(a: ProductAanvraag, reden_wijziging: str | None = None) -> list[tuple[str, str]]:
    """Every condition a ToegewezenProduct would break, as (rule code, Dutch reason)."""
    fouten = [(code, text) for code, text, check in TOEWIJZING_CONDITIES if not check(a)]
    if reden_wijziging == "01":
        fouten.append(("CS336", "RedenWijziging 01 (administratieve correctie, vervallen) wordt niet meer gebruikt."))
    if reden_wijziging == "13" and a.einddatum != a.ingangsdatum:
        fouten.append(("CS335", "RedenWijziging 13 (verwijderd) alleen met einddatum gelijk aan ingangsdatum."))
    return fouten


# ---- the gemeente API: the client's Contact in a 301 ------------------------------------------------
# The 301 carries the client's contacts (Contactgegevens/Contact, 1..n). Their conditions are XSLT-level in the
# standard: one broken condition makes the aanbieder reject the whole 301 with 0001, so the API refuses such
# a contact (400 naming the field) and the 301 is never built with one. A contact is the dict the API stores:
# {soort, adres: {huisnummer, huisletter, toevoeging, postcode, straatnaam, plaatsnaam, landcode}, telefoon, email};
# the client's stored value is one such dict, or a list of them.
SOORT_MET_ADRES = {"01", "02", "03"}  # TR061: BRP-adres, correspondentieadres, verblijfadres
SOORT_MET_POSTCODE = {"01", "03"}  # CD034: BRP-adres and verblijfadres
POSTCODE_NL = re.compile(r"^[1-9][0-9]{3}[a-zA-Z]{2}$")  # CS089, the pattern of the official XSLT ("1000ZZ")
TR061_TEKST = ("De client heeft een contact met soort 01 (BRP-adres), 02 (correspondentieadres) of 03 "
               "(verblijfadres); 04 (tijdelijk verblijfadres) alleen is niet genoeg.")


def als_lijst(contact: Any) -> list[Mapping[str, Any]]:
    """The client's contacts as a list, whether one dict or a list of them was stored."""
    if not contact:
        return []
    return list(contact) if isinstance(contact, list) else [contact]


def _adres(contact: Mapping[str, Any]) -> Mapping[str, Any]:
    return contact.get("adres") or {}


def _soort(contact: Mapping[str, Any]) -> str:
    return contact.get("soort") or "01"  # the API's default, and what the 301 builder writes


def contact_met_adressoort(contacten: list[Mapping[str, Any]]) -> bool:
    """TR061: a Client has at least one Contact of Soort 01, 02 or 03 (a condition on all its contacts)."""
    return any(_soort(c) in SOORT_MET_ADRES for c in contacten)


def contact_bereikbaar(contact: Mapping[str, Any]) -> bool:
    """TR006: Contact has a Telefoon, and/or Huis and Postcode."""
    adres = _adres(contact)
    return bool(contact.get("telefoon")) or (adres.get("huisnummer") is not None and bool(adres.get("postcode")))


def postcode_bij_soort(contact: Mapping[str, Any]) -> bool:
    """CD034: Soort 01 (BRP-adres) or 03 (verblijfadres): Adres with Postcode."""
    return _soort(contact) not in SOORT_MET_POSTCODE or bool(_adres(contact).get("postcode"))


def landcode_bij_postcode(contact: Mapping[str, Any]) -> bool:
    """CD005: LandCode when Postcode is filled, otherwise empty."""
    adres = _adres(contact)
    return bool(adres.get("postcode")) == bool(adres.get("landcode"))


def huis_in_nederland(contact: Mapping[str, Any]) -> bool:
    """CD025: LandCode NL: Huis (with its Huisnummer) is required."""
    adres = _adres(contact)
    return adres.get("landcode") != "NL" or adres.get("huisnummer") is not None


def nederlandse_postcode(contact: Mapping[str, Any]) -> bool:
    """CS089: LandCode NL: the Postcode has the Dutch format 1234AB."""
    adres = _adres(contact)
    postcode = adres.get("postcode")
    return adres.get("landcode") != "NL" or not postcode or bool(POSTCODE_NL.match(postcode))


# (rule code, field inside the contact, Dutch reason, check): each contact on its own
CONTACT_CONDITIES: list[tuple[str, str, str, Any]] = [
    ("TR006", "telefoon", "Een contact heeft een telefoonnummer, of een adres met huisnummer en postcode.",
     contact_bereikbaar),
    ("CD034", "adres.postcode", "Bij soort 01 (BRP-adres) of 03 (verblijfadres) is een adres met postcode verplicht.",
     postcode_bij_soort),
    ("CD005", "adres.landcode", "Landcode is verplicht als er een postcode is, en blijft anders leeg.",
     landcode_bij_postcode),
    ("CD025", "adres.huisnummer", "Bij landcode NL is het huisnummer verplicht.", huis_in_nederland),
    ("CS089", "adres.postcode", "Bij landcode NL heeft de postcode de vorm 1234AB (vier cijfers, niet beginnend met "
                                "0, en twee letters, zonder spatie).", nederlandse_postcode),
]


def contact_condities_fouten(contact: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """The conditions one Contact breaks on its own, as (rule code, field, Dutch reason)."""
    return [(code, veld, tekst) for code, veld, tekst, check in CONTACT_CONDITIES if not check(contact)]


def contact_fouten(contact: Any) -> list[tuple[str, str, str]]:
    """Every condition the 301's Contactgegevens would break: TR061 over all contacts (field `soort` for one
    contact), then each contact's own (fields `i.adres.postcode` when there are several)."""
    contacten = als_lijst(contact)
    one = isinstance(contact, Mapping)
    fouten = [] if contact_met_adressoort(contacten) else [("TR061", "soort" if one else "", TR061_TEKST)]
    for i, c in enumerate(contacten):
        prefix = "" if one else f"{i}."
        fouten.extend((code, prefix + veld, tekst) for code, veld, tekst in contact_condities_fouten(c))
    return fouten
