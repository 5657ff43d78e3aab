"""Taakgericht: no toewijzing and no declaratie per client ("geen declaratie via het berichtenverkeer",
procesbeschrijving iJw §5.2). A 323 line for a product the contract has as taakgericht is refused; the
lump sum or budget of the contract is paid through the payment schedule (payments.betaalschema).

The standard has no retourcode of its own for this; 0611 (tariff differs from the contractual tariff) is
the true one: the contract has no client-level tariff for the product. The stored prestatie records rule
OP261 so the gemeente and the aanbieder see the reason in GET /v1/declaraties/{id}/prestaties.
"""
from __future__ import annotations

from ..domain import PrestatieIn
from ..rules.base import JudgeContext, prestatie_rule


@prestatie_rule("OP261", retourcode="0611", only="debet",
                summary="Het product is taakgericht gecontracteerd: geen declaratie per client; betaling via het "
                        "betaalschema (lumpsum of budget).")
def not_taakgericht(p: PrestatieIn, ctx: JudgeContext) -> bool:
    # debet only: a contract that turned taakgericht after a debet was approved still lets the aanbieder credit
    # it (IV085: a credit is not refused on its content)
    return p.line is None or p.dc == "C" or p.line.uitvoeringsvariant != "taakgericht"
