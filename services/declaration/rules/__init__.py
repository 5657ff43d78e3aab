"""Every rule of the standard the declaration service checks on a 323 (JW323 and WMO323), one function each.

Import order is evaluation order within a phase: the codes on a rejected prestatie appear in this order.
"""
from ..variants import (  # noqa: F401
    inspanning,
    output,
    taak,
)
from . import (  # noqa: F401  # noqa: F401
    bericht,
    client,
    correcties,
    declaratie,
    omvang,
    prestatie,
)
from .base import PRESTATIE_CUMULATIVE, PRESTATIE_STATIC, JudgeContext  # noqa: F401
from .client import CLIENT_RULES  # noqa: F401
from .declaratie import DECLARATIE_RULES  # noqa: F401
