"""Reasons (why a check says no) and signals (what the caller should know), each a machine code with a
Dutch `omschrijving` and an English `description`.

A reason maps onto the standard's RedenAfwijzingVerzoek (WJ759: 3 geen contract, 4 past niet binnen
contract, 5 andere gemeente, 8 woonplaatsbeginsel, 9 leeftijdsgrens bereikt) where one fits, so the
allocation service can put it straight into a 319; null where the standard has no code. A 319 carries one
RedenAfwijzingVerzoek: `primary_reason` picks it when several reasons apply.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReasonType:
    code: str
    reden_afwijzing_verzoek: str | None
    omschrijving: str  # Dutch, str.format with the reason's parameters
    description: str  # English


REASONS: dict[str, ReasonType] = {r.code: r for r in (
    ReasonType("BSN_ONGELDIG", None, "Het BSN voldoet niet aan de elfproef of is geen 9 cijfers.",
               "The BSN is not 9 digits or fails the elfproef."),
    ReasonType("PERSOON_ONBEKEND", None, "De persoon is niet gevonden in de BRP.",
               "The person was not found in the BRP."),
    ReasonType("OVERLEDEN", None, "De persoon is volgens de BRP overleden{datum_nl}.",
               "According to the BRP the person has died{datum_en}."),
    ReasonType("OVERLIJDENSDATUM_ONVOLLEDIG", None,
               "De persoon is volgens de BRP overleden, maar de overlijdensdatum is onvolledig ({datum}); of de "
               "persoon op de peildatum nog leefde is niet vast te stellen.",
               "According to the BRP the person has died, but the date of death is incomplete ({datum}); whether "
               "the person was alive on the peildatum cannot be established."),
    ReasonType("PERSOONSLIJST_OPGESCHORT", None,
               "De persoonslijst in de BRP is opgeschort (reden {reden}: {reden_nl}{datum_nl}); de gegevens worden "
               "niet bijgehouden en zijn niet te gebruiken.",
               "The person's record in the BRP is suspended (reason {reden}: {reden_en}{datum_en}); its data is "
               "not kept up to date and cannot be used."),
    ReasonType("GEBOORTEDATUM_ONVOLLEDIG", None,
               "De geboortedatum in de BRP is onvolledig; de leeftijd op de peildatum is niet vast te stellen.",
               "The birth date in the BRP is incomplete; the age on the peildatum cannot be established."),
    ReasonType("LEEFTIJDSGRENS", "9",
               "De leeftijdsgrens is bereikt: de jeugdige is op de peildatum {leeftijd} jaar{toelichting_nl}.",
               "The age limit has been reached: the young person is {leeftijd} on the peildatum{toelichting_en}."),
    ReasonType("WMO_ONDER_18", None,
               "De cliënt is op de peildatum {leeftijd} jaar; een Wmo-maatwerkvoorziening is vanaf {grens} jaar.",
               "The client is {leeftijd} on the peildatum; Wmo support starts at {grens}."),
    ReasonType("WOONPLAATSBEGINSEL", "8",
               "Volgens het woonplaatsbeginsel is gemeente {gemeente} verantwoordelijk{toelichting_nl}.",
               "Under the woonplaatsbeginsel gemeente {gemeente} is responsible{toelichting_en}."),
    ReasonType("ANDERE_GEMEENTE", "5", "De cliënt woont in gemeente {gemeente}; die gemeente is verantwoordelijk.",
               "The client lives in gemeente {gemeente}, which is responsible."),
    ReasonType("WOONPLAATS_VASTSTELLEN", None,
               "De woonplaats is niet uit de BRP vast te stellen ({oorzaak_nl}). {grond_nl} De gemeente moet de "
               "woonplaats vaststellen en meegeven in de vraag (woonplaats).",
               "The woonplaats cannot be established from the BRP ({oorzaak_en}). {grond_en} The gemeente must "
               "establish it and pass it in the question (woonplaats)."),
    ReasonType("GEEN_CONTRACT", "3", "Er is geen contract tussen gemeente {gemeente} en aanbieder {aanbieder}{product_nl}.",
               "There is no contract between gemeente {gemeente} and aanbieder {aanbieder}{product_en}."),
    ReasonType("BUITEN_CONTRACT", "4", "Het product past niet binnen het contract: {toelichting_nl}.",
               "The product does not fit the contract: {toelichting_en}."),
    # a contract exists in both cases, the request does not fit it: 4 (past niet binnen contract), not 3
    ReasonType("CLIENTENSTOP", "4", "Voor aanbieder {aanbieder} geldt een cliëntenstop bij gemeente {gemeente}.",
               "Aanbieder {aanbieder} is under a cliëntenstop (no new clients) for gemeente {gemeente}."),
    ReasonType("BUITEN_WERKGEBIED", "4",
               "Gemeente {woongemeente} ligt buiten het werkgebied van aanbieder {aanbieder}.",
               "Gemeente {woongemeente} is outside the service area of aanbieder {aanbieder}."),
    ReasonType("VERWIJZING_VERLOPEN", None,
               "De verwijzing van {datum} is verlopen: die was geldig tot en met {geldig_tot} ({dagen} dagen).",
               "The referral of {datum} has expired: it was valid up to and including {geldig_tot} ({dagen} days)."),
    ReasonType("VERWIJZER_ONGELDIG", None, "De verwijzing is ongeldig: {toelichting_nl}.",
               "The referral is invalid: {toelichting_en}."),
    ReasonType("TAAKGERICHT", "4",
               "Product {product} wordt taakgericht uitgevoerd: er is geen toewijzing per cliënt.",
               "Product {product} is delivered taakgericht: there is no toewijzing per client."),
)}

SIGNALS: dict[str, tuple[str, str]] = {
    "EXTERNE_VERWIJZING": ("Verwezen door {verwijzer}, niet door de gemeente: informeer de gemeentelijke toegang.",
                           "Referred by {verwijzer_en}, not by the gemeente: the gemeente's access team must be informed."),
    "GI_VERWIJZING": ("De gecertificeerde instelling verwijst; de betaler blijft gemeente {gemeente} (woonplaatsbeginsel).",
                      "The certified institution (GI) refers; the paying party remains gemeente {gemeente} (woonplaatsbeginsel)."),
    "JEUGDSTRAFRECHT": (("Adolescentenstrafrecht (art. 77c Sr; Jeugdwet art. 1.1 jeugdige 2°): de leeftijdsgrens "
                         "van 18 geldt niet (tot {grens} jaar)."),
                        ("Adolescent criminal law (art. 77c Sr; Jeugdwet art. 1.1 jeugdige 2°): the age limit of 18 "
                         "does not apply (up to {grens}).")),
    "VERLENGDE_JEUGDHULP": ("Verlengde jeugdhulp tot {grens} jaar op grond van {grond} (Jeugdwet art. 1.1 jeugdige {lid}).",
                            "Extended youth care up to {grens} on the ground {grond} (Jeugdwet art. 1.1 jeugdige {lid})."),
    "OVERGANG_WMO": ("De jeugdige is {leeftijd}: bereid de overgang naar de Wmo voor (18 jaar op {datum}).",
                     "The young person is {leeftijd}: prepare the move to the Wmo (18 on {datum})."),
    "EINDDATUM_NA_LEEFTIJDSGRENS": ("De einddatum ligt na de leeftijdsgrens; de jeugdhulp kan lopen tot en met {datum}.",
                                    "The end date lies past the age limit; the care can run up to and including {datum}."),
    "EINDDATUM_NA_CONTRACT": ("De einddatum ligt na het einde van het contract ({datum}).",
                              "The end date lies past the end of the contract ({datum})."),
    "VERBLIJF": ("De jeugdige verblijft in een instelling; verantwoordelijk is gemeente {gemeente}, de woonplaats vóór het verblijf.",
                 "The young person stays in an institution; gemeente {gemeente}, the residence before the stay, is responsible."),
    "VERBLIJF_GEMEENTE_ONBEKEND": (("De jeugdige verblijft in een instelling, maar de gemeente vóór het verblijf is niet bekend; "
                                   "registreer die via POST /v1/verblijven."),
                                   ("The young person stays in an institution, but the gemeente before the stay is unknown; "
                                   "record it with POST /v1/verblijven.")),
    "WOONPLAATS_BUITENLAND": (("De jeugdige woont volgens de BRP buiten Nederland ({oorzaak_nl}); verantwoordelijk is de "
                               "gemeente waar de jeugdige werkelijk verblijft op het moment van de hulpvraag (Jeugdwet "
                               "art. 1.1, woonplaats 4°). Gemeente {gemeente} wordt daarvoor gehouden: stel vast dat de "
                               "jeugdige daar werkelijk verblijft."),
                              ("According to the BRP the young person lives outside the Netherlands ({oorzaak_en}); the "
                               "gemeente where the young person actually stays at the time of the request is responsible "
                               "(Jeugdwet art. 1.1, woonplaats 4). Gemeente {gemeente} is taken to be it: establish that "
                               "the young person actually stays there.")),
    "WOONPLAATS_DOOR_GEMEENTE": (("De BRP geeft geen bruikbaar woonadres ({oorzaak_nl}); de woonplaats {gemeente} is "
                                  "vastgesteld door de vragende gemeente ({grond})."),
                                 ("The BRP gives no usable residential address ({oorzaak_en}); the woonplaats {gemeente} "
                                  "was established by the asking gemeente ({grond}).")),
    "ADRES_NA_PEILDATUM": (("Het adres in de BRP geldt {vanaf_nl}, mogelijk pas na de peildatum: de BRP geeft het "
                            "huidige adres, niet dat op de peildatum. Controleer in de adreshistorie welke gemeente op "
                            "de peildatum de woonplaats was."),
                           ("The address in the BRP applies {vanaf_en}, possibly only after the peildatum: the BRP "
                            "gives today's address, not the one on the peildatum. Check the address history for the "
                            "woonplaats on the peildatum.")),
    "VERWIJZER_ONTBREEKT": (("Geen verwijzer opgegeven: de verwijsregels (verwijsroute, naam/AGB, geldigheid) zijn niet "
                             "getoetst. Een verzoek om toewijzing (JW315) heeft altijd een Verwijzer: geef die mee; "
                             "verwijst de gemeente zelf, geef dan TypeVerwijzer 01."),
                            ("No referrer given: the referral rules (route, name/AGB, validity) were not checked. A "
                             "request for a toewijzing (JW315) always has a Verwijzer: pass it; when the gemeente itself "
                             "refers, pass TypeVerwijzer 01.")),
    "OVERLEDEN_NA_PEILDATUM": ("De persoon is overleden {datum_nl}, na de peildatum.",
                               "The person died {datum_en}, after the peildatum."),
    "BUDGETPLAFOND": ("Dit contract heeft een budgetplafond van {bedrag} eurocent (outputgericht in euro's: per "
                      "declaratiemoment, door de declaratiedienst bewaakt; taakgericht: het jaarbudget).",
                      "This contract has a budget cap of {bedrag} eurocents (outputgericht in euros: per declaratie "
                      "moment, enforced by the declaration service; taakgericht: the yearly budget)."),
    "ASPECIFIEK": ("Geen productcode: de contractregels van categorie {categorie} gelden; tarief en eenheid volgen uit de toewijzing.",
                   "No product code: the contract lines of category {categorie} apply; tariff and unit follow the toewijzing."),
}

VERWIJZER_NAMEN = {
    "01": ("de gemeente", "the gemeente"), "02": ("de huisarts", "the GP"), "03": ("de jeugdarts", "the youth doctor"),
    "04": ("de gecertificeerde instelling", "the certified institution"),
    "05": ("de medisch specialist", "the medical specialist"), "06": ("niemand (zelfverwijzer)", "nobody (self-referral)"),
    "08": ("de rechter of OvJ", "a judge or prosecutor"),
}


class _Defaults(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def reason(code: str, **params: Any) -> dict[str, Any]:
    """A reason as the API shows it: code, redenAfwijzingVerzoek, texts, and `gemeente` where it names one."""
    rt = REASONS[code]
    values = _Defaults({k: v for k, v in params.items() if v is not None})
    out: dict[str, Any] = {"code": code, "redenAfwijzingVerzoek": rt.reden_afwijzing_verzoek,
                           "omschrijving": rt.omschrijving.format_map(values),
                           "description": rt.description.format_map(values)}
    if code in ("WOONPLAATSBEGINSEL", "ANDERE_GEMEENTE") and params.get("gemeente"):
        out["gemeente"] = params["gemeente"]
    return out


# The order in which a 319 gets its one RedenAfwijzingVerzoek when several reasons apply: who pays first
# (8 fills the JW319 Woonplaatsbeginsel element; the request belongs at another gemeente anyway), then
# andere gemeente (5, Wmo), then the person's own entitlement (9), then the contract: none (3) before a
# contract the request does not fit (4).
PRIORITY_319 = ("8", "5", "9", "3", "4")


def _rank(r: dict[str, Any]) -> int:
    code = r.get("redenAfwijzingVerzoek")
    return PRIORITY_319.index(code) if code in PRIORITY_319 else len(PRIORITY_319)


def by_priority(redenen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reasons with the primary one for a 319 first (stable: otherwise in rule order)."""
    return sorted(redenen, key=_rank)


