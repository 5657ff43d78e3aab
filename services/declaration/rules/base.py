"""Registration helpers and the context the declaratie rules read.

Every rule is one small function registered in the kernel's registry (code, retourcode, level, class), so
`berichten rules` lists it and `grep -r TR321` finds it next to its test. Prestatie rules come in two
phases, because some of them depend on what was approved before them:

- static: judge one prestatie against the toewijzing and the contract (TR338, TR307, TR418, ...);
- cumulative: run in processing order (credits first, then debets: OP366) against what earlier
  declaraties and earlier prestaties of this batch used up (TR321/TR322/TR369, debet/credit pairing).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.common.rules import rule

from ..contracts import ContractTerms
from ..domain import DeclaratieIn, EarlierPrestatie, PrestatieIn, Toewijzing

MESSAGES = ("323",)  # JW323 and WMO323: the iWmo rules for the declaratie are the same (sources/wmo)

RuleFunc = Callable[[Any, "JudgeContext"], "bool | str | None"]


@dataclass(frozen=True)
class PrestatieRule:
    code: str
    retourcode: str
    func: RuleFunc
    only: str | None = None  # "debet" / "credit": the rule concerns only that kind of prestatie


PRESTATIE_STATIC: list[PrestatieRule] = []
PRESTATIE_CUMULATIVE: list[PrestatieRule] = []


def prestatie_rule(code: str, *, retourcode: str, cumulative: bool = False, only: str | None = None,
                   summary: str = "") -> Callable[[RuleFunc], RuleFunc]:
    """Register a Prestatie-class rule (level "klasse": the code goes on the rejected prestatie).

    `only="debet"` / `only="credit"`: the engine runs the rule only for that kind of prestatie; the function
    itself still checks. Debet-only are the rules a credit cannot fail on its content: it only gives money back
    (volume and budget rules), and it is identical to a debet the gemeente approved (IV091), which IV085 says
    the gemeente cannot refuse again (rules that compare with the toewijzing or the contract as they are now)."""

    def decorate(func: RuleFunc) -> RuleFunc:
        func = rule(code, retourcode=retourcode, applies_to="Prestatie", messages=MESSAGES, level="klasse",
                    summary=summary)(func)
        (PRESTATIE_CUMULATIVE if cumulative else PRESTATIE_STATIC).append(
            PrestatieRule(code, retourcode, func, only))
        return func

    return decorate


def rules_for_kind(rules: list[PrestatieRule], kind: str) -> list[tuple[RuleFunc, str, str]]:
    """(function, code, retourcode) of the rules that concern a debet or a credit prestatie."""
    return [(r.func, r.code, r.retourcode) for r in rules if r.only in (None, kind)]


@dataclass
class JudgeContext:
    """Everything the rules need, loaded set-based before any rule runs (no query per prestatie)."""

    decl: DeclaratieIn
    terms: ContractTerms
    today: date
    toewijzingen: dict[int, Toewijzing] = field(default_factory=dict)
    # clients (BSN) that have at least one toewijzing of this gemeente with this aanbieder (TR304)
    known_clients: set[str] = field(default_factory=set)
    # earlier prestaties of this aanbieder in this domein by ReferentieNummer, to any gemeente (TR314); TR323 and
    # TR390 only pair a credit with one declared to this declaratie's gemeente
    earlier_refs: dict[str, EarlierPrestatie] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)  # ReferentieNummers claimed earlier in this batch
    # approved, not credited debets by (toewijzing, categorie, code, begin, eind) (TR389)
    open_debets: dict[tuple[int, str, str, date, date], EarlierPrestatie | PrestatieIn] = field(default_factory=dict)
    credited: set[str] = field(default_factory=set)  # debet refs credited earlier in this batch (TR390)
    used_volume: dict[int, int] = field(default_factory=dict)  # per toewijzing, normalised units (TR322)
    used_amount: dict[int, int] = field(default_factory=dict)  # per toewijzing, eurocent (TR369, OP263)
    # what this batch's approved prestaties add to used_volume / used_amount per toewijzing (store.add_usage)
    usage_added: dict[int, tuple[int, int]] = field(default_factory=dict)
    usage_rows: set[int] = field(default_factory=set)  # toewijzingen that had a verbruik row when loaded
    last_periode_begin: date | None = None  # previous DeclaratiePeriode of this aanbieder × gemeente (TR318)
    nummer_taken: bool = False  # DeclaratieNummer already used by this aanbieder in this domein (TR333)

    def variant(self, p: PrestatieIn) -> str | None:
        return p.line.uitvoeringsvariant if p.line is not None else None


__all__ = [
    "MESSAGES",
    "PRESTATIE_CUMULATIVE",
    "PRESTATIE_STATIC",
    "JudgeContext",
    "PrestatieRule",
    "prestatie_rule",
    "rule",
]
