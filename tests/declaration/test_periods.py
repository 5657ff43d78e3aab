"""The week arithmetic of TR321/TR322 on the worked examples of IV076 and IV077, figure for figure (the HTTP
tests in test_rules_prestatie.py and test_variants.py show the rules use it)."""
from __future__ import annotations

from datetime import date

import pytest

from services.declaration.domain import Toewijzing
from services.declaration.periods import max_in_period, max_in_toewijzing

UUR, EUROS, PER_WEEK = "04", "83", "2"


def toewijzing(ingang: date, eind: date, volume: int, eenheid: str) -> Toewijzing:
    return Toewijzing(1, "11110001", "999900006", "45", "45A03", ingang, eind, volume, eenheid, PER_WEEK, None,
                      "actief")


@pytest.mark.parametrize(("ingang", "eind", "hours"), [
    (date(2025, 10, 7), date(2025, 12, 30), 39),  # IV077: "week 41 t/m week 52 + 1 = 13 weken … = 39 uur"
    (date(2025, 7, 7), date(2025, 9, 7), 27),  # IV076: "9 weken x 3 uur = 27 uur"
    (date(2026, 4, 1), date(2026, 6, 30), 42),  # week 14 t/m 27: 14 weken (91 days: 13 × 7 would be 39)
])
def test_inspanningsgericht_total_counts_week_numbers(ingang: date, eind: date, hours: int) -> None:
    assert max_in_toewijzing(toewijzing(ingang, eind, 3, UUR), outputgericht=False) == hours * 60


def test_inspanningsgericht_months_of_IV077() -> None:
    t = toewijzing(date(2025, 10, 7), date(2025, 12, 30), 3, UUR)
    months = [(date(2025, 10, 7), date(2025, 10, 31)), (date(2025, 11, 1), date(2025, 11, 30)),
              (date(2025, 12, 1), date(2025, 12, 30))]
    assert [max_in_period(t, b, e, False) // 60 for b, e in months] == [12, 15, 15]  # 4, 5 and 5 weeks


def test_outputgericht_IV077_voorbeeld_2() -> None:
    # 300 euro per week, 07-07-2025 t/m 05-09-2025 (a Friday): July 3 Sundays, August 5 + the broken last week
    t = toewijzing(date(2025, 7, 7), date(2025, 9, 5), 30_000, EUROS)
    months = [(date(2025, 7, 7), date(2025, 7, 31)), (date(2025, 8, 1), date(2025, 8, 31)),
              (date(2025, 9, 1), date(2025, 9, 5))]
    assert [max_in_period(t, b, e, True) for b, e in months] == [90_000, 180_000, 0]
    # over the toewijzing: the Sundays "plus 1" because the Einddatum is no Sunday, the sum of the months
    assert max_in_toewijzing(t, outputgericht=True) == 270_000


def test_outputgericht_ending_on_a_sunday_adds_no_week() -> None:
    t = toewijzing(date(2025, 7, 7), date(2025, 9, 7), 30_000, EUROS)  # IV076 voorbeeld 1: 9 Sundays
    assert max_in_toewijzing(t, outputgericht=True) == 9 * 30_000
