"""The pieces every eligibility rule works with: the question, the facts, the outcome, the registry.

Each rule is one small pure function registered with its name; `evaluate` runs them in order. A rule
adds reasons (the answer becomes "no") and signals (the caller should know this) to the Outcome.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..brp.client import Person
from ..config import Regels
from ..contracts.service import ContractLine, PairFacts
from ..reasons import primary_reason, reason, signal


@dataclass(frozen=True)
class Verwijzing:
    type: str
    naam: str | None = None
    zorgverlener_code: str | None = None
    datum: date | None = None


@dataclass(frozen=True)
class Question:
    """One check as asked (already validated: the BSN passed the elfproef)."""

    bsn: str = field(repr=False)
    peildatum: date
    gemeente: str
    domein: str
    aanbieder: str | None = None
    categorie: str | None = None
    code: str | None = None
    verwijzer: Verwijzing | None = None
    verlenging: bool = False  # the request has a verlengdeJeugdhulp part
    verlenging_grond: str | None = None
    verlenging_tot: int | None = None
    einddatum: date | None = None
    gemeente_voor_verblijf: str | None = None  # carried by the request
    # the woonplaats as the gemeente established it (used only when the BRP gives no usable woonadres)
    woonplaats_gemeente: str | None = None
    woonplaats_grond: str | None = None


@dataclass(frozen=True)
class Facts:
    person: Person | None
    regels: Regels
    vandaag: date  # the BRP's data is today's: a death it records happened on or before this day
    verblijf_gemeente: str | None = None  # from the verblijf register (or the request)
    contract: PairFacts | None = None


@dataclass
class Outcome:
    redenen: list[dict[str, Any]] = field(default_factory=list)
    signalen: list[dict[str, Any]] = field(default_factory=list)
    verantwoordelijke_gemeente: str | None = None
    woongemeente: str | None = None  # where the person is inscribed (service area)
    line: ContractLine | None = None
    uitvoeringsvariant: str | None = None

    def refuse(self, code: str, **params: Any) -> None:
        if not any(r["code"] == code for r in self.redenen):
            self.redenen.append(reason(code, **params))

    def signal(self, code: str, **params: Any) -> None:
        if not any(s["code"] == code for s in self.signalen):
            self.signalen.append(signal(code, **params))

    @property
    def toegestaan(self) -> bool:
        return not self.redenen

    def codes(self) -> list[str]:
        return [r["code"] for r in self.redenen]

    def afwijzing(self) -> dict[str, Any] | None:
        """The one RedenAfwijzingVerzoek a 319 carries; see reasons.primary_reason."""
        return primary_reason(self.redenen)


RuleFunc = Callable[[Question, Facts, Outcome], None]


@dataclass(frozen=True)
class EligibilityRule:
    name: str
    func: RuleFunc
    summary: str


RULES: list[EligibilityRule] = []


def eligibility_rule(name: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule; `name` is what `grep` finds in rule, test and docs."""

    def decorate(func: RuleFunc) -> RuleFunc:
        summary = ((func.__doc__ or "").strip().splitlines() or [""])[0]
        RULES.append(EligibilityRule(name, func, summary))
        return func

    return decorate


# ---- dates ------------------------------------------------------------------------------------------
def age_on(birth: date, day: date) -> int:
    """Completed years. Born on 29 February: a year older on 1 March in a non-leap year."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def day_of_age(birth: date, years: int) -> date:
    """The day the person reaches `years`."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a non-leap year
        return date(birth.year + years, 3, 1)


def nl_date(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def day_before(day: date) -> date:
    return day - timedelta(days=1)
