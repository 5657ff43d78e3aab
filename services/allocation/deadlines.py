"""Deadlines of the standard in Dutch working days (werkdagen) and weeks.

    OP090   a retourbericht within 3 werkdagen of receipt (the aanbieder's 302 on our 301, 320 on 319)
    OP274   a 301 or 319 within 5 werkdagen after a 315 (per AangevraagdProduct)
    OP346   a 301 or 319 within 5 werkdagen after a 317
    OP274/OP346  after a 319 'aanvraag in onderzoek': a 301 or a 319 'afgewezen' within 8 weken after the
            dagtekening of the verzoek (not after the 319)
    OP359   a refusal on the woonplaatsbeginsel within 2 weken (the legal term)
    OP271   a 305 within 5 werkdagen after the actual start; for a toewijzing with terugwerkende kracht
            within 5 werkdagen after receipt of the toewijzing (301)
    OP272   a 307 within 5 werkdagen after the actual stop; a definitive stop after a temporary stop within
            5 werkdagen after it became known that delivery stopped for good

What a werkdag is, explicitly (the standard says "werkdagen" and nothing more):

- policy "termijnenwet" (the default): Monday to Friday, except the algemeen erkende feestdagen of the
  Algemene termijnenwet (art. 3): Nieuwjaarsdag, tweede Paasdag, Hemelvaartsdag, tweede Pinksterdag,
  Koningsdag, 5 mei and both Kerstdagen. That law is what Dutch law uses for statutory terms, so
  Goede Vrijdag is a werkdag and 5 mei is a feestdag every year (not only in lustrum years).
- policy "holidays": Monday to Friday, except every public holiday the pinned `holidays` package lists for
  NL. In holidays 0.6x-0.10x that includes Goede Vrijdag, and Bevrijdingsdag only in lustrum years.

Either way the movable feasts come from `holidays` (Easter, Ascension and Whitsun computus, and Koningsdag
moving to 26 April when 27 April is a Sunday), so there is one source for the dates; Goede Vrijdag is
identified by date (two days before Easter Sunday), not by its name, because names and categories have
changed between versions of the package.

A term of n werkdagen after day d ends on the n-th werkdag after d (the day of receipt itself does not
count, as in the Algemene termijnenwet); a term in weeks ends on the same weekday n weeks later.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import holidays

Policy = Literal["termijnenwet", "holidays"]

RETOUR_WERKDAGEN = 3  # OP090
ANTWOORD_VERZOEK_WERKDAGEN = 5  # OP274 / OP346
IN_ONDERZOEK_WEKEN = 8  # OP274 / OP346 after VerzoekAntwoord 2
WOONPLAATSBEGINSEL_WEKEN = 2  # OP359
START_STOP_WERKDAGEN = 5  # OP271 / OP272


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus, Meeus/Jones/Butcher), to recognise Goede Vrijdag by its date."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=256)
def feestdagen(year: int, policy: Policy = "termijnenwet") -> frozenset[date]:
    """The days of `year` that are not werkdagen although they fall on Monday to Friday."""
    listed = set(holidays.NL(years=year).keys())
    if policy == "holidays":
        return frozenset(listed)
    goede_vrijdag = easter(year) - timedelta(days=2)
    days = {d for d in listed if d != goede_vrijdag}
    days.add(date(year, 5, 5))  # Algemene termijnenwet: "de vijfde mei", every year
    return frozenset(days)


class WerkdagKalender:
    """Werkdagen: Monday to Friday minus the feestdagen of the chosen policy (see the module docstring)."""

    def __init__(self, policy: Policy = "termijnenwet"):
        self.policy = policy

    def is_werkdag(self, day: date) -> bool:
        return day.weekday() < 5 and day not in feestdagen(day.year, self.policy)

    def plus_werkdagen(self, day: date, n: int) -> date:
        """The n-th werkdag after `day` (n >= 0; with n = 0, `day` itself or the next werkdag)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        return _plus_werkdagen(self.policy, day, n)

    def werkdagen_tussen(self, start: date, end: date) -> int:
        """Werkdagen after `start` up to and including `end` (0 when end <= start)."""
        return _werkdagen_tussen(self.policy, start, end)


