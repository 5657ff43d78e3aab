"""315 verzoek om toewijzing (VOT) and 317 verzoek om wijziging (VOW) against earlier verzoeken and the
client's current toewijzingen (Controleniveau berichtoverstijgend: codes on the class they concern).

"Actuele toewijzingen" (TR349/TR350/TR351, OP087): valid on or after the dagtekening, or starting in the
future; removed ones (Einddatum = Ingangsdatum with RedenWijziging 13 or 01) do not count.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from services.common.rules import rule

from .inhoud import na_2020, overlapt, zelfde_product

if TYPE_CHECKING:
    from ..messages import (
        AangevraagdProduct,
        ClientIn,
        NieuwProduct,
        OngewijzigdProduct,
        TeWijzigenProduct,
        VerzoekIn,
    )
    from ..models import Toewijzing


@dataclass
class VerzoekContext:
    gemeente: str
    aanbieder: str
    domein: str
    dagtekening: date
    bericht: Any
    client: ClientIn
    toewijzingen: list[Toewijzing] = field(default_factory=list)  # this client's, for this aanbieder
    onderhanden: bool = False  # TR374: an open verzoek of this client at this aanbieder
    bekende_referenties: set[str] = field(default_factory=set)  # TR347: used before by this aanbieder

    def actueel(self) -> list[Toewijzing]:
        return [t for t in self.toewijzingen if t.actueel_op(self.dagtekening)]

    def actuele(self, nummer: int) -> Toewijzing | None:
        for t in self.actueel():
            if t.nummer == nummer:
                return t
        return None


# ---- 315 ------------------------------------------------------------------------------------------
@rule("TR374", retourcode="9374", applies_to="Client", messages={"315"})
def geen_onderhanden_verzoek_vot(client: ClientIn, ctx: VerzoekContext) -> bool:
    """Een verzoek mag alleen als er geen onderhanden verzoek is voor de client bij dezelfde aanbieder."""
    return not ctx.onderhanden


@rule("TR347", retourcode="9347", applies_to="AangevraagdProduct", messages={"315"})
def referentie_uniek_vot(p: AangevraagdProduct, ctx: VerzoekContext) -> bool:
    """ReferentieAanbieder is uniek voor de aanbieder binnen het wettelijk domein."""
    return p.referentie not in ctx.bekende_referenties


# ---- 317 ------------------------------------------------------------------------------------------
@rule("TR374", retourcode="9374", applies_to="Verzoek", messages={"317"})
def geen_onderhanden_verzoek_vow(v: VerzoekIn, ctx: VerzoekContext) -> bool:
    """Een verzoek mag alleen als er geen onderhanden verzoek is voor de client bij dezelfde aanbieder."""
    return not ctx.onderhanden


@rule("TR347", retourcode="9347", applies_to="Verzoek", messages={"317"})
def referentie_uniek_vow(v: VerzoekIn, ctx: VerzoekContext) -> bool:
    """ReferentieAanbieder is uniek voor de aanbieder binnen het wettelijk domein."""
    return v.referentie not in ctx.bekende_referenties


@rule("TR349", retourcode="9349", applies_to="Verzoek", messages={"317"})
def vow_bevat_alle_actuele(v: VerzoekIn, ctx: VerzoekContext) -> bool:
    """De VOW bevat alle actuele toegewezen producten van de client, als OngewijzigdProduct of TeWijzigenProduct."""
    genoemd = {o.toewijzing_nummer for o in v.ongewijzigd} | {w.toewijzing_nummer for w in v.te_wijzigen}
    return all(t.nummer in genoemd for t in ctx.actueel())


@rule("TR350", retourcode="9350", applies_to="OngewijzigdProduct", messages={"317"})
def ongewijzigd_is_actueel(o: OngewijzigdProduct, ctx: VerzoekContext) -> bool:
    """Ieder OngewijzigdProduct hoort via het ToewijzingNummer bij een actueel toegewezen product."""
    return ctx.actuele(o.toewijzing_nummer) is not None


@rule("TR351", retourcode="9351", applies_to="TeWijzigenProduct", messages={"317"})
def te_wijzigen_is_actueel(w: TeWijzigenProduct, ctx: VerzoekContext) -> bool:
    """Ieder TeWijzigenProduct hoort via het ToewijzingNummer bij een actueel toegewezen product."""
    return ctx.actuele(w.toewijzing_nummer) is not None


@rule("TR357", retourcode="9357", applies_to="TeWijzigenProduct", messages={"317"})
def wijziging_in_verleden_voor_hele_periode(w: TeWijzigenProduct, ctx: VerzoekContext) -> bool:
    """GewensteIngangsdatum op of voor de dagtekening: dan gelijk aan de ingangsdatum van de toewijzing."""
    tw = ctx.actuele(w.toewijzing_nummer)
    if tw is None or w.ingangsdatum > ctx.dagtekening:
        return True
    return w.ingangsdatum == tw.ingangsdatum


@rule("TR373", retourcode="9373", applies_to="TeWijzigenProduct", messages={"317"})
def budgetwijziging_voor_hele_periode(w: TeWijzigenProduct, ctx: VerzoekContext) -> bool:
    """Wijzigt het Budget of het totaal over de toewijzingsperiode, dan is GewensteIngangsdatum de ingangsdatum."""
    tw = ctx.actuele(w.toewijzing_nummer)
    if tw is None:
        return True
    budget_anders = w.budget is not None and w.budget != tw.budget
    totaal_anders = w.frequentie == "6" and (w.volume, w.eenheid) != (tw.volume, tw.eenheid)
    if not (budget_anders or totaal_anders):
        return True
    return w.ingangsdatum == tw.ingangsdatum


@rule("TR411", retourcode="9411", applies_to="TeWijzigenProduct", messages={"317"})
def omvang_bij_specifieke_toewijzing(w: TeWijzigenProduct, ctx: VerzoekContext) -> bool:
    """Heeft de toewijzing een productcode, dan is Omvang verplicht."""
    tw = ctx.actuele(w.toewijzing_nummer)
    return tw is None or not tw.code or w.heeft_omvang


@rule("TR412", retourcode="9412", applies_to="TeWijzigenProduct", messages={"317"})
def geen_omvang_bij_aspecifieke_toewijzing(w: TeWijzigenProduct, ctx: VerzoekContext) -> bool:
    """Toewijzing met categorie maar zonder code (en einddatum na 2020 of leeg): Omvang leeg laten.

    The einddatum is the TeWijzigenProduct's own (the requested one), as CD080/CD095/CD096 take the einddatum
    of the class that carries the Omvang: an empty Einddatum asks for no end, so it counts as after 2020."""
    tw = ctx.actuele(w.toewijzing_nummer)
    if tw is None or not tw.categorie or tw.code:
        return True  # TR375 covers a toewijzing without any product
    return not (na_2020(w.einddatum) and w.heeft_omvang)


@rule("TR375", retourcode="9375", applies_to="TeWijzigenProduct", messages={"317"})
def geen_omvang_bij_generieke_toewijzing(w: TeWijzigenProduct, ctx: VerzoekContext) -> bool:
    """Toewijzing zonder Product (en Einddatum na 2020 of leeg): Omvang leeg laten.

    The requested Einddatum (the TeWijzigenProduct's own), as in TR412."""
    tw = ctx.actuele(w.toewijzing_nummer)
    if tw is None or tw.categorie:
        return True
    return not (na_2020(w.einddatum) and w.heeft_omvang)


@rule("TR361", retourcode="9361", applies_to="NieuwProduct", messages={"317"})
def nieuw_product_niet_gestapeld(n: NieuwProduct, ctx: VerzoekContext) -> bool:
    """Een product komt alleen vaker in de VOW voor als de zorgperiodes niet overlappen (met de ongewijzigde
    en te wijzigen toewijzingen, na de gevraagde wijziging)."""
    v = ctx.bericht.verzoek
    periods: list[tuple[Any, date, date | None]] = []
    for o in v.ongewijzigd:
        tw = ctx.actuele(o.toewijzing_nummer)
        if tw is not None:
            periods.append((tw, tw.ingangsdatum, tw.einddatum))
    for w in v.te_wijzigen:
        tw = ctx.actuele(w.toewijzing_nummer)
        if tw is not None:
            periods.append((tw, tw.ingangsdatum, w.einddatum or tw.einddatum))
    return not any(zelfde_product(n, tw) and overlapt(n.ingangsdatum, n.einddatum, start, end)
                   for tw, start, end in periods)
