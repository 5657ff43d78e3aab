"""Retourcodes (WJ001 / the iWmo equivalent) the platform uses, with their meaning in Dutch.

Only codes the platform produces are named here; the full list lives in the XSD code list.
"""
from __future__ import annotations

TECHNISCH_AFGEKEURD = "0001"  # Bericht is afgekeurd om technische redenen
GEEN_OPMERKING = "0200"  # Geen opmerking over deze berichtklasse
NIET_BEOORDEELD = "0233"  # Berichtklasse is niet beoordeeld
VOLLEDIG_TOEGEWEZEN = "8001"  # Declaratie is volledig toegewezen

RETOURCODES: dict[str, str] = {
    # the "Betekenis" column of WJ001 (iJw 3.2), verbatim
    "0001": "Bericht is afgekeurd om technische redenen.",
    "0200": "Geen opmerking over deze berichtklasse.",
    "0233": "Berichtklasse is niet beoordeeld.",
    "0611": "Het ingediende tarief komt niet overeen met het contractuele tarief.",
    "8001": "Declaratie is volledig toegewezen.",
    "8017": "Van deze credit prestatie is geen debet prestatie bekend.",
    "8021": "Referentienummer prestatie is reeds aangeleverd.",
    "8187": "De prestatie hoort niet bij deze cliënt.",
    "8214": "DeclaratiePeriode is niet de kalendermaand die volgt op voorgaande DeclaratiePeriode terwijl iedere "
            "declaratieperiode zorg geleverd is.",
    "8848": "Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.",
    "9019": "Het regiebericht kan niet gekoppeld worden aan een toewijzing.",
    "9056": "Identificatie moet uniek zijn.",
    # the Declaratie, Client and Prestatie rules of the declaration service (services/declaration/rules)
    "9307": "Begindatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing.",
    "9308": "Einddatum prestatie ligt niet tussen de ingangsdatum en einddatum toewijzing.",
    "9319": "De ProductPeriode valt niet geheel binnen een DeclaratiePeriode.",
    "9321": "Het ingediende volume overschrijdt het toegewezen volume.",
    "9322": "De som van de ingediende volumes overschrijdt het toegewezen volume.",
    "9333": "Declaratienummer is niet uniek.",
    "9338": "Niet iedere prestatie in een declaratiebericht is gerelateerd aan een toegewezen product op basis van "
            "het toewijzingnummer.",
    "9339": "ProductCategorie in de prestatie is niet gelijk aan ProductCategorie in het ToegewezenProduct.",
    "9340": "ProductCode in de Prestatie is niet gelijk aan ProductCode in het ToegewezenProduct.",
    "9341": "Eenheid in de Prestatie past niet bij Eenheid in het ToegewezenProduct.",
    "9346": "Eenheid is ongelijk is aan waarde 83 (Euro’s), maar IngediendBedrag is niet gelijk aan GeleverdVolume "
            "vermenigvuldigd met (het onafgeronde) ProductTarief.",
    "9369": "Budget is meegegeven, maar de som van GeleverdVolume in alle ingediende Prestaties passen niet binnen "
            "het toegewezen Budget.",
    "9384": "Declaratie op toewijzing met RedenWijziging “13” (Verwijderd).",
    "9387": "Begindatum van de ProductPeriode is niet eerste dag van de kalendermaand waarop ProductPeriode "
            "betrekking heeft en Ingangsdatum van de toewijzing ligt niet later in deze betreffende maand.",
    "9388": "Einddatum van de ProductPeriode is niet laatste dag van de kalendermaand waarop ProductPeriode "
            "betrekking heeft en Einddatum van de toewijzing ligt niet eerder in deze betreffende maand.",
    "9389": "Deze prestatie heeft een debetprestatie zonder bijbehorende creditprestatie.",
    "9390": "Er is al een Prestatie met gelijk ProductReferentie met waarde Credit.",
    "S329": "ProductCode ongeldig.",
}


def describe(code: str) -> str:
    return RETOURCODES.get(code, "")
