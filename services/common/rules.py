"""Rules of the standard as named units: one function per rule, registered with its code.

    @rule("TR321", retourcode="9321", applies_to="Prestatie", messages={"323"})
    def volume_within_omvang(p: Prestatie, ctx: DeclaratieContext) -> bool: ...

A rule returns True when the subject passes, False when it fails (the rule's retourcode applies), or a
string to give a more specific retourcode. `grep -r TR321` finds the rule, its test and its entry in the
generated rule list (`berichten rules`).

Levels follow IV028/IV087:
- "bericht": a check inside the message (the standard's XSLT level): any failure rejects the whole
  message with 0001 and a header-only retour;
- "header": a header check against other messages (TR056): header-only retour with the rule's code;
- "klasse": a check on a class (Client, StartProduct, Prestatie, ...): the code goes on that class.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

Level = Literal["bericht", "header", "klasse"]


@dataclass(frozen=True)
class Rule:
    code: str
    retourcode: str
    applies_to: str
    messages: frozenset[str]  # message numbers ("305") or codes ("JW305")
    level: Level
    func: Callable[[Any, Any], bool | str | None]
    summary: str
    order: int

    def applies(self, message_code: str, number: str) -> bool:
        return message_code in self.messages or number in self.messages


@dataclass(frozen=True)
class Failure:
    rule: str
    retourcode: str
    applies_to: str
    level: Level
    subject: Any = field(compare=False, repr=False)

    def public(self) -> dict[str, str]:
        """What may be shown and logged: codes only, never the subject (it holds personal data)."""
        return {"regel": self.rule, "retourcode": self.retourcode, "klasse": self.applies_to}


REGISTRY: dict[str, list[Rule]] = {}
_counter = 0


def rule(
    code: str,
    *,
    retourcode: str,
    applies_to: str,
    messages: Iterable[str],
    level: Level = "klasse",
    summary: str = "",
) -> Callable[[Callable[[Any, Any], bool | str | None]], Callable[[Any, Any], bool | str | None]]:
    def decorate(func: Callable[[Any, Any], bool | str | None]) -> Callable[[Any, Any], bool | str | None]:
        global _counter
        _counter += 1
        doc = summary or ((func.__doc__ or "").strip().splitlines() or [""])[0]
        REGISTRY.setdefault(code, []).append(
            Rule(code=code, retourcode=retourcode, applies_to=applies_to, messages=frozenset(messages),
                 level=level, func=func, summary=doc, order=_counter)
        )
        func.rule_code = code  # type: ignore[attr-defined]
        _rules_for.cache_clear()
        return func

    return decorate


def rules_for(message_code: str, number: str, level: Level | None = None) -> list[Rule]:
    return list(_rules_for(message_code, number, level))


@lru_cache(maxsize=256)
def _rules_for(message_code: str, number: str, level: Level | None) -> tuple[Rule, ...]:
    # cached: the registry only changes at import time, and this runs for every message
    found = [r for rs in REGISTRY.values() for r in rs if r.applies(message_code, number)]
    if level:
        found = [r for r in found if r.level == level]
    return tuple(sorted(found, key=lambda r: r.order))


@dataclass
class Outcome:
    failures: list[Failure] = field(default_factory=list)

    @property
    def technical(self) -> list[Failure]:
        return [f for f in self.failures if f.level == "bericht"]

    @property
    def header(self) -> list[Failure]:
        return [f for f in self.failures if f.level == "header"]

    @property
    def klasse(self) -> list[Failure]:
        return [f for f in self.failures if f.level == "klasse"]

    def codes_by_subject(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for f in self.klasse:
            out.setdefault(id(f.subject), []).append(f.retourcode)
        return out

    def codes_for(self, subject: Any) -> list[str]:
        return [f.retourcode for f in self.klasse if f.subject is subject]

    def public(self) -> list[dict[str, str]]:
        return [f.public() for f in self.failures]

    @property
    def ok(self) -> bool:
        return not self.failures


def run_rules(
    message_code: str,
    number: str,
    subjects: Mapping[str, Iterable[Any]],
    ctx: Any,
    *,
    levels: Iterable[Level] = ("bericht", "header", "klasse"),
    outcome: Outcome | None = None,
) -> Outcome:
    """Run every registered rule for this message on its subjects (keyed by class name).

    Stops after a level that failed: a message rejected at the XSLT level is not judged further.
    """
    outcome = outcome or Outcome()
    for level in levels:
        before = len(outcome.failures)
        for r in _rules_for(message_code, number, level):
            for subject in subjects.get(r.applies_to, ()):
                result = r.func(subject, ctx)
                if result is True or result is None:
                    continue
                code = result if isinstance(result, str) else r.retourcode
                outcome.failures.append(Failure(r.code, code, r.applies_to, r.level, subject))
        if len(outcome.failures) > before and level in ("bericht", "header"):
            break
    return outcome


def rule_table() -> list[dict[str, str]]:
    """Every implemented rule, for the README and `berichten rules`."""
    rows = []
    for code in sorted(REGISTRY):
        for r in REGISTRY[code]:
            rows.append({"regel": r.code, "retourcode": r.retourcode, "niveau": r.level,
                         "klasse": r.applies_to, "berichten": ",".join(sorted(r.messages)),
                         "omschrijving": r.summary})
    return rows
