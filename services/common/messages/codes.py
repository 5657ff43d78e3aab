"""Retourcodes (WJ001 / the iWmo equivalent) the platform uses, with their meaning in Dutch.

Only codes the platform produces are named here; the full list lives in the XSD code list.
"""
from __future__ import annotations

TECHNISCH_AFGEKEURD = "0001"  # Bericht is afgekeurd om technische redenen
GEEN_OPMERKING = "0200"  # Geen opmerking over deze berichtklasse
NIET_BEOORDEELD = "0233"  # Berichtklasse is niet beoordeeld
VOLLEDIG_TOEGEWEZEN = "8001"  # Declaratie is volledig toegewezen

RETOURCODES: dict[str, str] = {
    "0001": "Bericht is afgekeurd om technische redenen.",
    "0200": "Geen opmerking over deze berichtklasse.",
    "0233": "Berichtklasse is niet beoordeeld.",
    "0611": "Tarief moet gelijk zijn aan het contractueel afgesproken tarief.",
    "8001": "Declaratie is volledig toegewezen.",
    "8017": "Credit-prestatie heeft geen bijbehorende debet-prestatie.",
    "8021": "Referentienummer prestatie is al eerder aangeleverd.",
    "8187": "Prestatie hoort niet bij de client of de toewijzing.",
    "8214": "Declaratieperiode moet precies een kalendermaand zijn.",
    "8848": "Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen.",
    "9019": "Regiebericht kan niet gekoppeld worden aan een toewijzing.",
    "9056": "Identificatie moet uniek zijn.",
}


def describe(code: str) -> str:
    return RETOURCODES.get(code, "")
