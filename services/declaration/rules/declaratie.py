"""Rules on the Declaratie class (controleniveau 3). A failure here rejects the declaratie as a whole
(IV087): header 0200, DeclaratieAntwoord with the rule's code and TotaalToegekendBedrag 0; the declaratie
counts as not sent, so neither its number nor its period is used up."""
from __future__ import annotations

from ..domain import DeclaratieIn
from .base import MESSAGES, JudgeContext, rule


def _declaratie_rule(code: str, retourcode: str, summary: str):  # type: ignore[no-untyped-def]
    return rule(code, retourcode=retourcode, applies_to="Declaratie", messages=MESSAGES, level="klasse",
                summary=summary)


@_declaratie_rule("TR333", "9333", "DeclaratieNummer is uniek voor de aanbieder binnen het wettelijk domein.")
def declaratienummer_unique(_d: DeclaratieIn, ctx: JudgeContext) -> bool:
    return not ctx.nummer_taken


@_declaratie_rule("TR318", "8214", "DeclaratiePeriode volgt op de voorgaande DeclaratiePeriode (maanden zonder "
                                   "zorg mogen ontbreken; dezelfde of een eerdere maand niet).")
def declaratieperiode_follows_previous(d: DeclaratieIn, ctx: JudgeContext) -> bool:
    # A month without care may be skipped (TR318 toelichting), so any later month is accepted; the same or an
    # earlier month means a second declaratie for a period: corrections go in the next month's declaratie.
    return ctx.last_periode_begin is None or d.periode_begin > ctx.last_periode_begin


DECLARATIE_RULES = [("TR333", "9333", declaratienummer_unique), ("TR318", "8214", declaratieperiode_follows_previous)]
