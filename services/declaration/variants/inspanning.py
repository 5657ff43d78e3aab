"""Inspanningsgericht (OP262): a tariff per time unit (or per stuk for eenheid 84), P × Q within the
toewijzing. The generic rules carry it: TR418 (tariff = contract tariff, an hourly contract tariff declared
in minutes becomes a per-minute tariff, IV081), TR346 (amount = volume × tariff, minutes: uurtarief ×
minuten / 60), TR321/TR322 (volume within the Omvang, weeks counted by IV076's delivery-date method).
"""
from __future__ import annotations


def per_minute(hourly: int) -> int:
    """IV081: an hourly tariff as a per-minute tariff, rounded half up to whole eurocents (1,455 → 1,46)."""
    return (2 * hourly + 60) // 120


def minutes_amount(hourly: int, minutes: int) -> int:
    """IV081/TR346: (uurtarief × minuten) / 60, rounded half up to whole eurocents."""
    return (2 * hourly * minutes + 60) // 120