def primary_reason(redenen: list[dict[str, Any]]) -> dict[str, Any] | None:
    """{redenAfwijzingVerzoek, code, woonplaatsbeginsel} of the reason a 319 carries; None without any code."""
    coded = [r for r in by_priority(redenen) if r.get("redenAfwijzingVerzoek")]
    if not coded:
        return None
    first = coded[0]
    return {"redenAfwijzingVerzoek": first["redenAfwijzingVerzoek"], "code": first["code"],
            "woonplaatsbeginsel": first.get("gemeente") if first["redenAfwijzingVerzoek"] == "8" else None}


def signal(code: str, **params: Any) -> dict[str, Any]:
    nl, en = SIGNALS[code]
    values = _Defaults({k: v for k, v in params.items() if v is not None})
    return {"code": code, "omschrijving": nl.format_map(values), "description": en.format_map(values)}


def catalogue() -> dict[str, list[dict[str, Any]]]:
    """Every reason and signal code with its texts (GET /v1/checks/redenen)."""
    return {
        "redenen": [{"code": r.code, "redenAfwijzingVerzoek": r.reden_afwijzing_verzoek,
                     "omschrijving": r.omschrijving, "description": r.description} for r in REASONS.values()],
        "signalen": [{"code": c, "omschrijving": nl, "description": en} for c, (nl, en) in SIGNALS.items()],
    }
