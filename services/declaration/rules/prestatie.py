"""Prestatie rules that judge one prestatie against its toewijzing and the contract (controleniveau 3/4).

A rule that needs the toewijzing passes when there is none: TR338 already says so, and one clear code is
better than five derived ones.

Rules that compare with data that may change after a debet was approved (the toewijzing's product, eenheid
and dates, the contract's tariff, product code list and eenheid) are `only="debet"`: a credit is identical to
its approved debet (IV091) and "de gemeente kan een ingediende credit prestatie dus niet afkeuren, tenzij het
technische afkeur betreft" (IV085). TR323 ties the credit to that debet; a toewijzing shortened or a tariff
changed since then must not keep the aanbieder from withdrawing it.
"""
from __future__ import annotations

from ..domain import PrestatieIn
from ..periods import productperiode_begin, productperiode_end
from ..variants.inspanning import minutes_amount, per_minute
from .base import JudgeContext, prestatie_rule

UUR, MINUUT, EUROS = "04", "01", "83"


# ---- the link with the toewijzing ------------------------------------------------------------------
@prestatie_rule("TR338", retourcode="9338",
                summary="De prestatie hoort via ToewijzingNummer bij een toegewezen product van deze aanbieder.")
def linked_to_toewijzing(p: PrestatieIn, ctx: JudgeContext) -> bool:
    # p.t is only set for a toewijzing of this gemeente and domein; another aanbieder's toewijzing counts as
    # unknown, so its existence does not leak
    return p.t is not None


@prestatie_rule("TR304", retourcode="8187", summary="De toewijzing van de prestatie hoort bij deze client (Bsn).")
def toewijzing_of_this_client(p: PrestatieIn, ctx: JudgeContext) -> bool:
    return p.t is None or p.t.bsn == p.bsn


@prestatie_rule("TR384", retourcode="9384", only="debet",
                summary="Niet declareren op een toewijzing met RedenWijziging 13 (verwijderd).")
def toewijzing_not_withdrawn(p: PrestatieIn, ctx: JudgeContext) -> bool:
    # a credit only gives money back, so it may still cancel a debet on a withdrawn toewijzing
    return p.t is None or p.dc == "C" or p.t.status != "verwijderd"


@prestatie_rule("TR339", retourcode="9339", only="debet",
                summary="ProductCategorie is gelijk aan die van het toegewezen product (als die gevuld is).")
def categorie_equal(p: PrestatieIn, ctx: JudgeContext) -> bool:
    return p.t is None or p.dc == "C" or p.t.categorie is None or p.t.categorie == p.categorie


@prestatie_rule("TR340", retourcode="9340", only="debet",
                summary="ProductCode is gelijk aan die van het toegewezen product (als die gevuld is).")
def code_equal(p: PrestatieIn, ctx: JudgeContext) -> bool:
    return p.t is None or p.dc == "C" or p.t.code is None or p.t.code == p.code


@prestatie_rule("TR381", retourcode="S329", only="debet",
                summary="ProductCode hoort volgens de productcodelijst (het contract) bij de ProductCategorie.")
def code_fits_categorie(p: PrestatieIn, ctx: JudgeContext) -> bool:
    # The productcodelijst in force between this gemeente and aanbieder is their contract: a code the contract
    # only knows under other categories does not belong to this one. An unknown code is TR418's business.
    if p.dc == "C":
        return True
    categories = ctx.terms.categories_of(p.code)
    return not categories or p.categorie in categories


@prestatie_rule("TR341", retourcode="9341", only="debet",
                summary="Eenheid past bij het toegewezen product (bij een uur-toewijzing mag in minuten).")
def eenheid_fits(p: PrestatieIn, ctx: JudgeContext) -> bool:
    t = p.t
    if t is None or p.dc == "C":
        return True
    expected = t.eenheid
    if expected is None:  # aspecifiek or generiek: the eenheid of the contract applies (TR341 toelichting)
        expected = p.line.eenheid if p.line is not None else None
        if expected is None:
            return True
    return p.eenheid == expected or (expected == UUR and p.eenheid == MINUUT)


