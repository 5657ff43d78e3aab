"""Calendar arithmetic for declaraties: months, weeks (IV076) and the volume an Omvang allows in a period.

Volumes are compared in "normalised" units (see domain.volume_norm): minutes for uren/minuten, the volume
itself for every other eenheid, so an uur-toewijzing declared in minuten (TR341) needs no special case.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

from .domain import Toewijzing, volume_norm

PER_DAG, PER_WEEK, PER_MAAND, TOTAAL = "1", "2", "4", "6"


# A declaratie has thousands of prestaties over a handful of dates: the pure date functions are cached.
@lru_cache(maxsize=4096)
def month_first(day: date) -> date:
    return day.replace(day=1)


@lru_cache(maxsize=4096)
def month_last(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def same_month(a: date, b: date) -> bool:
    return a.year == b.year and a.month == b.month


def is_whole_month(begin: date, end: date) -> bool:
    return begin.day == 1 and same_month(begin, end) and end == month_last(begin)


def next_month_first(day: date) -> date:
    return month_last(day) + timedelta(days=1)


def productperiode_begin(day: date, ingangsdatum: date) -> date:
    """TR387: the Begindatum of the ProductPeriode of the month of `day`: the 1st, "tenzij de Ingangsdatum van
    de toewijzing later in de betreffende maand ligt. In dat geval is de Begindatum van de ProductPeriode gelijk
    aan de Begindatum van de toewijzing" (so the 1st is then wrong, not merely the Ingangsdatum allowed)."""
    first = month_first(day)
    return ingangsdatum if first < ingangsdatum <= month_last(first) else first


def productperiode_end(day: date, einddatum: date | None) -> date:
    """TR388: the Einddatum of the ProductPeriode of the month of `day`: the last day, unless the toewijzing's
    Einddatum lies earlier in that month, then that Einddatum (an open-ended toewijzing: the last day)."""
    last = month_last(day)
    return einddatum if einddatum is not None and month_first(last) <= einddatum < last else last


def days_inclusive(begin: date, end: date) -> int:
    return (end - begin).days + 1


def months_touched(begin: date, end: date) -> int:
    return (end.year - begin.year) * 12 + end.month - begin.month + 1


@lru_cache(maxsize=4096)
def weeks_touching(begin: date, end: date) -> int:
    """Calendar weeks (Monday-Sunday) that overlap [begin, end]: IV076's inspanningsgericht method
    (August 2025 touches 5 weeks; 1-7 September 2025 one)."""
    monday = begin - timedelta(days=begin.weekday())
    return (end - monday).days // 7 + 1


@lru_cache(maxsize=4096)
def sundays(begin: date, end: date) -> int:
    first_sunday = begin + timedelta(days=(6 - begin.weekday()) % 7)
    if first_sunday > end:
        return 0
    return (end - first_sunday).days // 7 + 1


def output_weeks(begin: date, end: date, t: Toewijzing) -> int:
    """IV076's outputgericht method: the weeks whose Sunday falls in the product period; the last broken
    week of a toewijzing that does not end on a Sunday belongs to the period of its last Sunday."""
    weeks = sundays(begin, end)
    if t.einddatum is not None and t.einddatum.weekday() != 6:
        last_sunday = t.einddatum - timedelta(days=t.einddatum.weekday() + 1)
        if begin <= last_sunday <= end and last_sunday >= t.ingangsdatum:
            weeks += 1
        elif last_sunday < t.ingangsdatum and begin <= t.einddatum <= end:
            weeks += 1  # a toewijzing shorter than a week that holds no Sunday at all
    return weeks


def omvang_norm(t: Toewijzing) -> int | None:
    if t.volume is None or t.eenheid is None:
        return None
    return volume_norm(t.volume, t.eenheid)


def max_in_period(t: Toewijzing, begin: date, end: date, outputgericht: bool) -> int | None:
    """The most a prestatie over [begin, end] may hold under the toewijzing's Omvang (TR321), or None
    when the toewijzing has no Omvang (TR321 then does not apply)."""
    volume = omvang_norm(t)
    if volume is None:
        return None
    freq = t.frequentie
    if freq == PER_DAG:
        return volume * days_inclusive(begin, end)
    if freq == PER_WEEK:
        weeks = output_weeks(begin, end, t) if outputgericht else weeks_touching(begin, end)
        return volume * weeks
    if freq in (PER_MAAND, TOTAAL):
        return volume
    return None


def max_in_toewijzing(t: Toewijzing, outputgericht: bool) -> int | None:
    """The most all prestaties of a toewijzing together may hold (TR322); None when unbounded (no Omvang,
    or an open-ended toewijzing with a per-period frequentie)."""
    volume = omvang_norm(t)
    if volume is None:
        return None
    freq = t.frequentie
    if freq == TOTAAL:
        return volume
    if t.einddatum is None:
        return None
    if freq == PER_DAG:
        return volume * days_inclusive(t.ingangsdatum, t.einddatum)
    if freq == PER_WEEK:
        return volume * toewijzing_weeks(t, t.einddatum, outputgericht)
    if freq == PER_MAAND:
        return volume * months_touched(t.ingangsdatum, t.einddatum)
    return None


def toewijzing_weeks(t: Toewijzing, end: date, outputgericht: bool) -> int:
    """The weeks of a toewijzing ending on `end`, counted the way IV077 counts them for each variant, with the
    same week helpers as max_in_period (TR321), so a period and the whole toewijzing never disagree on a week:

    - inspanningsgericht: the (broken) calendar weeks touched, "07-10-2025 t/m 30-12-2025 = week 41 t/m
      week 52 + 1 = 13 weken". Days / 7 rounded up is one week short when the toewijzing starts later in its
      first week than it ends in its last: 01-04-2026 (a Wednesday) t/m 30-06-2026 is 91 days, 13 × 7, but
      touches week 14 t/m 27, 14 weeks;
    - outputgericht: the Sundays, plus 1 when the Einddatum is no Sunday (the broken last week is declared in
      the period of the last Sunday, IV076): exactly the sum of the per-period weeks.
    """
    if outputgericht:
        return output_weeks(t.ingangsdatum, end, t)
    return weeks_touching(t.ingangsdatum, end)


def periode_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_periode(label: str) -> tuple[date, date]:
    year, month = (int(x) for x in label.split("-"))
    first = date(year, month, 1)
    return first, month_last(first)
