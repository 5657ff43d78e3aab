"""Person rules: known in the BRP, alive, a usable record, age limits (Jeugdwet / Wmo), woonplaatsbeginsel.

The BRP gives today's data. Dates it knows only in part are ranges; a rule decides on the range and says
so when the range straddles the peildatum, never picking a day inside it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..brp.client import Person
from .base import Facts, Outcome, Question, age_on, day_before, day_of_age, eligibility_rule, nl_date

RNI = "1999"  # Registratie Niet-Ingezetenen
# opschortingBijhouding.reden (LO GBA table 67.20, as Haal Centraal delivers it)
OPSCHORTING = {"O": ("overlijden", "death"), "E": ("emigratie", "emigration"),
               "M": ("ministerieel besluit", "ministerial decree"),
               "R": ("persoonslijst aangelegd in de RNI", "record created in the RNI"),
               "F": ("fout", "error"), ".": ("onbekend", "unknown")}
# suspensions the other rules read (death; living abroad; non-resident): the data stays usable
READ_ELSEWHERE = frozenset({"O", "E", "R"})
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december")
# Jeugdwet art. 1.1 "jeugdige": the part of the definition each extension ground comes from
GROND_LID = {"adolescentenstrafrecht": "2°", "pleegzorg": "3°", "voortzetting": "4°", "besluitVoor18": "4°",
             "hervatting": "4°"}
WOONPLAATS_GROND = {"moeder-bij-geboorte": "woonplaats 3°, de gemeente van de moeder bij de geboorte",
                    "werkelijk-verblijf": "de gemeente waar de jeugdige of cliënt werkelijk verblijft"}


def record_usable(p: Person) -> bool:
    """False for a suspended record whose data may not be used (M, F, '.', or a code we do not know)."""
    return p.opschorting_reden is None or p.opschorting_reden in READ_ELSEWHERE


def period_nl(earliest: date, latest: date) -> str:
    """A (partial) BRP date as the BRP knows it: a day, a month, a year."""
    if earliest == latest:
        return nl_date(earliest)
    if (earliest.year, earliest.month) == (latest.year, latest.month) and earliest.day == 1:
        return f"{MAANDEN[earliest.month - 1]} {earliest.year}"
    if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31) and earliest.year == latest.year:
        return str(earliest.year)
    return f"{nl_date(earliest)} t/m {nl_date(latest)}"


def period_en(earliest: date, latest: date) -> str:
    if earliest == latest:
        return earliest.isoformat()
    if (earliest.year, earliest.month) == (latest.year, latest.month) and earliest.day == 1:
        return earliest.strftime("%Y-%m")
    return f"{earliest.isoformat()}..{latest.isoformat()}"


@eligibility_rule("PERSOON_ONBEKEND")
def person_known(q: Question, f: Facts, out: Outcome) -> None:
    """The BSN must belong to a person in the BRP."""
    if f.person is None:
        out.refuse("PERSOON_ONBEKEND")


# ---- death ----------------------------------------------------------------------------------------------
def _death_range(p: Person, today: date) -> tuple[date | None, date]:
    """(earliest, latest) possible day of death. The BRP only records a death that has happened, so the
    latest day is at most today; an unknown date has no earliest day."""
    if p.overlijdensdatum is not None:
        return p.overlijdensdatum, p.overlijdensdatum
    if p.overlijdensdatum_vroegst is not None and p.overlijdensdatum_laatst is not None:
        return p.overlijdensdatum_vroegst, max(p.overlijdensdatum_vroegst, min(p.overlijdensdatum_laatst, today))
    return None, today


def _death_text(p: Person) -> tuple[str, str]:
    if p.overlijdensdatum is not None:
        return f"op {nl_date(p.overlijdensdatum)}", f"on {p.overlijdensdatum.isoformat()}"
    if p.overlijdensdatum_vroegst is not None and p.overlijdensdatum_laatst is not None:
        return (f"in {period_nl(p.overlijdensdatum_vroegst, p.overlijdensdatum_laatst)}",
                f"in {period_en(p.overlijdensdatum_vroegst, p.overlijdensdatum_laatst)}")
    return "", ""


@eligibility_rule("OVERLEDEN")
def person_alive(q: Question, f: Facts, out: Outcome) -> None:
    """Refused when the person died on or before the peildatum (for an incomplete date: when even its latest
    possible day is); certainly after it: only a signal; a date that may lie either side:
    OVERLIJDENSDATUM_ONVOLLEDIG (never a guess)."""
    p = f.person
    if p is None or not p.overleden:
        return
    earliest, latest = _death_range(p, f.vandaag)
    nl, en = _death_text(p)
    if latest <= q.peildatum:  # as for an exact date: on the day of death itself the person is refused
        out.refuse("OVERLEDEN", datum_nl=f" {nl}" if nl else "", datum_en=f" {en}" if en else "")
    elif earliest is not None and earliest > q.peildatum:
        out.signal("OVERLEDEN_NA_PEILDATUM", datum_nl=nl, datum_en=en)
    else:
        out.refuse("OVERLIJDENSDATUM_ONVOLLEDIG", datum=nl.removeprefix("in ") or "datum onbekend")


@eligibility_rule("PERSOONSLIJST_OPGESCHORT")
def record_kept(q: Question, f: Facts, out: Outcome) -> None:
    """A suspended record (opschortingBijhouding M ministerieel besluit, F fout, '.' onbekend, or a code this
    service does not know) is not used: refused. O (death), E (emigration) and R (RNI) are read by the death
    and woonplaats rules."""
    p = f.person
    if p is None or record_usable(p):
        return
    reden = p.opschorting_reden or "?"
    nl, en = OPSCHORTING.get(reden, ("onbekende reden", "unknown reason"))
    when_nl = f", sinds {nl_date(p.opschorting_datum)}" if p.opschorting_datum else ""
    when_en = f", since {p.opschorting_datum.isoformat()}" if p.opschorting_datum else ""
    out.refuse("PERSOONSLIJST_OPGESCHORT", reden=reden, reden_nl=nl, reden_en=en, datum_nl=when_nl, datum_en=when_en)


# ---- age ------------------------------------------------------------------------------------------------
def _ages(p: Person, day: date) -> tuple[int, int] | None:
    """(lowest, highest) possible age on `day`; None when the birth date is unknown."""
    if p.geboortedatum is not None:
        a = age_on(p.geboortedatum, day)
        return a, a
    if p.geboortedatum_vroegst is None or p.geboortedatum_laatst is None:
        return None
    return age_on(p.geboortedatum_laatst, day), age_on(p.geboortedatum_vroegst, day)


@dataclass(frozen=True)
class Extension:
    """What the request's verlengdeJeugdhulp part does to the age limit."""

    limit: int
    grond: str | None = None  # set only when the extension applies
    why_nl: str = ""
    why_en: str = ""


