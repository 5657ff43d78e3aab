"""Volume and budget: a prestatie fits the toewijzing's Omvang per period (TR321), all prestaties together
fit it over the whole toewijzing (TR322) and fit its Budget (TR369). Earlier approved, not credited debets
count (loaded in one query for every toewijzing of the batch); credits only give volume back, so they are
never refused on these grounds.
"""
from __future__ import annotations

from ..domain import PrestatieIn
from ..periods import max_in_period, max_in_toewijzing
from .base import JudgeContext, prestatie_rule


def _comparable(p: PrestatieIn) -> bool:
    t = p.t
    if t is None or t.eenheid is None:
        return False
    return p.eenheid == t.eenheid or (t.eenheid == "04" and p.eenheid == "01")


@prestatie_rule("TR321", retourcode="9321", cumulative=True, only="debet",
                summary="GeleverdVolume past binnen het toegewezen Volume per Frequentie-periode.")
def volume_within_omvang(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.dc == "C" or not _comparable(p):
        return True
    limit = max_in_period(p.t, p.begin, p.eind, ctx.variant(p) == "outputgericht")  # type: ignore[arg-type]
    return limit is None or p.volume_norm <= limit


@prestatie_rule("TR322", retourcode="9322", cumulative=True, only="debet",
                summary="De som van GeleverdVolume over alle prestaties past binnen de toegewezen Omvang.")
def total_volume_within_omvang(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.dc == "C" or not _comparable(p):
        return True
    limit = max_in_toewijzing(p.t, ctx.variant(p) == "outputgericht")  # type: ignore[arg-type]
    return limit is None or ctx.used_volume.get(p.nummer, 0) + p.volume_norm <= limit


@prestatie_rule("TR369", retourcode="9369", cumulative=True, only="debet",
                summary="De som van de ingediende bedragen past binnen het toegewezen Budget.")
def within_budget(p: PrestatieIn, ctx: JudgeContext) -> bool:
    # Budget is in eurocent; what a prestatie takes from it is its amount (for eenheid 83 that equals
    # GeleverdVolume, CS339, so the rule's "som van GeleverdVolume" reads the same there).
    if p.dc == "C" or p.t is None or p.t.budget is None:
        return True
    return ctx.used_amount.get(p.nummer, 0) + p.amount <= p.t.budget
