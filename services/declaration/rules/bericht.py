"""Rules inside the 323 itself: the standard's XSLT level (controleniveau 2).

Any failure rejects the whole declaratie with a header-only 325 carrying 0001 and the XsltVersie; the
declaratie counts as not sent (IV087/IV088) and nothing of it is stored as judged. Each rule looks at the
whole Declaratie (one call, a tight loop inside), since the verdict is for the message, not per class.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from stdnum.nl.bsn import checksum as bsn_checksum

from ..domain import DeclaratieIn
from ..periods import is_whole_month, same_month
from .base import MESSAGES, rule

EARLIEST = date(2021, 1, 1)


def _bericht_rule(code: str, summary: str):  # type: ignore[no-untyped-def]
    return rule(code, retourcode="0001", applies_to="Declaratie", messages=MESSAGES, level="bericht",
                summary=summary)


@_bericht_rule("CS340", "DeclaratiePeriode is precies één hele kalendermaand.")
def declaratieperiode_is_one_month(d: DeclaratieIn, _ctx: object) -> bool:
    return is_whole_month(d.periode_begin, d.periode_eind)


@_bericht_rule("CS100", "DeclaratiePeriode en ProductPeriode liggen op of na 01-01-2021.")
def periods_from_2021(d: DeclaratieIn, _ctx: object) -> bool:
    if d.periode_begin < EARLIEST:
        return False
    return all(begin >= EARLIEST for begin, _ in d.product_periods)


@_bericht_rule("CS337", "ProductPeriode valt binnen één kalendermaand (Einddatum in dezelfde maand als Begindatum).")
def productperiode_in_one_month(d: DeclaratieIn, _ctx: object) -> bool:
    return all(same_month(begin, end) for begin, end in d.product_periods)


@_bericht_rule("TR134", "Begindatum van de ProductPeriode en DeclaratieDagtekening liggen niet na de Dagtekening.")
def dates_not_after_dagtekening(d: DeclaratieIn, _ctx: object) -> bool:
    limit = d.bericht_dagtekening
    if d.dagtekening > limit:
        return False
    return all(begin <= limit for begin, _ in d.product_periods)


@_bericht_rule("TR137", "Einddatum van de ProductPeriode ligt op of na de Begindatum en niet na de Dagtekening.")
def productperiode_end_valid(d: DeclaratieIn, _ctx: object) -> bool:
    limit = d.bericht_dagtekening
    return all(begin <= end <= limit for begin, end in d.product_periods)


@_bericht_rule("TR335", "Einddatum van de ProductPeriode ligt niet meer dan 5 jaar voor de DeclaratieDagtekening.")
def productperiode_not_older_than_5_years(d: DeclaratieIn, _ctx: object) -> bool:
    day = d.dagtekening
    try:
        limit = day.replace(year=day.year - 5)
    except ValueError:  # 29 February
        limit = day.replace(year=day.year - 5, day=28)
    return all(end >= limit for _, end in d.product_periods)


@_bericht_rule("CD060", "VorigReferentieNummer is gevuld bij een credit-prestatie en leeg bij een debet-prestatie.")
def vorig_referentie_only_for_credit(d: DeclaratieIn, _ctx: object) -> bool:
    return all((p.vorig is not None) == (p.dc == "C") for p in d.prestaties)


@_bericht_rule("CD087", "ProductTarief is gevuld als Eenheid niet 83 (euro's) is, en anders leeg.")
def tarief_iff_not_euros(d: DeclaratieIn, _ctx: object) -> bool:
    return all((p.tarief is None) == (p.eenheid == "83") for p in d.prestaties)


@_bericht_rule("CS339", "Bij Eenheid 83 (euro's) is IngediendBedrag gelijk aan GeleverdVolume.")
def euros_bedrag_is_volume(d: DeclaratieIn, _ctx: object) -> bool:
    return all(p.amount == p.volume for p in d.prestaties if p.eenheid == "83")


@_bericht_rule("CS325", "Een (Totaal)Bedrag van 0 heeft DebetCredit D.")
def zero_is_debet(d: DeclaratieIn, _ctx: object) -> bool:
    if d.totaal_abs == 0 and d.totaal_dc != "D":
        return False
    return all(p.dc == "D" for p in d.prestaties if p.amount == 0)


@_bericht_rule("CS002", "Bsn voldoet aan de elfproef.")
def bsn_elfproef(d: DeclaratieIn, _ctx: object) -> bool:
    # the XSD guarantees nine digits, so stdnum's checksum needs no compacting (fast enough for 10,000 clients)
    return all(bsn_checksum(bsn) == 0 for bsn in {c.bsn for c in d.clients})


@_bericht_rule("TR101", "Een Client (Bsn) komt maar één keer voor in de declaratie.")
def no_duplicate_clients(d: DeclaratieIn, _ctx: object) -> bool:
    return len({c.bsn for c in d.clients}) == len(d.clients)


@_bericht_rule("TR315", "VorigReferentieNummer is uniek binnen het bericht.")
def vorig_referentie_unique(d: DeclaratieIn, _ctx: object) -> bool:
    vorige = [p.vorig for p in d.prestaties if p.vorig is not None]
    return len(set(vorige)) == len(vorige)


@_bericht_rule("TR316", "Een debet-prestatie wordt niet in hetzelfde bericht gecrediteerd.")
def no_credit_of_debet_in_same_message(d: DeclaratieIn, _ctx: object) -> bool:
    vorige = {p.vorig for p in d.prestaties if p.vorig is not None}
    if not vorige:
        return True
    return not any(p.ref in vorige for p in d.prestaties)


@_bericht_rule("TR416", "Per toewijzing, product en ProductPeriode staat maar één debet-prestatie in het bericht.")
def one_debet_per_product_period(d: DeclaratieIn, _ctx: object) -> bool:
    keys = Counter(p.product_key for p in d.prestaties if p.dc != "C")
    return all(n == 1 for n in keys.values())


@_bericht_rule("TR358", "TotaalIngediendBedrag is de som van de IngediendBedragen (debet min credit).")
def total_is_sum(d: DeclaratieIn, _ctx: object) -> bool:
    return d.totaal == sum(-p.amount if p.dc == "C" else p.amount for p in d.prestaties)
