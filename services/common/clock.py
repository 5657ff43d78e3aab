"""The platform's notion of "today": the Dutch calendar date, whatever the clock of the host.

Message dates (Dagtekening, Toewijzingsdatum, ProductPeriode...) are Dutch local dates without a zone. The
containers run in UTC, so `date.today()` is yesterday's date between midnight and 01:00/02:00 Dutch time: a
message sent then with today's Dagtekening would look like one from the future (TR135), and a 301's
Toewijzingsdatum (local time) would lie after its own Dagtekening (TR134). Every "today" goes through here.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

NL = ZoneInfo("Europe/Amsterdam")  # the tzdata package guarantees the database in slim containers


def now_nl() -> datetime:
    """Dutch local time without a zone (LDT_Datum, LDT_Tijd in the messages)."""
    return datetime.now(NL).replace(tzinfo=None)


def today_nl() -> date:
    return datetime.now(NL).date()
