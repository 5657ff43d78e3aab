"""Debet/credit pairing (corrections). Run in the cumulative phase: credits before debets (OP366), so a
credit and the debet that replaces it may travel in the same declaratie.

A correction round: the aanbieder credits an approved debet (a new ReferentieNummer, VorigReferentieNummer =
the debet's ReferentieNummer, the same toewijzing, product, ProductPeriode and amount: OP366 asks for a full
credit) and sends the corrected debet, in the same or a later declaratie.
"""
from __future__ import annotations

from ..domain import PrestatieIn
from .base import JudgeContext, prestatie_rule


@prestatie_rule("TR323", retourcode="8017", cumulative=True, only="credit",
                summary="Een credit-prestatie hoort bij een eerder goedgekeurde debet-prestatie (VorigReferentieNummer).")
def credit_has_debet(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.dc != "C":
        return True
    debet = ctx.earlier_refs.get(p.vorig or "")
    if debet is None or not debet.debet or not debet.approved:
        return False
    if debet.gemeente != ctx.decl.gemeente:
        # the ReferentieNummer is the aanbieder's (TR314), but the debet was approved by another gemeente, whose
        # ToewijzingNummers may coincide with this one's (TR332 is per gemeente): for this gemeente no debet
        return False
    same_keys = (debet.nummer, debet.categorie, debet.code, debet.begin, debet.eind) == p.product_key
    if not same_keys or abs(debet.signed) != p.amount or debet.volume_norm != p.volume_norm:
        return False  # not the same prestatie, or not a full credit (OP366)
    p.debet_of_credit = debet
    return True


@prestatie_rule("TR390", retourcode="9390", cumulative=True, only="credit",
                summary="Een debet-prestatie wordt maar één keer gecrediteerd.")
def credit_only_once(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.dc != "C":
        return True
    debet = ctx.earlier_refs.get(p.vorig or "")
    if debet is None or debet.gemeente != ctx.decl.gemeente:
        return True  # no debet of this gemeente: TR323 reports it
    return not (debet.gecrediteerd or debet.ref in ctx.credited)


@prestatie_rule("TR389", retourcode="9389", cumulative=True, only="debet",
                summary="Een debet-prestatie voor dezelfde toewijzing, product en ProductPeriode alleen als de "
                        "eerdere debet gecrediteerd is.")
def debet_only_after_credit(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.dc == "C":
        return True
    return p.product_key not in ctx.open_debets
