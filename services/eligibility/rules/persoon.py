"""Person rules: known in the BRP, alive, age limits (Jeugdwet / Wmo), woonplaatsbeginsel."""
from __future__ import annotations

from datetime import date

from ..brp.client import Person
from .base import Facts, Outcome, Question, age_on, day_before, day_of_age, eligibility_rule, nl_date

NOT_IN_NL = {"VerblijfplaatsBuitenland", "VerblijfplaatsOnbekend"}
RNI = "1999"  # Registratie Niet-Ingezetenen


@eligibility_rule("PERSOON_ONBEKEND")
def person_known(q: Question, f: Facts, out: Outcome) -> None:
    """The BSN must belong to a person in the BRP."""
    if f.person is None:
        out.refuse("PERSOON_ONBEKEND")


@eligibility_rule("OVERLEDEN")
def person_alive(q: Question, f: Facts, out: Outcome) -> None:
    """A deceased person is refused (a death after the peildatum is only signalled)."""
    p = f.person
    if p is None or not p.overleden:
        return
    if p.overlijdensdatum is not None and p.overlijdensdatum > q.peildatum:
        out.signal("OVERLEDEN_NA_PEILDATUM", datum=nl_date(p.overlijdensdatum))
        return
    datum = f" op {nl_date(p.overlijdensdatum)}" if p.overlijdensdatum else ""
    datum_en = f" on {p.overlijdensdatum.isoformat()}" if p.overlijdensdatum else ""
    out.refuse("OVERLEDEN", datum_nl=datum, datum_en=datum_en)


def _ages(p: Person, day: date) -> tuple[int, int] | None:
    """(lowest, highest) possible age on `day`; None when the birth date is unknown."""
    if p.geboortedatum is not None:
        a = age_on(p.geboortedatum, day)
        return a, a
    if p.geboortedatum_vroegst is None or p.geboortedatum_laatst is None:
        return None
    return age_on(p.geboortedatum_laatst, day), age_on(p.geboortedatum_vroegst, day)


@eligibility_rule("LEEFTIJDSGRENS")
def jeugd_age_limit(q: Question, f: Facts, out: Outcome) -> None:
    """Jeugd: under 18 on the peildatum; to 21/23 only as verlengde jeugdhulp with a reason; rechter (08) to 23."""
    p = f.person
    if q.domein != "jeugd" or p is None:
        return
    rules = f.regels.jeugd
    ages = _ages(p, q.peildatum)
    if ages is None:
        out.refuse("GEBOORTEDATUM_ONVOLLEDIG")
        return
    low, high = ages
    limit = rules.leeftijdsgrens
    why_nl = why_en = ""
    verwijzer = q.verwijzer.type if q.verwijzer else None
    if verwijzer == "08" and rules.rechterTotLeeftijd:
        limit = max(limit, rules.rechterTotLeeftijd)
        if high >= rules.leeftijdsgrens:
            out.signal("JEUGDSTRAFRECHT", grens=limit)
    elif q.verlenging_tot is not None and high >= rules.leeftijdsgrens:
        if q.verlenging_tot not in rules.verlengingTotLeeftijd:
            allowed = " of ".join(str(a) for a in rules.verlengingTotLeeftijd) or "geen"
            why_nl = f"; verlenging tot {q.verlenging_tot} is bij gemeente {q.gemeente} niet mogelijk (wel: {allowed})"
            why_en = f"; extension to {q.verlenging_tot} is not available in gemeente {q.gemeente}"
        elif not (q.verlenging_reden or "").strip():
            why_nl = "; verlengde jeugdhulp vraagt een uitdrukkelijke reden en die ontbreekt"
            why_en = "; extended youth care needs an explicit reason and none was given"
        else:
            limit = q.verlenging_tot
            out.signal("VERLENGDE_JEUGDHULP", grens=limit)
    if low < limit <= high:
        out.refuse("GEBOORTEDATUM_ONVOLLEDIG")
        return
    if low >= limit:
        out.refuse("LEEFTIJDSGRENS", leeftijd=low, toelichting_nl=why_nl, toelichting_en=why_en)
        return
    if p.geboortedatum is None:
        return
    start_wmo = rules.signaalOvergangWmoVanaf
    if start_wmo is not None and start_wmo <= low < rules.leeftijdsgrens:
        out.signal("OVERGANG_WMO", leeftijd=low, datum=nl_date(day_of_age(p.geboortedatum, rules.leeftijdsgrens)))
    limit_day = day_of_age(p.geboortedatum, limit)
    if q.einddatum is not None and q.einddatum >= limit_day:
        out.signal("EINDDATUM_NA_LEEFTIJDSGRENS", datum=nl_date(day_before(limit_day)))


@eligibility_rule("WMO_ONDER_18")
def wmo_minimum_age(q: Question, f: Facts, out: Outcome) -> None:
    """Wmo: a maatwerkvoorziening from 18 (younger clients belong to the Jeugdwet)."""
    p = f.person
    if q.domein != "wmo" or p is None:
        return
    ages = _ages(p, q.peildatum)
    grens = f.regels.wmo.minimumleeftijd
    if ages is None:
        out.refuse("GEBOORTEDATUM_ONVOLLEDIG")
        return
    low, high = ages
    if high < grens:
        out.refuse("WMO_ONDER_18", leeftijd=high, grens=grens)
    elif low < grens:
        out.refuse("GEBOORTEDATUM_ONVOLLEDIG")


@eligibility_rule("WOONPLAATSBEGINSEL")
def responsible_gemeente(q: Question, f: Facts, out: Outcome) -> None:
    """Who pays: Jeugdwet woonplaats (BRP inscription; in residential care the gemeente before the stay);
    Wmo: the gemeente of inscription. Another gemeente: WOONPLAATSBEGINSEL (jeugd, 8) or ANDERE_GEMEENTE (5)."""
    p = f.person
    if p is None:
        return
    inscribed = p.gemeente_van_inschrijving
    out.woongemeente = inscribed if inscribed and inscribed != RNI else None
    responsible: str | None = None
    via_verblijf = False
    if q.domein == "jeugd" and f.regels.jeugd.verblijfBepaaltWoonplaats:
        before = q.gemeente_voor_verblijf or f.verblijf_gemeente or p.gemeente_voor_verblijf
        if before:
            responsible, via_verblijf = before, True
            out.signal("VERBLIJF", gemeente=before)
        elif p.in_instelling:
            out.signal("VERBLIJF_GEMEENTE_ONBEKEND")
    if responsible is None:
        if not inscribed or inscribed == RNI or p.verblijfplaats_type in NOT_IN_NL:
            # Jeugdwet art. 1.1 woonplaats 3/4: the gemeente where the youth actually stays, which the BRP
            # cannot tell: the asking gemeente is taken at its word, with a signal
            out.signal("WOONPLAATS_NIET_VASTGESTELD")
            out.verantwoordelijke_gemeente = q.gemeente
            return
        responsible = inscribed
    out.verantwoordelijke_gemeente = responsible
    if responsible == q.gemeente:
        return
    if q.domein == "jeugd":
        out.refuse("WOONPLAATSBEGINSEL", gemeente=responsible,
                   toelichting_nl=" (de woonplaats vóór het verblijf in een instelling)" if via_verblijf else "",
                   toelichting_en=" (the residence before the stay in an institution)" if via_verblijf else "")
    else:
        out.refuse("ANDERE_GEMEENTE", gemeente=responsible)
