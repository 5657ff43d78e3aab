"""305 start zorg and 307 stop zorg against what was received before (Controleniveau berichtoverstijgend:
the code goes on the StartProduct / StopProduct, the other products of the message are judged apart).

Keys (IV008, IV096, release 3.2): a start is identified by ToewijzingNummer + Begindatum (taakgericht:
Product + Begindatum); a stop by the key of its start plus RedenBeeindiging. "Actueel" means: not
removed with StatusAanlevering 3.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from services.common.rules import rule

if TYPE_CHECKING:
    from ..eligibility import ContractProduct
    from ..messages import ClientIn, RegieBericht, RegieProduct
    from ..models import Regie, Toewijzing

TIJDELIJK = "20"  # RedenBeeindiging 20: levering is tijdelijk beeindigd


@dataclass
class RegieContext:
    """Everything the 305/307 rules need, loaded in two queries before they run."""

    gemeente: str
    aanbieder: str
    domein: str
    dagtekening: date
    bericht: RegieBericht
    client: ClientIn
    toewijzingen: dict[int, Toewijzing]  # by ToewijzingNummer (this gemeente and domein)
    regie: list[Regie]  # earlier starts/stops for those toewijzingen or this client's taak products
    contracten: dict[tuple[str | None, str | None, date], ContractProduct | None] = field(default_factory=dict)
    # ProductCode → the categorieen the contract knows it under (TR381); filled where the contract is read
    productcodes: dict[str, set[str]] = field(default_factory=dict)
    # keys removed by StatusAanlevering 3 earlier in this message (a correction may come with its replacement)
    verwijderd_in_bericht: set[tuple[Any, ...]] = field(default_factory=set)
    _nieuw_per_start: dict[tuple[Any, ...], list[RegieProduct]] | None = field(default=None, repr=False)

    def starts(self, sleutel: tuple[Any, ...], *, raw: bool = False) -> list[Regie]:
        """Actueel starts with this key; unless `raw`, not counting those this message removes."""
        return [r for r in self.regie if r.soort == "start" and r.actueel and _start_key(r) == sleutel
                and (raw or _start_key(r) not in self.verwijderd_in_bericht)]

    def stops(self, start_sleutel: tuple[Any, ...], *, raw: bool = False) -> list[Regie]:
        """Actueel stops of the start with this key; unless `raw`, not counting those this message removes."""
        return [r for r in self.regie if r.soort == "stop" and r.actueel and _start_key(r) == start_sleutel
                and (raw or (*_start_key(r), r.reden_beeindiging) not in self.verwijderd_in_bericht)]

    def eerdere_stops_in_bericht(self, p: RegieProduct) -> list[RegieProduct]:
        """New stops of the same start earlier in this message: to the rules they were received before p, as
        for TR326 (TR413/TR414/TR415 hold within one 307 too). Indexed once per message (hot path)."""
        if self._nieuw_per_start is None:
            self._nieuw_per_start = {}
            for other in self.bericht.producten:
                if other.status == "1":
                    self._nieuw_per_start.setdefault(other.start_sleutel(), []).append(other)
        zelfde = self._nieuw_per_start.get(p.start_sleutel(), [])
        for i, other in enumerate(zelfde):
            if other is p:
                return zelfde[:i]
        return zelfde

    def alle_stops(self, p: RegieProduct) -> list[Any]:
        """The actueel stops of p's start: stored ones (not removed by this message) and earlier ones in it."""
        return [*self.stops(p.start_sleutel()), *self.eerdere_stops_in_bericht(p)]

    def lopende_starts(self, p: RegieProduct) -> list[Regie]:
        """TR326: starts of the same toegewezen product without a stop after them."""
        if p.toewijzing_nummer is not None:
            same = [r for r in self.regie if r.soort == "start" and r.actueel and r.toewijzing_nummer == p.toewijzing_nummer]
        else:
            same = [r for r in self.regie if r.soort == "start" and r.actueel and r.toewijzing_nummer is None
                    and (r.categorie, r.code) == (p.categorie, p.code)]
        return [r for r in same if _start_key(r) not in self.verwijderd_in_bericht and not self.stops(_start_key(r))]


def _start_key(r: Regie) -> tuple[Any, ...]:
    from ..messages import start_sleutel

    return start_sleutel(r.toewijzing_nummer, r.categorie, r.code, r.begindatum)


def gekoppelde_toewijzing(p: RegieProduct, ctx: RegieContext) -> Toewijzing | None:
    """The toewijzing a start/stop refers to, if it is this client's, this aanbieder's and not removed."""
    if p.toewijzing_nummer is None:
        return None
    tw = ctx.toewijzingen.get(p.toewijzing_nummer)
    if tw is None or tw.aanbieder != ctx.aanbieder or tw.client.bsn != ctx.client.bsn or tw.verwijderd:
        return None
    if p.categorie and (p.categorie != tw.categorie or (p.code and tw.code and p.code != tw.code)):
        return None
    return tw


@rule("TR019", retourcode="9019", applies_to="StartProduct", messages={"305"})
@rule("TR019", retourcode="9019", applies_to="StopProduct", messages={"307"})
def gekoppeld_aan_toewijzing(p: RegieProduct, ctx: RegieContext) -> bool:
    """Bij output- of inspanningsgericht werken hoort een start/stop via het ToewijzingNummer bij een toewijzing;
    zonder ToewijzingNummer alleen voor een taakgericht product waarvan het contract start/stop vraagt."""
    if p.status != "1":
        return True  # a removal is checked against its earlier delivery (TR063), not again in content
    if p.toewijzing_nummer is not None:
        tw = gekoppelde_toewijzing(p, ctx)
        return tw is not None and tw.uitvoeringsvariant != "taakgericht"
    contract = ctx.contracten.get((p.categorie, p.code, p.begindatum))
    return bool(contract and contract.uitvoeringsvariant == "taakgericht" and contract.start_stop_verplicht)


