"""Referral rules: which TypeVerwijzer may refer, name/code conditions, validity, external-referral signal.

Without a verwijzer no referral rule can be judged. A Jeugd check about an aanbieder then gets the signal
VERWIJZER_ONTBREEKT, not a refusal: a JW315 always carries a Verwijzer (the allocation service passes it),
but a toewijzing the gemeente decides itself, and a change to an existing toewijzing, carry none; refusing
those would block the gemeente's own decisions. The signal names the choice.
"""
from __future__ import annotations

from datetime import timedelta

from ..codes import EXTERNE_VERWIJZERS
from ..reasons import VERWIJZER_NAMEN
from .base import Facts, Outcome, Question, eligibility_rule, nl_date

NEEDS_IDENTITY = frozenset({"02", "03", "04", "05"})  # CD066/CD067: a name or a ZorgverlenerCode, not both


def _invalid(out: Outcome, nl: str, en: str) -> None:
    if any(r["code"] == "VERWIJZER_ONGELDIG" for r in out.redenen):
        # one reason per code; a second defect is added to its text
        for r in out.redenen:
            if r["code"] == "VERWIJZER_ONGELDIG":
                r["omschrijving"] = r["omschrijving"].rstrip(".") + f"; {nl}."
                r["description"] = r["description"].rstrip(".") + f"; {en}."
        return
    out.refuse("VERWIJZER_ONGELDIG", toelichting_nl=nl, toelichting_en=en)


@eligibility_rule("VERWIJZER_ONGELDIG")
def referral_valid(q: Question, f: Facts, out: Outcome) -> None:
    """The referrer type must be a route of this domain at this gemeente; 02-05 need a name or an AGB code
    (CD067) but not both (CD066), other types carry no ZorgverlenerCode (CD068); the referral date is not after
    the peildatum. Jeugd without a verwijzer: the signal VERWIJZER_ONTBREEKT."""
    v = q.verwijzer
    if v is None:
        if q.domein == "jeugd" and q.aanbieder is not None:
            out.signal("VERWIJZER_ONTBREEKT")
        return
    allowed = f.regels.verwijzing.toegestaneTypen.get(q.domein, ())
    if v.type not in allowed:
        _invalid(out, f"TypeVerwijzer {v.type} ({VERWIJZER_NAMEN[v.type][0]}) is bij gemeente {q.gemeente} "
                      f"geen verwijsroute voor {q.domein}",
                 f"TypeVerwijzer {v.type} ({VERWIJZER_NAMEN[v.type][1]}) is not a referral route for {q.domein} "
                 f"in gemeente {q.gemeente}")
    if v.type in NEEDS_IDENTITY and not (v.naam or v.zorgverlener_code):
        _invalid(out, "bij deze verwijzer is de naam of de ZorgverlenerCode (AGB) verplicht (CD067)",
                 "this referrer needs a name or a ZorgverlenerCode (AGB) (CD067)")
    if v.type in NEEDS_IDENTITY and v.naam and v.zorgverlener_code:
        _invalid(out, f"bij TypeVerwijzer {v.type} met een ZorgverlenerCode blijft de naam van de verwijzer leeg "
                      "(CD066)", f"TypeVerwijzer {v.type} with a ZorgverlenerCode carries no referrer name (CD066)")
    if v.type not in NEEDS_IDENTITY and v.zorgverlener_code:
        _invalid(out, f"bij TypeVerwijzer {v.type} hoort geen ZorgverlenerCode (CD068)",
                 f"TypeVerwijzer {v.type} carries no ZorgverlenerCode (CD068)")
    if v.datum is not None and v.datum > q.peildatum:
        _invalid(out, "de verwijsdatum ligt na de peildatum", "the referral date lies after the peildatum")


@eligibility_rule("VERWIJZING_VERLOPEN")
def referral_not_expired(q: Question, f: Facts, out: Outcome) -> None:
    """A referral type with a configured validity (huisarts: geldigheidDagen) is valid up to and including
    referral date + N days; without a referral date its validity cannot be judged."""
    v = q.verwijzer
    if v is None:
        return
    days = f.regels.verwijzing.geldigheidDagen.get(v.type)
    if days is None:
        return
    if v.datum is None:
        _invalid(out, f"de verwijsdatum ontbreekt; die is nodig om de geldigheid ({days} dagen) te bepalen",
                 f"the referral date is missing; it is needed to judge its validity ({days} days)")
        return
    last_day = v.datum + timedelta(days=days)
    if q.peildatum > last_day:
        out.refuse("VERWIJZING_VERLOPEN", datum=nl_date(v.datum), geldig_tot=nl_date(last_day), dagen=days)


@eligibility_rule("EXTERNE_VERWIJZING")
def external_referral_signal(q: Question, f: Facts, out: Outcome) -> None:
    """A referral not by the gemeente: signal that the gemeente must be informed; a GI refers but never pays."""
    v = q.verwijzer
    if v is None:
        return
    if v.type in EXTERNE_VERWIJZERS and f.regels.verwijzing.externeVerwijzingMelden:
        nl, en = VERWIJZER_NAMEN[v.type]
        out.signal("EXTERNE_VERWIJZING", verwijzer=nl, verwijzer_en=en)
    if v.type == "04":
        out.signal("GI_VERWIJZING", gemeente=out.verantwoordelijke_gemeente or q.gemeente)
