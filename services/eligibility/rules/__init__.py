"""Eligibility rules: one named function per rule (grep the name: rule, test and docs).

Order matters only for the texts: person rules first (they decide the responsible gemeente, which the
referral signals name), then referral, then contract.
"""
from __future__ import annotations

# isort: off
from . import persoon  # noqa: F401  (registers; person rules set the responsible gemeente and woongemeente)
from . import verwijzing  # noqa: F401  (registers; its signals name the responsible gemeente)
from . import contract  # noqa: F401  (registers; the werkgebied rule uses the woongemeente)
# isort: on
from .base import RULES, Facts, Outcome, Question, Verwijzing, age_on, day_of_age

__all__ = ["RULES", "Facts", "Outcome", "Question", "Verwijzing", "age_on", "day_of_age", "evaluate", "rule_table"]


def evaluate(q: Question, f: Facts) -> Outcome:
    out = Outcome()
    for r in RULES:
        r.func(q, f, out)
    return out


def rule_table() -> list[dict[str, str]]:
    return [{"regel": r.name, "omschrijving": r.summary} for r in RULES]