@rule("TR381", retourcode="S329", applies_to="StartProduct", messages={"305"})
@rule("TR381", retourcode="S329", applies_to="StopProduct", messages={"307"})
def productcode_past_bij_categorie(p: RegieProduct, ctx: RegieContext) -> bool:
    """ProductCode hoort volgens de gehanteerde productcodelijst bij de ProductCategorie. That list is the
    contract between gemeente and aanbieder (as in the declaration service); it is read for a product without
    ToewijzingNummer (taakgericht), the only start/stop that names its own product. A code the contract
    does not know at all is TR019's business (no contract line), not this rule's."""
    if p.code is None or p.categorie is None:
        return True
    categorieen = ctx.productcodes.get(p.code)
    return not categorieen or p.categorie in categorieen


@rule("TR326", retourcode="9326", applies_to="StartProduct", messages={"305"})
def geen_lopende_start(p: RegieProduct, ctx: RegieContext) -> bool:
    """Een startbericht mag pas als er geen actueel startbericht bij het toegewezen product is."""
    if p.status != "1":
        return True
    if ctx.lopende_starts(p):
        return False
    # two new starts for the same product in one message: only the first can be the current one
    for other in ctx.bericht.producten:
        if other is p:
            break
        if other.status == "1" and _zelfde_toegewezen_product(other, p):
            return False
    return True


def _zelfde_toegewezen_product(a: RegieProduct, b: RegieProduct) -> bool:
    if a.toewijzing_nummer is not None or b.toewijzing_nummer is not None:
        return a.toewijzing_nummer == b.toewijzing_nummer
    return (a.categorie, a.code) == (b.categorie, b.code)


@rule("TR074", retourcode="9074", applies_to="StartProduct", messages={"305"})
def start_sleutel_uniek(p: RegieProduct, ctx: RegieContext) -> bool:
    """StatusAanlevering 1: de sleutel is ook uniek ten opzichte van alle eerder ontvangen berichten."""
    return p.status != "1" or not ctx.starts(p.start_sleutel())


@rule("TR074", retourcode="9074", applies_to="StopProduct", messages={"307"})
def stop_sleutel_uniek(p: RegieProduct, ctx: RegieContext) -> bool:
    """StatusAanlevering 1: de sleutel (incl. RedenBeeindiging) is uniek ten opzichte van eerdere berichten."""
    if p.status != "1":
        return True
    return not [r for r in ctx.stops(p.start_sleutel()) if r.reden_beeindiging == p.reden_beeindiging]


@rule("TR063", retourcode="9063", applies_to="StartProduct", messages={"305"})
def start_verwijderen_na_aanlevering(p: RegieProduct, ctx: RegieContext) -> bool:
    """StatusAanlevering 3: er moet eerder een start met dezelfde sleutel zijn aangeleverd."""
    return p.status != "3" or bool(ctx.starts(p.start_sleutel(), raw=True))


@rule("TR063", retourcode="9063", applies_to="StopProduct", messages={"307"})
def stop_verwijderen_na_aanlevering(p: RegieProduct, ctx: RegieContext) -> bool:
    """StatusAanlevering 3: er moet eerder een stop met dezelfde sleutel zijn aangeleverd."""
    if p.status != "3":
        return True
    return any(r.reden_beeindiging == p.reden_beeindiging for r in ctx.stops(p.start_sleutel(), raw=True))


@rule("TR071", retourcode="9071", applies_to="StartProduct", messages={"305"})
def start_niet_verwijderen_na_stop(p: RegieProduct, ctx: RegieContext) -> bool:
    """Een start mag niet verwijderd worden als er voor die start al een stop is verstuurd."""
    return p.status != "3" or not ctx.stops(p.start_sleutel(), raw=True)


@rule("TR382", retourcode="9069", applies_to="StopProduct", messages={"307"})
def stop_bij_actuele_start(p: RegieProduct, ctx: RegieContext) -> bool:
    """De sleutel uit het startbericht staat ongewijzigd in het stopbericht: er is een actuele start met die sleutel."""
    return p.status != "1" or bool(ctx.starts(p.start_sleutel()))


@rule("TR413", retourcode="9413", applies_to="StopProduct", messages={"307"})
def geen_tweede_tijdelijke_stop(p: RegieProduct, ctx: RegieContext) -> bool:
    """Is er al een tijdelijke stop (20) voor dezelfde start, dan is de nieuwe stop niet opnieuw tijdelijk."""
    if p.status != "1" or p.reden_beeindiging != TIJDELIJK:
        return True
    return not any(r.reden_beeindiging == TIJDELIJK for r in ctx.alle_stops(p))


@rule("TR414", retourcode="9414", applies_to="StopProduct", messages={"307"})
def stop_einddatum_niet_eerder(p: RegieProduct, ctx: RegieContext) -> bool:
    """Is er al een stop voor dezelfde start, dan is Einddatum >= de Einddatum van die stop."""
    if p.status != "1" or p.einddatum is None:
        return True
    return all(r.einddatum is None or p.einddatum >= r.einddatum for r in ctx.alle_stops(p))


@rule("TR415", retourcode="9415", applies_to="StopProduct", messages={"307"})
def geen_stop_na_definitieve_stop(p: RegieProduct, ctx: RegieContext) -> bool:
    """Na een definitieve stop (RedenBeeindiging niet 20) volgt geen nieuwe stop voor dezelfde start."""
    if p.status != "1":
        return True
    return not any(r.reden_beeindiging != TIJDELIJK for r in ctx.alle_stops(p))