def _no_extension(base: int, nl: str, en: str) -> Extension:
    return Extension(base, why_nl=f"; {nl}", why_en=f"; {en}")


def _extension(q: Question, f: Facts) -> Extension:
    """The age limit for this question: 18, or the age of a named ground (Jeugdwet art. 1.1 jeugdige 2°-4°)
    when the gemeente allows it. Nothing else extends it: not a rechter's referral, not a free-text reason."""
    rules = f.regels.jeugd
    base = rules.leeftijdsgrens
    if not q.verlenging:
        if q.verwijzer is not None and q.verwijzer.type == "08":
            return _no_extension(base, "een verwijzing door de rechter of OvJ verlengt de leeftijdsgrens niet vanzelf: "
                                       "noem de grond (verlengdeJeugdhulp.grond, bijvoorbeeld adolescentenstrafrecht)",
                                 "a referral by a judge or prosecutor does not extend the age limit by itself: name "
                                 "the ground (verlengdeJeugdhulp.grond, e.g. adolescentenstrafrecht)")
        return Extension(base)
    grond = q.verlenging_grond
    if grond is None:
        return _no_extension(base, "verlengde jeugdhulp vraagt een wettelijke grond (verlengdeJeugdhulp.grond) en die "
                                   "ontbreekt", "extended youth care needs a statutory ground "
                                                "(verlengdeJeugdhulp.grond) and none was given")
    until = rules.verlengingGronden.get(grond)
    if until is None:
        allowed = ", ".join(g for g, age in rules.verlengingGronden.items() if age) or "geen"
        return _no_extension(base, f"grond {grond} is bij gemeente {q.gemeente} geen grond voor verlenging "
                                   f"(wel: {allowed})", f"the ground {grond} is not available in gemeente {q.gemeente}")
    tot = q.verlenging_tot or until
    if tot > until:
        return _no_extension(base, f"verlenging tot {tot} is op grond {grond} niet mogelijk (hoogstens tot {until})",
                             f"extension to {tot} is not possible on the ground {grond} (at most up to {until})")
    return Extension(max(base, tot), grond)


