"""Outputgericht (OP263, OP264): a price per stuk (eenheid 82) or an amount in euro's (eenheid 83) per period
or per trajectory (Frequentie 6), declared at the moment the contract agrees (`declaratiemoment`:
maandelijks, or einde-traject: once, in the last ProductPeriode of the toewijzing, IV089), never above the
tariff (TR418 for stuks), the contract's plafond or the toewijzing's Omvang/Budget (TR321/TR322/TR369),
counting every earlier approved declaratie of the toewijzing.
"""
from __future__ import annotations

from ..domain import PrestatieIn
from ..rules.base import JudgeContext, prestatie_rule

OUTPUT = "outputgericht"


@prestatie_rule("OP264", retourcode="9321", cumulative=True, only="debet",
                summary="Outputgericht bij einde traject: alleen declareren in de laatste ProductPeriode van de "
                        "toewijzing (IV089); daarvoor is het toegestane volume 0.")
def declared_at_agreed_moment(p: PrestatieIn, ctx: JudgeContext) -> bool:
    line, t = p.line, p.t
    if p.dc == "C" or line is None or t is None or line.uitvoeringsvariant != OUTPUT:
        return True
    if line.declaratiemoment != "einde-traject" or t.einddatum is None:
        return True
    # The trajectory is complete only in the product period that holds the toewijzing's Einddatum; before it
    # the agreement leaves nothing to declare (retourcode of TR321: the volume exceeds what is allowed now).
    return p.begin <= t.einddatum <= p.eind


@prestatie_rule("OP263", retourcode="0611", cumulative=True, only="debet",
                summary="Outputgericht in euro's: het bedrag blijft binnen het contractuele plafond per periode "
                        "(maandelijks) of per traject (einde traject), opgeteld over eerdere declaraties.")
def within_output_price(p: PrestatieIn, ctx: JudgeContext) -> bool:
    line = p.line
    if p.dc == "C" or line is None or line.uitvoeringsvariant != OUTPUT or p.eenheid != "83":
        return True
    if line.budgetplafond is None:
        return True
    # budgetplafond is per client per toewijzing per declaratiemoment (README, "one definition"): per
    # ProductPeriode for maandelijks, which holds one debet (TR389/TR416), so the prestatie itself; per
    # trajectory for einde-traject, so everything approved for the toewijzing so far counts
    if line.declaratiemoment == "einde-traject":
        return ctx.used_amount.get(p.nummer, 0) + p.amount <= line.budgetplafond
    return p.amount <= line.budgetplafond
