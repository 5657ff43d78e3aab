"""Per-process helpers of the allocation service kept on the kernel's ServiceContext."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from services.common.clock import today_nl

from .deadlines import WerkdagKalender
from .eligibility import EligibilityGateway

if TYPE_CHECKING:
    from services.common.app import ServiceContext

    from .settings import AllocationSettings

DOMEIN = {"ijw": "jeugd", "iwmo": "wmo"}
STANDAARD = {"jeugd": "ijw", "wmo": "iwmo"}
PREFIX = {"jeugd": "JW", "wmo": "WMO"}


def settings(ctx: ServiceContext) -> AllocationSettings:
    return ctx.settings  # type: ignore[return-value]


def gateway(ctx: ServiceContext) -> EligibilityGateway:
    gw = ctx.extras.get("eligibility")
    if gw is None:
        gw = ctx.extras["eligibility"] = EligibilityGateway(ctx, getattr(ctx.settings, "contract_cache_seconds", 60.0))
    return gw  # type: ignore[no-any-return]


def kalender(ctx: ServiceContext) -> WerkdagKalender:
    kal = ctx.extras.get("kalender")
    if kal is None:
        kal = ctx.extras["kalender"] = WerkdagKalender(getattr(ctx.settings, "werkdagen_beleid", "termijnenwet"))
    return kal  # type: ignore[no-any-return]


def vandaag() -> date:
    return today_nl()