@eligibility_rule("LEEFTIJDSGRENS")
def jeugd_age_limit(q: Question, f: Facts, out: Outcome) -> None:
    """Jeugd: under 18 on the peildatum; beyond only on a ground the request names (verlengdeJeugdhulp.grond:
    adolescentenstrafrecht, pleegzorg to 21, voortzetting/besluitVoor18/hervatting to 23; per gemeente)."""
    p = f.person
    if q.domein != "jeugd" or p is None or not record_usable(p):
        return
    rules = f.regels.jeugd
    ages = _ages(p, q.peildatum)
    if ages is None:
        out.refuse("GEBOORTEDATUM_ONVOLLEDIG")
        return
    low, high = ages
    ext = _extension(q, f)
    limit = ext.limit
    if low < limit <= high:
        out.refuse("GEBOORTEDATUM_ONVOLLEDIG")
        return
    if low >= limit:
        out.refuse("LEEFTIJDSGRENS", leeftijd=low, toelichting_nl=ext.why_nl, toelichting_en=ext.why_en)
        return
    if ext.grond is not None and high >= rules.leeftijdsgrens:
        out.signal("VERLENGDE_JEUGDHULP", grens=limit, grond=ext.grond, lid=GROND_LID[ext.grond])
        if ext.grond == "adolescentenstrafrecht":
            out.signal("JEUGDSTRAFRECHT", grens=limit)
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
    if q.domein != "wmo" or p is None or not record_usable(p):
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


# ---- woonplaatsbeginsel ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class NoWoonadres:
    """Why the BRP gives no usable woonadres in a Dutch gemeente."""

    nl: str
    en: str
    abroad: bool  # Jeugdwet woonplaats 4° (outside the Netherlands) rather than 3°


def _no_woonadres(p: Person) -> NoWoonadres | None:
    """None when the BRP gives a usable woonadres (Jeugdwet art. 1.1 woonplaats 1°)."""
    if p.opschorting_reden == "E":
        since = f", sinds {nl_date(p.opschorting_datum)}" if p.opschorting_datum else ""
        return NoWoonadres(f"geëmigreerd volgens de BRP (opschorting bijhouding E{since})",
                           "emigrated according to the BRP (suspension E)", abroad=True)
    if p.verblijfplaats_type == "VerblijfplaatsBuitenland":
        return NoWoonadres("verblijfplaats in het buitenland", "residence abroad", abroad=True)
    if p.verblijfplaats_type == "VerblijfplaatsOnbekend":
        return NoWoonadres("verblijfplaats onbekend", "whereabouts unknown", abroad=False)
    if p.verblijft_niet_op_adres:
        # woonplaats 3° names this case itself: "een aantekening als bedoeld in artikel 2.26 Wet BRP"
        return NoWoonadres("vastgesteld dat de persoon niet op het geregistreerde adres verblijft (aantekening art. "
                           "2.26 Wet BRP)", "established that the person does not live at the registered address "
                                            "(art. 2.26 Wet BRP)", abroad=False)
    inscribed = p.gemeente_van_inschrijving
    if not inscribed or inscribed == RNI or p.opschorting_reden == "R":
        return NoWoonadres("niet als ingezetene ingeschreven in een Nederlandse gemeente (RNI)",
                           "not registered as a resident of a Dutch gemeente (RNI)", abroad=False)
    return None


def _via_verblijf(q: Question, f: Facts, p: Person, out: Outcome) -> str | None:
    """Jeugdwet woonplaats 2°: a youth in residential care keeps the gemeente of just before the stay."""
    if q.domein != "jeugd" or not f.regels.jeugd.verblijfBepaaltWoonplaats:
        return None
    before = q.gemeente_voor_verblijf or f.verblijf_gemeente or p.gemeente_voor_verblijf
    if before:
        out.signal("VERBLIJF", gemeente=before)
        return before
    if p.in_instelling:
        out.signal("VERBLIJF_GEMEENTE_ONBEKEND")
    return None


