"""Rules on the Declaratie class (controleniveau 3). A failure here rejects the declaratie as a whole
(IV087): header 0200, DeclaratieAntwoord with the rule's code and TotaalToegekendBedrag 0; the declaratie
counts as not sent, so its number is not used up and it does not count as the last DeclaratiePeriode."""
from __future__ import annotations

from ..domain import DeclaratieIn
from .base import MESSAGES, JudgeContext, rule


def _declaratie_rule(code: str, retourcode: str, summary: str):  # type: ignore[no-untyped-def]
    return rule(code, retourcode=retourcode, applies_to="Declaratie", messages=MESSAGES, level="klasse",
                summary=summary)


@_declaratie_rule("TR333", "9333", "DeclaratieNummer is uniek voor de aanbieder binnen het wettelijk domein.")
def declaratienummer_unique(_d: DeclaratieIn, ctx: JudgeContext) -> bool:
    return not ctx.nummer_taken


@_declaratie_rule("TR318", "8214", "DeclaratiePeriode ligt niet voor de laatst ingediende DeclaratiePeriode (maanden "
                                   "zonder zorg mogen ontbreken; een 2e declaratie voor dezelfde maand mag, IV090).")
def declaratieperiode_follows_previous(d: DeclaratieIn, ctx: JudgeContext) -> bool:
    # A month without care may be skipped (TR318 toelichting), so any later month is accepted. The same month
    # as the last one is accepted too: IV090 names "een 2e declaratie van de maand mei" as a way to send care
    # found later. Only a period before the last submitted one is refused ("mag dit niet met een
    # declaratieperiode worden gedaan die voor de laatst ingediende declaratieperiode ligt").
    return ctx.last_periode_begin is None or d.periode_begin >= ctx.last_periode_begin


DECLARATIE_RULES = [("TR333", "9333", declaratienummer_unique), ("TR318", "8214", declaratieperiode_follows_previous)]