# Cached: the overdue gauge asks for the same few hundred dates thousands of times a minute.
@lru_cache(maxsize=8192)
def _plus_werkdagen(policy: Policy, day: date, n: int) -> date:
    kal = WerkdagKalender(policy)
    current = day
    if n == 0:
        while not kal.is_werkdag(current):
            current += timedelta(days=1)
        return current
    counted = 0
    while counted < n:
        current += timedelta(days=1)
        if kal.is_werkdag(current):
            counted += 1
    return current


@lru_cache(maxsize=8192)
def _werkdagen_tussen(policy: Policy, start: date, end: date) -> int:
    kal = WerkdagKalender(policy)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if kal.is_werkdag(current):
            count += 1
    return count


def plus_weken(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


# ---- the deadlines of the standard -------------------------------------------------------------------
def retour_uiterlijk(kalender: WerkdagKalender, ontvangen: date) -> date:
    """OP090: a retour is due within 3 werkdagen of receiving the message."""
    return kalender.plus_werkdagen(ontvangen, RETOUR_WERKDAGEN)


def antwoord_verzoek_uiterlijk(kalender: WerkdagKalender, ontvangen: date) -> date:
    """OP274 / OP346: a 301 or 319 within 5 werkdagen after the 315 / 317 came in."""
    return kalender.plus_werkdagen(ontvangen, ANTWOORD_VERZOEK_WERKDAGEN)


def in_onderzoek_uiterlijk(dagtekening_verzoek: date) -> date:
    """OP274 / OP346: after 'aanvraag in onderzoek' the final answer follows "uiterlijk binnen acht weken na
    dagtekening van het verzoek": the 8 weeks run from the 315/317, not from the 319 that said so."""
    return plus_weken(dagtekening_verzoek, IN_ONDERZOEK_WEKEN)


def woonplaatsbeginsel_uiterlijk(ontvangen: date) -> date:
    """OP359: a refusal on the woonplaatsbeginsel within the legal 2 weeks."""
    return plus_weken(ontvangen, WOONPLAATSBEGINSEL_WEKEN)


def start_stop_uiterlijk(kalender: WerkdagKalender, daadwerkelijk: date) -> date:
    """OP271 / OP272: a 305 / 307 within 5 werkdagen after the actual start / stop."""
    return kalender.plus_werkdagen(daadwerkelijk, START_STOP_WERKDAGEN)


def start_uiterlijk(kalender: WerkdagKalender, begindatum: date, toewijzing_ontvangen: date) -> date:
    """OP271: 5 werkdagen after the actual start. With terugwerkende kracht (the care started before the 301
    that assigned it was received) the 5 werkdagen run from receipt of that 301 instead."""
    return start_stop_uiterlijk(kalender, max(begindatum, toewijzing_ontvangen))


def stop_uiterlijk(kalender: WerkdagKalender, einddatum: date, *, na_tijdelijke_stop: bool,
                   toewijzing_einddatum: date | None) -> date | None:
    """OP272: 5 werkdagen after the actual stop (Einddatum).

    A definitive stop after a temporary stop (RedenBeeindiging 20) is due 5 werkdagen after it became known
    that delivery stopped for good; no message carries that moment, so its Einddatum (often the temporary
    stop's) says nothing. It was known at the latest when the toewijzing ended: that bounds the term. An
    open-ended toewijzing gives no bound: None (the term cannot be established)."""
    if not na_tijdelijke_stop:
        return start_stop_uiterlijk(kalender, einddatum)
    if toewijzing_einddatum is None:
        return None
    return start_stop_uiterlijk(kalender, max(einddatum, toewijzing_einddatum))


def termijn_status(uiterlijk: date, peildatum: date, kalender: WerkdagKalender, binnenkort_werkdagen: int) -> str:
    """verlopen (past its last day), binnenkort (within `binnenkort_werkdagen` werkdagen) or open."""
    if peildatum > uiterlijk:
        return "verlopen"
    if kalender.werkdagen_tussen(peildatum, uiterlijk) <= binnenkort_werkdagen:
        return "binnenkort"
    return "open"