def _without_woonadres(q: Question, missing: NoWoonadres, out: Outcome) -> str | None:
    """The responsible gemeente when the BRP gives no usable woonadres; None (with a reason) when the gemeente
    must establish it first."""
    if q.woonplaats_gemeente:
        out.signal("WOONPLAATS_DOOR_GEMEENTE", gemeente=q.woonplaats_gemeente, oorzaak_nl=missing.nl,
                   oorzaak_en=missing.en, grond=WOONPLAATS_GROND.get(q.woonplaats_grond or "", q.woonplaats_grond))
        return q.woonplaats_gemeente
    if q.domein == "jeugd" and missing.abroad:
        # 4°: where the youth actually stays; the BRP cannot tell, so the asking gemeente is held to it, with a signal
        out.signal("WOONPLAATS_BUITENLAND", gemeente=q.gemeente, oorzaak_nl=missing.nl, oorzaak_en=missing.en)
        return q.gemeente
    if q.domein == "jeugd":
        # 3°: the gemeente of the mother at the birth (then: of the actual stay); the BRP fields we ask cannot tell
        out.refuse("WOONPLAATS_VASTSTELLEN", oorzaak_nl=missing.nl, oorzaak_en=missing.en,
                   grond_nl="Volgens de Jeugdwet (art. 1.1, woonplaats 3°) is dan verantwoordelijk de gemeente waar "
                            "de moeder van de jeugdige bij diens geboorte als ingezetene was ingeschreven, of, als "
                            "dat niet vast te stellen is, de gemeente waar de jeugdige werkelijk verblijft op het "
                            "moment van de hulpvraag.",
                   grond_en="Under the Jeugdwet (art. 1.1, woonplaats 3) the gemeente where the mother was registered "
                            "as a resident at the birth is then responsible or, if that cannot be established, the "
                            "gemeente where the young person actually stays at the time of the request.")
        return None
    out.refuse("WOONPLAATS_VASTSTELLEN", oorzaak_nl=missing.nl, oorzaak_en=missing.en,
               grond_nl="Voor de Wmo is de gemeente verantwoordelijk waar de cliënt als ingezetene is ingeschreven; "
                        "de BRP geeft er geen.",
               grond_en="For the Wmo the gemeente where the client is registered as a resident is responsible; the "
                        "BRP gives none.")
    return None


def _address_may_postdate(p: Person, q: Question, today: date) -> bool:
    """Does the BRP's (current) address possibly start after the peildatum? Then the woonplaats on the
    peildatum may have been another gemeente: only the address history can tell."""
    if p.adres_vanaf_bekend is None:  # no datumVan in the answer
        return False
    if not p.adres_vanaf_bekend or p.adres_vanaf_laatst is None:  # DatumOnbekend: only today's address is certain
        return q.peildatum != today
    return p.adres_vanaf_laatst > q.peildatum


def _address_history_signal(p: Person, q: Question, f: Facts, out: Outcome) -> None:
    if not _address_may_postdate(p, q, f.vandaag):
        return
    if p.adres_vanaf_vroegst is None or p.adres_vanaf_laatst is None:
        out.signal("ADRES_NA_PEILDATUM", vanaf_nl="vanaf een onbekende datum", vanaf_en="from an unknown date")
        return
    out.signal("ADRES_NA_PEILDATUM", vanaf_nl=f"vanaf {period_nl(p.adres_vanaf_vroegst, p.adres_vanaf_laatst)}",
               vanaf_en=f"from {period_en(p.adres_vanaf_vroegst, p.adres_vanaf_laatst)}")


@eligibility_rule("WOONPLAATSBEGINSEL")
def responsible_gemeente(q: Question, f: Facts, out: Outcome) -> None:
    """Who pays: Jeugdwet art. 1.1 woonplaats (1° the BRP woonadres; 2° in residential care the gemeente before
    the stay; without a usable woonadres 3° the gemeente must establish it: WOONPLAATS_VASTSTELLEN, abroad 4° the
    asking gemeente with a signal); Wmo: the gemeente of inscription. Another gemeente: WOONPLAATSBEGINSEL
    (jeugd, 8) or ANDERE_GEMEENTE (5)."""
    p = f.person
    if p is None or not record_usable(p):
        return
    missing = _no_woonadres(p)
    inscribed = p.gemeente_van_inschrijving
    abroad = missing is not None and missing.abroad
    out.woongemeente = inscribed if inscribed and inscribed != RNI and not abroad else None
    responsible = _via_verblijf(q, f, p, out)
    via_verblijf = responsible is not None
    if responsible is None and missing is not None:
        responsible = _without_woonadres(q, missing, out)
        if responsible is None:
            return
    elif responsible is None:
        responsible = inscribed
        _address_history_signal(p, q, f, out)
    out.verantwoordelijke_gemeente = responsible
    if responsible == q.gemeente:
        return
    if q.domein == "jeugd":
        out.refuse("WOONPLAATSBEGINSEL", gemeente=responsible,
                   toelichting_nl=" (de woonplaats vóór het verblijf in een instelling)" if via_verblijf else "",
                   toelichting_en=" (the residence before the stay in an institution)" if via_verblijf else "")
    else:
        out.refuse("ANDERE_GEMEENTE", gemeente=responsible)