# ---- periods --------------------------------------------------------------------------------------
@prestatie_rule("TR307", retourcode="9307", only="debet",
                summary="Begindatum van de ProductPeriode ligt op of na de Ingangsdatum van de toewijzing.")
def begin_within_toewijzing(p: PrestatieIn, ctx: JudgeContext) -> bool:
    return p.t is None or p.dc == "C" or p.begin >= p.t.ingangsdatum


@prestatie_rule("TR308", retourcode="9308", only="debet",
                summary="Einddatum van de ProductPeriode ligt op of voor de Einddatum van de toewijzing (als gevuld).")
def end_within_toewijzing(p: PrestatieIn, ctx: JudgeContext) -> bool:
    return p.t is None or p.dc == "C" or p.t.einddatum is None or p.eind <= p.t.einddatum


@prestatie_rule("TR319", retourcode="9319",
                summary="De ProductPeriode valt in de huidige of een eerdere DeclaratiePeriode.")
def within_declaratieperiode(p: PrestatieIn, ctx: JudgeContext) -> bool:
    return p.eind <= ctx.decl.periode_eind


@prestatie_rule("TR387", retourcode="9387", only="debet",
                summary="Begindatum ProductPeriode is de 1e van de maand, of de latere Ingangsdatum van de toewijzing.")
def begin_first_of_month(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.t is None or p.dc == "C":
        return True
    return p.begin == productperiode_begin(p.begin, p.t.ingangsdatum)


@prestatie_rule("TR388", retourcode="9388", only="debet",
                summary="Einddatum ProductPeriode is de laatste van de maand, of de eerdere Einddatum van de toewijzing.")
def end_last_of_month(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.t is None or p.dc == "C":
        return True
    return p.eind == productperiode_end(p.eind, p.t.einddatum)


# ---- money ----------------------------------------------------------------------------------------
@prestatie_rule("TR418", retourcode="0611", only="debet",
                summary="ProductTarief is het contractuele tarief van het product op de datum van de prestatie.")
def tarief_is_contract_tarief(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.dc == "C":
        return True  # the tariff of the approved debet stands (IV085/IV091), whatever the contract says now
    line = p.line
    if line is None:  # no contract line for this product on this date: there is no contractual tariff
        return False
    if line.uitvoeringsvariant == "taakgericht":
        return True  # OP261 gives the clearer reason
    if p.eenheid == EUROS:
        return True  # no ProductTarief (CD087); the amount is checked against Omvang, Budget and plafond
    if line.tarief is None:
        return False
    if line.eenheid == UUR and p.eenheid == MINUUT:
        return p.tarief == per_minute(line.tarief)
    if line.eenheid is not None and line.eenheid != p.eenheid:
        return False
    return p.tarief == line.tarief


@prestatie_rule("TR346", retourcode="9346",
                summary="IngediendBedrag is GeleverdVolume × ProductTarief (bij minuten op uurtarief: IV081).")
def bedrag_is_volume_times_tarief(p: PrestatieIn, ctx: JudgeContext) -> bool:
    if p.eenheid == EUROS or p.tarief is None:
        return True  # CS339 (XSLT level) covers eenheid 83
    if p.dc == "C" and p.eenheid == MINUUT:
        # minutes may have been priced from the contract's hourly tariff (IV081), which may have changed since
        # the debet was approved; TR323 holds the credit to that debet's amount and volume (IV085/IV091)
        return True
    line = p.line
    if line is not None and line.eenheid == UUR and p.eenheid == MINUUT and line.tarief is not None:
        return p.amount == minutes_amount(line.tarief, p.volume)
    return p.amount == p.volume * p.tarief


# ---- uniqueness ------------------------------------------------------------------------------------
@prestatie_rule("TR314", retourcode="8021",
                summary="ReferentieNummer is uniek voor de aanbieder binnen het domein, in en over berichten.")
def referentie_unique(p: PrestatieIn, ctx: JudgeContext) -> bool:
    ref = p.ref
    if ref in ctx.claimed or ref in ctx.earlier_refs:
        return False
    ctx.claimed.add(ref)
    p.ref_claim = ref
    return True
